//! What the write module's tests share: a column shredded from documents, and a file read back
//! through its page index.

use arrow_array::RecordBatch;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::file::metadata::PageIndexPolicy;

use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::shred::Shredder;

/// The documents `docs` shredded against the schema `schema` (rustparquet's schema JSON).
pub(super) fn shredded(
    schema: &str,
    docs: impl IntoIterator<Item = String>,
) -> Result<(Schema, Shredder)> {
    let schema = Schema::from_json_str(schema, None)?;
    let mut shredder = Shredder::new(&schema);
    for doc in docs {
        let mut p = crate::json::Parser::new(doc.as_bytes(), 0, 8);
        shredder
            .shred_document(&mut p)
            .map_err(|_| Error::Other(format!("shred {doc}")))?;
    }
    Ok((schema, shredder))
}

/// A file's rows (those of `selection`, or all), read with the page index as `policy` says.
pub(super) fn read_back(
    file: Bytes,
    policy: PageIndexPolicy,
    selection: Option<RowSelection>,
) -> Result<Vec<RecordBatch>> {
    let options = ArrowReaderOptions::new().with_page_index_policy(policy);
    let mut builder = ParquetRecordBatchReaderBuilder::try_new_with_options(file, options)?;
    if let Some(selection) = selection {
        builder = builder.with_row_selection(selection);
    }
    builder
        .build()?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Other(e.to_string()))
}
