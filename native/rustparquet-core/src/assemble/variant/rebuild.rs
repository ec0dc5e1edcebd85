//! Rebuilding variant rows from one batch: each [`VariantShape`](super::VariantShape) is bound
//! to its `metadata`, `value` and `typed_value` arrays once per batch ([`BoundVariant`]), then
//! each row's variant is constructed from its residual `value` bytes and shredded
//! `typed_value` fields by the spec's reconstruction rules (a field in both is taken from
//! `typed_value`; a conflicting pair is an error naming the row) and printed as JSON.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, StructArray};
use arrow_schema::{DataType as ArrowType, TimeUnit as ArrowUnit};
use chrono::{DateTime, NaiveDate, NaiveTime};
use parquet_variant::{
    ObjectFieldBuilder, Variant, VariantBuilder, VariantBuilderExt, VariantDecimal16,
    VariantDecimal4, VariantDecimal8, VariantMetadata,
};

use super::super::scalar::NonFinite;
use super::super::ShapeError;
use super::{Primitive, Typed, VariantShape};
use crate::variant::to_json;

type RowResult<T> = Result<T, String>;

/// A binary column, plain or dictionary-encoded.
struct BinaryCol<'a> {
    array: &'a dyn Array,
    keys: Option<Vec<usize>>,
    values: BinaryValues<'a>,
}

enum BinaryValues<'a> {
    Small(&'a arrow_array::BinaryArray),
    Large(&'a arrow_array::LargeBinaryArray),
    View(&'a arrow_array::BinaryViewArray),
}

impl<'a> BinaryCol<'a> {
    fn bind(array: &'a ArrayRef) -> Option<Self> {
        let (keys, values) = match array.as_any_dictionary_opt() {
            Some(d) => (Some(d.normalized_keys()), d.values()),
            None => (None, array),
        };
        let values = match values.data_type() {
            ArrowType::Binary => BinaryValues::Small(values.as_binary_opt::<i32>()?),
            ArrowType::LargeBinary => BinaryValues::Large(values.as_binary_opt::<i64>()?),
            ArrowType::BinaryView => BinaryValues::View(values.as_binary_view_opt()?),
            _ => return None,
        };
        Some(BinaryCol {
            array: array.as_ref(),
            keys,
            values,
        })
    }

    fn get(&self, i: usize) -> RowResult<Option<&'a [u8]>> {
        if self.array.is_null(i) {
            return Ok(None);
        }
        let j = match &self.keys {
            Some(k) => k[i],
            None => i,
        };
        let len = match self.values {
            BinaryValues::Small(a) => a.len(),
            BinaryValues::Large(a) => a.len(),
            BinaryValues::View(a) => a.len(),
        };
        if j >= len {
            return Err(format!("dictionary index {j} out of range"));
        }
        Ok(Some(match self.values {
            BinaryValues::Small(a) => a.value(j),
            BinaryValues::Large(a) => a.value(j),
            BinaryValues::View(a) => a.value(j),
        }))
    }
}

type PrimitiveFn<'a> = Box<dyn Fn(usize) -> RowResult<Variant<'static, 'a>> + 'a>;

struct BoundGroup<'a> {
    value: Option<BinaryCol<'a>>,
    typed: Option<BoundTyped<'a>>,
}

enum BoundTyped<'a> {
    Primitive {
        array: &'a dyn Array,
        get: PrimitiveFn<'a>,
    },
    Array {
        array: &'a dyn Array,
        offsets: Vec<(usize, usize)>,
        element: Box<BoundGroup<'a>>,
    },
    Object {
        array: &'a StructArray,
        fields: Vec<(&'a str, BoundGroup<'a>)>,
    },
}

impl BoundTyped<'_> {
    fn is_null(&self, i: usize) -> bool {
        match self {
            BoundTyped::Primitive { array, .. } | BoundTyped::Array { array, .. } => {
                array.is_null(i)
            }
            BoundTyped::Object { array, .. } => array.is_null(i),
        }
    }
}

/// A variant column bound to one batch's arrays.
pub struct BoundVariant<'a> {
    array: &'a StructArray,
    metadata: BinaryCol<'a>,
    group: BoundGroup<'a>,
}

fn mismatch(shape: &str, t: &ArrowType) -> ShapeError {
    ShapeError(format!("variant {shape}: unexpected Arrow type {t}"))
}

