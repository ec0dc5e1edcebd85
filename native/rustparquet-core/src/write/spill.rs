//! The open row group's finished pages, kept on disk instead of in memory until the row group
//! is closed. A column chunk must be contiguous in the file, but the columns' pages are
//! finished interleaved, batch after batch; held in memory they made the peak grow with the
//! row group (activedata: a 32 MB row group was 32 MB of the peak), which kept row groups
//! small. Here every page is appended to one unnamed temporary file (in `TMPDIR`, gone with
//! the process) as it is finished, each column remembers where its pages went, and closing
//! the row group reads one column chunk back at a time into the output. The pages pass
//! through the page cache twice more, which costs little beside encoding them. A page that
//! must come first but is finished last (a dictionary page, final only once the chunk's
//! values are all seen) is put first when it arrives ([`SpilledChunk::put_last_first`]).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Mutex;

use bytes::Bytes;

use crate::error::{Error, Result};

/// The pages of one writer's open row group (shared by its column writers, which append from
/// several threads). The file is made at the first page and emptied at each row group's end.
pub(super) struct Spill {
    file: Mutex<Option<File>>,
}

/// Where one column chunk's pages went, in page order.
#[derive(Debug, Default)]
pub(super) struct SpilledChunk {
    spans: Vec<(u64, usize)>,
    len: usize,
    /// Bytes of the page [`SpilledChunk::put_last_first`] moved to the front (0 if none).
    first_len: usize,
}

impl SpilledChunk {
    /// The chunk's size so far: where its next page starts, counted from the chunk's start.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Makes the page appended last the chunk's first: it is read back before the others.
    /// Once per chunk (there is one dictionary page).
    pub fn put_last_first(&mut self) -> Result<()> {
        let Some(last) = self.spans.pop() else {
            return Err(Error::Other("internal error: no page to put first".into()));
        };
        if self.first_len != 0 {
            return Err(Error::Other(
                "internal error: a second page put first in a column chunk".into(),
            ));
        }
        self.first_len = last.1;
        self.spans.insert(0, last);
        Ok(())
    }

    /// The size of the page put first, 0 if none was.
    pub fn first_len(&self) -> usize {
        self.first_len
    }
}

fn spill_error(source: std::io::Error) -> Error {
    Error::Io {
        path: PathBuf::from(format!(
            "{} (the open row group's pages)",
            std::env::temp_dir().display()
        )),
        source,
    }
}

impl Spill {
    pub fn new() -> Self {
        Spill {
            file: Mutex::new(None),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Option<File>>> {
        // Poisoned only if an append or read panicked, after which the file is not used.
        self.file
            .lock()
            .map_err(|_| Error::Other("internal error: a page spill panicked".into()))
    }

    /// Appends the next page of `chunk`: `write` writes it into the file it is given and says
    /// how many bytes it wrote (so a page goes to disk without a copy in memory first).
    pub fn append<T>(
        &self,
        chunk: &mut SpilledChunk,
        write: impl FnOnce(&mut File) -> Result<(T, usize)>,
    ) -> Result<T> {
        let mut guard = self.lock()?;
        if guard.is_none() {
            *guard = Some(tempfile::tempfile().map_err(spill_error)?);
        }
        let Some(file) = guard.as_mut() else {
            return Err(Error::Other("internal error: no spill file".into()));
        };
        let offset = file.seek(SeekFrom::End(0)).map_err(spill_error)?;
        let (out, len) = write(file)?;
        chunk.spans.push((offset, len));
        chunk.len += len;
        Ok(out)
    }

    /// A column chunk's pages, read back in order.
    pub fn read(&self, chunk: &SpilledChunk) -> Result<Bytes> {
        if chunk.len == 0 {
            return Ok(Bytes::new());
        }
        let mut bytes = vec![0u8; chunk.len];
        let mut guard = self.lock()?;
        let Some(file) = guard.as_mut() else {
            return Err(Error::Other(
                "internal error: pages without a spill file".into(),
            ));
        };
        let mut at = 0;
        for &(offset, len) in &chunk.spans {
            file.seek(SeekFrom::Start(offset)).map_err(spill_error)?;
            file.read_exact(&mut bytes[at..at + len])
                .map_err(spill_error)?;
            at += len;
        }
        Ok(Bytes::from(bytes))
    }

    /// Forgets every page (the row group they belonged to was written).
    pub fn clear(&self) -> Result<()> {
        if let Some(file) = self.lock()?.as_mut() {
            file.set_len(0).map_err(spill_error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(bytes: &'static [u8]) -> impl FnOnce(&mut File) -> Result<((), usize)> {
        move |file| {
            std::io::Write::write_all(file, bytes).map_err(spill_error)?;
            Ok(((), bytes.len()))
        }
    }

    #[test]
    fn chunks_read_back_whole_and_in_order_across_interleaved_appends() -> Result<()> {
        let spill = Spill::new();
        let (mut a, mut b) = (SpilledChunk::default(), SpilledChunk::default());
        spill.append(&mut a, page(b"a1"))?;
        spill.append(&mut b, page(b"b1-"))?;
        spill.append(&mut a, page(b"a2"))?;
        spill.append(&mut b, page(b"b2"))?;
        assert_eq!((a.len(), b.len()), (4, 5));
        assert_eq!(&spill.read(&a)?[..], b"a1a2");
        assert_eq!(&spill.read(&b)?[..], b"b1-b2");
        assert_eq!(&spill.read(&SpilledChunk::default())?[..], b"");

        // A cleared file starts over for the next row group.
        spill.clear()?;
        let mut c = SpilledChunk::default();
        spill.append(&mut c, page(b"c1"))?;
        assert_eq!(&spill.read(&c)?[..], b"c1");
        Ok(())
    }

    #[test]
    fn a_page_put_first_reads_back_before_the_pages_appended_before_it() -> Result<()> {
        let spill = Spill::new();
        let (mut a, mut b) = (SpilledChunk::default(), SpilledChunk::default());
        spill.append(&mut a, page(b"d1"))?;
        spill.append(&mut b, page(b"x"))?;
        spill.append(&mut a, page(b"d2"))?;
        spill.append(&mut a, page(b"DICT"))?;
        a.put_last_first()?;
        spill.append(&mut a, page(b"p3"))?;
        assert_eq!((a.len(), a.first_len(), b.first_len()), (10, 4, 0));
        assert_eq!(&spill.read(&a)?[..], b"DICTd1d2p3");
        assert_eq!(&spill.read(&b)?[..], b"x");
        assert!(a.put_last_first().is_err(), "one page first per chunk");
        assert!(SpilledChunk::default().put_last_first().is_err());
        Ok(())
    }
}
