//! Which leaf columns of a typed file are dictionary-encoded: the typed writer holds its first
//! rows back, and this module judges each leaf column on them with parquet-mr's first-page rule
//! (`rustparquet_core::write::dictionary`), so a file holds a dictionary exactly where Spark's own
//! writer would keep one and comes out the size of Spark's. arrow-rs alone keeps a dictionary
//! until the dictionary page is full, which made files of nearly unique values up to 3× larger.
//!
//! Leaves are found by walking the Arrow arrays in the order the Parquet schema lists its leaf
//! columns (struct fields in order, a list's items, a map's keys then values), so nested columns
//! are judged by their own values under their own path. A schema whose leaves cannot be matched
//! one to one gets no decisions (arrow-rs's defaults apply).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::basic::Type as PhysicalType;
use parquet::file::properties::WriterVersion;
use parquet::schema::types::{ColumnDescPtr, ColumnPath, SchemaDescriptor};
use rustparquet_core::write::dictionary::{Encoding, FirstPage, FIRST_PAGE_ROWS};

/// Rows held back before the file's encodings are chosen: parquet-mr's first page ends at most
/// here (its page row count limit).
pub const HELD_ROWS: usize = FIRST_PAGE_ROWS;

/// Bytes of Arrow data held back at most before choosing (also bounded by the row group size).
pub const HELD_BYTES: usize = 32 << 20;

/// The settings the rule needs from the writer options.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `pageSize`: parquet-mr's first page ends near it.
    pub page_bytes: usize,
    /// `dictionaryPageSize`: a dictionary past it falls back to PLAIN.
    pub dictionary_bytes: usize,
    pub writer_version: WriterVersion,
}

/// The leaf columns whose dictionary does not pay on the first rows of `batches` (at most
/// [`HELD_ROWS`] rows are looked at). Boolean columns are never listed (neither writer has a
/// dictionary for them); neither are columns of types this module does not read.
pub fn plain_columns(
    batches: &[RecordBatch],
    descriptor: &SchemaDescriptor,
    limits: Limits,
) -> Vec<ColumnPath> {
    // Each leaf's arrays, batch by batch, over the first HELD_ROWS rows.
    let mut leaves: Vec<Vec<ArrayRef>> = vec![Vec::new(); descriptor.num_columns()];
    let mut rows = 0;
    for batch in batches {
        if rows >= HELD_ROWS {
            break;
        }
        let take = batch.num_rows().min(HELD_ROWS - rows);
        rows += take;
        let batch = batch.slice(0, take);
        let mut found = Vec::with_capacity(leaves.len());
        for column in batch.columns() {
            collect_leaves(column, &mut found);
        }
        if found.len() != leaves.len() {
            return Vec::new();
        }
        for (arrays, leaf) in leaves.iter_mut().zip(found) {
            arrays.push(leaf);
        }
    }
    descriptor
        .columns()
        .iter()
        .zip(&leaves)
        .filter(|(column, arrays)| judge(column, arrays, limits) == Some(Encoding::Plain))
        .map(|(column, _)| column.path().clone())
        .collect()
}

/// The arrays of the leaves under `array`, in Parquet leaf order, each holding the values that
/// belong to `array`'s rows (a list's child is cut to its rows' offsets).
fn collect_leaves(array: &ArrayRef, out: &mut Vec<ArrayRef>) {
    match array.data_type() {
        DataType::Struct(_) => {
            for child in array.as_struct().columns() {
                collect_leaves(child, out);
            }
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let offsets = list.value_offsets();
            let (first, last) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
            collect_leaves(&list.values().slice(first, last - first), out);
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            let offsets = list.value_offsets();
            let (first, last) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
            collect_leaves(&list.values().slice(first, last - first), out);
        }
        DataType::FixedSizeList(_, size) => {
            let list = array.as_fixed_size_list();
            let size = *size as usize;
            let values = list.values().slice(list.offset() * size, list.len() * size);
            collect_leaves(&values, out);
        }
        DataType::Map(_, _) => {
            let map = array.as_map();
            let offsets = map.value_offsets();
            let (first, last) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
            let entries: ArrayRef = Arc::new(map.entries().slice(first, last - first));
            collect_leaves(&entries, out);
        }
        _ => out.push(array.clone()),
    }
}