fn bind_group<'a>(
    shape: &'a VariantShape,
    s: &'a StructArray,
) -> Result<BoundGroup<'a>, ShapeError> {
    if s.num_columns() != shape.children {
        return Err(mismatch("group", s.data_type()));
    }
    let value = match shape.value {
        Some(i) => Some(
            BinaryCol::bind(s.column(i))
                .ok_or_else(|| mismatch("value", s.column(i).data_type()))?,
        ),
        None => None,
    };
    let typed = match &shape.typed {
        Some((i, t)) => Some(bind_typed(t, s.column(*i))?),
        None => None,
    };
    Ok(BoundGroup { value, typed })
}

fn bind_typed<'a>(t: &'a Typed, a: &'a ArrayRef) -> Result<BoundTyped<'a>, ShapeError> {
    Ok(match t {
        Typed::Primitive(p) => BoundTyped::Primitive {
            array: a.as_ref(),
            get: bind_primitive(*p, a).ok_or_else(|| mismatch(&format!("{p:?}"), a.data_type()))?,
        },
        Typed::Array(element) => {
            let (offsets, values): (Vec<(usize, usize)>, &ArrayRef) = match a.data_type() {
                ArrowType::List(_) => {
                    let l = a.as_list::<i32>();
                    let o = l.value_offsets();
                    (
                        o.windows(2)
                            .map(|w| (w[0] as usize, w[1] as usize))
                            .collect(),
                        l.values(),
                    )
                }
                ArrowType::LargeList(_) => {
                    let l = a.as_list::<i64>();
                    let o = l.value_offsets();
                    (
                        o.windows(2)
                            .map(|w| (w[0] as usize, w[1] as usize))
                            .collect(),
                        l.values(),
                    )
                }
                t => return Err(mismatch("array", t)),
            };
            let s = values
                .as_struct_opt()
                .ok_or_else(|| mismatch("array element", values.data_type()))?;
            BoundTyped::Array {
                array: a.as_ref(),
                offsets,
                element: Box::new(bind_group(element, s)?),
            }
        }
        Typed::Object(fields) => {
            let s = a
                .as_struct_opt()
                .ok_or_else(|| mismatch("object", a.data_type()))?;
            if s.num_columns() != fields.len() {
                return Err(mismatch("object", a.data_type()));
            }
            let mut bound = Vec::with_capacity(fields.len());
            for ((name, shape), c) in fields.iter().zip(s.columns()) {
                let cs = c
                    .as_struct_opt()
                    .ok_or_else(|| mismatch("object field", c.data_type()))?;
                bound.push((name.as_str(), bind_group(shape, cs)?));
            }
            BoundTyped::Object {
                array: s,
                fields: bound,
            }
        }
    })
}

