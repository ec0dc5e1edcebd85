//! The schema's other written forms: Spark DDL, Spark `StructType` JSON, JSON Schema (draft
//! 2020-12), the Parquet message type and a readable tree, each as a pure function from and
//! (except the tree) to a [`Schema`], plus [`parse_any`], which recognises the form from the
//! text (what `convert --schema` reads). The Spark forms describe exactly what Spark 3.5 reads
//! from our files (a union is a struct of its members, JSON text and always-null fields are
//! strings); what Spark's types cannot say (union, JSON text, null, a renamed key, a required
//! list element, a bare repeated field) travels in places Spark keeps and ignores: `StructField`
//! metadata (`rustparquet.type`, `rustparquet.key`) in the JSON form and a `COMMENT` holding the
//! same metadata as JSON in DDL, so our schema survives the round trip and a schema Spark wrote
//! (no metadata) is read as plain structs. docs/format.md ("Schema forms") has the mapping.

use std::collections::HashSet;

use parquet::basic::{ConvertedType, LogicalType, Repetition as PqRepetition, Type as Physical};
use parquet::schema::types::Type as PqType;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::path::ColumnPath;
use crate::schema::{
    DataType, Field, Repetition, Schema, UnionMember, EMPTY_OBJECT_PLACEHOLDER, MAX_SCHEMA_DEPTH,
};

/// `StructField` metadata key naming the rustparquet type where Spark's type is not enough
/// (`union`, `json`, `null`, `list<union>`, `list<required int64>`, `repeated int64`, ...).
pub const TYPE_META: &str = "rustparquet.type";
/// `StructField` metadata key holding the JSON key of a field whose column name differs from it
/// (a renamed key, a dataset's sibling column).
pub const KEY_META: &str = "rustparquet.key";
/// The `$schema` of the JSON Schema form.
pub const JSON_SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// The description of a JSON-text field in the JSON Schema form.
const JSON_TEXT_DESCRIPTION: &str = "any JSON value, stored as its JSON text";

/// A written form of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaFormat {
    /// Readable tree, one line per field (output only).
    Tree,
    /// Spark DDL: `id BIGINT, tags ARRAY<STRING>` (`StructType.fromDDL`, `spark.read.schema`).
    Ddl,
    /// Spark `StructType` JSON (`StructType.fromJson`, `DataType.fromJson`).
    SparkJson,
    /// The Parquet message type, as parquet-mr and the parquet crate print it.
    Parquet,
    /// JSON Schema, draft 2020-12.
    JsonSchema,
    /// rustparquet's own JSON form ([`Schema::to_json`]), stored in every file we write.
    Rustparquet,
}

impl SchemaFormat {
    /// Every form, in the order `--format` lists them.
    pub const ALL: [SchemaFormat; 6] = [
        SchemaFormat::Tree,
        SchemaFormat::Ddl,
        SchemaFormat::SparkJson,
        SchemaFormat::Parquet,
        SchemaFormat::JsonSchema,
        SchemaFormat::Rustparquet,
    ];

    /// The form's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SchemaFormat::Tree => "tree",
            SchemaFormat::Ddl => "ddl",
            SchemaFormat::SparkJson => "spark-json",
            SchemaFormat::Parquet => "parquet",
            SchemaFormat::JsonSchema => "json-schema",
            SchemaFormat::Rustparquet => "rustparquet",
        }
    }

    /// The form named `name`.
    pub fn from_name(name: &str) -> Option<SchemaFormat> {
        SchemaFormat::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The schema in `format`.
pub fn render(schema: &Schema, format: SchemaFormat) -> Result<String> {
    Ok(match format {
        SchemaFormat::Tree => to_tree(schema),
        SchemaFormat::Ddl => to_ddl(schema),
        SchemaFormat::SparkJson => to_spark_json(schema),
        SchemaFormat::Parquet => to_parquet_text(schema)?,
        SchemaFormat::JsonSchema => to_json_schema(schema),
        SchemaFormat::Rustparquet => pretty(&schema.to_json()),
    })
}

/// Parses `text` written in `format`; `source_name` names the file in errors. The result obeys
/// the rules of [`Schema::from_json_str`] (no two sibling names equal after case folding, union
/// members named and ordered by [`UnionMember`]).
pub fn parse(text: &str, format: SchemaFormat, source_name: Option<&str>) -> Result<Schema> {
    let err = |reason: String| Error::Schema {
        source_name: source_name.map(str::to_string),
        reason,
    };
    let schema = match format {
        SchemaFormat::Rustparquet => return Schema::from_json_str(text, source_name),
        SchemaFormat::Tree => {
            return Err(err(
                "the tree form is for reading; give ddl, spark-json, parquet, json-schema or rustparquet".into(),
            ))
        }
        SchemaFormat::Ddl => ddl_to_schema(text),
        SchemaFormat::SparkJson => spark_json_to_schema(text),
        SchemaFormat::Parquet => parquet_to_schema(text),
        SchemaFormat::JsonSchema => json_schema_to_schema(text),
    }
    .map_err(|reason| err(format!("{} form: {reason}", format.name())))?;
    // One set of rules for every form: the JSON form's parser checks them.
    Schema::from_json_str(&schema.to_json_string(), source_name)
}

/// The form `text` is written in: a JSON object is Spark JSON (`"type": "struct"`), rustparquet
/// (`"fields"`) or JSON Schema (anything else); `message ...` is a Parquet message type; any
/// other text is DDL. Never [`SchemaFormat::Tree`].
pub fn detect(text: &str) -> SchemaFormat {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        let Ok(Value::Object(obj)) = parse_json(t) else {
            // Not JSON: the rustparquet parser says why.
            return SchemaFormat::Rustparquet;
        };
        if obj.get("type").and_then(Value::as_str) == Some("struct") && obj.contains_key("fields") {
            SchemaFormat::SparkJson
        } else if obj.contains_key("fields") && !obj.contains_key("$schema") {
            SchemaFormat::Rustparquet
        } else {
            SchemaFormat::JsonSchema
        }
    } else if t
        .split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("message"))
    {
        SchemaFormat::Parquet
    } else {
        SchemaFormat::Ddl
    }
}

/// Parses a schema in any form but the tree, recognised by [`detect`].
///
/// ```
/// use rustparquet_core::schema::DataType;
/// use rustparquet_core::schema_format::parse_any;
/// let s = parse_any("id BIGINT, tags ARRAY<STRING>", None)?;
/// assert_eq!(s.fields[0].data_type, DataType::Int64);
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
pub fn parse_any(text: &str, source_name: Option<&str>) -> Result<Schema> {
    parse(text, detect(text), source_name)
}

