//! JSON inputs to a stream of Arrow record batches: the conversion pass of
//! [`crate::convert`] with the row-group writer replaced by a [`BatchBuilder`]. Documents are
//! read with one parser (any layout), shredded against the schema and, whenever the buffers
//! hold `rows` documents or about `bytes` of shredded data, built into a batch and handed to
//! the caller, so memory holds one batch of buffers and the batch built from it. Bad documents
//! go through the same [`BadRecordPolicy`] as in `convert`. With 2 or more threads,
//! newline-delimited file inputs are read by [`super::parallel`] first.

use arrow_array::RecordBatch;

use super::parallel::{read_parallel, Resume};
use super::sink::{ArrowSink, BatchLimits, ReadSummary};
use super::BatchBuilder;
use crate::convert::ConvertOptions;
use crate::error::{Error, Result};
use crate::input::{chunkable, read_documents, read_documents_from, BadRecordPolicy, Input};
use crate::schema::Schema;
use crate::shred::Shredder;

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
