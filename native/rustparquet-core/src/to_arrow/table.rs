//! All of an input's batches at once (`rustparquet.read_json`), with inference and batches in
//! one parse where that gives the same result. A streaming reader must know the schema before
//! its first batch leaves, so [`super::read_batches`] needs a full inference pass first. A
//! reader that hands everything out at the end need not: [`read_table`] reads in one parse
//! when the first documents' schema is settled ([`crate::convert::try_one_parse`]), and the batches are
//! then those [`super::read_batches`] builds with the schema full inference gives; otherwise
//! it infers, then reads. Results, errors and findings are always those of the two-pass
//! reader; only the time differs.

use arrow_array::RecordBatch;

use super::{read_batches, BatchLimits, ReadSummary};
use crate::convert::try_one_parse;
use crate::convert::{infer_schema, ConvertOptions};
use crate::error::Result;
use crate::input::Input;
use crate::schema::Schema;

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
    if let Some(table) = try_one_parse(inputs, options, |schema, strict| {
        collect(inputs, schema.clone(), strict, limits, true)
    })? {
        return Ok(table);
    }
    let schema = infer_schema(inputs, options)?;
    collect(inputs, schema, options, limits, false)
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
