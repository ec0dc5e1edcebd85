//! Cutting inputs for parallel parsing: each input is cut into chunks of about a given size
//! at line ends, so that in newline-delimited input every chunk holds whole documents and can
//! be parsed on its own. A document that spans a chunk's end shows that the input is not
//! newline-delimited; the caller then redoes the work with one parser ([`super::blocks`]).

use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use super::blocks::fill;
use super::files::{Input, Source};
use super::layout::starts_with_array;
use super::{too_large, InputFormat, ReadSettings};
use crate::error::{Error, Location, Result};
use crate::locator::count_lines;

/// A piece of one input that ends at a line end (or at the input's end), so that in
/// newline-delimited input it holds whole documents and can be parsed on its own.
pub(crate) struct Chunk {
    /// Index of the input it comes from.
    pub input: usize,
    pub data: Vec<u8>,
    /// Where parsing starts (past a byte order mark).
    pub start: usize,
    /// Line number of `data[0]`.
    pub base_line: u64,
    /// Whether the input ends with this chunk.
    pub last: bool,
}

/// Chunk buffers handed back once parsed, for the [`Chunker`] to fill again. A fresh buffer
/// of several MB per chunk is new memory each time: a page fault per 4 KiB page and the page
/// zeroed by the kernel (profiled on `read_json`, activedata: page faults and zeroing about 5%
/// of the run, in both the inference and the conversion pass); a buffer that comes back is
/// already mapped. Only buffers in flight come back (the workers'), and
/// [`SpareBuffers::MOST`] keeps few of them: each kept buffer is memory held for the whole run.
#[derive(Default)]
pub(crate) struct SpareBuffers(Mutex<Vec<Vec<u8>>>);

impl SpareBuffers {
    /// The most spare buffers kept. Measured (`convert`, heterogeneous, peak RSS): 8 kept
    /// 223 MiB, 2 kept 202 MiB, none (before reuse) 208 MiB.
    const MOST: usize = 2;

    /// Keeps `buffer` (emptied) for a later chunk.
    pub fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        if let Ok(mut spares) = self.0.lock() {
            if spares.len() < Self::MOST {
                spares.push(buffer);
            }
        }
    }

    /// A spare buffer (empty), or a new one.
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .ok()
            .and_then(|mut spares| spares.pop())
            .unwrap_or_default()
    }
}

/// Cuts inputs into [`Chunk`]s of about `chunk_bytes`, at line ends.
pub(crate) struct Chunker<'a> {
    inputs: &'a [Input],
    settings: &'a ReadSettings<'a>,
    chunk_bytes: usize,
    spares: &'a SpareBuffers,
    next_input: usize,
    reader: Option<Box<dyn Read + Send>>,
    carry: Vec<u8>,
    base_line: u64,
    first: bool,
}

/// Reads from `reader` onto the end of `data` until it holds `want` bytes or the input ends
/// (then it holds fewer). The bytes go straight into `data`'s spare capacity: a file's reader
/// fills it without the buffer being zeroed first (a chunk is 8 MiB, read twice without a
/// given schema).
fn append_up_to(
    reader: &mut dyn Read,
    data: &mut Vec<u8>,
    want: usize,
    name: &Arc<str>,
) -> Result<()> {
    let room = want.saturating_sub(data.len());
    data.reserve_exact(room);
    match reader.take(room as u64).read_to_end(data) {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::Io {
            path: PathBuf::from(&**name),
            source: e,
        }),
    }
}

impl<'a> Chunker<'a> {
    /// A chunker that fills the buffers given back to `spares` first.
    pub fn new(
        inputs: &'a [Input],
        settings: &'a ReadSettings<'a>,
        chunk_bytes: usize,
        spares: &'a SpareBuffers,
    ) -> Self {
        Chunker {
            inputs,
            settings,
            chunk_bytes,
            spares,
            next_input: 0,
            reader: None,
            carry: Vec::new(),
            base_line: 1,
            first: true,
        }
    }

    /// The next chunk, or `None` after the last input.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        if self
            .settings
            .cancel
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(Error::Interrupted);
        }
        let input = loop {
            if self.reader.is_some() {
                break self.next_input - 1;
            }
            let Some(input) = self.inputs.get(self.next_input) else {
                return Ok(None);
            };
            self.reader = Some(input.open()?);
            self.next_input += 1;
            self.carry.clear();
            self.base_line = 1;
            self.first = true;
        };
        let name = &self.inputs[input].name;
        // The unfinished line the last chunk left starts this one (in a buffer given back).
        let mut data = self.spares.take();
        data.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut searched = 0;
        let cut = loop {
            let filled = data.len();
            // A full chunk, or (one line longer than a chunk) another chunk's worth more.
            let want = if filled < self.chunk_bytes {
                self.chunk_bytes
            } else {
                filled + self.chunk_bytes
            };
            if let Some(reader) = self.reader.as_mut() {
                append_up_to(&mut **reader, &mut data, want, name)?;
            }
            if data.len() < want {
                // The input ended.
                break None;
            }
            if let Some(i) = memchr::memrchr(b'\n', &data[searched..]) {
                break Some(searched + i + 1);
            }
            // One line longer than the chunk: read on, up to the document size limit.
            searched = data.len();
            if data.len() > self.settings.max_document_bytes {
                let at = Location {
                    file: name.clone(),
                    line: self.base_line,
                    column: 1,
                };
                return Err(too_large(at, self.settings.max_document_bytes));
            }
        };
        if let Some(cut) = cut {
            self.carry.extend_from_slice(&data[cut..]);
            data.truncate(cut);
        } else {
            self.reader = None;
        }
        let start = if self.first && data.starts_with(&[0xef, 0xbb, 0xbf]) {
            3
        } else {
            0
        };
        self.first = false;
        let base_line = self.base_line;
        self.base_line += count_lines(&data);
        if let Some(p) = self.settings.progress {
            p.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        Ok(Some(Chunk {
            input,
            data,
            start,
            base_line,
            last: cut.is_none(),
        }))
    }
}

/// Whether every input can be cut at line ends and parsed in parallel: each must be
/// re-readable (a file, not standard input) in case the attempt must be redone sequentially,
/// and none may use the top-level-array layout.
pub(crate) fn chunkable(inputs: &[Input], format: InputFormat) -> Result<bool> {
    if format == InputFormat::Array {
        return Ok(false);
    }
    for input in inputs {
        if matches!(input.source, Source::Stdin) {
            return Ok(false);
        }
        if format == InputFormat::Auto {
            let mut head = vec![0u8; 1 << 12];
            let mut eof = false;
            let n = fill(
                &mut *input.open()?,
                &mut head,
                0,
                1 << 12,
                &mut eof,
                &input.name,
            )?;
            if starts_with_array(&head[..n]) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
