//! Per-column knowledge the reader adds to the Arrow reader's schema: decode hints (INT96 as
//! microseconds, ENUM as text, dictionary-encoded strings kept as dictionaries, chosen from a
//! row group's column chunks) and the JSON path of every leaf, by which a read selects
//! columns.

use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field as ArrowField, Fields};
use parquet::basic::{ConvertedType, Encoding, LogicalType, Type as PhysicalType};
use parquet::file::metadata::RowGroupMetaData;
use parquet::schema::types::ColumnDescriptor;

use crate::schema::{self, Repetition};

pub(super) fn is_dictionary_chunk(chunk: &parquet::file::metadata::ColumnChunkMetaData) -> bool {
    chunk
        .encodings()
        .any(|e| matches!(e, Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY))
}

pub(super) fn is_byte_array(d: &ColumnDescriptor) -> bool {
    d.physical_type() == PhysicalType::BYTE_ARRAY
}

pub(super) fn hint_field(f: &ArrowField, meta: &RowGroupMetaData, next: &mut usize) -> ArrowField {
    let t = hint_type(f.data_type(), meta, next);
    f.clone().with_data_type(t)
}

fn hint_type(t: &ArrowType, meta: &RowGroupMetaData, next: &mut usize) -> ArrowType {
    match t {
        ArrowType::List(i) => ArrowType::List(Arc::new(hint_field(i, meta, next))),
        ArrowType::LargeList(i) => ArrowType::LargeList(Arc::new(hint_field(i, meta, next))),
        ArrowType::FixedSizeList(i, n) => {
            ArrowType::FixedSizeList(Arc::new(hint_field(i, meta, next)), *n)
        }
        ArrowType::Struct(fs) => ArrowType::Struct(Fields::from(
            fs.iter()
                .map(|f| hint_field(f, meta, next))
                .collect::<Vec<_>>(),
        )),
        ArrowType::Map(e, sorted) => ArrowType::Map(Arc::new(hint_field(e, meta, next)), *sorted),
        leaf => {
            let i = *next;
            *next += 1;
            let Some(chunk) = meta.columns().get(i) else {
                return leaf.clone();
            };
            let d = chunk.column_descr();
            let is_enum = matches!(d.logical_type_ref(), Some(LogicalType::Enum))
                || d.converted_type() == ConvertedType::ENUM;
            let t = match leaf {
                ArrowType::Timestamp(arrow_schema::TimeUnit::Nanosecond, tz)
                    if d.physical_type() == PhysicalType::INT96 =>
                {
                    ArrowType::Timestamp(arrow_schema::TimeUnit::Microsecond, tz.clone())
                }
                ArrowType::Binary if is_enum => ArrowType::Utf8,
                other => other.clone(),
            };
            match t {
                ArrowType::Utf8 | ArrowType::Binary if is_dictionary_chunk(chunk) => {
                    ArrowType::Dictionary(Box::new(ArrowType::Int32), Box::new(t))
                }
                t => t,
            }
        }
    }
}

/// The JSON path of every leaf under `fields`: struct steps by JSON key; list, map and
/// placeholder steps add nothing (a map is selected whole).
pub(super) fn collect_leaf_paths(
    fields: &Fields,
    ours: Option<&[schema::Field]>,
    prefix: &[String],
    out: &mut Vec<Vec<String>>,
) {
    for f in fields {
        let our = ours.and_then(|o| o.iter().find(|c| c.name == *f.name()));
        let mut path = prefix.to_vec();
        path.push(our.map(|o| o.json_key()).unwrap_or(f.name()).to_string());
        collect_type_paths(f.data_type(), our, &path, out);
    }
}

pub(super) fn collect_type_paths(
    t: &ArrowType,
    our: Option<&schema::Field>,
    path: &[String],
    out: &mut Vec<Vec<String>>,
) {
    match t {
        ArrowType::List(i) | ArrowType::LargeList(i) | ArrowType::FixedSizeList(i, _) => {
            let element = match our {
                Some(f) if f.repetition == Repetition::Repeated => Some(f),
                Some(schema::Field {
                    data_type: schema::DataType::List(e),
                    ..
                }) => Some(e.as_ref()),
                _ => None,
            };
            collect_type_paths(i.data_type(), element, path, out)
        }
        ArrowType::Struct(fs) => {
            let ours = match our.map(|o| &o.data_type) {
                Some(schema::DataType::Struct(v)) if v.is_empty() => {
                    // Placeholder leaves belong to the (empty) object itself.
                    for _ in 0..fs.len() {
                        out.push(path.to_vec());
                    }
                    return;
                }
                Some(schema::DataType::Struct(v)) => Some(&v[..]),
                Some(schema::DataType::Union(members)) if members.len() == fs.len() => {
                    // Members hold the union's own value: their leaves keep its path.
                    for (f, m) in fs.iter().zip(members) {
                        collect_type_paths(f.data_type(), Some(m), path, out);
                    }
                    return;
                }
                _ => None,
            };
            collect_leaf_paths(fs, ours, path, out)
        }
        ArrowType::Map(e, _) => {
            let mut n = Vec::new();
            collect_type_paths(e.data_type(), None, path, &mut n);
            out.extend(n.into_iter().map(|_| path.to_vec()));
        }
        _ => out.push(path.to_vec()),
    }
}
