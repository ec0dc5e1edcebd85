//! Reading `VARIANT` columns back: finding variant groups in a file's schema, checking their
//! shredded `typed_value` trees once per file ([`VariantShape`]), and per batch rebuilding
//! each row's variant from `metadata`, `value` and `typed_value` (parquet-format
//! `VariantShredding.md`, "Reconstructing a Shredded Variant") and printing it as JSON
//! ([`crate::variant::to_json`]). This file finds and checks the groups; the per-batch
//! rebuilding is in `variant/rebuild.rs` ([`BoundVariant`]).
//!
//! A group is a variant when the footer annotates it `VARIANT`, or, for Spark 4.0's files that
//! carry no annotation, when it has exactly the variant's fields (a binary `metadata`, a binary
//! `value`, optionally `typed_value`) and Spark's row metadata in the footer declares a
//! `variant` column. Rebuilding follows the spec: `value` and `typed_value` both null means
//! missing (a field left out of its object; a top-level variant or array element becomes
//! variant null); a shredded object merges its typed fields with the fields of a residual
//! `value` object (a field present in both is taken from `typed_value`, as the spec asks);
//! a non-object `value` next to non-null shredded fields, or a `value` next to a non-null
//! primitive or array `typed_value`, is an invalid file and an error, never a guess.

use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field as ArrowField};
use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as PhysicalType};
use parquet::schema::types::{ColumnDescriptor, SchemaDescriptor, Type as ParquetType};

use super::{count_leaves, ShapeError};

mod rebuild;
pub use rebuild::BoundVariant;

/// The footer key under which Spark stores its row schema (as JSON).
pub const SPARK_ROW_METADATA_KEY: &str = "org.apache.spark.sql.parquet.row.metadata";

/// The Parquet paths (names from the root) of the groups in one file that are variants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VariantGroups {
    paths: Vec<Vec<String>>,
}

impl VariantGroups {
    /// Finds the variant groups of `schema`. `spark_row_metadata` is the value of
    /// [`SPARK_ROW_METADATA_KEY`], if the footer has it: when it declares a `variant` column,
    /// un-annotated groups of the variant's shape count too (Spark 4.0 writes no annotation).
    pub fn find(schema: &SchemaDescriptor, spark_row_metadata: Option<&str>) -> Self {
        let spark_variants = spark_row_metadata.is_some_and(|m| {
            let compact: String = m.chars().filter(|c| !c.is_whitespace()).collect();
            compact.contains("\"type\":\"variant\"")
        });
        let mut paths = Vec::new();
        let mut prefix = Vec::new();
        for f in schema.root_schema().get_fields() {
            collect(f, spark_variants, &mut prefix, &mut paths);
        }
        VariantGroups { paths }
    }

    /// Whether no group is a variant (the common case: nothing to check).
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Whether the group at `path` (names from the root) is a variant group.
    pub fn contains(&self, path: &[String]) -> bool {
        self.paths.iter().any(|p| p.as_slice() == path)
    }

    /// Whether the group holding leaf `descr` directly is a variant group.
    fn holds(&self, descr: &ColumnDescriptor) -> bool {
        let parts = descr.path().parts();
        let Some((_, parent)) = parts.split_last() else {
            return false;
        };
        self.paths.iter().any(|p| p.as_slice() == parent)
    }
}

fn collect(t: &ParquetType, spark: bool, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if !t.is_group() {
        return;
    }
    prefix.push(t.name().to_string());
    let annotated = matches!(
        t.get_basic_info().logical_type_ref(),
        Some(LogicalType::Variant(_))
    );
    if annotated || (spark && has_variant_fields(t)) {
        out.push(prefix.clone());
    } else {
        for f in t.get_fields() {
            collect(f, spark, prefix, out);
        }
    }
    prefix.pop();
}

/// A binary `metadata`, a binary `value`, optionally a `typed_value`, and nothing else.
fn has_variant_fields(t: &ParquetType) -> bool {
    let fields = t.get_fields();
    let binary = |name: &str| {
        fields.iter().any(|f| {
            f.name() == name
                && f.is_primitive()
                && f.get_physical_type() == PhysicalType::BYTE_ARRAY
                && !f.is_schema()
        })
    };
    binary("metadata")
        && binary("value")
        && fields
            .iter()
            .all(|f| matches!(f.name(), "metadata" | "value" | "typed_value"))
}

/// A variant group's shape: which children hold `metadata`, `value` and `typed_value`, and
/// what `typed_value` holds. Children are found by name, as the spec requires.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantShape {
    /// The number of Arrow children of the group.
    children: usize,
    /// Index of `metadata` (the top-level group only).
    metadata: Option<usize>,
    value: Option<usize>,
    typed: Option<(usize, Typed)>,
}

