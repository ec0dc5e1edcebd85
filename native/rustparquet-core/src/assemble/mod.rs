//! Record assembly: decoded columns (Arrow arrays of one batch) → JSON documents, one per row.
//!
//! The `parquet` crate's Arrow reader has already turned repetition and definition levels into
//! nested arrays: list offsets (one level of repetition each), validity bitmaps (one definition
//! level each), struct children, dictionary keys. This module owns what the JSON looks like: a
//! [`Shape`] is decided once per file from the Arrow schema, the Parquet leaf annotations (UUID,
//! INT96) and, for files we wrote, the `rustparquet.schema` metadata (JSON keys that differ from
//! column names, empty objects). Per batch, [`Assembler::write_batch`] binds each shape node to
//! its typed array once, then walks rows depth first, writing bytes straight into a `Vec<u8>`:
//! no `serde_json::Value` per record. The JSON rules (null vs missing, NaN, maps, timestamps,
//! binary) are listed in docs/reading.md; the per-file shape is built in `shape.rs`, scalar
//! formatting lives in [`scalar`], variant columns are rebuilt in [`variant`].

pub mod scalar;
mod shape;
pub mod variant;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType as ArrowType, IntervalUnit, TimeUnit};

use crate::error::Result;

pub use scalar::NonFinite;
pub(crate) use shape::count_leaves;
pub use shape::{LeafForm, LegacyCalendar, Member, Shape, ShapeError};
pub use variant::VariantGroups;

/// Choices of the JSON form where Parquet does not decide it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssembleOptions {
    /// Leave out object members whose value is null (Parquet cannot tell a missing key from a
    /// null one). Off by default: every field of the schema is written, null when absent.
    pub omit_nulls: bool,
    /// What NaN and ±infinity become.
    pub non_finite: NonFinite,
}

/// Writes the rows of record batches as NDJSON.
#[derive(Debug, Clone)]
pub struct Assembler {
    members: Vec<Member>,
    options: AssembleOptions,
    /// The one member is the whole document (a `--variant '$'` file): each row is its value,
    /// not an object holding it.
    whole_document: bool,
}

/// Bit-packed validity of one array (Arrow layout), or none when every slot is valid.
#[derive(Clone, Copy)]
struct Validity<'a> {
    bits: &'a [u8],
    offset: usize,
}

impl Validity<'_> {
    #[inline]
    fn is_valid(&self, i: usize) -> bool {
        let j = self.offset + i;
        self.bits
            .get(j >> 3)
            .is_some_and(|byte| byte >> (j & 7) & 1 == 1)
    }
}

fn validity(array: &dyn Array) -> Option<Validity<'_>> {
    array.nulls().map(|n| Validity {
        bits: n.validity(),
        offset: n.offset(),
    })
}

type LeafFn<'a> = Box<dyn Fn(usize, &mut Vec<u8>) + 'a>;

enum Offsets<'a> {
    I32(&'a [i32]),
    I64(&'a [i64]),
    Fixed(usize),
}

impl Offsets<'_> {
    #[inline]
    fn range(&self, i: usize) -> (usize, usize) {
        match self {
            Offsets::I32(o) => (o[i] as usize, o[i + 1] as usize),
            Offsets::I64(o) => (o[i] as usize, o[i + 1] as usize),
            Offsets::Fixed(n) => (i * n, (i + 1) * n),
        }
    }
}

/// A shape bound to the arrays of one batch.
struct Col<'a> {
    validity: Option<Validity<'a>>,
    kind: Kind<'a>,
}

