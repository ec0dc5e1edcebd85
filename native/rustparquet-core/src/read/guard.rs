//! The decoder guard: every call into the `parquet` crate's decoder runs under
//! `catch_unwind` ([`guarded`]), so a corrupt file ends in an [`Error::Read`] naming the file,
//! never in a panic; and the decoder's messages are stripped of the wrapper prefixes its error
//! layers stack up ([`read_err`]), so the user reads one clean reason.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use crate::error::{Error, Result};

thread_local! {
    static GUARDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether the current thread is inside a decoder guard, where a panic is caught and reported
/// as an [`Error::Read`]. A binary's panic hook can stay quiet then, so that the user reads
/// one error line.
pub fn panic_is_caught() -> bool {
    GUARDS.with(|g| g.get() > 0)
}

/// Runs `f`, turning a panic inside the decoder into an [`Error::Read`] for `path`.
pub(crate) fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    GUARDS.with(|g| g.set(g.get() + 1));
    let caught = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDS.with(|g| g.set(g.get().saturating_sub(1)));
    match caught {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            Err(Error::Read {
                path: path.to_path_buf(),
                reason: format!(
                    "internal error while decoding (corrupt data, or a bug to report): {text}"
                ),
            })
        }
    }
}

pub(super) fn read_err(path: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    let text = e.to_string();
    let reason = clean_message(&text);
    Error::Read {
        path: path.to_path_buf(),
        reason: if what.is_empty() {
            reason.to_string()
        } else {
            format!("{what}: {reason}")
        },
    }
}

/// The decoder's message without the wrapper prefixes its error layers stack up
/// ("Parquet argument error: Parquet error: …").
fn clean_message(mut text: &str) -> &str {
    const PREFIXES: [&str; 5] = [
        "Parquet argument error: ",
        "Parquet error: ",
        "Arrow: ",
        "External: ",
        "Invalid argument error: ",
    ];
    while let Some(p) = PREFIXES.iter().find(|p| text.starts_with(**p)) {
        text = &text[p.len()..];
    }
    text
}

/// A file as the decoder reads it: the `parquet` crate's own `ChunkReader` for a `File`, with
/// one difference: a read at the end of the file is an error instead of 0 bytes. The crate's
/// Thrift reader skips unknown binary fields of a page header with `io::copy`, which stops
/// quietly at the end of the input, so a corrupt header whose list of such fields runs past the
/// end made one read system call per field: a 10 KB file took 37 s to fail (found by fuzzing
/// `cat`).
pub(crate) struct DecoderFile(pub std::fs::File);

impl parquet::file::reader::Length for DecoderFile {
    fn len(&self) -> u64 {
        parquet::file::reader::Length::len(&self.0)
    }
}

impl parquet::file::reader::ChunkReader for DecoderFile {
    type T = EndIsAnError<std::io::BufReader<std::fs::File>>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(EndIsAnError(self.0.get_read(start)?))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

/// A reader whose end is an `UnexpectedEof` error (see [`DecoderFile`]).
pub(crate) struct EndIsAnError<R>(R);

impl<R: std::io::Read> std::io::Read for EndIsAnError<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        if n == 0 && !buf.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file ends inside a page",
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_are_visible_to_a_panic_hook() {
        assert!(!panic_is_caught());
        let inside = guarded(Path::new("x"), || Ok(panic_is_caught())).unwrap();
        assert!(inside);
        assert!(!panic_is_caught());
    }

    #[test]
    fn decoder_messages_lose_their_wrapper_prefixes() {
        assert_eq!(
            clean_message(
                "Parquet argument error: Parquet error: first repetition level of batch must be 0"
            ),
            "first repetition level of batch must be 0"
        );
        assert_eq!(
            clean_message("EOF: Invalid page header"),
            "EOF: Invalid page header"
        );
    }

    #[test]
    fn reading_at_the_end_is_an_error() {
        let mut r = super::EndIsAnError(&b"ab"[..]);
        let mut buf = [0u8; 4];
        assert_eq!(std::io::Read::read(&mut r, &mut buf).unwrap(), 2);
        assert_eq!(
            std::io::Read::read(&mut r, &mut buf).unwrap_err().kind(),
            std::io::ErrorKind::UnexpectedEof
        );
        // `io::copy` stops there instead of going on quietly.
        let mut r = super::EndIsAnError(&b"ab"[..]);
        assert!(std::io::copy(&mut std::io::Read::take(&mut r, 10), &mut std::io::sink()).is_err());
    }
}
