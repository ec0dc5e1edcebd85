//! The shape of the JSON a file reads back as, decided once per file: a tree of [`Shape`] nodes
//! built from the Arrow schema the reader produced, the Parquet leaf annotations (UUID, INT96,
//! legacy Julian calendars) and, for files we wrote, the `rustparquet.schema` metadata (JSON
//! keys that differ from column names, empty objects). Each leaf gets a [`LeafForm`] saying how
//! its values print when the Arrow type alone does not say; an Arrow type the assembler cannot
//! print is refused here with a [`ShapeError`], before any batch is decoded.

use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field as ArrowField};
use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::schema::types::ColumnDescriptor;

use super::scalar;
use super::variant::{self, VariantGroups};
use crate::schema::{self, DataType, Repetition};

/// How a leaf's values are written when the Arrow type alone does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafForm {
    /// From the Arrow type.
    Plain,
    /// FIXED_LEN_BYTE_ARRAY(16) annotated UUID: the hyphenated hex form.
    Uuid,
    /// A timestamp that is an instant although the Arrow type has no zone (INT96, which
    /// Spark and Impala write as UTC-normalised instants): `Z`-suffixed.
    UtcTimestamp,
    /// A date Spark wrote in its legacy hybrid calendar (see [`LegacyCalendar`]).
    JulianDate,
    /// A timestamp Spark wrote in its legacy hybrid calendar; `utc` as for [`LeafForm::UtcTimestamp`].
    JulianTimestamp { utc: bool },
}

/// Whether a file's dates and timestamps are in Spark's legacy hybrid (Julian before
/// 1582-10-15) calendar, as Spark 2.x and Spark 3 with rebase mode `LEGACY` write them; the
/// footer says so (`org.apache.spark.legacyDateTime`, `org.apache.spark.legacyINT96`). Such
/// values are rebased to the proleptic Gregorian calendar, as Spark itself does when reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LegacyCalendar {
    /// DATE and INT64 instants (TIMESTAMP with isAdjustedToUTC; Spark never rebases
    /// TIMESTAMP_NTZ).
    pub dates: bool,
    /// INT96 timestamps.
    pub int96: bool,
}

impl LegacyCalendar {
    /// What a file's key-value metadata says.
    pub fn from_metadata<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cal = LegacyCalendar::default();
        for k in keys {
            cal.dates |= k == "org.apache.spark.legacyDateTime";
            cal.int96 |= k == "org.apache.spark.legacyINT96";
        }
        cal
    }
}

/// The JSON form of one field, decided once per file.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A scalar column.
    Leaf(LeafForm),
    /// A JSON array: LIST (3-level or legacy 2-level), a bare repeated field, a key-only MAP.
    List(Box<Shape>),
    /// A JSON object with members in schema order.
    Struct(Vec<Member>),
    /// A struct we wrote for `{}`: the group's presence is the value, its placeholder column
    /// ([`schema::EMPTY_OBJECT_PLACEHOLDER`]) is ignored.
    EmptyObject,
    /// A Parquet MAP as a JSON object; non-string keys are written as their JSON text inside a
    /// string (`1` → `"1"`).
    Map { key: Box<Shape>, value: Box<Shape> },
    /// A union group we wrote (its `rustparquet.schema` type is `union`): the value is
    /// whichever member is set, null when none is. Member shapes in column order.
    Union(Vec<Shape>),
    /// Adjacent columns of one JSON key (a dataset's evolved field: the original column and
    /// the columns added for new JSON types): the value is whichever column is set.
    Siblings(Vec<Shape>),
    /// A `VARIANT` group (see [`variant`]): its value is rebuilt from `metadata`, `value`
    /// and any shredded `typed_value` columns.
    Variant(variant::VariantShape),
}

/// One member of a JSON object: its key, pre-escaped as `"key":`, and its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub(super) key_json: Box<[u8]>,
    pub shape: Shape,
}

impl Member {
    /// How many columns (Arrow fields) the member's value is read from.
    pub(super) fn columns(&self) -> usize {
        match &self.shape {
            Shape::Siblings(shapes) => shapes.len(),
            _ => 1,
        }
    }

    pub(super) fn new(key: &str, shape: Shape) -> Self {
        let mut key_json = Vec::with_capacity(key.len() + 3);
        scalar::write_str(&mut key_json, key);
        key_json.push(b':');
        Member {
            key: key.to_string(),
            key_json: key_json.into_boxed_slice(),
            shape,
        }
    }
}

/// A problem found while deciding shapes or binding arrays; the caller adds the file path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError(pub String);