enum Kind<'a> {
    AllNull,
    Leaf(LeafFn<'a>),
    /// Dictionary values rendered once per batch: row `i` is `text[ends[k-1]..ends[k]]`.
    Rendered {
        keys: Vec<usize>,
        text: Vec<u8>,
        ends: Vec<usize>,
    },
    Dict {
        keys: Vec<usize>,
        values: Box<Col<'a>>,
    },
    List {
        offsets: Offsets<'a>,
        element: Box<Col<'a>>,
    },
    Struct(Vec<(&'a [u8], Col<'a>)>),
    Union(Vec<Col<'a>>),
    EmptyObject,
    Map {
        offsets: &'a [i32],
        keys: Box<Col<'a>>,
        values: Box<Col<'a>>,
    },
}

impl Col<'_> {
    #[inline]
    fn is_valid(&self, i: usize) -> bool {
        match self.validity {
            Some(v) => v.is_valid(i),
            None => true,
        }
    }
}

/// Documents are flushed to the sink once the buffer holds this much.
pub const FLUSH_BYTES: usize = 1 << 20;

impl Assembler {
    pub fn new(members: Vec<Member>, options: AssembleOptions) -> Self {
        Assembler {
            members,
            options,
            whole_document: false,
        }
    }

    /// Marks the one member as the whole document (the file's schema says so:
    /// [`crate::schema::variant::is_whole_document`]): rows are written as its values.
    pub fn whole_document(mut self, whole_document: bool) -> Self {
        self.whole_document = whole_document && self.members.len() == 1;
        self
    }