/// What a `typed_value` holds.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Primitive(Primitive),
    /// A shredded array: each element is a group of its own.
    Array(Box<VariantShape>),
    /// A shredded object: its fields, each a group, in column order.
    Object(Vec<(String, VariantShape)>),
}

/// The Variant type a shredded primitive column holds (the spec's table of shredded types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Primitive {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    Float,
    Double,
    Decimal4(u8),
    Decimal8(u8),
    Decimal16(u8),
    Date,
    Time,
    Timestamp { utc: bool, nanos: bool },
    Binary,
    String,
    Uuid,
}

impl VariantShape {
    /// The shape of the variant group whose Arrow children are `children`, or `None` when it
    /// is not a variant group (per `groups`). `leaves[*next..]` are the group's leaf
    /// columns; on success `*next` moves past them.
    pub fn detect(
        children: &[Arc<ArrowField>],
        leaves: &[&ColumnDescriptor],
        next: &mut usize,
        groups: &VariantGroups,
    ) -> Result<Option<VariantShape>, ShapeError> {
        if groups.is_empty() {
            return Ok(None);
        }
        let mut offset = 0;
        let mut metadata_leaf = None;
        for c in children {
            if c.name() == "metadata" && !c.data_type().is_nested() {
                metadata_leaf = leaves.get(*next + offset);
                break;
            }
            offset += count_leaves(c.data_type());
        }
        match metadata_leaf {
            Some(descr) if groups.holds(descr) => {
                let where_ = descr.path().parts();
                let name = where_[..where_.len() - 1].join(".");
                build_group(children, leaves, next, true, &name).map(Some)
            }
            _ => Ok(None),
        }
    }
}

fn build_group(
    children: &[Arc<ArrowField>],
    leaves: &[&ColumnDescriptor],
    next: &mut usize,
    top: bool,
    name: &str,
) -> Result<VariantShape, ShapeError> {
    let err = |what: String| ShapeError(format!("variant column `{name}`: {what}"));
    let mut shape = VariantShape {
        children: children.len(),
        metadata: None,
        value: None,
        typed: None,
    };
    for (i, c) in children.iter().enumerate() {
        match c.name().as_str() {
            "metadata" if top => {
                take_binary_leaf(c, leaves, next).map_err(|e| err(format!("`metadata` {e}")))?;
                shape.metadata = Some(i);
            }
            "value" => {
                take_binary_leaf(c, leaves, next).map_err(|e| err(format!("`value` {e}")))?;
                shape.value = Some(i);
            }
            "typed_value" => {
                let typed = build_typed(c.data_type(), leaves, next, name)?;
                shape.typed = Some((i, typed));
            }
            other => {
                return Err(err(format!(
                    "unexpected field `{other}` in a variant group"
                )))
            }
        }
    }
    if top && shape.metadata.is_none() {
        return Err(err("the group has no `metadata` field".into()));
    }
    if shape.value.is_none() && shape.typed.is_none() {
        return Err(err(
            "a variant group needs a `value` or a `typed_value` field".into(),
        ));
    }
    Ok(shape)
}

fn take_binary_leaf(
    f: &ArrowField,
    leaves: &[&ColumnDescriptor],
    next: &mut usize,
) -> Result<(), String> {
    let Some(descr) = leaves.get(*next) else {
        return Err("has no leaf column".into());
    };
    if f.data_type().is_nested() || descr.physical_type() != PhysicalType::BYTE_ARRAY {
        return Err(format!("must be a binary column, found {}", f.data_type()));
    }
    *next += 1;
    Ok(())
}

fn build_typed(
    t: &ArrowType,
    leaves: &[&ColumnDescriptor],
    next: &mut usize,
    name: &str,
) -> Result<Typed, ShapeError> {
    match t {
        ArrowType::List(item) | ArrowType::LargeList(item) => {
            let ArrowType::Struct(fields) = item.data_type() else {
                return Err(ShapeError(format!(
                    "variant column `{name}`: a shredded array's element must be a group of `value` and `typed_value`, found {}",
                    item.data_type()
                )));
            };
            let element = build_group(fields, leaves, next, false, &format!("{name}[]"))?;
            Ok(Typed::Array(Box::new(element)))
        }
        ArrowType::Struct(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for f in fields {
                let ArrowType::Struct(inner) = f.data_type() else {
                    return Err(ShapeError(format!(
                        "variant column `{name}`: shredded field `{}` must be a group of `value` and `typed_value`, found {}",
                        f.name(),
                        f.data_type()
                    )));
                };
                let path = format!("{name}.{}", f.name());
                out.push((
                    f.name().clone(),
                    build_group(inner, leaves, next, false, &path)?,
                ));
            }
            Ok(Typed::Object(out))
        }
        t if t.is_nested() => Err(ShapeError(format!(
            "variant column `{name}`: unsupported shredded value type {t}"
        ))),
        _ => {
            let Some(descr) = leaves.get(*next) else {
                return Err(ShapeError(format!(
                    "variant column `{name}`: more Arrow leaves than projected Parquet columns"
                )));
            };
            *next += 1;
            let p = primitive(descr).map_err(|e| {
                ShapeError(format!(
                    "variant column `{name}`: unsupported shredded value type: {e}"
                ))
            })?;
            Ok(Typed::Primitive(p))
        }
    }
}

