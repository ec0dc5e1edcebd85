//! Parquet's size statistics (`SizeStatistics` in the footer, level histograms in the column
//! index, unencoded byte-array sizes in the offset index), taken out of a closed column chunk
//! for the Spark lines whose own writer does not write them.
//!
//! The `parquet` crate writes them wherever it writes statistics, with no setting to leave them
//! out. parquet-mr writes them from 1.15 on (Spark 4); Spark 3.5's parquet-mr 1.13 neither
//! writes nor reads them, so on Spark 3.5 they are bytes no reader of the file uses: about 5 KB
//! of footer and page index on the 107-column benchmark file, enough to make it larger than
//! Spark's own (docs/spark.md, sizes).

use parquet::basic::Type as PhysicalType;
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::AsBytes;
use parquet::errors::Result;
use parquet::file::metadata::ColumnIndexBuilder;
use parquet::file::page_index::column_index::{ColumnIndexMetaData, PrimitiveColumnIndex};

/// Takes the size statistics out of `chunk`'s footer metadata, offset index and column index;
/// everything else (min/max, null counts, page locations) stays as it was.
pub fn strip(chunk: &mut ColumnCloseResult) -> Result<()> {
    chunk.metadata = chunk
        .metadata
        .clone()
        .into_builder()
        .set_unencoded_byte_array_data_bytes(None)
        .set_repetition_level_histogram(None)
        .set_definition_level_histogram(None)
        .build()?;
    if let Some(offsets) = &mut chunk.offset_index {
        offsets.unencoded_byte_array_data_bytes = None;
    }
    if let Some(index) = chunk.column_index.take() {
        chunk.column_index = Some(without_histograms(&index)?);
    }
    Ok(())
}

/// The same column index, rebuilt without level histograms (its fields are the crate's own).
fn without_histograms(index: &ColumnIndexMetaData) -> Result<ColumnIndexMetaData> {
    let pages = index.num_pages() as usize;
    let physical = match index {
        ColumnIndexMetaData::BOOLEAN(_) => PhysicalType::BOOLEAN,
        ColumnIndexMetaData::INT32(_) => PhysicalType::INT32,
        ColumnIndexMetaData::INT64(_) => PhysicalType::INT64,
        ColumnIndexMetaData::INT96(_) => PhysicalType::INT96,
        ColumnIndexMetaData::FLOAT(_) => PhysicalType::FLOAT,
        ColumnIndexMetaData::DOUBLE(_) => PhysicalType::DOUBLE,
        ColumnIndexMetaData::BYTE_ARRAY(_) => PhysicalType::BYTE_ARRAY,
        ColumnIndexMetaData::FIXED_LEN_BYTE_ARRAY(_) => PhysicalType::FIXED_LEN_BYTE_ARRAY,
    };
    let mut builder = ColumnIndexBuilder::new(physical);
    for page in 0..pages {
        let (min, max) = match index {
            ColumnIndexMetaData::BOOLEAN(i) => bounds(i, page),
            ColumnIndexMetaData::INT32(i) => bounds(i, page),
            ColumnIndexMetaData::INT64(i) => bounds(i, page),
            ColumnIndexMetaData::INT96(i) => bounds(i, page),
            ColumnIndexMetaData::FLOAT(i) => bounds(i, page),
            ColumnIndexMetaData::DOUBLE(i) => bounds(i, page),
            ColumnIndexMetaData::BYTE_ARRAY(i) | ColumnIndexMetaData::FIXED_LEN_BYTE_ARRAY(i) => (
                i.min_value(page).map(<[u8]>::to_vec).unwrap_or_default(),
                i.max_value(page).map(<[u8]>::to_vec).unwrap_or_default(),
            ),
        };
        builder.append(
            index.is_null_page(page),
            min,
            max,
            index.null_count(page).unwrap_or(0),
            index.nan_count(page),
        );
    }
    if let Some(order) = index.get_boundary_order() {
        builder.set_boundary_order(order);
    }
    builder.build()
}

/// A primitive page's min and max, plain-encoded as the column index stores them (empty for a
/// page of nulls).
fn bounds<T: AsBytes>(index: &PrimitiveColumnIndex<T>, page: usize) -> (Vec<u8>, Vec<u8>) {
    let encode = |v: Option<&T>| v.map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    (encode(index.min_value(page)), encode(index.max_value(page)))
}
