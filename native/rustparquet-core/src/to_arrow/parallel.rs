//! The parallel reader of [`super::read_batches`]: newline-delimited file inputs are cut into
//! chunks ([`crate::convert::run_chunks`]); each worker shreds a chunk and builds its batches
//! with the same [`ArrowSink`] rule as the sequential reader, so parsing and Arrow building
//! both run on every thread, and the batches are handed out in input order. Bad documents are
//! kept per chunk and applied in input order; when the consumer stops after a batch, only the
//! findings up to that batch's last document count, as with one parser. A chunk in which a
//! document runs past the chunk's end (pretty-printed input) ends the parallel run: the
//! batches of the chunks before it are out, and the caller goes on with one parser from where
//! they ended ([`Resume`]), so no document is handed out twice or lost.

use std::sync::atomic::Ordering;

use arrow_array::RecordBatch;

use super::sink::{ArrowSink, BatchLimits, Mark, ReadSummary};
use super::BatchBuilder;
use crate::convert::{parse_chunk, run_chunks, ChunkOutcome, ConvertOptions};
use crate::error::{Error, Result};
use crate::input::{BadRecordPolicy, Input};
use crate::schema::Schema;
use crate::shred::Shredder;

/// Where the sequential reader starts: input `input` from byte `offset` (decompressed), which
/// is the start of line `line`. The default is the start of the first input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Resume {
    pub input: usize,
    pub offset: u64,
    pub line: u64,
}

impl Default for Resume {
    fn default() -> Self {
        Resume {
            input: 0,
            offset: 0,
            line: 1,
        }
    }
}

/// One chunk's batches and findings.
struct ChunkBatches {
    input: usize,
    /// The chunk's size and where the next one starts in its input.
    bytes: u64,
    next_line: u64,
    last: bool,
    batches: Vec<(RecordBatch, Mark)>,
    bad: Vec<(Error, Vec<u8>)>,
    /// The chunk's findings to its end.
    all: Mark,
}

/// Reads `inputs` on `options.threads` threads into `emit`, counting into `summary` and
/// applying bad documents to `policy`. `None` when done (all read, or `emit` said stop);
/// otherwise where the sequential reader must go on.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_parallel(
    inputs: &[Input],
    schema: &Schema,
    builder: &BatchBuilder,
    options: &ConvertOptions,
    limits: BatchLimits,
    emit: &mut dyn FnMut(RecordBatch) -> bool,
    policy: &mut BadRecordPolicy,
    summary: &mut ReadSummary,
) -> Result<Option<Resume>> {
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let mut resume = Resume::default();
    let mut consumed_bytes = 0u64;
    let complete = run_chunks(
        inputs,
        options,
        || Shredder::new(schema),
        |shredder, chunk| {
            // A chunk given up (unchunkable, or failed) must leave nothing behind.
            shredder.clear_buffers();
            let before = shredder.duplicate_keys();
            let mut chunk_policy = BadRecordPolicy::deferring(&options.on_error);
            let mut batches = Vec::new();
            let mut sink = ArrowSink::new(shredder, builder, limits, |batch, mark| {
                batches.push((batch, mark));
                true
            });
            let Some(_) = parse_chunk(inputs, chunk, &mut sink, &mut chunk_policy, &settings)?
            else {
                return Ok(ChunkOutcome::Unchunkable);
            };
            sink.flush()?;
            let relative = |mark: Mark| Mark {
                bad: mark.bad,
                duplicate_keys: mark.duplicate_keys - before,
            };
            let bad = chunk_policy.take_deferred();
            Ok(ChunkOutcome::Done(ChunkBatches {
                input: chunk.input,
                bytes: chunk.data.len() as u64,
                next_line: chunk.next_line,
                last: chunk.last,
                batches: batches
                    .into_iter()
                    .map(|(batch, mark)| (batch, relative(mark)))
                    .collect(),
                all: Mark {
                    bad: bad.len() as u64,
                    duplicate_keys: shredder.duplicate_keys() - before,
                },
                bad,
            }))
        },
        |chunk| {
            let mut upto = chunk.all;
            let mut go_on = true;
            for (batch, mark) in chunk.batches {
                summary.documents += batch.num_rows() as u64;
                summary.batches += 1;
                if !emit(batch) {
                    upto = mark;
                    go_on = false;
                    break;
                }
            }
            // `upto.bad` never exceeds the chunk's bad documents (it counts some of them).
            for (error, text) in chunk.bad.into_iter().take(upto.bad as usize) {
                policy.record(error, &text)?;
            }
            summary.duplicate_keys += upto.duplicate_keys;
            consumed_bytes += chunk.bytes;
            resume = if chunk.last {
                Resume {
                    input: chunk.input + 1,
                    ..Resume::default()
                }
            } else {
                Resume {
                    input: chunk.input,
                    offset: if resume.input == chunk.input {
                        resume.offset + chunk.bytes
                    } else {
                        chunk.bytes
                    },
                    line: chunk.next_line,
                }
            };
            Ok(go_on)
        },
    )?;
    if complete {
        return Ok(None);
    }
    // The progress counters go back to what was handed out; the sequential reader goes on.
    if let Some(p) = &options.progress {
        p.bytes.store(consumed_bytes, Ordering::Relaxed);
        p.documents.store(summary.documents, Ordering::Relaxed);
    }
    Ok(Some(resume))
}