/// Reads a shredded primitive as its Variant: `None` when the Arrow type is not one the
/// Parquet type can decode to.
fn bind_primitive(p: Primitive, a: &ArrayRef) -> Option<PrimitiveFn<'_>> {
    // Dictionary-encoded strings and binaries (the reader keeps dictionaries).
    if let Some(d) = a.as_any_dictionary_opt() {
        let keys = d.normalized_keys();
        let values = bind_primitive(p, d.values())?;
        let n = d.values().len();
        return Some(Box::new(move |i| match keys.get(i) {
            Some(&k) if k < n => values(k),
            _ => Err(format!("dictionary index out of range at row {i}")),
        }));
    }
    fn int<T: ArrowPrimitiveType>(a: &ArrayRef) -> Option<&[T::Native]> {
        Some(a.as_primitive_opt::<T>()?.values())
    }
    fn i64s(a: &ArrayRef) -> Option<Box<dyn Fn(usize) -> i64 + '_>> {
        Some(match a.data_type() {
            ArrowType::Int8 => {
                let v = int::<Int8Type>(a)?;
                Box::new(move |i| v[i] as i64)
            }
            ArrowType::Int16 => {
                let v = int::<Int16Type>(a)?;
                Box::new(move |i| v[i] as i64)
            }
            ArrowType::Int32 => {
                let v = int::<Int32Type>(a)?;
                Box::new(move |i| v[i] as i64)
            }
            ArrowType::Int64 => {
                let v = int::<Int64Type>(a)?;
                Box::new(move |i| v[i])
            }
            _ => return None,
        })
    }
    fn unscaled(a: &ArrayRef) -> Option<Box<dyn Fn(usize) -> i128 + '_>> {
        Some(match a.data_type() {
            ArrowType::Decimal32(_, _) => {
                let v = int::<Decimal32Type>(a)?;
                Box::new(move |i| v[i] as i128)
            }
            ArrowType::Decimal64(_, _) => {
                let v = int::<Decimal64Type>(a)?;
                Box::new(move |i| v[i] as i128)
            }
            ArrowType::Decimal128(_, _) => {
                let v = int::<Decimal128Type>(a)?;
                Box::new(move |i| v[i])
            }
            _ => return None,
        })
    }
    let range = |what: &str, v: &dyn std::fmt::Display| format!("{what} {v} out of range");
    Some(match p {
        Primitive::Boolean => {
            let b = a.as_boolean_opt()?;
            Box::new(move |i| Ok(Variant::from(b.value(i))))
        }
        Primitive::Int8 => {
            let f = i64s(a)?;
            Box::new(move |i| {
                let v = f(i);
                i8::try_from(v)
                    .map(Variant::Int8)
                    .map_err(|_| range("int8", &v))
            })
        }
        Primitive::Int16 => {
            let f = i64s(a)?;
            Box::new(move |i| {
                let v = f(i);
                i16::try_from(v)
                    .map(Variant::Int16)
                    .map_err(|_| range("int16", &v))
            })
        }
        Primitive::Int32 => {
            let f = i64s(a)?;
            Box::new(move |i| {
                let v = f(i);
                i32::try_from(v)
                    .map(Variant::Int32)
                    .map_err(|_| range("int32", &v))
            })
        }
        Primitive::Int64 => {
            let f = i64s(a)?;
            Box::new(move |i| Ok(Variant::Int64(f(i))))
        }
        Primitive::Float => {
            let v = int::<Float32Type>(a)?;
            Box::new(move |i| Ok(Variant::Float(v[i])))
        }
        Primitive::Double => {
            let v = int::<Float64Type>(a)?;
            Box::new(move |i| Ok(Variant::Double(v[i])))
        }
        Primitive::Decimal4(s) => {
            let f = unscaled(a)?;
            Box::new(move |i| {
                let v = f(i);
                i32::try_from(v)
                    .map_err(|e| e.to_string())
                    .and_then(|v| VariantDecimal4::try_new(v, s).map_err(|e| e.to_string()))
                    .map(Variant::Decimal4)
                    .map_err(|e| format!("decimal4 {v} scale {s}: {e}"))
            })
        }
        Primitive::Decimal8(s) => {
            let f = unscaled(a)?;
            Box::new(move |i| {
                let v = f(i);
                i64::try_from(v)
                    .map_err(|e| e.to_string())
                    .and_then(|v| VariantDecimal8::try_new(v, s).map_err(|e| e.to_string()))
                    .map(Variant::Decimal8)
                    .map_err(|e| format!("decimal8 {v} scale {s}: {e}"))
            })
        }
        Primitive::Decimal16(s) => {
            let f = unscaled(a)?;
            Box::new(move |i| {
                let v = f(i);
                VariantDecimal16::try_new(v, s)
                    .map(Variant::Decimal16)
                    .map_err(|e| format!("decimal16 {v} scale {s}: {e}"))
            })
        }
        Primitive::Date => {
            let v = int::<Date32Type>(a)?;
            Box::new(move |i| {
                let days = v[i];
                NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163))
                    .map(Variant::Date)
                    .ok_or_else(|| range("date", &days))
            })
        }
        Primitive::Time => {
            let v = int::<Time64MicrosecondType>(a)?;
            Box::new(move |i| {
                let us = v[i];
                let (s, frac) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
                u32::try_from(s)
                    .ok()
                    .and_then(|s| {
                        NaiveTime::from_num_seconds_from_midnight_opt(s, frac as u32 * 1000)
                    })
                    .map(Variant::Time)
                    .ok_or_else(|| range("time", &us))
            })
        }
        Primitive::Timestamp { utc, nanos } => {
            let ArrowType::Timestamp(unit, _) = a.data_type() else {
                return None;
            };
            let (values, per_second): (&[i64], i64) = match unit {
                ArrowUnit::Second => (int::<TimestampSecondType>(a)?, 1),
                ArrowUnit::Millisecond => (int::<TimestampMillisecondType>(a)?, 1_000),
                ArrowUnit::Microsecond => (int::<TimestampMicrosecondType>(a)?, 1_000_000),
                ArrowUnit::Nanosecond => (int::<TimestampNanosecondType>(a)?, 1_000_000_000),
            };
            Box::new(move |i| {
                let v = values[i];
                let (s, frac) = (v.div_euclid(per_second), v.rem_euclid(per_second));
                let ns = frac * (1_000_000_000 / per_second);
                let t =
                    DateTime::from_timestamp(s, ns as u32).ok_or_else(|| range("timestamp", &v))?;
                Ok(match (utc, nanos) {
                    (true, false) => Variant::TimestampMicros(t),
                    (true, true) => Variant::TimestampNanos(t),
                    (false, false) => Variant::TimestampNtzMicros(t.naive_utc()),
                    (false, true) => Variant::TimestampNtzNanos(t.naive_utc()),
                })
            })
        }
        Primitive::Binary => match a.data_type() {
            ArrowType::Binary => {
                let b = a.as_binary::<i32>();
                Box::new(move |i| Ok(Variant::Binary(b.value(i))))
            }
            ArrowType::LargeBinary => {
                let b = a.as_binary::<i64>();
                Box::new(move |i| Ok(Variant::Binary(b.value(i))))
            }
            ArrowType::BinaryView => {
                let b = a.as_binary_view();
                Box::new(move |i| Ok(Variant::Binary(b.value(i))))
            }
            _ => return None,
        },
        Primitive::String => match a.data_type() {
            ArrowType::Utf8 => {
                let s = a.as_string::<i32>();
                Box::new(move |i| Ok(Variant::from(s.value(i))))
            }
            ArrowType::LargeUtf8 => {
                let s = a.as_string::<i64>();
                Box::new(move |i| Ok(Variant::from(s.value(i))))
            }
            ArrowType::Utf8View => {
                let s = a.as_string_view();
                Box::new(move |i| Ok(Variant::from(s.value(i))))
            }
            _ => return None,
        },
        Primitive::Uuid => {
            let b = a.as_fixed_size_binary_opt()?;
            Box::new(move |i| {
                let bytes: [u8; 16] = b
                    .value(i)
                    .try_into()
                    .map_err(|_| "a UUID must be 16 bytes".to_string())?;
                Ok(Variant::Uuid(uuid::Uuid::from_bytes(bytes)))
            })
        }
    })
}

