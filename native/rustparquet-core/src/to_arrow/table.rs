//! All of an input's batches at once (`rustparquet.read_json`), with inference and batches in
//! one parse where that gives the same result. A streaming reader must know the schema before
//! its first batch leaves, so [`super::read_batches`] needs a full inference pass first. A
//! reader that hands everything out at the end need not: [`read_table`] infers a schema from
//! the first documents and, when it is [`settled`] (the map and variant rules cannot change
//! it), shreds the whole input against it strictly. If every document fits, that schema is the
//! one full inference gives and the batches are those [`super::read_batches`] builds, so the
//! inference pass is saved. The first document that does not fit (a new key, a new type, a
//! bad document) ends the attempt, and the input is read the usual way, inferred and then
//! shredded under the caller's options: results, errors and findings are always those of the
//! two-pass reader; only the time differs.

use std::sync::atomic::Ordering;

use arrow_array::RecordBatch;

use super::{read_batches, BatchLimits, ReadSummary};
use crate::convert::{infer_schema, ConvertOptions};
use crate::error::{Error, Result};
use crate::infer::settled;
use crate::input::{BadRecordPolicy, Input, OnError};
use crate::schema::Schema;

/// The documents a schema is first inferred from when [`read_table`] tries one parse.
pub const SETTLE_SAMPLE_DOCUMENTS: u64 = 2_000;

/// What [`read_table`] read.
#[derive(Debug, Clone)]
pub struct Table {
    /// The document schema the batches were built with (given, or inferred from all documents).
    pub schema: Schema,
    pub batches: Vec<RecordBatch>,
    pub summary: ReadSummary,
    /// Whether inference and batches shared one parse (no inference pass).
    pub one_parse: bool,
}

/// Reads all of `inputs` into batches, with `schema` or (when `None`) the schema inferred from
/// all documents; see the module docs. `inputs` must be readable more than once (opened with
/// [`crate::input::Passes::Twice`]) when no schema is given.
pub fn read_table(
    inputs: &[Input],
    schema: Option<&Schema>,
    options: &ConvertOptions,
    limits: BatchLimits,
) -> Result<Table> {
    if let Some(schema) = schema {
        return collect(inputs, schema.clone(), options, limits, false);
    }
    // A user's sample already limits inference; a schema from it is used as it is.
    if options.sample.is_none() {
        if let Some(table) = one_parse(inputs, options, limits)? {
            return Ok(table);
        }
    }
    let schema = infer_schema(inputs, options)?;
    collect(inputs, schema, options, limits, false)
}

/// The one-parse attempt: `None` when it gave up (the caller then reads the usual way).
fn one_parse(
    inputs: &[Input],
    options: &ConvertOptions,
    limits: BatchLimits,
) -> Result<Option<Table>> {
    let strict = ConvertOptions {
        on_error: OnError::Fail,
        sample: Some(SETTLE_SAMPLE_DOCUMENTS),
        ..options.clone()
    };
    let prefix = match infer_schema(inputs, &strict) {
        Ok(schema) => schema,
        Err(Error::Interrupted) => return Err(Error::Interrupted),
        // A bad document among the first ones: the usual reader reports or sets it aside.
        Err(_) => return Ok(None),
    };
    if !settled(&prefix, &options.infer) {
        return Ok(None);
    }
    let strict = ConvertOptions {
        sample: None,
        ..strict
    };
    match collect(inputs, prefix, &strict, limits, true) {
        Ok(table) => {
            // No bad document: the caller's policy leaves what it leaves for none (empty
            // quarantine files), as the two-pass reader's does.
            BadRecordPolicy::new(&options.on_error)?.finish()?;
            Ok(Some(table))
        }
        Err(Error::Interrupted) => Err(Error::Interrupted),
        Err(_) => {
            // What the attempt counted is read again.
            if let Some(progress) = &options.progress {
                progress.bytes.store(0, Ordering::Relaxed);
                progress.documents.store(0, Ordering::Relaxed);
            }
            Ok(None)
        }
    }
}

fn collect(
    inputs: &[Input],
    schema: Schema,
    options: &ConvertOptions,
    limits: BatchLimits,
    one_parse: bool,
) -> Result<Table> {
    let mut batches = Vec::new();
    let summary = read_batches(inputs, &schema, options, limits, &mut |batch| {
        batches.push(batch);
        true
    })?;
    Ok(Table {
        schema,
        batches,
        summary,
        one_parse,
    })
}
