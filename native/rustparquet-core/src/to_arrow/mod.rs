//! Shredded columns to Arrow: the [`LeafBuffer`]s of a batch of documents become one Arrow
//! [`RecordBatch`], with no Parquet in between. The Arrow schema is the one the `parquet`
//! crate's Arrow reader gives a file written with the same [`Schema`] ([`arrow_schema`]), so a
//! batch built here equals the batch read back from the converted file (the tests use that
//! reader as the oracle). [`plan`] pairs each Parquet node with its Arrow field and its
//! levels; [`levels`] turns repetition and definition levels into list offsets and validity
//! bitmaps, level by level, and leaf values into Arrow arrays; [`sink`] cuts batches
//! bounded in rows and bytes; [`batches`] drives the shredder over inputs, and [`parallel`]
//! reads chunks of newline-delimited files on several threads; [`table`] reads a whole input
//! at once, in one parse when the first documents' schema is settled.

mod batches;
mod levels;
mod parallel;
mod plan;
mod sink;
mod table;

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;

use crate::error::{Error, Result};
use crate::leaf::LeafBuffer;
use crate::schema::Schema;

pub use batches::read_batches;
pub use sink::{BatchLimits, ReadSummary, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS};
pub use table::{read_table, Table};

/// The Arrow schema of documents read with `schema`: that of a Parquet file written with it,
/// as the `parquet` crate's Arrow reader sees it (lists, maps, union groups as structs,
/// DECIMAL(38,0) for big integers).
pub fn arrow_schema(schema: &Schema) -> Result<SchemaRef> {
    let message = schema.to_parquet()?;
    let descriptor = parquet::schema::types::SchemaDescriptor::new(message);
    Ok(Arc::new(parquet::arrow::parquet_to_arrow_schema(
        &descriptor,
        None,
    )?))
}

/// Builds record batches from a shredder's buffers for one schema.
#[derive(Debug, Clone)]
pub struct BatchBuilder {
    arrow: SchemaRef,
    columns: Vec<plan::Plan>,
    leaves: usize,
}

impl BatchBuilder {
    /// A builder for documents shredded with `schema`.
    pub fn new(schema: &Schema) -> Result<Self> {
        let arrow = arrow_schema(schema)?;
        let message = schema.to_parquet()?;
        let (columns, leaves) = plan::compile(&message, &arrow)?;
        Ok(BatchBuilder {
            arrow,
            columns,
            leaves,
        })
    }

    /// The Arrow schema of the batches.
    pub fn schema(&self) -> SchemaRef {
        self.arrow.clone()
    }

    /// The batch of the `rows` complete documents in `leaves` (a shredder's buffers, in schema
    /// order). Value buffers that an array takes whole are moved into it, not copied, leaving
    /// empty ones of the same capacity behind: the buffers are to be cleared next.
    pub fn build(&self, leaves: &mut [LeafBuffer], rows: usize) -> Result<RecordBatch> {
        if leaves.len() != self.leaves {
            return Err(Error::Other(format!(
                "internal error: {} leaf buffers for a schema of {} columns",
                leaves.len(),
                self.leaves
            )));
        }
        let columns = self
            .columns
            .iter()
            .map(|p| levels::build(p, leaves))
            .collect::<Result<Vec<ArrayRef>>>()?;
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        let batch = RecordBatch::try_new_with_options(self.arrow.clone(), columns, &options)
            .map_err(|e| Error::Other(format!("internal error: Arrow batch: {e}")))?;
        Ok(batch)
    }
}

#[cfg(test)]
mod tests;