/// The Variant type of a shredded primitive column, from its Parquet types.
fn primitive(descr: &ColumnDescriptor) -> Result<Primitive, String> {
    use Primitive as P;
    let physical = descr.physical_type();
    let logical = descr.logical_type_ref();
    let converted = descr.converted_type();
    let scale = |s: i32| u8::try_from(s).map_err(|_| format!("DECIMAL scale {s}"));
    let describe = || {
        let mut s = format!("{} {physical}", descr.name());
        if let Some(l) = logical {
            s.push_str(&format!(" ({l:?})"));
        } else if converted != ConvertedType::NONE {
            s.push_str(&format!(" ({converted})"));
        }
        if physical == PhysicalType::FIXED_LEN_BYTE_ARRAY {
            s.push_str(&format!(" of length {}", descr.type_length()));
        }
        s
    };
    Ok(match (physical, logical) {
        (PhysicalType::BOOLEAN, None) => P::Boolean,
        (PhysicalType::INT32, None) => match converted {
            ConvertedType::NONE | ConvertedType::INT_32 => P::Int32,
            ConvertedType::INT_8 => P::Int8,
            ConvertedType::INT_16 => P::Int16,
            ConvertedType::DATE => P::Date,
            ConvertedType::DECIMAL => P::Decimal4(scale(descr.type_scale())?),
            _ => return Err(describe()),
        },
        (PhysicalType::INT32, Some(LogicalType::Integer(i))) if i.is_signed => match i.bit_width {
            8 => P::Int8,
            16 => P::Int16,
            32 => P::Int32,
            _ => return Err(describe()),
        },
        (PhysicalType::INT32, Some(LogicalType::Date)) => P::Date,
        (PhysicalType::INT32, Some(LogicalType::Decimal(d))) => P::Decimal4(scale(d.scale)?),
        (PhysicalType::INT64, None) => match converted {
            ConvertedType::NONE | ConvertedType::INT_64 => P::Int64,
            ConvertedType::DECIMAL => P::Decimal8(scale(descr.type_scale())?),
            ConvertedType::TIME_MICROS => P::Time,
            ConvertedType::TIMESTAMP_MICROS => P::Timestamp {
                utc: true,
                nanos: false,
            },
            _ => return Err(describe()),
        },
        (PhysicalType::INT64, Some(LogicalType::Integer(i)))
            if i.is_signed && i.bit_width == 64 =>
        {
            P::Int64
        }
        (PhysicalType::INT64, Some(LogicalType::Decimal(d))) => P::Decimal8(scale(d.scale)?),
        (PhysicalType::INT64, Some(LogicalType::Time(t)))
            if !t.is_adjusted_to_u_t_c && t.unit == TimeUnit::MICROS =>
        {
            P::Time
        }
        (PhysicalType::INT64, Some(LogicalType::Timestamp(t))) => match t.unit {
            TimeUnit::MICROS => P::Timestamp {
                utc: t.is_adjusted_to_u_t_c,
                nanos: false,
            },
            TimeUnit::NANOS => P::Timestamp {
                utc: t.is_adjusted_to_u_t_c,
                nanos: true,
            },
            _ => return Err(describe()),
        },
        (PhysicalType::FLOAT, None) => P::Float,
        (PhysicalType::DOUBLE, None) => P::Double,
        (PhysicalType::BYTE_ARRAY, None) => match converted {
            ConvertedType::NONE => P::Binary,
            ConvertedType::UTF8 => P::String,
            ConvertedType::DECIMAL => P::Decimal16(scale(descr.type_scale())?),
            _ => return Err(describe()),
        },
        (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)) => P::String,
        (
            PhysicalType::BYTE_ARRAY | PhysicalType::FIXED_LEN_BYTE_ARRAY,
            Some(LogicalType::Decimal(d)),
        ) => P::Decimal16(scale(d.scale)?),
        (PhysicalType::FIXED_LEN_BYTE_ARRAY, Some(LogicalType::Uuid))
            if descr.type_length() == 16 =>
        {
            P::Uuid
        }
        (PhysicalType::FIXED_LEN_BYTE_ARRAY, None) if converted == ConvertedType::DECIMAL => {
            P::Decimal16(scale(descr.type_scale())?)
        }
        _ => return Err(describe()),
    })
}
