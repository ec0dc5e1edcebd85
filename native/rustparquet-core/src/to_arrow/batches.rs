//! JSON inputs to a stream of Arrow record batches: the conversion pass of
//! [`crate::convert`] with the row-group writer replaced by a [`BatchBuilder`]. Documents are
//! read with one parser (any layout), shredded against the schema and, whenever the buffers
//! hold `rows` documents or about `bytes` of shredded data, built into a batch and handed to
//! the caller, so memory holds one batch of buffers and the batch built from it. Bad documents
//! go through the same [`BadRecordPolicy`] as in `convert`.

use arrow_array::RecordBatch;

use super::BatchBuilder;
use crate::bad_document::BadDocument;
use crate::convert::ConvertOptions;
use crate::error::{Error, Location, Result};
use crate::input::{read_documents, BadRecordPolicy, DocumentSink, Input};
use crate::json::Parser;
use crate::schema::Schema;
use crate::shred::Shredder;

/// The default most rows in a batch.
pub const DEFAULT_BATCH_ROWS: usize = 65_536;
/// The default shredded bytes past which a batch is cut (its Arrow arrays take about as much).
pub const DEFAULT_BATCH_BYTES: usize = 64 << 20;

/// Documents between two looks at the buffers' size (summing it walks every column).
const DOCUMENTS_PER_LOOK: usize = 64;

/// How large a batch may grow.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// Most documents in a batch (exact).
    pub rows: usize,
    /// Shredded bytes past which a batch ends (checked every 64 documents).
    pub bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            rows: DEFAULT_BATCH_ROWS,
            bytes: DEFAULT_BATCH_BYTES,
        }
    }
}

/// What a [`read_batches`] run read.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    pub documents: u64,
    pub batches: u64,
    pub bad_documents: u64,
    pub first_errors: Vec<String>,
    pub duplicate_keys: u64,
}

struct ArrowSink<'a> {
    shredder: Shredder,
    builder: &'a BatchBuilder,
    limits: BatchLimits,
    since_look: usize,
    emit: &'a mut dyn FnMut(RecordBatch) -> bool,
    batches: u64,
    /// The consumer wants no more batches.
    stopped: bool,
}

impl ArrowSink<'_> {
    fn flush(&mut self) -> Result<()> {
        let rows = self.shredder.buffered_rows();
        if rows == 0 || self.stopped {
            return Ok(());
        }
        let batch = self.builder.build(self.shredder.leaves(), rows)?;
        self.shredder.clear_buffers();
        self.since_look = 0;
        self.batches += 1;
        self.stopped = !(self.emit)(batch);
        Ok(())
    }
}

impl DocumentSink for ArrowSink<'_> {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        self.shredder.document(p, locate)
    }

    fn after_document(&mut self) -> Result<bool> {
        self.since_look += 1;
        let full = self.shredder.buffered_rows() >= self.limits.rows
            || (self.since_look % DOCUMENTS_PER_LOOK == 0
                && self.shredder.buffered_bytes() >= self.limits.bytes);
        if full {
            self.flush()?;
        }
        Ok(!self.stopped)
    }
}

/// Reads the documents of `inputs` with `schema` and hands each batch to `emit`, which
/// returns `false` to stop early. Under `options.on_error` = fail the first bad document is
/// the error; batches handed out before it stay handed out. `options.cancel` stops the run
/// with [`Error::Interrupted`]. The caller's thread walks the documents: it needs the stack
/// for `options.max_depth` ([`crate::threads::Recursion::documents`]).
pub fn read_batches(
    inputs: &[Input],
    schema: &Schema,
    options: &ConvertOptions,
    limits: BatchLimits,
    emit: &mut dyn FnMut(RecordBatch) -> bool,
) -> Result<ReadSummary> {
    if limits.rows == 0 || limits.bytes == 0 {
        return Err(Error::Options(
            "batch rows and bytes must be at least 1".into(),
        ));
    }
    let builder = BatchBuilder::new(schema)?;
    let mut policy = BadRecordPolicy::new(&options.on_error)?;
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let mut sink = ArrowSink {
        shredder: Shredder::new(schema),
        builder: &builder,
        limits,
        since_look: 0,
        emit,
        batches: 0,
        stopped: false,
    };
    let mut documents = 0;
    for input in inputs {
        documents += read_documents(input, &mut sink, &mut policy, &settings)?;
        if sink.stopped {
            break;
        }
    }
    policy.finish()?;
    sink.flush()?;
    Ok(ReadSummary {
        documents,
        batches: sink.batches,
        bad_documents: policy.count,
        first_errors: policy.first_errors.clone(),
        duplicate_keys: sink.shredder.duplicate_keys(),
    })
}
