//! JSON inputs to a stream of Arrow record batches: the conversion pass of
//! [`crate::convert`] with the row-group writer replaced by a [`BatchBuilder`]. Documents are
//! read with one parser (any layout), shredded against the schema and, whenever the buffers
//! hold `rows` documents or about `bytes` of shredded data, built into a batch and handed to
//! the caller, so memory holds one batch of buffers and the batch built from it. Bad documents
//! go through the same [`BadRecordPolicy`] as in `convert`. With 2 or more threads,
//! newline-delimited file inputs are read by [`super::parallel`] first.

use arrow_array::RecordBatch;

use super::parallel::{read_parallel, Resume};
use super::BatchBuilder;
use crate::bad_document::BadDocument;
use crate::convert::ConvertOptions;
use crate::error::{Error, Location, Result};
use crate::input::{
    chunkable, read_documents, read_documents_from, BadRecordPolicy, DocumentSink, Input,
};
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

/// Where a batch's last document stands among the findings of its run: the bad documents met
/// and the duplicate keys counted up to it (a parallel chunk's consumer stopping after this
/// batch reports exactly these, as the sequential reader would).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Mark {
    pub bad: u64,
    pub duplicate_keys: u64,
}

/// Shreds documents and cuts batches: whenever `limits` are reached (rows exactly, bytes
/// every [`DOCUMENTS_PER_LOOK`] documents) and at [`ArrowSink::flush`]. The one rule for both
/// the sequential reader and the parallel chunks.
pub(super) struct ArrowSink<'a, E: FnMut(RecordBatch, Mark) -> bool> {
    pub shredder: &'a mut Shredder,
    builder: &'a BatchBuilder,
    limits: BatchLimits,
    since_look: usize,
    emit: E,
    pub batches: u64,
    /// The consumer wants no more batches.
    pub stopped: bool,
    /// Bad documents met so far.
    bad: u64,
    /// The findings at the last document taken.
    at_last: Mark,
}

impl<'a, E: FnMut(RecordBatch, Mark) -> bool> ArrowSink<'a, E> {
    pub fn new(
        shredder: &'a mut Shredder,
        builder: &'a BatchBuilder,
        limits: BatchLimits,
        emit: E,
    ) -> Self {
        ArrowSink {
            shredder,
            builder,
            limits,
            since_look: 0,
            emit,
            batches: 0,
            stopped: false,
            bad: 0,
            at_last: Mark::default(),
        }
    }

    /// Builds and hands out the buffered documents, if any.
    pub fn flush(&mut self) -> Result<()> {
        let rows = self.shredder.buffered_rows();
        if rows == 0 || self.stopped {
            return Ok(());
        }
        let batch = self.builder.build(self.shredder.leaves(), rows)?;
        self.shredder.clear_buffers();
        self.since_look = 0;
        self.batches += 1;
        self.stopped = !(self.emit)(batch, self.at_last);
        Ok(())
    }
}

impl<E: FnMut(RecordBatch, Mark) -> bool> DocumentSink for ArrowSink<'_, E> {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        let taken = self.shredder.document(p, locate);
        if taken.is_err() {
            self.bad += 1;
        }
        taken
    }

    fn after_document(&mut self) -> Result<bool> {
        self.at_last = Mark {
            bad: self.bad,
            duplicate_keys: self.shredder.duplicate_keys(),
        };
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
/// with [`Error::Interrupted`]. With `options.threads` >= 2 and newline-delimited files,
/// chunks of about 8 MB are shredded and built into batches on that many threads, handed out
/// in input order (a batch then ends at a chunk's end too); a document that spans lines makes
/// the rest of the run go on with one parser from where the last whole chunk ended. The
/// documents, batches and findings reported are the same either way. The caller's thread
/// walks the documents: it needs the stack for `options.max_depth`
/// ([`crate::threads::Recursion::documents`]).
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
    let mut summary = ReadSummary::default();
    let mut resume = Resume::default();
    if options.threads >= 2 && chunkable(inputs, options.input_format)? {
        match read_parallel(
            inputs,
            schema,
            &builder,
            options,
            limits,
            emit,
            &mut policy,
            &mut summary,
        )? {
            None => return finish(summary, policy),
            Some(at) => resume = at,
        }
    }
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let mut shredder = Shredder::new(schema);
    let mut sink = ArrowSink::new(&mut shredder, &builder, limits, |batch, _| emit(batch));
    for (i, input) in inputs.iter().enumerate().skip(resume.input) {
        summary.documents += if i == resume.input && resume.offset > 0 {
            read_documents_from(
                input,
                resume.offset,
                resume.line,
                &mut sink,
                &mut policy,
                &settings,
            )?
        } else {
            read_documents(input, &mut sink, &mut policy, &settings)?
        };
        if sink.stopped {
            break;
        }
    }
    policy.finish()?;
    sink.flush()?;
    summary.batches += sink.batches;
    summary.duplicate_keys += shredder.duplicate_keys();
    finish(summary, policy)
}

/// The summary with the policy's findings, once the policy is done.
fn finish(mut summary: ReadSummary, mut policy: BadRecordPolicy) -> Result<ReadSummary> {
    policy.finish()?;
    summary.bad_documents = policy.count;
    summary.first_errors = policy.first_errors.clone();
    Ok(summary)
}