/// The rule's answer for one leaf, or `None` when it does not apply (booleans, unknown types).
fn judge(column: &ColumnDescPtr, arrays: &[ArrayRef], limits: Limits) -> Option<Encoding> {
    let physical = column.physical_type();
    let plain_width = match physical {
        PhysicalType::BOOLEAN => return None,
        // parquet-mr's v1 writer has no dictionary for fixed-length byte arrays (decimals over
        // 18 digits, intervals): always PLAIN.
        PhysicalType::FIXED_LEN_BYTE_ARRAY
            if limits.writer_version == WriterVersion::PARQUET_1_0 =>
        {
            return Some(Encoding::Plain)
        }
        PhysicalType::FIXED_LEN_BYTE_ARRAY => column.type_length().max(0) as usize,
        PhysicalType::INT32 | PhysicalType::FLOAT => 4,
        PhysicalType::INT64 | PhysicalType::DOUBLE => 8,
        PhysicalType::INT96 => 12,
        PhysicalType::BYTE_ARRAY => 0, // per value: its length plus 4
    };
    let first = arrays.first()?;
    if physical == PhysicalType::BYTE_ARRAY {
        let mut page: FirstPage<&[u8]> = FirstPage::new(limits.page_bytes);
        for array in arrays {
            if !byte_values(array, &mut |bytes| page.push(bytes, bytes.len() + 4))? {
                break;
            }
        }
        return Some(page.decide(limits.dictionary_bytes));
    }
    let width = first.data_type().primitive_width()?;
    if width > 16 {
        return None;
    }
    let mut page: FirstPage<u128> = FirstPage::new(limits.page_bytes);
    'arrays: for array in arrays {
        let data = array.to_data();
        let buffer = data.buffers().first()?.as_slice();
        for i in 0..array.len() {
            if array.is_null(i) {
                continue;
            }
            let start = (data.offset() + i) * width;
            let bytes = buffer.get(start..start + width)?;
            let mut key = [0u8; 16];
            key[..width].copy_from_slice(bytes);
            if !page.push(u128::from_le_bytes(key), plain_width) {
                break 'arrays;
            }
        }
    }
    Some(page.decide(limits.dictionary_bytes))
}

/// Feeds the non-null values of a byte array column to `push` until it returns false; `None`
/// for a type that is not one. Returns whether the page still has room.
fn byte_values<'a>(array: &'a ArrayRef, push: &mut impl FnMut(&'a [u8]) -> bool) -> Option<bool> {
    fn feed<'a>(
        values: impl Iterator<Item = Option<&'a [u8]>>,
        push: &mut impl FnMut(&'a [u8]) -> bool,
    ) -> bool {
        for value in values.flatten() {
            if !push(value) {
                return false;
            }
        }
        true
    }
    Some(match array.data_type() {
        DataType::Utf8 => feed(
            array
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(str::as_bytes)),
            push,
        ),
        DataType::LargeUtf8 => feed(
            array
                .as_string::<i64>()
                .iter()
                .map(|v| v.map(str::as_bytes)),
            push,
        ),
        DataType::Utf8View => feed(
            array.as_string_view().iter().map(|v| v.map(str::as_bytes)),
            push,
        ),
        DataType::Binary => feed(array.as_binary::<i32>().iter(), push),
        DataType::LargeBinary => feed(array.as_binary::<i64>().iter(), push),
        DataType::BinaryView => feed(array.as_binary_view().iter(), push),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Int64Array, StringArray, StructArray};
    use arrow_schema::{Field, Fields, Schema};
    use parquet::arrow::ArrowSchemaConverter;

    use super::*;

    const LIMITS: Limits = Limits {
        page_bytes: 1 << 20,
        dictionary_bytes: 1 << 20,
        writer_version: WriterVersion::PARQUET_1_0,
    };

    fn plain(batch: &RecordBatch) -> Vec<String> {
        let descriptor = ArrowSchemaConverter::new()
            .with_coerce_types(true)
            .convert(&batch.schema())
            .expect("schema");
        plain_columns(std::slice::from_ref(batch), &descriptor, LIMITS)
            .iter()
            .map(|p| p.string())
            .collect()
    }

    #[test]
    fn nested_leaves_are_judged_by_their_own_values() {
        let rows = 5_000;
        let mut tags = ListBuilder::new(StringBuilder::new());
        let mut ids = ListBuilder::new(StringBuilder::new());
        for i in 0..rows {
            tags.values().append_value(["a", "b", "c"][i % 3]);
            tags.append(true);
            ids.values().append_value(format!("id-{i:08}"));
            ids.values().append_value(format!("id-{:08}", i + rows));
            ids.append(true);
        }
        let point = StructArray::new(
            Fields::from(vec![
                Field::new("x", DataType::Int64, true),
                Field::new("kind", DataType::Utf8, true),
            ]),
            vec![
                Arc::new(Int64Array::from_iter_values(
                    (0..rows as i64).map(|i| i * 31),
                )),
                Arc::new(StringArray::from_iter_values(
                    (0..rows).map(|i| ["p", "q"][i % 2]),
                )),
            ],
            None,
        );
        let columns: Vec<ArrayRef> = vec![
            Arc::new(tags.finish()),
            Arc::new(ids.finish()),
            Arc::new(point),
            Arc::new(arrow_array::BooleanArray::from(vec![true; rows])),
        ];
        let schema = Schema::new(
            columns
                .iter()
                .zip(["tags", "ids", "point", "flag"])
                .map(|(c, n)| Field::new(n, c.data_type().clone(), true))
                .collect::<Vec<_>>(),
        );
        let batch = RecordBatch::try_new(Arc::new(schema), columns).expect("batch");
        assert_eq!(plain(&batch), ["ids.list.element", "point.x"]);
        // A later slice of the same rows is judged on its own values.
        assert_eq!(
            plain(&batch.slice(4_000, 1_000)),
            ["ids.list.element", "point.x"]
        );
    }

    #[test]
    fn a_column_without_values_is_plain() {
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, true)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(Int64Array::from(vec![None::<i64>; 10]))],
        )
        .expect("batch");
        assert_eq!(plain(&batch), ["n"]);
    }
}