impl<'a> BoundVariant<'a> {
    /// Binds `shape` to the variant group's array of one batch.
    pub fn bind(shape: &'a VariantShape, array: &'a ArrayRef) -> Result<Self, ShapeError> {
        let s = array
            .as_struct_opt()
            .ok_or_else(|| mismatch("group", array.data_type()))?;
        let metadata_index = shape
            .metadata
            .ok_or_else(|| ShapeError("variant group without metadata".into()))?;
        if s.num_columns() != shape.children {
            return Err(mismatch("group", s.data_type()));
        }
        let metadata = BinaryCol::bind(s.column(metadata_index))
            .ok_or_else(|| mismatch("metadata", s.column(metadata_index).data_type()))?;
        Ok(BoundVariant {
            array: s,
            metadata,
            group: bind_group(shape, s)?,
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.array.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.array.is_empty()
    }

    /// Whether row `i` is a null variant column (not a variant null).
    pub fn is_null(&self, i: usize) -> bool {
        self.array.is_null(i)
    }

    /// Appends row `i`'s JSON text; a null column is `null`. Fails on an invalid variant.
    pub fn write_json(&self, i: usize, out: &mut Vec<u8>, nf: NonFinite) -> RowResult<()> {
        if self.array.is_null(i) {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        let metadata = self.metadata(i)?;
        if self.group.typed.is_none() {
            // Not shredded (or not in this file): decode the bytes as they are.
            let variant = match self
                .group
                .value
                .as_ref()
                .map(|v| v.get(i))
                .transpose()?
                .flatten()
            {
                Some(bytes) => Variant::try_new_with_metadata(metadata, bytes)
                    .map_err(|e| format!("invalid variant value: {e}"))?,
                None => Variant::Null,
            };
            to_json::write_json(out, &variant, nf);
            return Ok(());
        }
        let (m, v) = self.rebuild(i)?.unwrap_or_default();
        let variant = Variant::try_new(&m, &v).map_err(|e| format!("invalid variant: {e}"))?;
        to_json::write_json(out, &variant, nf);
        Ok(())
    }

    /// Row `i` as unshredded variant bytes `(metadata, value)`, or `None` for a null column.
    pub fn rebuild(&self, i: usize) -> RowResult<Option<(Vec<u8>, Vec<u8>)>> {
        if self.array.is_null(i) {
            return Ok(None);
        }
        let metadata = self.metadata(i)?;
        let mut builder = VariantBuilder::new();
        if !construct(&self.group, i, &metadata, &mut builder)? {
            // Missing at the top level: a variant null.
            builder.append_value(Variant::Null);
        }
        builder
            .try_finish()
            .map(Some)
            .map_err(|e| format!("cannot rebuild the variant: {e}"))
    }

    fn metadata(&self, i: usize) -> RowResult<VariantMetadata<'a>> {
        let bytes = self
            .metadata
            .get(i)?
            .ok_or_else(|| "the variant's `metadata` is null".to_string())?;
        VariantMetadata::try_new(bytes).map_err(|e| format!("invalid variant metadata: {e}"))
    }
}

const CONFLICT: &str = "invalid variant: both `value` and `typed_value` are set (only a shredded object may have both)";

/// Appends the value of `g` at row `i` to `b`; `false` (and nothing appended) when it is
/// missing.
fn construct<B: VariantBuilderExt>(
    g: &BoundGroup<'_>,
    i: usize,
    metadata: &VariantMetadata<'_>,
    b: &mut B,
) -> RowResult<bool> {
    let value = match &g.value {
        Some(v) => v.get(i)?,
        None => None,
    };
    let typed = g.typed.as_ref().filter(|t| !t.is_null(i));
    let Some(typed) = typed else {
        return match value {
            Some(bytes) => {
                let v = residual(metadata, bytes)?;
                b.try_append(v)?;
                Ok(true)
            }
            None => Ok(false),
        };
    };
    match typed {
        BoundTyped::Primitive { get, .. } => {
            if value.is_some() {
                return Err(CONFLICT.into());
            }
            b.try_append(get(i)?)?;
        }
        BoundTyped::Array {
            offsets, element, ..
        } => {
            if value.is_some() {
                return Err(CONFLICT.into());
            }
            let (start, end) = offsets[i];
            let mut list = b.try_new_list().map_err(|e| e.to_string())?;
            for j in start..end {
                if !construct(element, j, metadata, &mut list)? {
                    // Elements cannot be missing; a writer that leaves both null means null.
                    list.append_value(Variant::Null);
                }
            }
            list.finish();
        }
        BoundTyped::Object { fields, .. } => {
            let rest = match value {
                Some(bytes) => match residual(metadata, bytes)? {
                    Variant::Object(o) => Some(o),
                    _ => {
                        return Err(
                            "invalid variant: a `value` that is not an object next to shredded object fields"
                                .into(),
                        )
                    }
                },
                None => None,
            };
            let mut object = b.try_new_object().map_err(|e| e.to_string())?;
            for (name, field) in fields {
                let mut f = ObjectFieldBuilder::new(name, &mut object);
                construct(field, i, metadata, &mut f)?;
            }
            if let Some(rest) = rest {
                for (name, v) in rest.iter() {
                    // A shredded field wins over the same key in `value` (the spec says
                    // writers never produce both).
                    if fields.iter().any(|(f, _)| *f == name) {
                        continue;
                    }
                    object.try_insert(name, v).map_err(|e| e.to_string())?;
                }
            }
            object.finish();
        }
    }
    Ok(true)
}

/// A `value` column's bytes as a variant of the column's metadata.
fn residual<'m, 'v>(metadata: &VariantMetadata<'m>, bytes: &'v [u8]) -> RowResult<Variant<'m, 'v>> {
    Variant::try_new_with_metadata(metadata.clone(), bytes)
        .map_err(|e| format!("invalid variant value: {e}"))
}

/// Fallible appends on any variant builder.
trait TryAppend {
    fn try_append(&mut self, v: Variant<'_, '_>) -> RowResult<()>;
}

impl<B: VariantBuilderExt> TryAppend for B {
    fn try_append(&mut self, v: Variant<'_, '_>) -> RowResult<()> {
        // Objects and arrays are copied member by member, through the fallible builders.
        match v {
            Variant::Object(o) => {
                let mut object = self.try_new_object().map_err(|e| e.to_string())?;
                for (name, value) in o.iter() {
                    object.try_insert(name, value).map_err(|e| e.to_string())?;
                }
                object.finish();
            }
            Variant::List(l) => {
                let mut list = self.try_new_list().map_err(|e| e.to_string())?;
                for value in l.iter() {
                    list.try_append_value(value).map_err(|e| e.to_string())?;
                }
                list.finish();
            }
            v => self.append_value(v),
        }
        Ok(())
    }
}
