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
use super::layout::{first_not_whitespace, BOM};
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
    /// Line number of the byte after `data` (where the next chunk of the input starts).
    pub next_line: u64,
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

/// The smallest chunk the tail of a run is cut into (see [`Chunker::next_size`]).
const SMALLEST_TAIL_CHUNK: usize = 1 << 20;

/// Cuts inputs into [`Chunk`]s of about `chunk_bytes`, at line ends.
pub(crate) struct Chunker<'a> {
    inputs: &'a [Input],
    settings: &'a ReadSettings<'a>,
    chunk_bytes: usize,
    /// How many threads parse the chunks.
    threads: usize,
    spares: &'a SpareBuffers,
    next_input: usize,
    reader: Option<Box<dyn Read + Send>>,
    /// The bytes the current input holds, when known (an uncompressed file).
    input_bytes: Option<u64>,
    /// The bytes of the current input handed out in chunks so far.
    consumed: u64,
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
    /// A chunker for `threads` threads that fills the buffers given back to `spares` first.
    pub fn new(
        inputs: &'a [Input],
        settings: &'a ReadSettings<'a>,
        chunk_bytes: usize,
        threads: usize,
        spares: &'a SpareBuffers,
    ) -> Self {
        Chunker {
            inputs,
            settings,
            chunk_bytes,
            threads,
            spares,
            next_input: 0,
            reader: None,
            input_bytes: None,
            consumed: 0,
            carry: Vec::new(),
            base_line: 1,
            first: true,
        }
    }

    /// The size of the next chunk: `chunk_bytes`, but smaller towards the end of the last
    /// input when its size is known, a share of what is left per thread, down to
    /// [`SMALLEST_TAIL_CHUNK`]. The run ends when its last chunk is parsed, while the other
    /// threads have nothing left to take: with 8 MiB chunks that left one core idle for up
    /// to a chunk's time (tens of ms); small last chunks make the threads finish together.
    fn next_size(&self) -> usize {
        let last_input = self.next_input == self.inputs.len();
        match self.input_bytes {
            Some(bytes) if last_input && self.threads > 1 => {
                let left = bytes.saturating_sub(self.consumed);
                let share = left / (2 * self.threads as u64);
                let share = usize::try_from(share).unwrap_or(usize::MAX);
                share.clamp(SMALLEST_TAIL_CHUNK.min(self.chunk_bytes), self.chunk_bytes)
            }
            _ => self.chunk_bytes,
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
            let (reader, input_bytes) = input.open_sized()?;
            self.reader = Some(reader);
            self.input_bytes = input_bytes;
            self.consumed = 0;
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
        let size = self.next_size();
        let cut = loop {
            let filled = data.len();
            // A full chunk, or (one line longer than a chunk) another chunk's worth more.
            let want = if filled < size { size } else { filled + size };
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
        let start = if self.first && data.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        self.first = false;
        let base_line = self.base_line;
        self.base_line += count_lines(&data);
        self.consumed += data.len() as u64;
        if let Some(p) = self.settings.progress {
            p.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        Ok(Some(Chunk {
            input,
            data,
            start,
            base_line,
            next_line: self.base_line,
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
            // The first byte that is not whitespace tells, however far in it lies.
            let mut reader = input.open()?;
            let mut head = vec![0u8; 1 << 12];
            let mut first = true;
            loop {
                let mut eof = false;
                let n = fill(&mut *reader, &mut head, 0, 1 << 12, &mut eof, &input.name)?;
                let mut text = &head[..n];
                if first {
                    text = text.strip_prefix(BOM).unwrap_or(text);
                    first = false;
                }
                if let Some(b) = first_not_whitespace(text) {
                    if b == b'[' {
                        return Ok(false);
                    }
                    break;
                }
                if eof {
                    break;
                }
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunks of a file on `threads` threads with chunks of `chunk_bytes`.
    fn chunks_of(text: &[u8], threads: usize, chunk_bytes: usize) -> Vec<Chunk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.ndjson");
        std::fs::write(&path, text).unwrap();
        let inputs = [Input {
            name: "in.ndjson".into(),
            source: Source::File(path),
        }];
        let settings = ReadSettings::default();
        let spares = SpareBuffers::default();
        let mut chunker = Chunker::new(&inputs, &settings, chunk_bytes, threads, &spares);
        std::iter::from_fn(|| chunker.next_chunk().unwrap()).collect()
    }

    #[test]
    fn the_tail_of_the_last_input_is_cut_smaller_for_the_threads_to_finish_together() {
        // 40 MiB of 100-byte lines, chunks of 8 MiB on 2 threads.
        let line = format!("{{\"a\":\"{}\"}}\n", "x".repeat(91));
        let text = line.repeat((40 << 20) / line.len());
        let chunks = chunks_of(text.as_bytes(), 2, 8 << 20);
        let sizes: Vec<usize> = chunks.iter().map(|c| c.data.len()).collect();
        // Whole lines, in order, all of the file, each chunk's lines where the last one's end.
        let all: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(all, text.as_bytes());
        assert!(sizes.iter().all(|s| s % line.len() == 0), "{sizes:?}");
        let mut line_no = 1;
        for c in &chunks {
            assert_eq!(c.base_line, line_no);
            line_no += (c.data.len() / line.len()) as u64;
            assert_eq!(c.next_line, line_no);
        }
        assert!(chunks.last().unwrap().last);
        // Full chunks first; then a quarter of what is left each time, down to 1 MiB.
        assert!(sizes[0] > (8 << 20) - line.len());
        assert!(
            sizes.windows(2).all(|w| w[1] <= w[0] + line.len()),
            "{sizes:?}"
        );
        assert!(*sizes.last().unwrap() <= 1 << 20, "{sizes:?}");
        assert!(
            sizes
                .iter()
                .filter(|&&s| s < (8 << 20) - line.len())
                .count()
                >= 4
        );
        // On one thread (or a file of unknown size) chunks keep their size.
        let one = chunks_of(text.as_bytes(), 1, 8 << 20);
        assert_eq!(one.len(), 5);
    }
}