/// Spark DDL, one top-level column a line: `spark.read.schema(ddl)`, `StructType.fromDDL(ddl)`.
pub fn to_ddl(schema: &Schema) -> String {
    spark_top(schema)
        .iter()
        .map(|f| ddl_column(f, " "))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// Parses Spark DDL (`a BIGINT, b STRUCT<c: STRING>`, or `STRUCT<...>`).
pub fn from_ddl(text: &str) -> Result<Schema> {
    parse(text, SchemaFormat::Ddl, None)
}

/// Spark `StructType` JSON (pretty-printed): `StructType.fromJson(text)`.
pub fn to_spark_json(schema: &Schema) -> String {
    pretty(&spark_type_json(&SparkType::Struct(spark_top(schema))))
}

/// Parses Spark `StructType` JSON.
pub fn from_spark_json(text: &str) -> Result<Schema> {
    parse(text, SchemaFormat::SparkJson, None)
}

/// The Parquet message type.
pub fn to_parquet_text(schema: &Schema) -> Result<String> {
    let mut out = Vec::new();
    parquet::schema::printer::print_schema(&mut out, &*schema.to_parquet()?);
    Ok(String::from_utf8_lossy(&out).trim_end().to_string())
}

/// Parses a Parquet message type (see docs/format.md for what it cannot say).
pub fn from_parquet_text(text: &str) -> Result<Schema> {
    parse(text, SchemaFormat::Parquet, None)
}

/// JSON Schema (draft 2020-12), pretty-printed.
pub fn to_json_schema(schema: &Schema) -> String {
    let mut root = Map::new();
    root.insert("$schema".into(), JSON_SCHEMA_DIALECT.into());
    if let Value::Object(body) = js_object(&schema.fields) {
        root.extend(body);
    }
    pretty(&Value::Object(root))
}

/// Parses JSON Schema: what [`to_json_schema`] writes and common hand-written forms.
pub fn from_json_schema(text: &str) -> Result<Schema> {
    parse(text, SchemaFormat::JsonSchema, None)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

// ---------------------------------------------------------------------------------------------
// Tree

/// A readable tree: `name: type`, members and fields indented below their parent.
pub fn to_tree(schema: &Schema) -> String {
    let mut out = String::new();
    for f in &schema.fields {
        tree_field(f, 0, &mut out);
    }
    if schema.fields.is_empty() {
        out.push_str("(no fields)\n");
    }
    out.trim_end().to_string()
}

fn tree_type(t: &DataType) -> String {
    match t {
        DataType::List(e) => format!("array<{}>", tree_elem(e)),
        DataType::Map(v) => format!("map<string, {}>", tree_elem(v)),
        DataType::Struct(f) if f.is_empty() => "object {}".into(),
        DataType::Struct(_) => "object".into(),
        DataType::Union(m) => format!(
            "union<{}>",
            m.iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        DataType::Json => "json (JSON text)".into(),
        DataType::Null => "null (always null)".into(),
        t => t.name().to_string(),
    }
}

fn tree_elem(e: &Field) -> String {
    match e.repetition {
        Repetition::Required => format!("{} required", tree_type(&e.data_type)),
        _ => tree_type(&e.data_type),
    }
}

fn tree_field(f: &Field, indent: usize, out: &mut String) {
    let name = match &f.key {
        Some(k) => format!("{} (JSON key {k:?})", f.name),
        None => f.name.clone(),
    };
    let rep = match f.repetition {
        Repetition::Required => " required",
        Repetition::Repeated => " repeated",
        Repetition::Optional => "",
    };
    out.push_str(&format!(
        "{}{name}: {}{rep}\n",
        "  ".repeat(indent),
        tree_type(&f.data_type)
    ));
    tree_children(&f.data_type, indent + 1, out);
}

/// The fields (of a struct) or members (of a union) below a type, through lists and maps.
fn tree_children(t: &DataType, indent: usize, out: &mut String) {
    match t {
        DataType::Struct(children) | DataType::Union(children) => {
            for c in children {
                tree_field(c, indent, out);
            }
        }
        DataType::List(e) | DataType::Map(e) => tree_children(&e.data_type, indent, out),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Spark types: one model for the DDL and JSON forms.

/// A Spark SQL data type, as far as a schema file can say it.
#[derive(Debug, Clone, PartialEq)]
enum SparkType {
    /// An atomic type by its JSON name: `long`, `string`, `decimal(38,0)`, `timestamp`, ...
    Atomic(String),
    Array(Box<SparkType>, bool),
    Map(Box<SparkType>, Box<SparkType>, bool),
    Struct(Vec<SparkField>),
}

#[derive(Debug, Clone, PartialEq)]
struct SparkField {
    name: String,
    ty: SparkType,
    nullable: bool,
    metadata: Map<String, Value>,
}

/// The top-level Spark fields; an empty schema has the placeholder column Spark reads.
fn spark_top(schema: &Schema) -> Vec<SparkField> {
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

fn schema_from_spark(fields: &[SparkField]) -> std::result::Result<Schema, String> {
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

fn spark_type_name(t: &SparkType) -> String {
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
            return Err(format!(
                "`{path}`: Spark type `{name}` has no rustparquet equivalent (rustparquet writes boolean, bigint, double, decimal(38,0), string, array, map<string, _> and struct; int, smallint and tinyint are read as bigint, float as double, decimal(p,0) as decimal(38,0))"
            ))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Spark StructType JSON

fn spark_type_json(t: &SparkType) -> Value {
    match t {
        SparkType::Atomic(a) => Value::String(a.clone()),
        SparkType::Array(e, cn) => {
            json!({"type": "array", "elementType": spark_type_json(e), "containsNull": cn})
        }
        SparkType::Map(k, v, cn) => json!({
            "type": "map",
            "keyType": spark_type_json(k),
            "valueType": spark_type_json(v),
            "valueContainsNull": cn,
        }),
        SparkType::Struct(fields) => json!({
            "type": "struct",
            "fields": fields.iter().map(|f| json!({
                "name": f.name,
                "type": spark_type_json(&f.ty),
                "nullable": f.nullable,
                "metadata": f.metadata,
            })).collect::<Vec<_>>(),
        }),
    }
}

fn spark_json_to_schema(text: &str) -> std::result::Result<Schema, String> {
    let v = parse_json(text)?;
    match spark_type_from_json(&v, "", 0)? {
        SparkType::Struct(fields) => schema_from_spark(&fields),
        other => Err(format!(
            "expected a struct type at the top, found {}",
            spark_type_name(&other)
        )),
    }
}

fn spark_type_from_json(
    v: &Value,
    at: &str,
    depth: usize,
) -> std::result::Result<SparkType, String> {
    if depth > 2 * MAX_SCHEMA_DEPTH {
        return Err(format!(
            "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
        ));
    }
    let obj = match v {
        Value::String(s) => return Ok(SparkType::Atomic(s.clone())),
        Value::Object(o) => o,
        other => return Err(format!("{}: expected a type, found {other}", at_or_top(at))),
    };
    let get = |k: &str| {
        obj.get(k)
            .ok_or_else(|| format!("{}: a {} type needs \"{k}\"", at_or_top(at), type_tag(obj)))
    };
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(true);
    match obj.get("type").and_then(Value::as_str) {
        Some("array") => Ok(SparkType::Array(
            Box::new(spark_type_from_json(
                get("elementType")?,
                &format!("{at}/elementType"),
                depth + 1,
            )?),
            flag("containsNull"),
        )),
        Some("map") => Ok(SparkType::Map(
            Box::new(spark_type_from_json(
                get("keyType")?,
                &format!("{at}/keyType"),
                depth + 1,
            )?),
            Box::new(spark_type_from_json(
                get("valueType")?,
                &format!("{at}/valueType"),
                depth + 1,
            )?),
            flag("valueContainsNull"),
        )),
        Some("struct") => {
            let fields = get("fields")?
                .as_array()
                .ok_or_else(|| format!("{}: \"fields\" must be an array", at_or_top(at)))?;
            let mut out = Vec::with_capacity(fields.len());
            for (i, f) in fields.iter().enumerate() {
                let at = format!("{at}/fields/{i}");
                let o = f
                    .as_object()
                    .ok_or_else(|| format!("{at}: a field must be an object"))?;
                let name = o
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{at}: a field needs a string \"name\""))?;
                let ty = o
                    .get("type")
                    .ok_or_else(|| format!("{at}: a field needs a \"type\""))?;
                let metadata = match o.get("metadata") {
                    None | Some(Value::Null) => Map::new(),
                    Some(Value::Object(m)) => m.clone(),
                    Some(_) => return Err(format!("{at}: \"metadata\" must be an object")),
                };
                out.push(SparkField {
                    name: name.to_string(),
                    ty: spark_type_from_json(ty, &format!("{at}/type"), depth + 1)?,
                    nullable: o.get("nullable").and_then(Value::as_bool).unwrap_or(true),
                    metadata,
                });
            }
            Ok(SparkType::Struct(out))
        }
        _ => Err(format!(
            "{}: unsupported type {} (expected a type name, array, map or struct)",
            at_or_top(at),
            Value::Object(obj.clone())
        )),
    }
}

fn type_tag(obj: &Map<String, Value>) -> &str {
    obj.get("type").and_then(Value::as_str).unwrap_or("?")
}

fn at_or_top(at: &str) -> &str {
    if at.is_empty() {
        "at the top"
    } else {
        at
    }
}

/// Parses JSON without serde_json's recursion limit, after bounding the nesting ourselves:
/// schemas nest as deep as the documents they describe, several JSON levels per field.
fn parse_json(text: &str) -> std::result::Result<Value, String> {
    let depth = crate::schema::json_nesting(text.as_bytes());
    if depth > 8 * MAX_SCHEMA_DEPTH {
        return Err(format!(
            "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = <Value as serde::Deserialize>::deserialize(&mut de)
        .and_then(|v| de.end().map(|_| v))
        .map_err(|e| format!("not valid JSON: {e}"))?;
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Spark DDL

/// Spark SQL keywords that are reserved in ANSI mode, plus type names: quoted in DDL so the
/// text parses whatever `spark.sql.ansi.enforceReservedKeywords` says.
const DDL_QUOTED_WORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "AUTHORIZATION",
    "BIGINT",
    "BINARY",
    "BOOLEAN",
    "BOTH",
    "BYTE",
    "CASE",
    "CAST",
    "CHAR",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMENT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "DATE",
    "DECIMAL",
    "DISTINCT",
    "DOUBLE",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "FALSE",
    "FETCH",
    "FILTER",
    "FLOAT",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GRANT",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INT",
    "INTEGER",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "JOIN",
    "LATERAL",
    "LEADING",
    "LEFT",
    "LONG",
    "MAP",
    "NATURAL",
    "NOT",
    "NULL",
    "OBJECT",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "OUTER",
    "OVERLAPS",
    "PRIMARY",
    "REFERENCES",
    "RIGHT",
    "SELECT",
    "SESSION_USER",
    "SHORT",
    "SMALLINT",
    "SOME",
    "STRING",
    "STRUCT",
    "TABLE",
    "THEN",
    "TIME",
    "TIMESTAMP",
    "TINYINT",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UNKNOWN",
    "USER",
    "USING",
    "VARCHAR",
    "VOID",
    "WHEN",
    "WHERE",
    "WITH",
];

fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !DDL_QUOTED_WORDS.contains(&name.to_ascii_uppercase().as_str());
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A SQL string literal as Spark reads it (backslash escapes; `''` is not an escape in Spark).
fn sql_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `name TYPE [NOT NULL] [COMMENT '...']`; `sep` is " " at the top, ": " in a STRUCT.
fn ddl_column(f: &SparkField, sep: &str) -> String {
    let mut s = format!("{}{sep}{}", quote_ident(&f.name), ddl_type(&f.ty));
    if !f.nullable {
        s.push_str(" NOT NULL");
    }
    if !f.metadata.is_empty() {
        s.push_str(" COMMENT ");
        s.push_str(&sql_string(&Value::Object(f.metadata.clone()).to_string()));
    }
    s
}

fn ddl_type(t: &SparkType) -> String {
    match t {
        SparkType::Atomic(a) => match a.as_str() {
            "long" => "BIGINT".into(),
            "integer" => "INT".into(),
            "short" => "SMALLINT".into(),
            "byte" => "TINYINT".into(),
            a => a.to_ascii_uppercase(),
        },
        SparkType::Array(e, _) => format!("ARRAY<{}>", ddl_type(e)),
        SparkType::Map(k, v, _) => format!("MAP<{}, {}>", ddl_type(k), ddl_type(v)),
        SparkType::Struct(fields) => format!(
            "STRUCT<{}>",
            fields
                .iter()
                .map(|f| ddl_column(f, ": "))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A word; `true` when it was backquoted (then never a keyword).
    Word(String, bool),
    Str(String),
    Num(u32),
    Punct(char),
    End,
}

impl std::fmt::Display for Tok {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::Word(w, _) => write!(f, "`{w}`"),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Num(n) => write!(f, "{n}"),
            Tok::Punct(c) => write!(f, "`{c}`"),
            Tok::End => f.write_str("the end"),
        }
    }
}

/// Splits DDL into tokens, each with its byte offset.
fn ddl_tokens(text: &str) -> std::result::Result<Vec<(Tok, usize)>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() || c == '\u{feff}' {
            chars.next();
        } else if c == '-' && text[at..].starts_with("--") {
            // A SQL line comment.
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
        } else if c == '`' {
            chars.next();
            let mut word = String::new();
            loop {
                match chars.next() {
                    Some((_, '`')) if chars.next_if(|&(_, c)| c == '`').is_some() => word.push('`'),
                    Some((_, '`')) => break,
                    Some((_, c)) => word.push(c),
                    None => return Err(format!("{}: unclosed `", line_col(text, at))),
                }
            }
            out.push((Tok::Word(word, true), at));
        } else if c == '\'' || c == '"' {
            chars.next();
            out.push((Tok::Str(sql_unescape(&mut chars, c, text, at)?), at));
        } else if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
                n.push(d);
            }
            if chars
                .peek()
                .is_some_and(|&(_, c)| c.is_alphabetic() || c == '_')
            {
                // An identifier starting with digits (Spark allows `1a`).
                while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_alphanumeric() || c == '_') {
                    n.push(d);
                }
                out.push((Tok::Word(n, false), at));
            } else {
                let v = n
                    .parse()
                    .map_err(|_| format!("{}: number {n} too large", line_col(text, at)))?;
                out.push((Tok::Num(v), at));
            }
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::new();
            while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_alphanumeric() || c == '_') {
                w.push(d);
            }
            out.push((Tok::Word(w, false), at));
        } else if "<>,:()".contains(c) {
            chars.next();
            out.push((Tok::Punct(c), at));
        } else {
            return Err(format!("{}: unexpected `{c}`", line_col(text, at)));
        }
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

/// The rest of a string literal opened by `quote`, with Spark's backslash escapes undone.
fn sql_unescape(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    quote: char,
    text: &str,
    at: usize,
) -> std::result::Result<String, String> {
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return Err(format!("{}: unclosed string", line_col(text, at))),
            Some((_, c)) if c == quote => return Ok(s),
            Some((_, '\\')) => match chars.next() {
                None => return Err(format!("{}: unclosed string", line_col(text, at))),
                Some((_, 'n')) => s.push('\n'),
                Some((_, 't')) => s.push('\t'),
                Some((_, 'r')) => s.push('\r'),
                Some((_, 'b')) => s.push('\u{8}'),
                Some((_, '0')) => s.push('\0'),
                Some((_, 'Z')) => s.push('\u{1a}'),
                // Spark keeps the backslash of `\%` and `\_` (LIKE patterns).
                Some((_, c @ ('%' | '_'))) => {
                    s.push('\\');
                    s.push(c);
                }
                Some((_, 'u')) => {
                    let hex: String = (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                    let c = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("{}: bad \\u escape", line_col(text, at)))?;
                    s.push(c);
                }
                Some((_, c)) => s.push(c),
            },
            Some((_, c)) => s.push(c),
        }
    }
}

fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

struct DdlParser<'a> {
    text: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl DdlParser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn fail<T>(&self, expected: &str) -> std::result::Result<T, String> {
        let (tok, at) = &self.toks[self.pos];
        Err(format!(
            "{}: expected {expected}, found {tok}",
            line_col(self.text, *at)
        ))
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w, false) if w.eq_ignore_ascii_case(word))
    }

    fn punct(&mut self, c: char) -> std::result::Result<(), String> {
        if *self.peek() == Tok::Punct(c) {
            self.next();
            Ok(())
        } else {
            self.fail(&format!("`{c}`"))
        }
    }

    /// `name [:] TYPE [NOT NULL] [COMMENT 'text']`.
    fn column(&mut self, depth: usize) -> std::result::Result<SparkField, String> {
        let name = match self.peek() {
            Tok::Word(w, _) => w.clone(),
            _ => return self.fail("a column name"),
        };
        self.next();
        if *self.peek() == Tok::Punct(':') {
            self.next();
        }
        let ty = self.data_type(depth)?;
        let mut nullable = true;
        if self.keyword("NOT") {
            self.next();
            if !self.keyword("NULL") {
                return self.fail("NULL after NOT");
            }
            self.next();
            nullable = false;
        }
        let mut metadata = Map::new();
        if self.keyword("COMMENT") {
            self.next();
            let Tok::Str(comment) = self.peek().clone() else {
                return self.fail("a string after COMMENT");
            };
            self.next();
            metadata.insert("comment".into(), Value::String(comment));
        }
        Ok(SparkField {
            name,
            ty,
            nullable,
            metadata,
        })
    }

    fn data_type(&mut self, depth: usize) -> std::result::Result<SparkType, String> {
        if depth > 2 * MAX_SCHEMA_DEPTH {
            return Err(format!(
                "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
            ));
        }
        let word = match self.peek() {
            Tok::Word(w, false) => w.to_ascii_uppercase(),
            _ => return self.fail("a type"),
        };
        self.next();
        Ok(match word.as_str() {
            "ARRAY" => {
                self.punct('<')?;
                let e = self.data_type(depth + 1)?;
                self.punct('>')?;
                SparkType::Array(Box::new(e), true)
            }
            "MAP" => {
                self.punct('<')?;
                let k = self.data_type(depth + 1)?;
                self.punct(',')?;
                let v = self.data_type(depth + 1)?;
                self.punct('>')?;
                SparkType::Map(Box::new(k), Box::new(v), true)
            }
            "STRUCT" => {
                self.punct('<')?;
                let mut fields = Vec::new();
                if *self.peek() != Tok::Punct('>') {
                    loop {
                        fields.push(self.column(depth + 1)?);
                        if *self.peek() != Tok::Punct(',') {
                            break;
                        }
                        self.next();
                    }
                }
                self.punct('>')?;
                SparkType::Struct(fields)
            }
            "DECIMAL" | "DEC" | "NUMERIC" => {
                let (p, s) = if *self.peek() == Tok::Punct('(') {
                    self.next();
                    let p = self.number()?;
                    let s = if *self.peek() == Tok::Punct(',') {
                        self.next();
                        self.number()?
                    } else {
                        0
                    };
                    self.punct(')')?;
                    (p, s)
                } else {
                    (10, 0)
                };
                SparkType::Atomic(format!("decimal({p},{s})"))
            }
            "CHAR" | "CHARACTER" | "VARCHAR" => {
                self.punct('(')?;
                let n = self.number()?;
                self.punct(')')?;
                let kind = if word == "VARCHAR" { "varchar" } else { "char" };
                SparkType::Atomic(format!("{kind}({n})"))
            }
            "BIGINT" | "LONG" => SparkType::Atomic("long".into()),
            "INT" | "INTEGER" => SparkType::Atomic("integer".into()),
            "SMALLINT" | "SHORT" => SparkType::Atomic("short".into()),
            "TINYINT" | "BYTE" => SparkType::Atomic("byte".into()),
            "REAL" => SparkType::Atomic("float".into()),
            other => SparkType::Atomic(other.to_ascii_lowercase()),
        })
    }

    fn number(&mut self) -> std::result::Result<u32, String> {
        match self.peek() {
            Tok::Num(n) => {
                let n = *n;
                self.next();
                Ok(n)
            }
            _ => self.fail("a number"),
        }
    }
}