    /// The top-level members, in output order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Appends one JSON document and a `\n` per row of `batch` (at most `rows` of them) to
    /// `out`, calling `flush` whenever `out` holds [`FLUSH_BYTES`] or more, so a batch never
    /// sits whole in memory as text. Fails if `batch` does not match the shapes (named after
    /// `source`) or if `flush` fails.
    pub fn write_batch(
        &self,
        source: &std::path::Path,
        batch: &RecordBatch,
        rows: usize,
        out: &mut Vec<u8>,
        flush: &mut dyn FnMut(&mut Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        let shape_err = |e: ShapeError| crate::Error::Read {
            path: source.to_path_buf(),
            reason: format!("cannot assemble records: {}", e.0),
        };
        // No members but one column: a file of `{}` documents (its placeholder column).
        let only_placeholder = self.members.is_empty() && batch.num_columns() == 1;
        let cols = match bind_members(&self.members, batch.columns(), self.options.non_finite) {
            Some(cols) => cols.map_err(shape_err)?,
            None if only_placeholder => Vec::new(),
            None => {
                return Err(shape_err(ShapeError(format!(
                    "batch has {} columns, expected {}",
                    batch.num_columns(),
                    self.members.iter().map(Member::columns).sum::<usize>()
                ))))
            }
        };
        for row in 0..rows.min(batch.num_rows()) {
            match &cols[..] {
                [(_, document)] if self.whole_document => {
                    write_value(document, row, out, &self.options)
                }
                _ => write_object(&cols, row, out, &self.options),
            }
            out.push(b'\n');
            if out.len() >= FLUSH_BYTES {
                flush(out)?;
            }
        }
        Ok(())
    }
}

/// Binds object members to their arrays (a member of sibling columns takes several); `None`
/// when the number of arrays does not match.
fn bind_members<'a>(
    members: &'a [Member],
    arrays: &'a [ArrayRef],
    nf: NonFinite,
) -> Option<std::result::Result<Vec<(&'a [u8], Col<'a>)>, ShapeError>> {
    if members.iter().map(Member::columns).sum::<usize>() != arrays.len() {
        return None;
    }
    let mut out = Vec::with_capacity(members.len());
    let mut next = 0;
    for m in members {
        let col = match &m.shape {
            Shape::Siblings(shapes) => {
                let mut cols = Vec::with_capacity(shapes.len());
                for (shape, a) in shapes.iter().zip(&arrays[next..]) {
                    match bind(shape, a, nf) {
                        Ok(c) => cols.push(c),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Col {
                    validity: None,
                    kind: Kind::Union(cols),
                }
            }
            shape => match bind(shape, &arrays[next], nf) {
                Ok(c) => c,
                Err(e) => return Some(Err(e)),
            },
        };
        next += m.columns();
        out.push((&*m.key_json, col));
    }
    Some(Ok(out))
}

fn bind<'a>(
    shape: &'a Shape,
    array: &'a ArrayRef,
    nf: NonFinite,
) -> std::result::Result<Col<'a>, ShapeError> {
    let mismatch = || {
        ShapeError(format!(
            "Arrow type {} does not fit shape {:?}",
            array.data_type(),
            shape
        ))
    };
    let validity = validity(array.as_ref());
    let kind = match shape {
        Shape::EmptyObject => Kind::EmptyObject,
        Shape::Struct(members) => {
            let s = array.as_struct_opt().ok_or_else(mismatch)?;
            Kind::Struct(bind_members(members, s.columns(), nf).ok_or_else(mismatch)??)
        }
        Shape::Siblings(_) => return Err(mismatch()),
        Shape::Variant(v) => return bind_variant(v, array, nf),
        Shape::Union(members) => {
            let s = array.as_struct_opt().ok_or_else(mismatch)?;
            if s.num_columns() != members.len() {
                return Err(mismatch());
            }
            let mut cols = Vec::with_capacity(members.len());
            for (m, c) in members.iter().zip(s.columns()) {
                cols.push(bind(m, c, nf)?);
            }
            Kind::Union(cols)
        }
        Shape::List(element) => match array.data_type() {
            ArrowType::List(_) => {
                let l = array.as_list_opt::<i32>().ok_or_else(mismatch)?;
                Kind::List {
                    offsets: Offsets::I32(l.value_offsets()),
                    element: Box::new(bind(element, l.values(), nf)?),
                }
            }
            ArrowType::LargeList(_) => {
                let l = array.as_list_opt::<i64>().ok_or_else(mismatch)?;
                Kind::List {
                    offsets: Offsets::I64(l.value_offsets()),
                    element: Box::new(bind(element, l.values(), nf)?),
                }
            }
            ArrowType::FixedSizeList(_, n) => {
                let l = array.as_fixed_size_list_opt().ok_or_else(mismatch)?;
                Kind::List {
                    offsets: Offsets::Fixed((*n).max(0) as usize),
                    element: Box::new(bind(element, l.values(), nf)?),
                }
            }
            ArrowType::Map(_, _) => {
                // Key-only map: the keys as an array.
                let m = array.as_map_opt().ok_or_else(mismatch)?;
                Kind::List {
                    offsets: Offsets::I32(m.value_offsets()),
                    element: Box::new(bind(element, m.keys(), nf)?),
                }
            }
            _ => return Err(mismatch()),
        },
        Shape::Map { key, value } => {
            let m = array.as_map_opt().ok_or_else(mismatch)?;
            Kind::Map {
                offsets: m.value_offsets(),
                keys: Box::new(bind(key, m.keys(), nf)?),
                values: Box::new(bind(value, m.values(), nf)?),
            }
        }
        Shape::Leaf(form) => return bind_leaf(*form, array, nf).ok_or_else(mismatch),
    };
    Ok(Col { validity, kind })
}

/// A variant column's rows, rebuilt and printed once per batch: a row that is not a valid
/// variant fails the batch here, where errors can still be returned.
fn bind_variant<'a>(
    shape: &'a variant::VariantShape,
    array: &'a ArrayRef,
    nf: NonFinite,
) -> std::result::Result<Col<'a>, ShapeError> {
    let bound = variant::BoundVariant::bind(shape, array)?;
    let mut text = Vec::new();
    let mut ends = Vec::with_capacity(bound.len());
    for i in 0..bound.len() {
        bound
            .write_json(i, &mut text, nf)
            .map_err(|e| ShapeError(format!("row {} of the batch: {e}", i + 1)))?;
        ends.push(text.len());
    }
    Ok(Col {
        validity: validity(array.as_ref()),
        kind: Kind::Rendered {
            keys: (0..bound.len()).collect(),
            text,
            ends,
        },
    })
}