impl Shape {
    /// The shapes of the top-level fields of an Arrow schema as the Arrow reader produced it.
    ///
    /// `leaves` are the Parquet leaf columns in the same depth-first order as the Arrow leaves
    /// (projection keeps that order); `ours` is the schema stored in files we wrote, used for
    /// JSON keys and empty objects.
    pub fn build_root(
        fields: &[Arc<ArrowField>],
        leaves: &[&ColumnDescriptor],
        ours: Option<&schema::Schema>,
        cal: LegacyCalendar,
        variants: &VariantGroups,
    ) -> std::result::Result<Vec<Member>, ShapeError> {
        let mut next = 0usize;
        if ours.is_some_and(|s| s.fields.is_empty())
            && fields.len() == 1
            && fields[0].name() == schema::EMPTY_OBJECT_PLACEHOLDER
        {
            // Every document was `{}`: the file holds only the placeholder column.
            return Ok(Vec::new());
        }
        let members = build_members(
            fields,
            ours.map(|s| &s.fields[..]),
            leaves,
            &mut next,
            cal,
            variants,
        )?;
        if next != leaves.len() {
            return Err(ShapeError(format!(
                "the Arrow schema has {next} leaf columns but the projection selects {}",
                leaves.len()
            )));
        }
        Ok(members)
    }
}

fn build_members(
    fields: &[Arc<ArrowField>],
    ours: Option<&[schema::Field]>,
    leaves: &[&ColumnDescriptor],
    next: &mut usize,
    cal: LegacyCalendar,
    variants: &VariantGroups,
) -> std::result::Result<Vec<Member>, ShapeError> {
    let mut members: Vec<Member> = Vec::with_capacity(fields.len());
    let mut previous_key: Option<&str> = None;
    for f in fields {
        let our = ours.and_then(|o| o.iter().find(|c| c.name == *f.name()));
        let shape = build_shape(f.data_type(), our, leaves, next, cal, variants)?;
        let key = our.map(|o| o.json_key()).unwrap_or(f.name());
        // Our adjacent fields of one JSON key are one member (docs/format.md, datasets).
        let same_key = our.is_some() && previous_key == Some(key);
        previous_key = our.map(|o| o.json_key());
        if let (true, Some(last)) = (same_key, members.last_mut()) {
            let first = std::mem::replace(&mut last.shape, Shape::EmptyObject);
            last.shape = match first {
                Shape::Siblings(mut shapes) => {
                    shapes.push(shape);
                    Shape::Siblings(shapes)
                }
                first => Shape::Siblings(vec![first, shape]),
            };
            continue;
        }
        members.push(Member::new(key, shape));
    }
    Ok(members)
}

/// Our field's type under the list levels the Arrow reader turned into `List`s.
fn our_element(our: Option<&schema::Field>) -> Option<&schema::Field> {
    let our = our?;
    match (&our.data_type, our.repetition) {
        // A bare repeated field of ours: the Arrow list's item is the field itself, retyped.
        (_, Repetition::Repeated) => None,
        (DataType::List(element), _) => Some(element),
        _ => None,
    }
}

fn build_shape(
    t: &ArrowType,
    our: Option<&schema::Field>,
    leaves: &[&ColumnDescriptor],
    next: &mut usize,
    cal: LegacyCalendar,
    variants: &VariantGroups,
) -> std::result::Result<Shape, ShapeError> {
    Ok(match t {
        ArrowType::List(item) | ArrowType::LargeList(item) | ArrowType::FixedSizeList(item, _) => {
            let element = match our {
                Some(f) if f.repetition == Repetition::Repeated => {
                    // `repeated T x` → List<T>: the element has the field's own type.
                    let mut e = f.clone();
                    e.repetition = Repetition::Required;
                    return Ok(Shape::List(Box::new(build_shape(
                        item.data_type(),
                        Some(&e),
                        leaves,
                        next,
                        cal,
                        variants,
                    )?)));
                }
                _ => our_element(our),
            };
            Shape::List(Box::new(build_shape(
                item.data_type(),
                element,
                leaves,
                next,
                cal,
                variants,
            )?))
        }
        ArrowType::Struct(children) => {
            if let Some(v) = variant::VariantShape::detect(children, leaves, next, variants)? {
                return Ok(Shape::Variant(v));
            }
            if let Some(schema::Field {
                data_type: DataType::Union(members),
                ..
            }) = our
            {
                if members.len() != children.len() {
                    return Err(ShapeError(format!(
                        "union `{}` has {} members in rustparquet.schema but {} columns",
                        our.map(|f| f.name.as_str()).unwrap_or(""),
                        members.len(),
                        children.len()
                    )));
                }
                let mut shapes = Vec::with_capacity(members.len());
                for (c, m) in children.iter().zip(members) {
                    shapes.push(build_shape(
                        c.data_type(),
                        Some(m),
                        leaves,
                        next,
                        cal,
                        variants,
                    )?);
                }
                return Ok(Shape::Union(shapes));
            }
            if let Some(schema::Field {
                data_type: DataType::Struct(fs),
                ..
            }) = our
            {
                if fs.is_empty() {
                    // Skip the placeholder leaf (or leaves, if some other writer nested one).
                    *next += count_leaves(t);
                    return Ok(Shape::EmptyObject);
                }
            }
            let ours = match our.map(|o| &o.data_type) {
                Some(DataType::Struct(fs)) => Some(&fs[..]),
                _ => None,
            };
            Shape::Struct(build_members(children, ours, leaves, next, cal, variants)?)
        }
        ArrowType::Map(entries, _) => {
            let ArrowType::Struct(kv) = entries.data_type() else {
                return Err(ShapeError(format!(
                    "map entries of Arrow type {} are not a struct",
                    entries.data_type()
                )));
            };
            let our_value = match our.map(|o| &o.data_type) {
                Some(DataType::Map(v)) => Some(&**v),
                _ => None,
            };
            match &kv[..] {
                [k, v] => Shape::Map {
                    key: Box::new(build_shape(
                        k.data_type(),
                        None,
                        leaves,
                        next,
                        cal,
                        variants,
                    )?),
                    value: Box::new(build_shape(
                        v.data_type(),
                        our_value,
                        leaves,
                        next,
                        cal,
                        variants,
                    )?),
                },
                // A MAP whose value column is missing: a set of keys, written as an array.
                [k] => Shape::List(Box::new(build_shape(
                    k.data_type(),
                    None,
                    leaves,
                    next,
                    cal,
                    variants,
                )?)),
                _ => {
                    return Err(ShapeError(format!(
                        "a map needs a key and a value, found {} fields",
                        kv.len()
                    )))
                }
            }
        }
        _ => {
            let Some(descr) = leaves.get(*next) else {
                return Err(ShapeError(format!(
                    "more Arrow leaves than projected Parquet columns (at type {t})"
                )));
            };
            *next += 1;
            leaf_form(t, descr, cal)?
        }
    })
}

