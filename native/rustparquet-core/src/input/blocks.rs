//! Reading one input with one parser, in any layout: bytes are read in blocks (small at first,
//! doubling up to the block size); a document cut by a block's end is parsed again once the
//! next block is in (the buffer grows to hold a document longer than a block, up to the
//! document size limit). A leading UTF-8 byte order mark is skipped.

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::files::Input;
use super::layout::{first_not_whitespace, parse_window, ArrayState, BOM};
use super::policy::BadRecordPolicy;
use super::{too_large, DocumentSink, InputFormat, ReadSettings};
use crate::error::{Error, Location, Result};
use crate::locator::{chars, count_lines, Locator};

/// The first block read of an input ([`read_documents_from`] doubles it from there).
const FIRST_BLOCK_BYTES: usize = 64 << 10;

/// Reads every document of `input` into `sink`, applying `policy` to bad ones. Returns the
/// number of documents the sink took.
pub fn read_documents(
    input: &Input,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<u64> {
    read_documents_from(input, 0, 1, sink, policy, settings)
}

/// [`read_documents`] from byte `offset` of the (decompressed) input, which must be the start
/// of line `line` and lie between two documents: how a parallel run that found a document
/// spanning a chunk's end goes on with one parser where its last whole chunk ended.
pub(crate) fn read_documents_from(
    input: &Input,
    offset: u64,
    line: u64,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<u64> {
    let mut reader = input.open()?;
    if offset > 0 {
        let skipped = std::io::copy(&mut (&mut reader).take(offset), &mut std::io::sink())
            .map_err(|e| Error::Io {
                path: PathBuf::from(&*input.name),
                source: e,
            })?;
        if skipped < offset {
            return Err(Error::Other(format!(
                "internal error: {} became shorter while being read",
                input.name
            )));
        }
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut start = 0usize; // first unconsumed byte
    let mut filled = 0usize;
    let mut eof = false;
    let mut base_line = line;
    // The column the buffer's first byte is at: past 1 when a block ended part-way along a
    // line (a top-level array on one line longer than a block).
    let mut base_column = 1u64;
    // Past the start, there is no byte order mark and the layout is known not to be an array.
    let mut first_block = offset == 0;
    // Whether the layout (documents, or a top-level array of them) is still to be told.
    let mut layout_unknown = first_block && settings.format == InputFormat::Auto;
    let mut array: Option<ArrayState> = match settings.format {
        InputFormat::Array => Some(ArrayState::Start),
        _ => None,
    };
    let mut taken = 0u64;
    // Blocks start small and double up to the block size: a look at the first documents (a
    // sample of 200 or 1,000 before a one-parse attempt) read and zeroed a whole 8 MiB block,
    // 7 ms of each look's 9 on activedata, for the 0.4 to 2 MB it parsed.
    let mut block = settings.block_bytes.min(FIRST_BLOCK_BYTES);
    loop {
        if settings.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Interrupted);
        }
        // Refill: keep the unconsumed tail, read a block (growing the buffer when one
        // document is larger than what is buffered).
        if start > 0 {
            let consumed = &buf[..start];
            base_line += count_lines(consumed);
            base_column = match memchr::memrchr(b'\n', consumed) {
                Some(last) => chars(&consumed[last + 1..]) + 1,
                None => base_column + chars(consumed),
            };
            if let Some(p) = settings.progress {
                p.bytes.fetch_add(start as u64, Ordering::Relaxed);
            }
            buf.copy_within(start..filled, 0);
            filled -= start;
            start = 0;
        }
        if filled > settings.max_document_bytes {
            let at = Location {
                file: input.name.clone(),
                line: base_line,
                column: 1,
            };
            return Err(too_large(at, settings.max_document_bytes));
        }
        // What is left unconsumed is one incomplete document: grow by at least its size, so
        // that a long document is parsed again O(log n) times, not once per block, but never
        // much past the limit.
        let grow = filled.min(settings.max_document_bytes - filled);
        let want = filled + block.max(grow);
        block = (block * 2).min(settings.block_bytes);
        if buf.len() < want {
            buf.resize(want, 0);
        }
        filled = fill(&mut reader, &mut buf, filled, want, &mut eof, &input.name)?;
        if first_block {
            first_block = false;
            if buf[..filled].starts_with(BOM) {
                start = BOM.len();
            }
        }
        if layout_unknown {
            // The layout is told by the first byte that is not whitespace, which may lie
            // past the first block.
            if let Some(b) = first_not_whitespace(&buf[start..filled]) {
                layout_unknown = false;
                if b == b'[' {
                    array = Some(ArrayState::Start);
                }
            } else if !eof {
                // Only whitespace so far: read on before parsing any of it.
                start = filled;
                continue;
            }
        }
        let window = &buf[..filled];
        let locator = Locator::mid_line(&input.name, window, base_line, base_column);
        let locate = |offset: usize| locator.locate(offset);
        let got = parse_window(
            window, start, eof, &mut array, &locate, sink, policy, settings,
        )?;
        taken += got.taken;
        start = got.pos;
        if got.stopped || (eof && !got.need_more) {
            if let Some(p) = settings.progress {
                p.bytes.fetch_add(start as u64, Ordering::Relaxed);
            }
            return Ok(taken);
        }
    }
}

/// Reads into `buf[filled..want]` until it is full or the input ends; returns the new fill.
pub(crate) fn fill(
    reader: &mut dyn Read,
    buf: &mut [u8],
    mut filled: usize,
    want: usize,
    eof: &mut bool,
    name: &Arc<str>,
) -> Result<usize> {
    while filled < want {
        let n = match reader.read(&mut buf[filled..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Io {
                    path: PathBuf::from(&**name),
                    source: e,
                })
            }
        };
        if n == 0 {
            *eof = true;
            break;
        }
        filled += n;
    }
    Ok(filled)
}
