//! The Spark type model shared by the DDL and `StructType` JSON forms, and its mapping to and
//! from a [`Schema`]. The Spark forms describe exactly what Spark 3.5 reads from our files (a
//! union is a struct of its members, JSON text and always-null fields are strings); what
//! Spark's types cannot say (union, JSON text, null, a renamed key, a required list element, a
//! bare repeated field) travels in places Spark keeps and ignores: `StructField` metadata
//! ([`TYPE_META`], [`KEY_META`]) in the JSON form and a `COMMENT` holding the same metadata as
//! JSON in DDL, so our schema survives the round trip and a schema Spark wrote (no metadata) is
//! read as plain structs. docs/format.md ("Schema forms") has the mapping.

use serde_json::{Map, Value};

use super::{DataType, Field, Repetition, Schema, EMPTY_OBJECT_PLACEHOLDER};
use crate::path::ColumnPath;

/// `StructField` metadata key naming the rustparquet type where Spark's type is not enough
/// (`union`, `json`, `null`, `list<union>`, `list<required int64>`, `repeated int64`, ...).
pub const TYPE_META: &str = "rustparquet.type";
/// `StructField` metadata key holding the JSON key of a field whose column name differs from it
/// (a renamed key, a dataset's sibling column).
pub const KEY_META: &str = "rustparquet.key";

/// A Spark SQL data type, as far as a schema file can say it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SparkType {
    /// An atomic type by its JSON name: `long`, `string`, `decimal(38,0)`, `timestamp`, ...
    Atomic(String),
    Array(Box<SparkType>, bool),
    Map(Box<SparkType>, Box<SparkType>, bool),
    Struct(Vec<SparkField>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct SparkField {
    pub(super) name: String,
    pub(super) ty: SparkType,
    pub(super) nullable: bool,
    pub(super) metadata: Map<String, Value>,
}

/// The top-level Spark fields; an empty schema has the placeholder column Spark reads.
pub(super) fn spark_top(schema: &Schema) -> Vec<SparkField> {
    if schema.fields.is_empty() {
        vec![placeholder_spark_field()]
    } else {
        schema.fields.iter().map(spark_field).collect()
    }
}

fn placeholder_spark_field() -> SparkField {
    SparkField {
        name: EMPTY_OBJECT_PLACEHOLDER.into(),
        ty: SparkType::Atomic("boolean".into()),
        nullable: true,
        metadata: Map::new(),
    }
}

fn is_placeholder(fields: &[SparkField]) -> bool {
    matches!(fields, [f] if f.name == EMPTY_OBJECT_PLACEHOLDER && f.ty == SparkType::Atomic("boolean".into()))
}

fn spark_field(f: &Field) -> SparkField {
    let mut metadata = Map::new();
    if f.repetition == Repetition::Repeated || type_needs_shape(&f.data_type) {
        let shape = type_shape(&f.data_type);
        let shape = match f.repetition {
            Repetition::Repeated => format!("repeated {shape}"),
            _ => shape,
        };
        metadata.insert(TYPE_META.into(), Value::String(shape));
    }
    if let Some(k) = &f.key {
        metadata.insert(KEY_META.into(), Value::String(k.clone()));
    }
    let ty = spark_type(&f.data_type);
    let (ty, nullable) = match f.repetition {
        // Spark reads a bare repeated field as a non-null array of non-null values.
        Repetition::Repeated => (SparkType::Array(Box::new(ty), false), false),
        Repetition::Required => (ty, false),
        Repetition::Optional => (ty, true),
    };
    SparkField {
        name: f.name.clone(),
        ty,
        nullable,
        metadata,
    }
}

fn spark_type(t: &DataType) -> SparkType {
    let atomic = |s: &str| SparkType::Atomic(s.into());
    match t {
        DataType::Null | DataType::String | DataType::Json => atomic("string"),
        // Spark 4's type; the shredding is the file's business, not the type's.
        DataType::Variant(_) => atomic("variant"),
        DataType::Boolean => atomic("boolean"),
        DataType::Int64 => atomic("long"),
        DataType::Decimal => atomic("decimal(38,0)"),
        DataType::Double => atomic("double"),
        DataType::List(e) => SparkType::Array(
            Box::new(spark_type(&e.data_type)),
            e.repetition != Repetition::Required,
        ),
        DataType::Map(v) => SparkType::Map(
            Box::new(atomic("string")),
            Box::new(spark_type(&v.data_type)),
            v.repetition != Repetition::Required,
        ),
        DataType::Struct(fields) if fields.is_empty() => {
            SparkType::Struct(vec![placeholder_spark_field()])
        }
        DataType::Struct(fields) | DataType::Union(fields) => {
            SparkType::Struct(fields.iter().map(spark_field).collect())
        }
    }
}

/// Whether a type says more than its Spark type: a union, JSON text or null somewhere down its
/// list/map chain, or a required element or value (DDL cannot say `containsNull = false`).
fn type_needs_shape(t: &DataType) -> bool {
    match t {
        DataType::Union(_) | DataType::Json | DataType::Null => true,
        DataType::List(e) | DataType::Map(e) => {
            e.repetition == Repetition::Required || type_needs_shape(&e.data_type)
        }
        _ => false,
    }
}

/// The `rustparquet.type` text of a type: its name, with list/map elements down to the next
/// struct or union (whose fields carry their own metadata).
fn type_shape(t: &DataType) -> String {
    match t {
        DataType::List(e) => format!("list<{}>", elem_shape(e)),
        DataType::Map(v) => format!("map<{}>", elem_shape(v)),
        t => t.name().to_string(),
    }
}

fn elem_shape(e: &Field) -> String {
    match e.repetition {
        Repetition::Required => format!("required {}", type_shape(&e.data_type)),
        _ => type_shape(&e.data_type),
    }
}

/// A parsed `rustparquet.type`.
#[derive(Debug, PartialEq)]
enum Shape {
    /// A type without elements: `union`, `json`, `null`, `struct`, `int64`, ...
    Name(String),
    /// A list or map: whether the element (value) is required, and its shape.
    List(bool, Box<Shape>),
    Map(bool, Box<Shape>),
}

fn parse_shape(text: &str) -> Option<Shape> {
    let text = text.trim();
    let inner = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix('>'))
            .map(|r| match r.trim().strip_prefix("required ") {
                Some(r) => (true, r),
                None => (false, r),
            })
    };
    if let Some((req, e)) = inner("list<") {
        return Some(Shape::List(req, Box::new(parse_shape(e)?)));
    }
    if let Some((req, e)) = inner("map<") {
        return Some(Shape::Map(req, Box::new(parse_shape(e)?)));
    }
    let ok = !text.is_empty() && !text.contains(['<', '>', ' ']);
    ok.then(|| Shape::Name(text.to_string()))
}