fn bind_leaf(form: LeafForm, array: &ArrayRef, nf: NonFinite) -> Option<Col<'_>> {
    let validity = validity(array.as_ref());
    macro_rules! prim {
        ($t:ty, |$v:ident, $out:ident| $body:expr) => {{
            let values = array.as_primitive_opt::<$t>()?.values();
            Kind::Leaf(Box::new(move |i, $out: &mut Vec<u8>| {
                let $v = values[i];
                $body
            }))
        }};
    }
    macro_rules! bytes {
        ($a:expr, |$v:ident, $out:ident| $body:expr) => {{
            let a = $a;
            Kind::Leaf(Box::new(move |i, $out: &mut Vec<u8>| {
                let $v = a.value(i);
                $body
            }))
        }};
    }
    let kind = match array.data_type() {
        ArrowType::Null => Kind::AllNull,
        ArrowType::Boolean => {
            let a = array.as_boolean_opt()?;
            Kind::Leaf(Box::new(move |i, out: &mut Vec<u8>| {
                out.extend_from_slice(if a.value(i) { b"true" } else { b"false" })
            }))
        }
        ArrowType::Int8 => prim!(Int8Type, |v, out| scalar::write_i64(out, v as i64)),
        ArrowType::Int16 => prim!(Int16Type, |v, out| scalar::write_i64(out, v as i64)),
        ArrowType::Int32 => prim!(Int32Type, |v, out| scalar::write_i64(out, v as i64)),
        ArrowType::Int64 => prim!(Int64Type, |v, out| scalar::write_i64(out, v)),
        ArrowType::UInt8 => prim!(UInt8Type, |v, out| scalar::write_u64(out, v as u64)),
        ArrowType::UInt16 => prim!(UInt16Type, |v, out| scalar::write_u64(out, v as u64)),
        ArrowType::UInt32 => prim!(UInt32Type, |v, out| scalar::write_u64(out, v as u64)),
        ArrowType::UInt64 => prim!(UInt64Type, |v, out| scalar::write_u64(out, v)),
        ArrowType::Float16 => prim!(Float16Type, |v, out| scalar::write_f32(out, v.to_f32(), nf)),
        ArrowType::Float32 => prim!(Float32Type, |v, out| scalar::write_f32(out, v, nf)),
        ArrowType::Float64 => prim!(Float64Type, |v, out| scalar::write_f64(out, v, nf)),
        ArrowType::Decimal32(_, s) => {
            let s = *s;
            prim!(Decimal32Type, |v, out| scalar::write_decimal_i128(
                out, v as i128, s
            ))
        }
        ArrowType::Decimal64(_, s) => {
            let s = *s;
            prim!(Decimal64Type, |v, out| scalar::write_decimal_i128(
                out, v as i128, s
            ))
        }
        ArrowType::Decimal128(_, s) => {
            let s = *s;
            prim!(Decimal128Type, |v, out| scalar::write_decimal_i128(
                out, v, s
            ))
        }
        ArrowType::Decimal256(_, s) => {
            let s = *s;
            prim!(Decimal256Type, |v, out| scalar::write_decimal_digits(
                out,
                &v.to_string(),
                s
            ))
        }
        ArrowType::Utf8 => bytes!(array.as_string_opt::<i32>()?, |v, out| scalar::write_str(
            out, v
        )),
        ArrowType::LargeUtf8 => {
            bytes!(array.as_string_opt::<i64>()?, |v, out| scalar::write_str(
                out, v
            ))
        }
        ArrowType::Utf8View => bytes!(array.as_string_view_opt()?, |v, out| scalar::write_str(
            out, v
        )),
        ArrowType::Binary => bytes!(array.as_binary_opt::<i32>()?, |v, out| {
            scalar::write_base64(out, v)
        }),
        ArrowType::LargeBinary => bytes!(array.as_binary_opt::<i64>()?, |v, out| {
            scalar::write_base64(out, v)
        }),
        ArrowType::BinaryView => bytes!(array.as_binary_view_opt()?, |v, out| {
            scalar::write_base64(out, v)
        }),
        ArrowType::FixedSizeBinary(_) => {
            let a = array.as_fixed_size_binary_opt()?;
            if form == LeafForm::Uuid {
                bytes!(a, |v, out| scalar::write_uuid(out, v))
            } else {
                bytes!(a, |v, out| scalar::write_base64(out, v))
            }
        }
        ArrowType::Date32 if form == LeafForm::JulianDate => prim!(Date32Type, |v, out| {
            scalar::write_date(out, scalar::julian_to_gregorian_days(v as i64))
        }),
        ArrowType::Date32 => prim!(Date32Type, |v, out| scalar::write_date(out, v as i64)),
        ArrowType::Date64 => {
            let julian = form == LeafForm::JulianDate;
            prim!(Date64Type, |v, out| {
                let days = v.div_euclid(86_400_000);
                let days = if julian {
                    scalar::julian_to_gregorian_days(days)
                } else {
                    days
                };
                scalar::write_date(out, days)
            })
        }
        ArrowType::Time32(TimeUnit::Second) => {
            prim!(Time32SecondType, |v, out| scalar::write_time(
                out,
                v as i64,
                TimeUnit::Second
            ))
        }
        ArrowType::Time32(_) => prim!(Time32MillisecondType, |v, out| scalar::write_time(
            out,
            v as i64,
            TimeUnit::Millisecond
        )),
        ArrowType::Time64(TimeUnit::Nanosecond) => {
            prim!(Time64NanosecondType, |v, out| scalar::write_time(
                out,
                v,
                TimeUnit::Nanosecond
            ))
        }
        ArrowType::Time64(_) => prim!(Time64MicrosecondType, |v, out| scalar::write_time(
            out,
            v,
            TimeUnit::Microsecond
        )),
        ArrowType::Timestamp(unit, tz) => {
            let unit = *unit;
            let (utc, julian) = match form {
                LeafForm::JulianTimestamp { utc } => (utc, true),
                form => (tz.is_some() || form == LeafForm::UtcTimestamp, false),
            };
            let values: &[i64] = match unit {
                TimeUnit::Second => array.as_primitive_opt::<TimestampSecondType>()?.values(),
                TimeUnit::Millisecond => array
                    .as_primitive_opt::<TimestampMillisecondType>()?
                    .values(),
                TimeUnit::Microsecond => array
                    .as_primitive_opt::<TimestampMicrosecondType>()?
                    .values(),
                TimeUnit::Nanosecond => array
                    .as_primitive_opt::<TimestampNanosecondType>()?
                    .values(),
            };
            Kind::Leaf(Box::new(move |i, out: &mut Vec<u8>| {
                let v = if julian {
                    scalar::julian_to_gregorian_timestamp(values[i], unit)
                } else {
                    values[i]
                };
                scalar::write_timestamp(out, v, unit, utc)
            }))
        }
        ArrowType::Duration(unit) => {
            // A duration is written as its integer count of the column's unit.
            let values: &[i64] = match unit {
                TimeUnit::Second => array.as_primitive_opt::<DurationSecondType>()?.values(),
                TimeUnit::Millisecond => array
                    .as_primitive_opt::<DurationMillisecondType>()?
                    .values(),
                TimeUnit::Microsecond => array
                    .as_primitive_opt::<DurationMicrosecondType>()?
                    .values(),
                TimeUnit::Nanosecond => {
                    array.as_primitive_opt::<DurationNanosecondType>()?.values()
                }
            };
            Kind::Leaf(Box::new(move |i, out: &mut Vec<u8>| {
                scalar::write_i64(out, values[i])
            }))
        }
        ArrowType::Interval(IntervalUnit::YearMonth) => {
            prim!(IntervalYearMonthType, |v, out| {
                out.extend_from_slice(b"{\"months\":");
                scalar::write_i64(out, v as i64);
                out.push(b'}');
            })
        }
        ArrowType::Interval(IntervalUnit::DayTime) => prim!(IntervalDayTimeType, |v, out| {
            out.extend_from_slice(b"{\"days\":");
            scalar::write_i64(out, v.days as i64);
            out.extend_from_slice(b",\"milliseconds\":");
            scalar::write_i64(out, v.milliseconds as i64);
            out.push(b'}');
        }),
        ArrowType::Interval(IntervalUnit::MonthDayNano) => {
            prim!(IntervalMonthDayNanoType, |v, out| {
                out.extend_from_slice(b"{\"months\":");
                scalar::write_i64(out, v.months as i64);
                out.extend_from_slice(b",\"days\":");
                scalar::write_i64(out, v.days as i64);
                out.extend_from_slice(b",\"nanoseconds\":");
                scalar::write_i64(out, v.nanoseconds);
                out.push(b'}');
            })
        }
        ArrowType::Dictionary(_, _) => {
            let d = array.as_any_dictionary_opt()?;
            let values = d.values();
            if values.is_empty() {
                // An all-null chunk has an empty dictionary; every key must be null.
                if array.null_count() != array.len() {
                    return None;
                }
                return Some(Col {
                    validity,
                    kind: Kind::AllNull,
                });
            }
            let keys = d.normalized_keys();
            // Corrupt indices must not index out of bounds: check the valid ones once.
            let n = values.len();
            for (i, k) in keys.iter().enumerate() {
                if *k >= n && validity.is_none_or(|v| v.is_valid(i)) {
                    return None;
                }
            }
            let values_col = bind_leaf(form, values, nf)?;
            if n <= keys.len() && values.null_count() == 0 {
                // Few distinct values: render each once, then copy bytes per row.
                let mut text = Vec::new();
                let mut ends = Vec::with_capacity(n);
                if let Kind::Leaf(f) = &values_col.kind {
                    for j in 0..n {
                        f(j, &mut text);
                        ends.push(text.len());
                    }
                    return Some(Col {
                        validity,
                        kind: Kind::Rendered { keys, text, ends },
                    });
                }
            }
            Kind::Dict {
                keys,
                values: Box::new(values_col),
            }
        }
        _ => return None,
    };
    Some(Col { validity, kind })
}