fn ddl_to_schema(text: &str) -> std::result::Result<Schema, String> {
    let toks = ddl_tokens(text)?;
    let mut p = DdlParser { text, toks, pos: 0 };
    // `STRUCT<...>` (a data type) is accepted as well as a column list.
    let whole_struct = p.keyword("STRUCT") && p.toks.get(1).map(|t| &t.0) == Some(&Tok::Punct('<'));
    let fields = if whole_struct {
        match p.data_type(0)? {
            SparkType::Struct(fields) => fields,
            _ => unreachable!("STRUCT parses as a struct"),
        }
    } else if *p.peek() == Tok::End {
        return Err("no columns".into());
    } else {
        let mut fields = vec![p.column(0)?];
        while *p.peek() == Tok::Punct(',') {
            p.next();
            fields.push(p.column(0)?);
        }
        fields
    };
    if *p.peek() != Tok::End {
        return p.fail(if whole_struct {
            "the end"
        } else {
            "`,` or the end"
        });
    }
    schema_from_spark(&fields)
}

// ---------------------------------------------------------------------------------------------
// Parquet message type

fn parquet_to_schema(text: &str) -> std::result::Result<Schema, String> {
    // The parquet crate's parser recurses once per group: bound the nesting first.
    let (_, deepest) = text.chars().fold((0usize, 0usize), |(d, max), c| match c {
        '{' => (d + 1, max.max(d + 1)),
        '}' => (d.saturating_sub(1), max),
        _ => (d, max),
    });
    if deepest > 2 * MAX_SCHEMA_DEPTH + 1 {
        return Err(format!(
            "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
        ));
    }
    let message = parquet::schema::parser::parse_message_type(text).map_err(|e| e.to_string())?;
    schema_from_message(&message)
}