/// The rustparquet metadata of a Spark field: the keys themselves (spark-json form) or the same
/// object as JSON in a `comment` (what Spark makes of our DDL's COMMENT).
fn our_metadata(meta: &Map<String, Value>) -> Map<String, Value> {
    let mut out: Map<String, Value> = meta
        .iter()
        .filter(|(k, _)| k.starts_with("rustparquet."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if out.is_empty() {
        if let Some(Value::String(c)) = meta.get("comment") {
            if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(c) {
                out = m
                    .into_iter()
                    .filter(|(k, _)| k.starts_with("rustparquet."))
                    .collect();
            }
        }
    }
    out
}

pub(super) fn schema_from_spark(fields: &[SparkField]) -> std::result::Result<Schema, String> {
    if is_placeholder(fields) {
        return Ok(Schema::new(Vec::new()));
    }
    Ok(Schema::new(fields_from_spark(fields, &ColumnPath::root())?))
}

fn fields_from_spark(
    fields: &[SparkField],
    parent: &ColumnPath,
) -> std::result::Result<Vec<Field>, String> {
    fields.iter().map(|f| field_from_spark(f, parent)).collect()
}

fn field_from_spark(f: &SparkField, parent: &ColumnPath) -> std::result::Result<Field, String> {
    let meta = our_metadata(&f.metadata);
    let key = match meta.get(KEY_META) {
        None => None,
        Some(Value::String(k)) => (*k != f.name).then(|| k.clone()),
        Some(other) => {
            return Err(format!(
                "`{}`: {KEY_META} must be a string, found {other}",
                parent.key(&f.name)
            ))
        }
    };
    let path = parent.key(key.as_deref().unwrap_or(&f.name));
    let (repeated, shape) = match meta.get(TYPE_META) {
        None => (false, None),
        Some(Value::String(s)) => {
            let (repeated, s) = match s.trim().strip_prefix("repeated ") {
                Some(rest) => (true, rest),
                None => (false, s.as_str()),
            };
            let shape =
                parse_shape(s).ok_or_else(|| format!("`{path}`: cannot read {TYPE_META} `{s}`"))?;
            (repeated, Some(shape))
        }
        Some(other) => {
            return Err(format!(
                "`{path}`: {TYPE_META} must be a string, found {other}"
            ))
        }
    };
    let mut ty = &f.ty;
    if repeated {
        match ty {
            SparkType::Array(e, _) => ty = e,
            _ => {
                return Err(format!(
                    "`{path}`: {TYPE_META} says repeated but the type is not an array"
                ))
            }
        }
    }
    let repetition = match (repeated, f.nullable) {
        (true, _) => Repetition::Repeated,
        (false, true) => Repetition::Optional,
        (false, false) => Repetition::Required,
    };
    Ok(Field {
        name: f.name.clone(),
        key,
        repetition,
        data_type: type_from_spark(ty, shape.as_ref(), &path)?,
    })
}

fn element_from_spark(
    name: &str,
    ty: &SparkType,
    contains_null: bool,
    shape: Option<(bool, &Shape)>,
    path: &ColumnPath,
) -> std::result::Result<Field, String> {
    let required = match shape {
        Some((required, _)) => required,
        None => !contains_null,
    };
    Ok(Field {
        name: name.into(),
        key: None,
        repetition: if required {
            Repetition::Required
        } else {
            Repetition::Optional
        },
        data_type: type_from_spark(ty, shape.map(|s| s.1), path)?,
    })
}

fn type_from_spark(
    ty: &SparkType,
    shape: Option<&Shape>,
    path: &ColumnPath,
) -> std::result::Result<DataType, String> {
    let mismatch = |what: &str| {
        Err(format!(
            "`{path}`: {TYPE_META} says {what} but the Spark type is {}",
            spark_type_name(ty)
        ))
    };
    match (shape, ty) {
        (Some(Shape::Name(n)), SparkType::Struct(fields)) if n == "union" => {
            Ok(DataType::Union(fields_from_spark(fields, path)?))
        }
        (Some(Shape::Name(n)), _) if n == "union" => mismatch("union"),
        (Some(Shape::Name(n)), SparkType::Atomic(a)) if n == "json" || n == "null" => {
            if a != "string" {
                return mismatch(n);
            }
            Ok(if n == "json" {
                DataType::Json
            } else {
                DataType::Null
            })
        }
        (Some(Shape::Name(n)), _) if n == "json" || n == "null" => mismatch(n),
        (Some(Shape::List(req, e)), SparkType::Array(t, cn)) => Ok(DataType::List(Box::new(
            element_from_spark("element", t, *cn, Some((*req, e)), &path.element())?,
        ))),
        (Some(Shape::List(..)), _) => mismatch("list"),
        (Some(Shape::Map(req, v)), SparkType::Map(k, t, cn)) => {
            map_key_check(k, path)?;
            Ok(DataType::Map(Box::new(element_from_spark(
                "value",
                t,
                *cn,
                Some((*req, v)),
                &path.map_value(),
            )?)))
        }
        (Some(Shape::Map(..)), _) => mismatch("map"),
        // Any other name (struct, int64, ...) says nothing Spark's type does not.
        (_, SparkType::Atomic(a)) => atomic_from_spark(a, path),
        (_, SparkType::Array(t, cn)) => Ok(DataType::List(Box::new(element_from_spark(
            "element",
            t,
            *cn,
            None,
            &path.element(),
        )?))),
        (_, SparkType::Map(k, t, cn)) => {
            map_key_check(k, path)?;
            Ok(DataType::Map(Box::new(element_from_spark(
                "value",
                t,
                *cn,
                None,
                &path.map_value(),
            )?)))
        }
        (_, SparkType::Struct(fields)) if is_placeholder(fields) => {
            Ok(DataType::Struct(Vec::new()))
        }
        (_, SparkType::Struct(fields)) => Ok(DataType::Struct(fields_from_spark(fields, path)?)),
    }
}

fn map_key_check(k: &SparkType, path: &ColumnPath) -> std::result::Result<(), String> {
    match k {
        SparkType::Atomic(a) if a == "string" => Ok(()),
        other => Err(format!(
            "`{path}`: map keys must be strings (JSON object keys), found {}",
            spark_type_name(other)
        )),
    }
}

pub(super) fn spark_type_name(t: &SparkType) -> String {
    match t {
        SparkType::Atomic(a) => a.clone(),
        SparkType::Array(..) => "array".into(),
        SparkType::Map(..) => "map".into(),
        SparkType::Struct(..) => "struct".into(),
    }
}

fn atomic_from_spark(name: &str, path: &ColumnPath) -> std::result::Result<DataType, String> {
    let n = name.to_ascii_lowercase();
    let decimal_scale_zero = |inner: &str| {
        let (p, s) = inner.split_once(',')?;
        let (p, s) = (p.trim().parse::<u32>().ok()?, s.trim().parse::<u32>().ok()?);
        (s == 0 && (1..=38).contains(&p)).then_some(())
    };
    Ok(match n.as_str() {
        "boolean" => DataType::Boolean,
        // Narrower integers and float widen: every value fits.
        "long" | "bigint" | "integer" | "int" | "short" | "smallint" | "byte" | "tinyint" => {
            DataType::Int64
        }
        "double" | "float" | "real" => DataType::Double,
        "string" => DataType::String,
        "void" | "null" => DataType::Null,
        "variant" => DataType::Variant(None),
        "decimal" => DataType::Decimal,
        _ if n.starts_with("char(") || n.starts_with("varchar(") => DataType::String,
        _ if n
            .strip_prefix("decimal(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(decimal_scale_zero)
            .is_some() =>
        {
            DataType::Decimal
        }
        _ => {
            // JSON holds none of these exactly: say what to use rather than store them as text.
            let instead = match n.as_str() {
                "date" | "timestamp" | "timestamp_ntz" | "timestamp_ltz" => {
                    "; JSON holds dates and times as text: use string and convert after reading"
                }
                "binary" => "; JSON has no bytes: use string",
                _ if n.starts_with("decimal") => {
                    "; use double, or decimal(p,0) for integers (read as decimal(38,0))"
                }
                _ => "",
            };
            return Err(format!(
                "`{path}`: Spark type `{name}` has no rustparquet equivalent{instead} (rustparquet writes boolean, bigint, double, decimal(38,0), string, array, map<string, _> and struct; int, smallint and tinyint are read as bigint, float as double, decimal(p,0) as decimal(38,0), char(n) and varchar(n) as string)"
            ));
        }
    })
}
