//! One `VARIANT` column of a file as variant values rather than JSON text: each row rebuilt
//! (shredded `typed_value` columns merged back) into unshredded `(metadata, value)` bytes.
//! This is how the conformance tests compare what we read with the expected variants
//! exactly, types included, where JSON text would blur them (an int8 and an int64 `1`, a date
//! and a string). It uses the same shapes and rebuilding as `cat`
//! ([`crate::assemble::variant`]).

use std::path::Path;

use arrow_array::RecordBatchReader;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::schema::types::ColumnDescriptor;

use super::{guarded, read_err, ParquetFile};
use crate::assemble::variant::BoundVariant;
use crate::assemble::{LegacyCalendar, Shape};
use crate::error::{Error, Result};

/// A rebuilt variant: `(metadata, value)` bytes.
pub type VariantBytes = (Vec<u8>, Vec<u8>);

/// The variants of top-level column `column` of `path`, one per row: `None` where the
/// column is null. Fails if the column is not a variant or a row is not a valid variant.
pub fn read_variant_column(
    path: impl AsRef<Path>,
    column: &str,
) -> Result<Vec<Option<VariantBytes>>> {
    let path = path.as_ref();
    let file = ParquetFile::open(path)?;
    let handle = file.file.try_clone().map_err(|e| Error::io(path, e))?;
    guarded(path, || {
        let reader = ParquetRecordBatchReaderBuilder::try_new(super::DecoderFile(handle))
            .and_then(|b| b.build())
            .map_err(|e| read_err(path, "", e))?;
        let descr = file.metadata().file_metadata().schema_descr_ptr();
        let columns: Vec<_> = (0..descr.num_columns()).map(|i| descr.column(i)).collect();
        let leaves: Vec<&ColumnDescriptor> = columns.iter().map(|c| c.as_ref()).collect();
        let schema = reader.schema();
        let members = Shape::build_root(
            schema.fields(),
            &leaves,
            None,
            LegacyCalendar::default(),
            &file.variants,
        )
        .map_err(|e| read_err(path, "", e.0))?;
        let index = members
            .iter()
            .position(|m| m.key == column)
            .ok_or_else(|| read_err(path, "", format!("no top-level column `{column}`")))?;
        let Shape::Variant(shape) = &members[index].shape else {
            return Err(read_err(
                path,
                "",
                format!("column `{column}` is not a variant"),
            ));
        };
        let mut out = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| read_err(path, "", e))?;
            let bound = BoundVariant::bind(shape, batch.column(index))
                .map_err(|e| read_err(path, "", e.0))?;
            for i in 0..bound.len() {
                let row = bound.rebuild(i).map_err(|e| {
                    read_err(
                        path,
                        "",
                        format!("column `{column}`, row {}: {e}", out.len() + 1),
                    )
                })?;
                out.push(row);
            }
        }
        Ok(out)
    })
}