/// Our schema for a Parquet message type (a file's footer): what [`from_parquet_text`] reads,
/// for files another writer made (ours carry their schema in `rustparquet.schema`). Unions are
/// recognised by their layout; JSON keys, JSON text and always-null fields cannot be told.
/// `source_name` names the file in errors.
pub fn from_parquet_type(message: &PqType, source_name: Option<&str>) -> Result<Schema> {
    let schema = schema_from_message(message).map_err(|reason| Error::Schema {
        source_name: source_name.map(str::to_string),
        reason: format!("parquet form: {reason}"),
    })?;
    Schema::from_json_str(&schema.to_json_string(), source_name)
}

fn schema_from_message(message: &PqType) -> std::result::Result<Schema, String> {
    if !message.is_group() {
        return Err("expected a message (a group), found a primitive type".into());
    }
    let children = message.get_fields();
    let fields = children
        .iter()
        .map(|c| pq_field(c, &ColumnPath::root()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut schema = Schema::new(if is_pq_placeholder(&fields) {
        Vec::new()
    } else {
        fields
    });
    schema.name = message.name().to_string();
    Ok(schema)
}

fn is_pq_placeholder(fields: &[Field]) -> bool {
    matches!(fields, [f] if f.name == EMPTY_OBJECT_PLACEHOLDER
        && f.data_type == DataType::Boolean
        && f.repetition == Repetition::Optional)
}

fn pq_field(t: &PqType, parent: &ColumnPath) -> std::result::Result<Field, String> {
    let info = t.get_basic_info();
    let path = parent.key(t.name());
    let repetition = match info.repetition() {
        PqRepetition::REQUIRED => Repetition::Required,
        PqRepetition::OPTIONAL => Repetition::Optional,
        PqRepetition::REPEATED => Repetition::Repeated,
    };
    Ok(Field {
        name: t.name().to_string(),
        key: None,
        repetition,
        data_type: pq_type(t, &path)?,
    })
}

fn pq_type(t: &PqType, path: &ColumnPath) -> std::result::Result<DataType, String> {
    let info = t.get_basic_info();
    let logical = info.logical_type_ref();
    let converted = info.converted_type();
    if t.is_primitive() {
        let refuse = |what: &str| {
            Err(format!(
                "`{path}`: {what} has no rustparquet equivalent (rustparquet writes BOOLEAN, INT64, DOUBLE, BYTE_ARRAY (STRING), FIXED_LEN_BYTE_ARRAY(16) (DECIMAL(38,0)), LIST, MAP and groups)"
            ))
        };
        let decimal_zero = matches!(logical, Some(LogicalType::Decimal(d)) if d.scale == 0)
            || (converted == ConvertedType::DECIMAL && t.get_scale() == 0);
        let temporal = matches!(
            logical,
            Some(LogicalType::Timestamp(_) | LogicalType::Date | LogicalType::Time(_))
        ) || matches!(
            converted,
            ConvertedType::DATE
                | ConvertedType::TIMESTAMP_MILLIS
                | ConvertedType::TIMESTAMP_MICROS
                | ConvertedType::TIME_MILLIS
                | ConvertedType::TIME_MICROS
        );
        return match t.get_physical_type() {
            Physical::BOOLEAN => Ok(DataType::Boolean),
            Physical::INT32 | Physical::INT64 if temporal => refuse("a date or time column"),
            Physical::INT32 | Physical::INT64 if decimal_zero => Ok(DataType::Decimal),
            Physical::INT32 | Physical::INT64
                if logical.is_none() || matches!(logical, Some(LogicalType::Integer(_))) =>
            {
                Ok(DataType::Int64)
            }
            Physical::FLOAT | Physical::DOUBLE => Ok(DataType::Double),
            Physical::BYTE_ARRAY
                if matches!(logical, Some(LogicalType::Json))
                    || converted == ConvertedType::JSON =>
            {
                Ok(DataType::Json)
            }
            Physical::BYTE_ARRAY
                if matches!(logical, Some(LogicalType::String | LogicalType::Enum))
                    || matches!(converted, ConvertedType::UTF8 | ConvertedType::ENUM) =>
            {
                Ok(DataType::String)
            }
            Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY if decimal_zero => {
                Ok(DataType::Decimal)
            }
            p => refuse(&format!(
                "{p}{}",
                match logical {
                    Some(l) => format!(" ({l:?})"),
                    None => String::new(),
                }
            )),
        };
    }
    let children = t.get_fields();
    let is_list = matches!(logical, Some(LogicalType::List)) || converted == ConvertedType::LIST;
    let is_map = matches!(logical, Some(LogicalType::Map))
        || matches!(converted, ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE);
    if is_list {
        let [repeated] = children else {
            return Err(format!(
                "`{path}`: a LIST group needs exactly one repeated child"
            ));
        };
        if repeated.get_basic_info().repetition() != PqRepetition::REPEATED {
            return Err(format!(
                "`{path}`: a LIST group needs exactly one repeated child"
            ));
        }
        let element = match repeated.as_ref() {
            // The standard 3-level form: repeated group list { <element> }.
            PqType::GroupType { fields, .. } if fields.len() == 1 => {
                let e = &fields[0];
                let repetition = match e.get_basic_info().repetition() {
                    PqRepetition::REQUIRED => Repetition::Required,
                    PqRepetition::OPTIONAL => Repetition::Optional,
                    PqRepetition::REPEATED => {
                        return Err(format!("`{path}[]`: a list element cannot be repeated"))
                    }
                };
                Field {
                    name: "element".into(),
                    key: None,
                    repetition,
                    data_type: pq_type(e, &path.element())?,
                }
            }
            // The 2-level form: a repeated element.
            other => Field {
                name: "element".into(),
                key: None,
                repetition: Repetition::Required,
                data_type: pq_type(other, &path.element())?,
            },
        };
        return Ok(DataType::List(Box::new(Field {
            name: "element".into(),
            ..element
        })));
    }
    if is_map {
        let kv = match children {
            [kv] if kv.is_group() && kv.get_fields().len() == 2 => kv.get_fields(),
            _ => {
                return Err(format!(
                    "`{path}`: a MAP group needs one repeated group of a key and a value"
                ))
            }
        };
        if pq_type(&kv[0], path)? != DataType::String {
            return Err(format!(
                "`{path}`: map keys must be strings (JSON object keys)"
            ));
        }
        let value = pq_field(&kv[1], &path.map_value())?;
        if value.repetition == Repetition::Repeated {
            return Err(format!("`{path}`: a map value cannot be repeated"));
        }
        return Ok(DataType::Map(Box::new(Field {
            name: "value".into(),
            ..value
        })));
    }
    let fields = children
        .iter()
        .map(|c| pq_field(c, path))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(if is_pq_placeholder(&fields) {
        DataType::Struct(Vec::new())
    } else if looks_like_union(&fields) {
        DataType::Union(fields)
    } else {
        DataType::Struct(fields)
    })
}

/// The Parquet message type cannot mark a union, so a group is read as one when it has the
/// union layout: two or more optional members named by [`UnionMember`] in its order, each of
/// the member's type (docs/format.md: an object whose only keys are such names is misread).
fn looks_like_union(fields: &[Field]) -> bool {
    let mut last = None;
    fields.len() >= 2
        && fields.iter().all(|f| {
            let member = UnionMember::of(&f.data_type);
            let ok = f.repetition == Repetition::Optional
                && member.is_some()
                && UnionMember::from_name(&f.name) == member
                && member > last;
            last = member;
            ok
        })
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

fn js_object(fields: &[Field]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    // Adjacent siblings sharing a JSON key (a dataset's evolved field) hold its values by
    // type: one property admitting any of their types.
    for group in fields.chunk_by(|a, b| a.json_key() == b.json_key()) {
        let f = &group[0];
        let s = match (group.len(), f.repetition) {
            (1, Repetition::Repeated) => json!({"type": "array", "items": js_type(&f.data_type)}),
            (1, Repetition::Required) => {
                required.push(Value::String(f.json_key().to_string()));
                js_type(&f.data_type)
            }
            (1, Repetition::Optional) => js_nullable(js_type(&f.data_type)),
            _ => js_nullable(json!({
                "anyOf": group.iter().map(|f| js_type(&f.data_type)).collect::<Vec<_>>()
            })),
        };
        props.insert(f.json_key().to_string(), s);
    }
    let mut obj = Map::new();
    obj.insert("type".into(), "object".into());
    obj.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        obj.insert("required".into(), Value::Array(required));
    }
    // The writer refuses keys that are not in the schema.
    obj.insert("additionalProperties".into(), Value::Bool(false));
    Value::Object(obj)
}

fn js_element(e: &Field) -> Value {
    match e.repetition {
        Repetition::Required => js_type(&e.data_type),
        _ => js_nullable(js_type(&e.data_type)),
    }
}

fn js_type(t: &DataType) -> Value {
    match t {
        DataType::Null => json!({"type": "null"}),
        DataType::Boolean => json!({"type": "boolean"}),
        DataType::Int64 => json!({"type": "integer"}),
        // Up to 38 digits: |x| < 10^38. The bounds also tell decimal from int64 on the way back.
        DataType::Decimal => {
            json!({"type": "integer", "exclusiveMinimum": -1e38, "exclusiveMaximum": 1e38})
        }
        DataType::Double => json!({"type": "number"}),
        DataType::String => json!({"type": "string"}),
        DataType::Json => json!({"description": JSON_TEXT_DESCRIPTION}),
        DataType::List(e) => json!({"type": "array", "items": js_element(e)}),
        DataType::Map(v) => json!({"type": "object", "additionalProperties": js_element(v)}),
        DataType::Struct(fields) => js_object(fields),
        DataType::Union(members) => {
            let scalar_types: Option<Vec<Value>> = members
                .iter()
                .map(|m| match m.data_type {
                    DataType::Boolean | DataType::Int64 | DataType::Double | DataType::String => {
                        js_type(&m.data_type).get("type").cloned()
                    }
                    _ => None,
                })
                .collect();
            match scalar_types {
                Some(types) => json!({"type": types}),
                None => {
                    json!({"anyOf": members.iter().map(|m| js_type(&m.data_type)).collect::<Vec<_>>()})
                }
            }
        }
    }
}

/// The schema that also accepts `null`.
fn js_nullable(mut s: Value) -> Value {
    let Value::Object(obj) = &mut s else {
        return s;
    };
    if let Some(alts) = obj.get_mut("anyOf").and_then(Value::as_array_mut) {
        alts.push(json!({"type": "null"}));
    } else if let Some(t) = obj.get_mut("type") {
        match t {
            Value::String(name) if name != "null" => {
                *t = json!([name.clone(), "null"]);
            }
            Value::Array(types) => types.push("null".into()),
            _ => {}
        }
    }
    s
}

fn pointer_step(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// One JSON type a schema admits, with the (sub)schema describing its values.
struct Alternative<'a> {
    kind: &'a str,
    schema: &'a Map<String, Value>,
    at: String,
}

struct JsReader<'a> {
    root: &'a Value,
    /// `$ref`s being resolved, to refuse recursion.
    refs: Vec<String>,
}

impl<'a> JsReader<'a> {
    /// Follows `$ref` (local references only), pushing each onto [`JsReader::refs`].
    fn resolve(&mut self, v: &'a Value, at: &str) -> std::result::Result<&'a Value, String> {
        let mut v = v;
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            let Some(pointer) = r.strip_prefix('#') else {
                return Err(format!(
                    "{}: only local $ref (`#/...`) can be read, found `{r}`",
                    js_at(at)
                ));
            };
            if self.refs.iter().any(|x| x == r) {
                return Err(format!(
                    "{}: `$ref` `{r}` is recursive; a Parquet schema has a fixed depth",
                    js_at(at)
                ));
            }
            self.refs.push(r.to_string());
            v = self
                .root
                .pointer(pointer)
                .ok_or_else(|| format!("{}: `$ref` `{r}` points nowhere", js_at(at)))?;
        }
        Ok(v)
    }

    /// The field for a property (or element) schema `v` at pointer `at`.
    fn field(
        &mut self,
        name: &str,
        v: &'a Value,
        in_required: bool,
        at: &str,
        path: &ColumnPath,
    ) -> std::result::Result<Field, String> {
        if self.refs.len() + path.0.len() > MAX_SCHEMA_DEPTH {
            return Err(format!(
                "{}: nested deeper than {MAX_SCHEMA_DEPTH} levels",
                js_at(at)
            ));
        }
        let depth = self.refs.len();
        let v = self.resolve(v, at)?;
        let obj = match v {
            Value::Bool(true) => {
                self.refs.truncate(depth);
                return Ok(Field::optional(name, DataType::Json));
            }
            Value::Bool(false) => return Err(format!("{}: `false` admits no value", js_at(at))),
            Value::Object(o) => o,
            other => {
                return Err(format!(
                    "{}: a schema must be an object or a boolean, found {other}",
                    js_at(at)
                ))
            }
        };
        for k in [
            "allOf",
            "not",
            "if",
            "then",
            "else",
            "prefixItems",
            "patternProperties",
            "dependentSchemas",
            "unevaluatedProperties",
            "unevaluatedItems",
            "$dynamicRef",
        ] {
            if obj.contains_key(k) {
                return Err(format!(
                    "{}: `{k}` cannot map to a Parquet column (read: type, properties, items, additionalProperties, anyOf/oneOf of types, enum, const, local $ref)",
                    js_at(&format!("{at}/{k}"))
                ));
            }
        }
        let mut alts = Vec::new();
        // The `$ref`s followed here and in anyOf/oneOf stay on the stack while the types
        // below are built, so a recursive one is found.
        let any = self.alternatives(obj, at, &mut alts)?;
        let nullable = alts.iter().any(|a| a.kind == "null");
        let repetition = if in_required && !nullable {
            Repetition::Required
        } else {
            Repetition::Optional
        };
        let data_type = if any {
            Ok(DataType::Json)
        } else {
            self.type_of(&alts, at, path)
        };
        self.refs.truncate(depth);
        let data_type = data_type?;
        Ok(Field {
            name: name.to_string(),
            key: None,
            repetition,
            data_type,
        })
    }

    /// Collects the JSON types `obj` admits; `true` when it admits any value.
    fn alternatives(
        &mut self,
        obj: &'a Map<String, Value>,
        at: &str,
        out: &mut Vec<Alternative<'a>>,
    ) -> std::result::Result<bool, String> {
        for k in ["anyOf", "oneOf"] {
            if let Some(list) = obj.get(k) {
                let list = list
                    .as_array()
                    .ok_or_else(|| format!("{}: must be an array", js_at(&format!("{at}/{k}"))))?;
                for (i, alt) in list.iter().enumerate() {
                    let alt_at = format!("{at}/{k}/{i}");
                    let alt = self.resolve(alt, &alt_at)?;
                    let any = match alt {
                        Value::Bool(true) => true,
                        Value::Bool(false) => false,
                        Value::Object(a) => self.alternatives(a, &alt_at, out)?,
                        other => {
                            return Err(format!(
                                "{}: a schema must be an object, found {other}",
                                js_at(&alt_at)
                            ))
                        }
                    };
                    if any {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .map(|t| {
                    t.as_str().ok_or_else(|| {
                        format!("{}: types must be strings", js_at(&format!("{at}/type")))
                    })
                })
                .collect::<std::result::Result<_, _>>()?,
            Some(other) => {
                return Err(format!(
                    "{}: must be a string or an array, found {other}",
                    js_at(&format!("{at}/type"))
                ))
            }
            None => {
                // No type: from the structural keywords, or from enum / const values.
                let mut kinds = Vec::new();
                if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                    kinds.push("object");
                }
                if obj.contains_key("items") {
                    kinds.push("array");
                }
                let values: Vec<&Value> = match (obj.get("enum"), obj.get("const")) {
                    (Some(Value::Array(vs)), _) => vs.iter().collect(),
                    (_, Some(c)) => vec![c],
                    _ => Vec::new(),
                };
                for v in values {
                    let k = match v {
                        Value::Null => "null",
                        Value::Bool(_) => "boolean",
                        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                        Value::Number(_) => "number",
                        Value::String(_) => "string",
                        Value::Array(_) => "array",
                        Value::Object(_) => "object",
                    };
                    if !kinds.contains(&k) {
                        kinds.push(k);
                    }
                }
                if kinds.is_empty() {
                    return Ok(true);
                }
                kinds
            }
        };
        for kind in types {
            match kind {
                "null" | "boolean" | "integer" | "number" | "string" | "array" | "object" => {
                    out.push(Alternative {
                        kind,
                        schema: obj,
                        at: at.to_string(),
                    })
                }
                other => {
                    return Err(format!(
                        "{}: unknown type `{other}` (expected null, boolean, integer, number, string, array or object)",
                        js_at(&format!("{at}/type"))
                    ))
                }
            }
        }
        Ok(false)
    }

    fn type_of(
        &mut self,
        alts: &[Alternative<'a>],
        at: &str,
        path: &ColumnPath,
    ) -> std::result::Result<DataType, String> {
        let mut members: Vec<(UnionMember, DataType, &str)> = Vec::new();
        let has_number = alts.iter().any(|a| a.kind == "number");
        let several = alts.iter().filter(|a| a.kind != "null").count() > 1;
        for a in alts {
            let t = match a.kind {
                "null" => continue,
                "boolean" => DataType::Boolean,
                "integer" if is_big_integer(a.schema) => DataType::Decimal,
                // A number admits integers too: int + float is one double (docs/format.md).
                "integer" if has_number => continue,
                "integer" => DataType::Int64,
                "number" => DataType::Double,
                "string" => DataType::String,
                "array" => {
                    let items = a.schema.get("items");
                    let element = match items {
                        None => Field::optional("element", DataType::Json),
                        Some(items) => {
                            let mut e = self.field(
                                "element",
                                items,
                                true,
                                &format!("{}/items", a.at),
                                &path.element(),
                            )?;
                            // A nullable items schema makes the element optional.
                            if items_nullable(items) {
                                e.repetition = Repetition::Optional;
                            }
                            e
                        }
                    };
                    DataType::List(Box::new(element))
                }
                "object" => match self.object(a.schema, &a.at, path)? {
                    // Any object, as a union member: a map of JSON text values.
                    DataType::Json if several => {
                        DataType::Map(Box::new(Field::optional("value", DataType::Json)))
                    }
                    t => t,
                },
                _ => unreachable!("kinds are checked when collected"),
            };
            let member = UnionMember::of(&t).unwrap_or(UnionMember::String);
            if let Some(prev) = members.iter().find(|m| m.0 == member) {
                if prev.1 != t {
                    return Err(format!(
                        "{}: two alternatives are {}s ({} and {}); a union has one member per JSON type",
                        js_at(at),
                        member.name(),
                        js_at(prev.2),
                        js_at(&a.at)
                    ));
                }
                continue;
            }
            members.push((member, t, &a.at));
        }
        members.sort_by_key(|m| m.0);
        Ok(match members.len() {
            0 => DataType::Null,
            1 => members.pop().map(|m| m.1).unwrap_or(DataType::Null),
            _ => DataType::Union(
                members
                    .into_iter()
                    .map(|(m, t, _)| Field::optional(m.name(), t))
                    .collect(),
            ),
        })
    }

    fn object(
        &mut self,
        obj: &'a Map<String, Value>,
        at: &str,
        path: &ColumnPath,
    ) -> std::result::Result<DataType, String> {
        let props = match obj.get("properties") {
            None => None,
            Some(Value::Object(p)) => Some(p),
            Some(_) => {
                return Err(format!(
                    "{}: must be an object",
                    js_at(&format!("{at}/properties"))
                ))
            }
        };
        let additional = obj
            .get("additionalProperties")
            .filter(|a| !matches!(a, Value::Bool(_)));
        match (props, additional) {
            (Some(p), Some(_)) if !p.is_empty() => Err(format!(
                "{}: an object with both properties and an additionalProperties schema cannot map to a struct or a map",
                js_at(at)
            )),
            (_, Some(value)) => {
                let mut v = self.field("value", value, true, &format!("{at}/additionalProperties"), &path.map_value())?;
                if items_nullable(value) {
                    v.repetition = Repetition::Optional;
                }
                Ok(DataType::Map(Box::new(v)))
            }
            (Some(p), None) => {
                let required: HashSet<&str> = obj
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let keys: Vec<String> = p.keys().cloned().collect();
                let names = crate::infer::column_names(&keys);
                let mut fields = Vec::with_capacity(keys.len());
                for ((key, v), name) in p.iter().zip(names) {
                    let mut f = self.field(
                        &name,
                        v,
                        required.contains(key.as_str()),
                        &format!("{at}/properties/{}", pointer_step(key)),
                        &path.key(key),
                    )?;
                    if name != *key {
                        f.key = Some(key.clone());
                    }
                    fields.push(f);
                }
                Ok(DataType::Struct(fields))
            }
            // An object with no declared keys: any object, kept as JSON text.
            (None, None) => Ok(DataType::Json),
        }
    }
}

/// Whether an element schema admits null (then the element is optional).
fn items_nullable(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Object(o) => {
            let type_null = match o.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
                _ => false,
            };
            let alt_null = ["anyOf", "oneOf"].iter().any(|k| {
                o.get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|alts| alts.iter().any(items_nullable))
            });
            let untyped = !o.contains_key("type")
                && !o.contains_key("anyOf")
                && !o.contains_key("oneOf")
                && !o.contains_key("properties")
                && !o.contains_key("items")
                && !o.contains_key("additionalProperties")
                && !o.contains_key("enum")
                && !o.contains_key("const")
                && !o.contains_key("$ref");
            type_null || alt_null || untyped
        }
        _ => false,
    }
}

/// An integer schema whose bounds go beyond int64: a decimal(38,0).
fn is_big_integer(s: &Map<String, Value>) -> bool {
    let beyond = |k: &str, limit: f64, above: bool| {
        s.get(k)
            .and_then(Value::as_f64)
            .is_some_and(|x| if above { x > limit } else { x < limit })
    };
    beyond("maximum", i64::MAX as f64, true)
        || beyond("exclusiveMaximum", i64::MAX as f64, true)
        || beyond("minimum", i64::MIN as f64, false)
        || beyond("exclusiveMinimum", i64::MIN as f64, false)
}

fn js_at(at: &str) -> String {
    format!("at {}", if at.is_empty() { "/" } else { at })
}

fn json_schema_to_schema(text: &str) -> std::result::Result<Schema, String> {
    let root = parse_json(text)?;
    let mut reader = JsReader {
        root: &root,
        refs: Vec::new(),
    };
    let top = reader.field("schema", &root, true, "", &ColumnPath::root())?;
    match top.data_type {
        DataType::Struct(fields) => Ok(Schema::new(fields)),
        other => Err(format!(
            "at /: the top level must be an object with properties (documents are JSON objects), found {}",
            other.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, t: DataType) -> Field {
        Field::optional(name, t)
    }

    fn union(members: Vec<(&str, DataType)>) -> DataType {
        DataType::Union(members.into_iter().map(|(n, t)| field(n, t)).collect())
    }

    /// The `account_admin` field of issue 4: string, long, array of longs and strings, object
    /// whose `primary` is a string or a long.
    fn account_admin() -> Schema {
        let element = union(vec![
            ("long", DataType::Int64),
            ("string", DataType::String),
        ]);
        Schema::new(vec![field(
            "account_admin",
            union(vec![
                ("long", DataType::Int64),
                ("string", DataType::String),
                (
                    "array",
                    DataType::List(Box::new(field("element", element.clone()))),
                ),
                ("object", DataType::Struct(vec![field("primary", element)])),
            ]),
        )])
    }

    /// Every type and repetition, with nested unions and maps and renamed keys.
    fn everything() -> Schema {
        let mut renamed = field("id_2", DataType::Int64);
        renamed.key = Some("id".into());
        let mut nested_renamed = field("Name_2", DataType::String);
        nested_renamed.key = Some("Name".into());
        let mut required = field("req", DataType::Double);
        required.repetition = Repetition::Required;
        let mut repeated = field("rep", DataType::String);
        repeated.repetition = Repetition::Repeated;
        let mut req_elem = Field::optional("element", DataType::Int64);
        req_elem.repetition = Repetition::Required;
        let inner_union = union(vec![
            ("boolean", DataType::Boolean),
            ("decimal", DataType::Decimal),
            ("double", DataType::Double),
            (
                "object",
                DataType::Map(Box::new(field("value", DataType::Json))),
            ),
        ]);
        Schema::new(vec![
            field("ID", DataType::Int64),
            renamed,
            required,
            repeated,
            field("b", DataType::Boolean),
            field("big", DataType::Decimal),
            field("s", DataType::String),
            field("n", DataType::Null),
            field("j", DataType::Json),
            field("e", DataType::Struct(vec![])),
            field("strict", DataType::List(Box::new(req_elem))),
            field(
                "lists",
                DataType::List(Box::new(field(
                    "element",
                    DataType::List(Box::new(field("element", inner_union.clone()))),
                ))),
            ),
            field(
                "m",
                DataType::Map(Box::new(field(
                    "value",
                    DataType::Struct(vec![field("name", DataType::Null), nested_renamed]),
                ))),
            ),
            field(
                "mu",
                DataType::Map(Box::new(field("value", inner_union.clone()))),
            ),
            field(
                "weird name.`q'\\\"é",
                DataType::Struct(vec![
                    field("string", DataType::String),
                    field("select", DataType::Int64),
                    field("u", inner_union),
                ]),
            ),
        ])
    }

    fn round_trip(schema: &Schema, format: SchemaFormat) -> Schema {
        let text = render(schema, format).unwrap();
        assert_eq!(detect(&text), format, "{text}");
        parse_any(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn ddl_and_spark_json_round_trip_every_type() {
        for s in [everything(), account_admin(), Schema::new(vec![])] {
            assert_eq!(round_trip(&s, SchemaFormat::Ddl), s);
            assert_eq!(round_trip(&s, SchemaFormat::SparkJson), s);
            assert_eq!(round_trip(&s, SchemaFormat::Rustparquet), s);
        }
    }

    #[test]
    fn json_schema_round_trips_all_but_field_names_it_recomputes() {
        // A bare repeated field becomes a list of required elements (same JSON values).
        let mut s = everything();
        s.fields.retain(|f| f.repetition != Repetition::Repeated);
        assert_eq!(round_trip(&s, SchemaFormat::JsonSchema), s);
        assert_eq!(
            round_trip(&account_admin(), SchemaFormat::JsonSchema),
            account_admin()
        );
    }

    #[test]
    fn parquet_form_reads_unions_back_but_not_json_text_or_keys() {
        assert_eq!(
            round_trip(&account_admin(), SchemaFormat::Parquet),
            account_admin()
        );
        // Names with spaces cannot be written in the message type at all.
        let mut plain = everything();
        let weird = plain.fields.pop().unwrap();
        assert!(from_parquet_text(&to_parquet_text(&Schema::new(vec![weird])).unwrap()).is_err());
        let back = round_trip(&plain, SchemaFormat::Parquet);
        let names: Vec<_> = back.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names[..4], ["ID", "id_2", "req", "rep"]);
        assert_eq!(
            back.fields[1].key, None,
            "the message type has no JSON keys"
        );
        assert_eq!(back.fields[3].repetition, Repetition::Repeated);
        assert_eq!(
            back.fields[7].data_type,
            DataType::String,
            "null reads as string"
        );
        assert_eq!(
            back.fields[8].data_type,
            DataType::String,
            "json text reads as string"
        );
        // Everything else is the same (but JSON text is a string, also inside unions and maps).
        assert_eq!(back.fields[2..7], plain.fields[2..7]);
        assert_eq!(back.fields[9..11], plain.fields[9..11]);
        let as_text = |s: &Schema| s.to_json_string().replace("\"json\"", "\"string\"");
        assert_eq!(
            as_text(&Schema::new(vec![
                back.fields[11].clone(),
                back.fields[13].clone()
            ])),
            as_text(&Schema::new(vec![
                plain.fields[11].clone(),
                plain.fields[13].clone()
            ]))
        );
    }

    #[test]
    fn account_admin_golden_ddl() {
        assert_eq!(
            to_ddl(&account_admin()),
            "account_admin STRUCT<`long`: BIGINT, `string`: STRING, `array`: ARRAY<STRUCT<`long`: BIGINT, `string`: STRING>> COMMENT '{\"rustparquet.type\":\"list<union>\"}', `object`: STRUCT<`primary`: STRUCT<`long`: BIGINT, `string`: STRING> COMMENT '{\"rustparquet.type\":\"union\"}'>> COMMENT '{\"rustparquet.type\":\"union\"}'"
        );
    }

    #[test]
    fn account_admin_golden_spark_json() {
        let v: Value = serde_json::from_str(&to_spark_json(&account_admin())).unwrap();
        let union_meta = json!({"rustparquet.type": "union"});
        let pair = json!({"type": "struct", "fields": [
            {"name": "long", "type": "long", "nullable": true, "metadata": {}},
            {"name": "string", "type": "string", "nullable": true, "metadata": {}}]});
        assert_eq!(
            v,
            json!({"type": "struct", "fields": [{"name": "account_admin", "type": {"type": "struct", "fields": [
                {"name": "long", "type": "long", "nullable": true, "metadata": {}},
                {"name": "string", "type": "string", "nullable": true, "metadata": {}},
                {"name": "array", "type": {"type": "array", "elementType": pair, "containsNull": true},
                 "nullable": true, "metadata": {"rustparquet.type": "list<union>"}},
                {"name": "object", "type": {"type": "struct", "fields": [
                    {"name": "primary", "type": pair, "nullable": true, "metadata": union_meta}]},
                 "nullable": true, "metadata": {}}]},
              "nullable": true, "metadata": union_meta}]})
        );
    }

    #[test]
    fn account_admin_golden_json_schema() {
        let v: Value = serde_json::from_str(&to_json_schema(&account_admin())).unwrap();
        assert_eq!(
            v,
            json!({
                "$schema": JSON_SCHEMA_DIALECT,
                "type": "object",
                "properties": {"account_admin": {"anyOf": [
                    {"type": "integer"},
                    {"type": "string"},
                    {"type": "array", "items": {"type": ["integer", "string", "null"]}},
                    {"type": "object", "properties": {"primary": {"type": ["integer", "string", "null"]}},
                     "additionalProperties": false},
                    {"type": "null"}]}},
                "additionalProperties": false
            })
        );
    }

    #[test]
    fn account_admin_golden_tree_and_parquet() {
        assert_eq!(
            to_tree(&account_admin()),
            "account_admin: union<long | string | array | object>
  long: int64
  string: string
  array: array<union<long | string>>
    long: int64
    string: string
  object: object
    primary: union<long | string>
      long: int64
      string: string"
        );
        let text = to_parquet_text(&account_admin()).unwrap();
        assert!(text.starts_with("message schema {\n  OPTIONAL group account_admin {\n    OPTIONAL INT64 long;\n    OPTIONAL BYTE_ARRAY string (STRING);\n    OPTIONAL group array (LIST) {"), "{text}");
    }

    #[test]
    fn tree_shows_maps_json_text_keys_and_repetition() {
        let tree = to_tree(&everything());
        for line in [
            "id_2 (JSON key \"id\"): int64",
            "req: double required",
            "rep: string repeated",
            "n: null (always null)",
            "j: json (JSON text)",
            "e: object {}",
            "strict: array<int64 required>",
            "m: map<string, object>\n  name: null (always null)\n  Name_2 (JSON key \"Name\"): string",
            "mu: map<string, union<boolean | decimal | double | object>>\n  boolean: boolean",
            "  object: map<string, json (JSON text)>",
        ] {
            assert!(tree.contains(line), "{line:?} not in\n{tree}");
        }
    }

    #[test]
    fn spark_written_struct_type_json_is_read_as_plain_structs() {
        // As `df.schema.json` prints it (Spark 3.5), including types we widen.
        let text = r#"{"type":"struct","fields":[
            {"name":"account_admin","type":{"type":"struct","fields":[
                {"name":"long","type":"long","nullable":true,"metadata":{}},
                {"name":"string","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},
            {"name":"n","type":"integer","nullable":false,"metadata":{}},
            {"name":"f","type":"float","nullable":true,"metadata":{"comment":"a user comment"}},
            {"name":"tags","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},
            {"name":"m","type":{"type":"map","keyType":"string","valueType":"decimal(20,0)","valueContainsNull":true},"nullable":true,"metadata":{}}]}"#;
        let s = from_spark_json(text).unwrap();
        let mut n = field("n", DataType::Int64);
        n.repetition = Repetition::Required;
        let mut tag = field("element", DataType::String);
        tag.repetition = Repetition::Required;
        assert_eq!(
            s.fields,
            vec![
                field(
                    "account_admin",
                    DataType::Struct(vec![
                        field("long", DataType::Int64),
                        field("string", DataType::String)
                    ])
                ),
                n,
                field("f", DataType::Double),
                field("tags", DataType::List(Box::new(tag))),
                field(
                    "m",
                    DataType::Map(Box::new(field("value", DataType::Decimal)))
                ),
            ]
        );
    }

    #[test]
    fn spark_written_ddl_is_read_and_our_comment_survives_spark() {
        // `StructType.toDDL` output (Spark 3.5): unquoted type-named columns, commas without spaces.
        let s = from_ddl("`a``b` BIGINT COMMENT 'c',string STRING,s STRUCT<`x y`: BIGINT, list: ARRAY<INT>>,`é` INT NOT NULL").unwrap();
        let names: Vec<_> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a`b", "string", "s", "é"]);
        assert_eq!(s.fields[3].repetition, Repetition::Required);
        assert_eq!(
            s.fields[2].data_type,
            DataType::Struct(vec![
                field("x y", DataType::Int64),
                field(
                    "list",
                    DataType::List(Box::new(field("element", DataType::Int64)))
                ),
            ])
        );
        // Spark turns our COMMENT into {"comment": "<our metadata as JSON>"}: still understood.
        let text = r#"{"type":"struct","fields":[{"name":"x","type":"string","nullable":true,"metadata":{"comment":"{\"rustparquet.type\":\"json\",\"rustparquet.key\":\"X\"}"}}]}"#;
        let s = from_spark_json(text).unwrap();
        assert_eq!(s.fields[0].data_type, DataType::Json);
        assert_eq!(s.fields[0].json_key(), "X");
        // The STRUCT<...> form of a data type.
        let s = from_ddl("struct<a:bigint,b:array<string>>").unwrap();
        assert_eq!(s.fields.len(), 2);
    }

    #[test]
    fn ddl_quotes_only_where_needed_and_escapes_comments() {
        assert_eq!(quote_ident("plain_Name1"), "plain_Name1");
        for (name, quoted) in [
            ("a b", "`a b`"),
            ("a.b", "`a.b`"),
            ("a`b", "`a``b`"),
            ("é", "`é`"),
            ("", "``"),
            ("1a", "`1a`"),
            ("string", "`string`"),
            ("Select", "`Select`"),
        ] {
            assert_eq!(quote_ident(name), quoted);
        }
        assert_eq!(sql_string(r#"it's \n"#), r#"'it\'s \\n'"#);
        let mut f = field("k", DataType::Int64);
        f.key = Some("it's a \\ key\n".into());
        let s = Schema::new(vec![f]);
        assert_eq!(from_ddl(&to_ddl(&s)).unwrap(), s);
    }

    #[test]
    fn errors_name_the_place() {
        let err = |r: Result<Schema>| r.unwrap_err().to_string();
        assert_eq!(
            err(from_ddl("a BIGINT,\n b STRUCT<c: >")),
            "schema: ddl form: line 2, column 14: expected a type, found `>`"
        );
        assert_eq!(
            err(from_ddl("a TIMESTAMP")),
            "schema: ddl form: `a`: Spark type `timestamp` has no rustparquet equivalent (rustparquet writes boolean, bigint, double, decimal(38,0), string, array, map<string, _> and struct; int, smallint and tinyint are read as bigint, float as double, decimal(p,0) as decimal(38,0))"
        );
        assert_eq!(
            err(from_ddl("m MAP<INT, STRING>")),
            "schema: ddl form: `m`: map keys must be strings (JSON object keys), found integer"
        );
        assert_eq!(
            err(parse("a BIGINT, A STRING", SchemaFormat::Ddl, Some("s.ddl"))),
            "schema s.ddl: `A`: two fields are named `A` when case is ignored; Spark cannot read that"
        );
        assert_eq!(
            err(from_json_schema(r#"{"type":"object","properties":{"a/b":{"allOf":[{"type":"string"}]}}}"#)),
            "schema: json-schema form: at /properties/a~1b/allOf: `allOf` cannot map to a Parquet column (read: type, properties, items, additionalProperties, anyOf/oneOf of types, enum, const, local $ref)"
        );
        assert_eq!(
            err(from_json_schema(r##"{"type":"object","properties":{"t":{"$ref":"#/$defs/t"}},"$defs":{"t":{"type":"object","properties":{"c":{"$ref":"#/$defs/t"}}}}}"##)),
            "schema: json-schema form: at /properties/t/properties/c: `$ref` `#/$defs/t` is recursive; a Parquet schema has a fixed depth"
        );
        assert_eq!(
            err(from_json_schema(r#"{"type":"object","properties":{"x":{"anyOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}}}]}}}"#)),
            "schema: json-schema form: at /properties/x: two alternatives are objects (at /properties/x/anyOf/0 and at /properties/x/anyOf/1); a union has one member per JSON type"
        );
        assert_eq!(
            err(from_spark_json(
                r#"{"type":"struct","fields":[{"name":"u","type":"long","nullable":true,"metadata":{"rustparquet.type":"union"}}]}"#
            )),
            "schema: spark-json form: `u`: rustparquet.type says union but the Spark type is long"
        );
        assert!(err(from_parquet_text("message m { optional int96 t; }"))
            .contains("`t`: INT96 has no rustparquet equivalent"));
    }

    #[test]
    fn hand_written_json_schema_forms() {
        let text = r##"{
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$defs": {"point": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}, "required": ["x", "y"]}},
          "type": "object",
          "required": ["id", "name"],
          "properties": {
            "id": {"type": "integer", "format": "int64", "minimum": 0},
            "name": {"type": ["string", "null"], "maxLength": 10},
            "ID": {"type": "string"},
            "score": {"type": ["integer", "number"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "where": {"$ref": "#/$defs/point"},
            "kind": {"enum": ["a", "b", null]},
            "value": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "array", "items": {}}]},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "extra": {"type": "object"},
            "anything": {}
          }
        }"##;
        let s = from_json_schema(text).unwrap();
        let mut id = field("id", DataType::Int64);
        id.repetition = Repetition::Required;
        let mut upper = field("ID_2", DataType::String);
        upper.key = Some("ID".into());
        let mut tag = field("element", DataType::String);
        tag.repetition = Repetition::Required;
        let mut x = field("x", DataType::Double);
        x.repetition = Repetition::Required;
        let mut y = field("y", DataType::Double);
        y.repetition = Repetition::Required;
        let mut count = field("value", DataType::Int64);
        count.repetition = Repetition::Required;
        assert_eq!(
            s.fields,
            vec![
                id,
                field("name", DataType::String),
                upper,
                field("score", DataType::Double),
                field("tags", DataType::List(Box::new(tag))),
                field("where", DataType::Struct(vec![x, y])),
                field("kind", DataType::String),
                field(
                    "value",
                    union(vec![
                        ("long", DataType::Int64),
                        ("string", DataType::String),
                        (
                            "array",
                            DataType::List(Box::new(field("element", DataType::Json)))
                        ),
                    ])
                ),
                field("counts", DataType::Map(Box::new(count))),
                field("extra", DataType::Json),
                field("anything", DataType::Json),
            ]
        );
    }

    #[test]
    fn sibling_fields_sharing_a_key_survive_the_spark_forms_and_merge_in_json_schema() {
        // A dataset whose `x` was a long, then a string: `x` and `x__string` (key `x`).
        let mut sibling = field("x__string", DataType::String);
        sibling.key = Some("x".into());
        let s = Schema::new(vec![
            field("x", DataType::Int64),
            sibling,
            field("y", DataType::Null),
        ]);
        assert_eq!(round_trip(&s, SchemaFormat::Ddl), s);
        assert_eq!(round_trip(&s, SchemaFormat::SparkJson), s);
        let v: Value = serde_json::from_str(&to_json_schema(&s)).unwrap();
        assert_eq!(
            v["properties"]["x"],
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]})
        );
        // Read back, the key's values are one union.
        assert_eq!(
            round_trip(&s, SchemaFormat::JsonSchema).fields[0],
            field(
                "x",
                union(vec![
                    ("long", DataType::Int64),
                    ("string", DataType::String)
                ])
            )
        );
    }

    #[test]
    fn every_prefix_of_every_form_is_read_or_refused_without_panic() {
        let schema = everything();
        for form in [
            SchemaFormat::Ddl,
            SchemaFormat::SparkJson,
            SchemaFormat::JsonSchema,
            SchemaFormat::Rustparquet,
        ] {
            let text = render(&schema, form).unwrap();
            for (cut, _) in text.char_indices() {
                let _ = parse(&text[..cut], form, None);
                let _ = parse_any(&text[..cut], None);
            }
        }
    }

    #[test]
    fn the_deepest_schema_goes_through_every_form() {
        let mut t = DataType::Int64;
        for i in 0..MAX_SCHEMA_DEPTH - 1 {
            t = if i % 2 == 0 {
                DataType::List(Box::new(field("element", t)))
            } else {
                DataType::Struct(vec![field("x", t)])
            };
        }
        let s = Schema::new(vec![field("deep", t)]);
        for f in [
            SchemaFormat::Ddl,
            SchemaFormat::SparkJson,
            SchemaFormat::JsonSchema,
            SchemaFormat::Parquet,
            SchemaFormat::Rustparquet,
        ] {
            assert_eq!(round_trip(&s, f), s, "{}", f.name());
        }
        assert_eq!(to_tree(&s).lines().count(), MAX_SCHEMA_DEPTH / 2);
    }

    #[test]
    fn detection() {
        assert_eq!(detect("a BIGINT"), SchemaFormat::Ddl);
        assert_eq!(
            detect("\u{feff} message m { optional int64 a; }"),
            SchemaFormat::Parquet
        );
        assert_eq!(
            detect(r#"{"type":"struct","fields":[]}"#),
            SchemaFormat::SparkJson
        );
        assert_eq!(
            detect(r#"{"name":"s","fields":[]}"#),
            SchemaFormat::Rustparquet
        );
        assert_eq!(detect(r#"{"type":"object"}"#), SchemaFormat::JsonSchema);
        assert_eq!(detect(r#"{"properties":{}}"#), SchemaFormat::JsonSchema);
        for f in SchemaFormat::ALL {
            assert_eq!(SchemaFormat::from_name(f.name()), Some(f));
        }
        assert!(parse("a: int64", SchemaFormat::Tree, None).is_err());
    }

    #[test]
    fn deep_schemas_are_bounded_not_overflowing() {
        let deep = format!("a {}BIGINT{}", "ARRAY<".repeat(5000), ">".repeat(5000));
        assert!(from_ddl(&deep)
            .unwrap_err()
            .to_string()
            .contains("nested deeper than"));
        let deep = format!(
            "{}\"long\"{}",
            r#"{"type":"array","elementType":"#.repeat(9000),
            "}".repeat(9000)
        );
        let text = format!(r#"{{"type":"struct","fields":[{{"name":"a","type":{deep}}}]}}"#);
        assert!(from_spark_json(&text)
            .unwrap_err()
            .to_string()
            .contains("nested deeper than"));
    }
}