fn write_object(fields: &[(&[u8], Col<'_>)], row: usize, out: &mut Vec<u8>, o: &AssembleOptions) {
    out.push(b'{');
    let mut first = true;
    for (key, col) in fields {
        if o.omit_nulls && is_null_at(col, row) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(key);
        write_value(col, row, out, o);
    }
    out.push(b'}');
}

fn is_null_at(col: &Col<'_>, i: usize) -> bool {
    if !col.is_valid(i) {
        return true;
    }
    match &col.kind {
        Kind::AllNull => true,
        Kind::Dict { keys, values } => is_null_at(values, keys[i]),
        Kind::Union(members) => members.iter().all(|m| is_null_at(m, i)),
        _ => false,
    }
}

fn write_value(col: &Col<'_>, i: usize, out: &mut Vec<u8>, o: &AssembleOptions) {
    if !col.is_valid(i) {
        out.extend_from_slice(b"null");
        return;
    }
    match &col.kind {
        Kind::AllNull => out.extend_from_slice(b"null"),
        Kind::Leaf(f) => f(i, out),
        Kind::Rendered { keys, text, ends } => {
            let k = keys[i];
            let start = if k == 0 { 0 } else { ends[k - 1] };
            out.extend_from_slice(&text[start..ends[k]]);
        }
        Kind::Dict { keys, values } => write_value(values, keys[i], out, o),
        Kind::List { offsets, element } => {
            let (start, end) = offsets.range(i);
            out.push(b'[');
            for j in start..end {
                if j > start {
                    out.push(b',');
                }
                write_value(element, j, out, o);
            }
            out.push(b']');
        }
        Kind::Struct(fields) => write_object(fields, i, out, o),
        Kind::Union(members) => match members.iter().find(|m| !is_null_at(m, i)) {
            Some(m) => write_value(m, i, out, o),
            None => out.extend_from_slice(b"null"),
        },
        Kind::EmptyObject => out.extend_from_slice(b"{}"),
        Kind::Map {
            offsets,
            keys,
            values,
        } => {
            let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
            out.push(b'{');
            let mut first = true;
            for j in start..end {
                if o.omit_nulls && is_null_at(values, j) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                write_key(keys, j, out, o);
                out.push(b':');
                write_value(values, j, out, o);
            }
            out.push(b'}');
        }
    }
}

/// A map key as a JSON string: strings as they are, anything else as its JSON text quoted.
fn write_key(keys: &Col<'_>, j: usize, out: &mut Vec<u8>, o: &AssembleOptions) {
    let start = out.len();
    write_value(keys, j, out, o);
    if out.get(start) == Some(&b'"') {
        return;
    }
    let text = out.split_off(start);
    scalar::write_str_bytes(out, &text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{Int64Builder, ListBuilder, MapBuilder, StringBuilder};
    use arrow_array::{Float64Array, Int64Array, StringArray, StructArray};
    use arrow_schema::{Field as ArrowField, Fields};
    use std::sync::Arc;

    fn ndjson(batch: &RecordBatch, members: Vec<Member>, options: AssembleOptions) -> String {
        let a = Assembler::new(members, options);
        let mut out = Vec::new();
        a.write_batch("t".as_ref(), batch, usize::MAX, &mut out, &mut |_| Ok(()))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    fn leaf() -> Shape {
        Shape::Leaf(LeafForm::Plain)
    }

    #[test]
    fn nulls_lists_and_structs() {
        let mut list = ListBuilder::new(Int64Builder::new());
        list.values().append_value(1);
        list.values().append_null();
        list.append(true);
        list.append(true); // []
        list.append(false); // null
        let list = Arc::new(list.finish()) as ArrayRef;
        let inner = Arc::new(StructArray::new(
            Fields::from(vec![ArrowField::new("x", ArrowType::Float64, true)]),
            vec![Arc::new(Float64Array::from(vec![Some(1.0), None, Some(f64::NAN)])) as ArrayRef],
            Some(vec![true, true, false].into()),
        )) as ArrayRef;
        let batch = RecordBatch::try_from_iter(vec![("l", list), ("s", inner)]).unwrap();
        let members = vec![
            Member::new("l", Shape::List(Box::new(leaf()))),
            Member::new("s", Shape::Struct(vec![Member::new("x", leaf())])),
        ];
        assert_eq!(
            ndjson(&batch, members.clone(), AssembleOptions::default()),
            "{\"l\":[1,null],\"s\":{\"x\":1.0}}\n\
             {\"l\":[],\"s\":{\"x\":null}}\n\
             {\"l\":null,\"s\":null}\n"
        );
        let omit = AssembleOptions {
            omit_nulls: true,
            non_finite: NonFinite::Null,
        };
        assert_eq!(
            ndjson(&batch, members, omit),
            "{\"l\":[1,null],\"s\":{\"x\":1.0}}\n{\"l\":[],\"s\":{}}\n{}\n"
        );
    }

    #[test]
    fn maps_become_objects_with_string_keys() {
        let mut m = MapBuilder::new(None, Int64Builder::new(), StringBuilder::new());
        m.keys().append_value(1);
        m.values().append_value("a");
        m.keys().append_value(-2);
        m.values().append_null();
        m.append(true).unwrap();
        m.append(false).unwrap();
        let batch =
            RecordBatch::try_from_iter(vec![("m", Arc::new(m.finish()) as ArrayRef)]).unwrap();
        let members = vec![Member::new(
            "m",
            Shape::Map {
                key: Box::new(leaf()),
                value: Box::new(leaf()),
            },
        )];
        assert_eq!(
            ndjson(&batch, members, AssembleOptions::default()),
            "{\"m\":{\"1\":\"a\",\"-2\":null}}\n{\"m\":null}\n"
        );
    }

    #[test]
    fn keys_are_escaped_and_empty_objects_come_back() {
        let s = Arc::new(StructArray::new(
            Fields::from(vec![ArrowField::new(
                "_empty_object",
                ArrowType::Boolean,
                true,
            )]),
            vec![Arc::new(arrow_array::BooleanArray::from(vec![None, None])) as ArrayRef],
            Some(vec![true, false].into()),
        )) as ArrayRef;
        let k = Arc::new(StringArray::from(vec!["v", "w"])) as ArrayRef;
        let i = Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef;
        let batch = RecordBatch::try_from_iter(vec![("e", s), ("k", k), ("i", i)]).unwrap();
        let members = vec![
            Member::new("e", Shape::EmptyObject),
            Member::new("a\"b", leaf()),
            Member::new("id", leaf()),
        ];
        assert_eq!(
            ndjson(&batch, members, AssembleOptions::default()),
            "{\"e\":{},\"a\\\"b\":\"v\",\"id\":1}\n{\"e\":null,\"a\\\"b\":\"w\",\"id\":2}\n"
        );
    }

    #[test]
    fn an_all_null_dictionary_column_has_an_empty_dictionary() {
        // What the reader gives for an always-null dictionary-encoded chunk (our `null` type).
        let keys = arrow_array::Int32Array::from(vec![None, None]);
        let values = Arc::new(StringArray::from(Vec::<&str>::new())) as ArrayRef;
        let dict = arrow_array::DictionaryArray::<Int32Type>::try_new(keys, values).unwrap();
        let batch = RecordBatch::try_from_iter(vec![("n", Arc::new(dict) as ArrayRef)]).unwrap();
        assert_eq!(
            ndjson(
                &batch,
                vec![Member::new("n", leaf())],
                AssembleOptions::default()
            ),
            "{\"n\":null}\n{\"n\":null}\n"
        );
    }

    #[test]
    fn dictionary_values_are_rendered_once_and_copied() {
        let keys = arrow_array::Int32Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values = Arc::new(StringArray::from(vec!["a\"b", "ü"])) as ArrayRef;
        let dict = arrow_array::DictionaryArray::<Int32Type>::try_new(keys, values).unwrap();
        let batch = RecordBatch::try_from_iter(vec![("s", Arc::new(dict) as ArrayRef)]).unwrap();
        assert_eq!(
            ndjson(
                &batch,
                vec![Member::new("s", leaf())],
                AssembleOptions::default()
            ),
            "{\"s\":\"ü\"}\n{\"s\":null}\n{\"s\":\"a\\\"b\"}\n{\"s\":\"ü\"}\n"
        );
    }

    #[test]
    fn shape_mismatch_is_an_error_not_a_panic() {
        let i = Arc::new(Int64Array::from(vec![1])) as ArrayRef;
        let batch = RecordBatch::try_from_iter(vec![("i", i)]).unwrap();
        let a = Assembler::new(
            vec![Member::new("i", Shape::List(Box::new(leaf())))],
            AssembleOptions::default(),
        );
        let err = a
            .write_batch(
                "t.parquet".as_ref(),
                &batch,
                1,
                &mut Vec::new(),
                &mut |_| Ok(()),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "t.parquet: cannot assemble records: Arrow type Int64 does not fit shape List"
            ),
            "{err}"
        );
    }
}