/// The number of leaf columns under an Arrow type.
pub(crate) fn count_leaves(t: &ArrowType) -> usize {
    match t {
        ArrowType::List(i) | ArrowType::LargeList(i) | ArrowType::FixedSizeList(i, _) => {
            count_leaves(i.data_type())
        }
        ArrowType::Struct(fs) => fs.iter().map(|f| count_leaves(f.data_type())).sum(),
        ArrowType::Map(e, _) => count_leaves(e.data_type()),
        _ => 1,
    }
}

fn leaf_form(
    t: &ArrowType,
    descr: &ColumnDescriptor,
    cal: LegacyCalendar,
) -> std::result::Result<Shape, ShapeError> {
    let form = match (t, descr.physical_type(), descr.logical_type_ref()) {
        (ArrowType::FixedSizeBinary(16), _, Some(LogicalType::Uuid)) => LeafForm::Uuid,
        (ArrowType::Timestamp(_, None), PhysicalType::INT96, _) if cal.int96 => {
            LeafForm::JulianTimestamp { utc: true }
        }
        (ArrowType::Timestamp(_, None), PhysicalType::INT96, _) => LeafForm::UtcTimestamp,
        // Spark rebases instants (TIMESTAMP, isAdjustedToUTC), never TIMESTAMP_NTZ.
        (ArrowType::Timestamp(_, Some(_)), _, _) if cal.dates => {
            LeafForm::JulianTimestamp { utc: true }
        }
        (ArrowType::Date32 | ArrowType::Date64, _, _) if cal.dates => LeafForm::JulianDate,
        _ => LeafForm::Plain,
    };
    if !leaf_supported(t) {
        return Err(ShapeError(format!(
            "column `{}`: Arrow type {t} has no JSON form",
            descr.path()
        )));
    }
    Ok(Shape::Leaf(form))
}

fn leaf_supported(t: &ArrowType) -> bool {
    match t {
        ArrowType::Dictionary(_, v) => leaf_supported(v),
        ArrowType::Null
        | ArrowType::Boolean
        | ArrowType::Int8
        | ArrowType::Int16
        | ArrowType::Int32
        | ArrowType::Int64
        | ArrowType::UInt8
        | ArrowType::UInt16
        | ArrowType::UInt32
        | ArrowType::UInt64
        | ArrowType::Float16
        | ArrowType::Float32
        | ArrowType::Float64
        | ArrowType::Decimal32(_, _)
        | ArrowType::Decimal64(_, _)
        | ArrowType::Decimal128(_, _)
        | ArrowType::Decimal256(_, _)
        | ArrowType::Utf8
        | ArrowType::LargeUtf8
        | ArrowType::Utf8View
        | ArrowType::Binary
        | ArrowType::LargeBinary
        | ArrowType::BinaryView
        | ArrowType::FixedSizeBinary(_)
        | ArrowType::Date32
        | ArrowType::Date64
        | ArrowType::Time32(_)
        | ArrowType::Time64(_)
        | ArrowType::Timestamp(_, _)
        | ArrowType::Duration(_)
        | ArrowType::Interval(_) => true,
        _ => false,
    }
}
