//! The schema model the shredder writes against, and its two external forms.
//!
//! A [`Schema`] is a tree of [`Field`]s: scalars ([`DataType::Boolean`], `Int64`, `Decimal`,
//! `Double`, `String`, `Null`), structs (Parquet groups) and lists (the standard 3-level Parquet
//! `LIST`). A field's [`Repetition`] is `optional` (JSON null or missing allowed), `required`, or
//! `repeated` (a bare repeated field, as in the Dremel paper; inference never makes one, it
//! writes `LIST`s). The schema's JSON form (see docs/format.md) is what `--schema` reads and what
//! every file we write carries in its key-value metadata under [`SCHEMA_KEY`]; [`Schema::to_parquet`]
//! gives the Parquet message type. Names are Parquet column names; a field whose JSON key had to
//! be renamed (two keys equal after case folding, which Spark refuses) keeps the key in
//! [`Field::key`].

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition as PqRepetition, Type as PhysicalType};
use parquet::schema::types::{Type as PqType, TypePtr};
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::path::ColumnPath;

/// Key-value metadata key holding the schema (JSON form) a file was shredded with.
pub const SCHEMA_KEY: &str = "rustparquet.schema";
/// Key-value metadata key holding the rustparquet version that wrote the file.
pub const VERSION_KEY: &str = "rustparquet.version";
/// Name of the placeholder column that stands in an object that never had a field.
/// Parquet forbids empty groups; the placeholder is always null, so the group's definition
/// level alone tells `{}` from null.
pub const EMPTY_OBJECT_PLACEHOLDER: &str = "_empty_object";
/// Precision of the decimal used for integers beyond int64.
pub const BIG_INTEGER_PRECISION: u8 = 38;

/// The deepest schema (in field levels) that [`Schema::from_json_str`] accepts.
pub const MAX_SCHEMA_DEPTH: usize = 1000;

/// The deepest bracket nesting of a JSON text (strings skipped), without parsing it.
pub(crate) fn json_nesting(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// How often a field may occur in its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repetition {
    Required,
    Optional,
    /// A bare repeated field: the JSON value is an array of the field's type.
    Repeated,
}

impl Repetition {
    fn as_str(self) -> &'static str {
        match self {
            Repetition::Required => "required",
            Repetition::Optional => "optional",
            Repetition::Repeated => "repeated",
        }
    }
}

/// The type of a field's values.
#[derive(Debug, Clone, PartialEq)]
pub enum DataType {
    /// Only JSON `null` was seen. Written as an always-null optional STRING column, which is
    /// what Spark infers for such a field (Spark refuses the Parquet `UNKNOWN` type on write).
    Null,
    Boolean,
    Int64,
    /// Integers beyond int64 (up to 38 digits): DECIMAL(38, 0) as FIXED_LEN_BYTE_ARRAY(16).
    Decimal,
    Double,
    String,
    /// A 3-level Parquet LIST; the boxed field is the element (named `element`).
    List(Box<Field>),
    /// A group. An empty one is written with the [`EMPTY_OBJECT_PLACEHOLDER`] column.
    Struct(Vec<Field>),
    /// A field whose values differ in JSON type: an optional group with one optional member per
    /// JSON type (named by [`UnionMember`], in its order). Exactly one member is set per present
    /// value; a null value makes the group null (docs/format.md, unions).
    Union(Vec<Field>),
    /// An object whose keys are data: a Parquet `MAP` with STRING keys. The boxed field is the
    /// value (named `value`).
    Map(Box<Field>),
    /// A STRING column that stores string values as they are and any other JSON value as its
    /// compact JSON text: how `--unions string` (Spark's treatment) stores a conflicting field.
    Json,
}

/// A member of a union group: the JSON type whose values it holds. Its name is the Parquet
/// column name, so it is part of the file format (docs/format.md, unions).
///
/// ```
/// use rustparquet_core::schema::{DataType, UnionMember};
/// assert_eq!(UnionMember::of(&DataType::Int64), Some(UnionMember::Long));
/// assert_eq!(UnionMember::Long.name(), "long");
/// assert_eq!(UnionMember::from_name("object"), Some(UnionMember::Object));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnionMember {
    Boolean,
    Long,
    Decimal,
    Double,
    String,
    Array,
    Object,
}

impl UnionMember {
    /// Every member, in the order they appear in a union group.
    pub const ALL: [UnionMember; 7] = [
        UnionMember::Boolean,
        UnionMember::Long,
        UnionMember::Decimal,
        UnionMember::Double,
        UnionMember::String,
        UnionMember::Array,
        UnionMember::Object,
    ];

    /// The member's column name.
    pub fn name(self) -> &'static str {
        match self {
            UnionMember::Boolean => "boolean",
            UnionMember::Long => "long",
            UnionMember::Decimal => "decimal",
            UnionMember::Double => "double",
            UnionMember::String => "string",
            UnionMember::Array => "array",
            UnionMember::Object => "object",
        }
    }

    /// The member named `name`.
    pub fn from_name(name: &str) -> Option<UnionMember> {
        UnionMember::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The member that holds values of type `t` (`None` for null, unions and JSON text).
    pub fn of(t: &DataType) -> Option<UnionMember> {
        Some(match t {
            DataType::Boolean => UnionMember::Boolean,
            DataType::Int64 => UnionMember::Long,
            DataType::Decimal => UnionMember::Decimal,
            DataType::Double => UnionMember::Double,
            DataType::String => UnionMember::String,
            DataType::List(_) => UnionMember::Array,
            DataType::Struct(_) | DataType::Map(_) => UnionMember::Object,
            DataType::Null | DataType::Union(_) | DataType::Json => return None,
        })
    }
}

impl DataType {
    /// The name used in the schema's JSON form and in messages.
    pub fn name(&self) -> &'static str {
        match self {
            DataType::Null => "null",
            DataType::Boolean => "boolean",
            DataType::Int64 => "int64",
            DataType::Decimal => "decimal(38,0)",
            DataType::Double => "double",
            DataType::String => "string",
            DataType::List(_) => "list",
            DataType::Struct(_) => "struct",
            DataType::Union(_) => "union",
            DataType::Map(_) => "map",
            DataType::Json => "json",
        }
    }

    /// Whether values of this type are Parquet groups rather than leaf columns.
    pub fn is_nested(&self) -> bool {
        matches!(
            self,
            DataType::List(_) | DataType::Struct(_) | DataType::Union(_) | DataType::Map(_)
        )
    }
}

/// One named field of a struct (or the element of a list, named `element`).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Parquet column name.
    pub name: String,
    /// The JSON key, when it differs from `name`.
    pub key: Option<String>,
    pub repetition: Repetition,
    pub data_type: DataType,
}

impl Field {
    /// An optional field whose JSON key is its name.
    pub fn optional(name: impl Into<String>, data_type: DataType) -> Self {
        Field {
            name: name.into(),
            key: None,
            repetition: Repetition::Optional,
            data_type,
        }
    }

    /// The JSON key this field is read from and written back to.
    pub fn json_key(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.name)
    }

    /// An optional list of optional elements of `element_type`.
    pub fn list(name: impl Into<String>, element_type: DataType) -> Self {
        Field::optional(
            name,
            DataType::List(Box::new(Field::optional("element", element_type))),
        )
    }
}

/// A document schema: the fields of the top-level record.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The Parquet message name.
    pub name: String,
    pub fields: Vec<Field>,
}

/// One leaf column of a schema, in schema (depth-first) order.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafColumn {
    /// JSON path, for messages.
    pub path: ColumnPath,
    /// Parquet path (column names, including `list`/`element` of LISTs), dotted.
    pub parquet_path: String,
    pub data_type: DataType,
    pub max_def: i16,
    pub max_rep: i16,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Self {
        Schema {
            name: "schema".to_string(),
            fields,
        }
    }

    /// The leaf columns in schema order, with their maximum levels.
    ///
    /// ```
    /// use rustparquet_core::schema::{DataType, Field, Schema};
    /// let schema = Schema::new(vec![Field::list("tags", DataType::String)]);
    /// let leaves = schema.leaves();
    /// assert_eq!(leaves[0].parquet_path, "tags.list.element");
    /// assert_eq!((leaves[0].max_def, leaves[0].max_rep), (3, 1));
    /// ```
    pub fn leaves(&self) -> Vec<LeafColumn> {
        let mut out = Vec::new();
        for f in &self.fields {
            let path = ColumnPath::root().key(f.json_key());
            collect_leaves(f, path, f.name.clone(), 0, 0, &mut out);
        }
        if self.fields.is_empty() {
            // Documents that never had a field: the placeholder column, as for `{}` below.
            out.push(LeafColumn {
                path: ColumnPath::root().key(EMPTY_OBJECT_PLACEHOLDER),
                parquet_path: EMPTY_OBJECT_PLACEHOLDER.to_string(),
                data_type: DataType::Boolean,
                max_def: 1,
                max_rep: 0,
            });
        }
        out
    }

    /// The schema's JSON form (docs/format.md), as stored in files and read by `--schema`.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "fields": self.fields.iter().map(field_to_json).collect::<Vec<_>>(),
        })
    }

    /// Compact JSON text of [`Schema::to_json`].
    pub fn to_json_string(&self) -> String {
        self.to_json().to_string()
    }

    /// Parses the schema's JSON form. `source_name` names the file in errors.
    ///
    /// ```
    /// use rustparquet_core::schema::{DataType, Schema};
    /// let s = Schema::from_json_str(r#"{"fields":[{"name":"id","type":"int64"}]}"#, None)?;
    /// assert_eq!(s.fields[0].data_type, DataType::Int64);
    /// # Ok::<(), rustparquet_core::Error>(())
    /// ```
    pub fn from_json_str(text: &str, source_name: Option<&str>) -> Result<Schema> {
        let err = |reason: String| Error::Schema {
            source_name: source_name.map(str::to_string),
            reason,
        };
        // A schema may nest as deep as the documents it describes (three JSON levels per
        // field level), beyond serde_json's default limit of 128; bound it ourselves.
        let depth = json_nesting(text.as_bytes());
        if depth > 3 * MAX_SCHEMA_DEPTH + 8 {
            return Err(err(format!(
                "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
            )));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        de.disable_recursion_limit();
        let value = <Value as serde::Deserialize>::deserialize(&mut de)
            .and_then(|v| de.end().map(|_| v))
            .map_err(|e| err(format!("not valid JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| err("expected a JSON object with \"fields\"".into()))?;
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("schema")
            .to_string();
        let fields = obj
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| err("expected a \"fields\" array".into()))?
            .iter()
            .map(|f| field_from_json(f, &ColumnPath::root()))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(err)?;
        let schema = Schema { name, fields };
        schema.validate().map_err(err)?;
        Ok(schema)
    }

    /// Checks the rules every schema we write obeys: no two sibling names equal after case
    /// folding (Spark cannot read such a file), and a field name per JSON key.
    fn validate(&self) -> std::result::Result<(), String> {
        fn check(fields: &[Field], path: &ColumnPath) -> std::result::Result<(), String> {
            let mut seen_names = std::collections::HashSet::new();
            let mut seen_keys = std::collections::HashSet::new();
            let mut prev_key = None;
            for f in fields {
                if !seen_names.insert(f.name.to_lowercase()) {
                    return Err(format!(
                        "`{}`: two fields are named `{}` when case is ignored; Spark cannot read that",
                        path.key(&f.name),
                        f.name
                    ));
                }
                // Siblings sharing a JSON key hold its values by type (a dataset's evolved
                // field, docs/format.md); they must be adjacent.
                let repeats_previous = prev_key == Some(f.json_key());
                if !seen_keys.insert(f.json_key()) && !repeats_previous {
                    return Err(format!(
                        "`{}`: JSON key used by fields that are not adjacent",
                        path.key(f.json_key())
                    ));
                }
                prev_key = Some(f.json_key());
                check_type(&f.data_type, &path.key(f.json_key()))?;
            }
            Ok(())
        }
        fn check_type(t: &DataType, path: &ColumnPath) -> std::result::Result<(), String> {
            match t {
                DataType::Struct(fields) => check(fields, path),
                DataType::List(e) => check_type(&e.data_type, &path.element()),
                DataType::Map(v) => check_type(&v.data_type, &path.map_value()),
                DataType::Union(members) => {
                    if members.is_empty() {
                        return Err(format!("`{path}`: a union needs at least one member"));
                    }
                    let mut last = None;
                    for m in members {
                        let expected = UnionMember::of(&m.data_type);
                        if UnionMember::from_name(&m.name) != expected || expected.is_none() {
                            return Err(format!(
                                "`{path}`: union member `{}` cannot hold {} (members: {})",
                                m.name,
                                m.data_type.name(),
                                UnionMember::ALL.map(UnionMember::name).join(", ")
                            ));
                        }
                        if expected <= last {
                            return Err(format!(
                                "`{path}`: union members must be distinct and in the order {}",
                                UnionMember::ALL.map(UnionMember::name).join(", ")
                            ));
                        }
                        if m.repetition != Repetition::Optional {
                            return Err(format!(
                                "`{path}`: union member `{}` must be optional",
                                m.name
                            ));
                        }
                        last = expected;
                        check_type(&m.data_type, path)?;
                    }
                    Ok(())
                }
                _ => Ok(()),
            }
        }
        check(&self.fields, &ColumnPath::root())
    }

    /// The Parquet message type: LISTs in the standard 3-level form, strings as STRING,
    /// integers INT64, floats DOUBLE, big integers DECIMAL(38,0) in FIXED_LEN_BYTE_ARRAY(16).
    pub fn to_parquet(&self) -> Result<TypePtr> {
        let mut fields = self
            .fields
            .iter()
            .map(field_to_parquet)
            .collect::<Result<Vec<_>>>()?;
        if fields.is_empty() {
            fields.push(placeholder_column()?);
        }
        Ok(Arc::new(
            PqType::group_type_builder(&self.name)
                .with_fields(fields)
                .build()?,
        ))
    }
}

/// Appends the leaves of field `f`, whose JSON path is `path` and Parquet path `pq`, under a
/// parent at definition level `def` and repetition level `rep`.
fn collect_leaves(
    f: &Field,
    path: ColumnPath,
    pq: String,
    def: i16,
    rep: i16,
    out: &mut Vec<LeafColumn>,
) {
    let (def, rep) = match f.repetition {
        Repetition::Required => (def, rep),
        Repetition::Optional => (def + 1, rep),
        Repetition::Repeated => (def + 1, rep + 1),
    };
    match &f.data_type {
        DataType::Struct(fields) if fields.is_empty() => out.push(LeafColumn {
            path: path.key(EMPTY_OBJECT_PLACEHOLDER),
            parquet_path: format!("{pq}.{EMPTY_OBJECT_PLACEHOLDER}"),
            data_type: DataType::Boolean,
            max_def: def + 1,
            max_rep: rep,
        }),
        DataType::Struct(fields) => {
            for c in fields {
                let (p, q) = (path.key(c.json_key()), format!("{pq}.{}", c.name));
                collect_leaves(c, p, q, def, rep, out);
            }
        }
        DataType::Union(members) => {
            // Members hold the field's own JSON value: the JSON path does not grow.
            for m in members {
                collect_leaves(m, path.clone(), format!("{pq}.{}", m.name), def, rep, out);
            }
        }
        DataType::List(element) => {
            // `repeated group list` adds one definition and one repetition level.
            let q = format!("{pq}.list.{}", element.name);
            collect_leaves(element, path.element(), q, def + 1, rep + 1, out);
        }
        DataType::Map(value) => {
            // `repeated group key_value` adds a level of each; the key is required.
            out.push(LeafColumn {
                path: path.clone(),
                parquet_path: format!("{pq}.key_value.key"),
                data_type: DataType::String,
                max_def: def + 1,
                max_rep: rep + 1,
            });
            let q = format!("{pq}.key_value.{}", value.name);
            collect_leaves(value, path.map_value(), q, def + 1, rep + 1, out);
        }
        t => out.push(LeafColumn {
            path,
            parquet_path: pq,
            data_type: t.clone(),
            max_def: def,
            max_rep: rep,
        }),
    }
}

/// The always-null column that stands in an object without fields (Parquet forbids empty groups).
fn placeholder_column() -> Result<TypePtr> {
    Ok(Arc::new(
        PqType::primitive_type_builder(EMPTY_OBJECT_PLACEHOLDER, PhysicalType::BOOLEAN)
            .with_repetition(PqRepetition::OPTIONAL)
            .build()?,
    ))
}

fn pq_repetition(r: Repetition) -> PqRepetition {
    match r {
        Repetition::Required => PqRepetition::REQUIRED,
        Repetition::Optional => PqRepetition::OPTIONAL,
        Repetition::Repeated => PqRepetition::REPEATED,
    }
}

fn field_to_parquet(f: &Field) -> Result<TypePtr> {
    let rep = pq_repetition(f.repetition);
    let t = match &f.data_type {
        DataType::Null | DataType::String | DataType::Json => {
            PqType::primitive_type_builder(&f.name, PhysicalType::BYTE_ARRAY)
                .with_repetition(rep)
                .with_logical_type(Some(LogicalType::String))
                .build()?
        }
        DataType::Boolean => PqType::primitive_type_builder(&f.name, PhysicalType::BOOLEAN)
            .with_repetition(rep)
            .build()?,
        DataType::Int64 => PqType::primitive_type_builder(&f.name, PhysicalType::INT64)
            .with_repetition(rep)
            .build()?,
        DataType::Double => PqType::primitive_type_builder(&f.name, PhysicalType::DOUBLE)
            .with_repetition(rep)
            .build()?,
        DataType::Decimal => {
            PqType::primitive_type_builder(&f.name, PhysicalType::FIXED_LEN_BYTE_ARRAY)
                .with_repetition(rep)
                .with_length(16)
                .with_logical_type(Some(LogicalType::decimal(0, BIG_INTEGER_PRECISION as i32)))
                .with_precision(BIG_INTEGER_PRECISION as i32)
                .with_scale(0)
                .build()?
        }
        DataType::Struct(fields) => {
            let children = if fields.is_empty() {
                vec![placeholder_column()?]
            } else {
                fields
                    .iter()
                    .map(field_to_parquet)
                    .collect::<Result<Vec<_>>>()?
            };
            PqType::group_type_builder(&f.name)
                .with_repetition(rep)
                .with_fields(children)
                .build()?
        }
        DataType::Union(members) => PqType::group_type_builder(&f.name)
            .with_repetition(rep)
            .with_fields(
                members
                    .iter()
                    .map(field_to_parquet)
                    .collect::<Result<Vec<_>>>()?,
            )
            .build()?,
        DataType::Map(value) => {
            let key = PqType::primitive_type_builder("key", PhysicalType::BYTE_ARRAY)
                .with_repetition(PqRepetition::REQUIRED)
                .with_logical_type(Some(LogicalType::String))
                .build()?;
            let key_value = PqType::group_type_builder("key_value")
                .with_repetition(PqRepetition::REPEATED)
                .with_fields(vec![Arc::new(key), field_to_parquet(value)?])
                .build()?;
            PqType::group_type_builder(&f.name)
                .with_repetition(rep)
                .with_logical_type(Some(LogicalType::Map))
                .with_fields(vec![Arc::new(key_value)])
                .build()?
        }
        DataType::List(element) => {
            let list = PqType::group_type_builder("list")
                .with_repetition(PqRepetition::REPEATED)
                .with_fields(vec![field_to_parquet(element)?])
                .build()?;
            PqType::group_type_builder(&f.name)
                .with_repetition(rep)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(list)])
                .build()?
        }
    };
    Ok(Arc::new(t))
}

fn field_to_json(f: &Field) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(f.name.clone()));
    if let Some(k) = &f.key {
        m.insert("key".into(), Value::String(k.clone()));
    }
    m.insert(
        "repetition".into(),
        Value::String(f.repetition.as_str().into()),
    );
    match &f.data_type {
        DataType::Struct(fields) => {
            m.insert(
                "fields".into(),
                Value::Array(fields.iter().map(field_to_json).collect()),
            );
        }
        DataType::List(element) => {
            m.insert("type".into(), Value::String("list".into()));
            let mut e = field_to_json(element);
            if let Value::Object(e) = &mut e {
                e.shift_remove("name");
            }
            m.insert("element".into(), e);
        }
        DataType::Map(value) => {
            m.insert("type".into(), Value::String("map".into()));
            let mut v = field_to_json(value);
            if let Value::Object(v) = &mut v {
                v.shift_remove("name");
            }
            m.insert("value".into(), v);
        }
        DataType::Union(members) => {
            m.insert("type".into(), Value::String("union".into()));
            m.insert(
                "members".into(),
                Value::Array(members.iter().map(field_to_json).collect()),
            );
        }
        t => {
            m.insert("type".into(), Value::String(t.name().into()));
        }
    }
    Value::Object(m)
}

fn field_from_json(v: &Value, parent: &ColumnPath) -> std::result::Result<Field, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("`{parent}`: a field must be a JSON object, found {v}"))?;
    let name = match obj.get("name") {
        Some(Value::String(s)) => s.clone(),
        None => "element".to_string(),
        Some(other) => {
            return Err(format!(
                "`{parent}`: field name must be a string, found {other}"
            ))
        }
    };
    let key = match obj.get("key") {
        Some(Value::String(s)) if *s != name => Some(s.clone()),
        Some(Value::String(_)) | None => None,
        Some(other) => {
            return Err(format!(
                "`{parent}`: field key must be a string, found {other}"
            ))
        }
    };
    let path = parent.key(key.as_deref().unwrap_or(&name));
    let repetition = match obj.get("repetition").and_then(Value::as_str) {
        None | Some("optional") => Repetition::Optional,
        Some("required") => Repetition::Required,
        Some("repeated") => Repetition::Repeated,
        Some(other) => {
            return Err(format!(
                "`{path}`: unknown repetition `{other}` (expected optional, required or repeated)"
            ))
        }
    };
    let data_type = if let Some(fields) = obj.get("fields") {
        let fields = fields
            .as_array()
            .ok_or_else(|| format!("`{path}`: \"fields\" must be an array"))?;
        DataType::Struct(
            fields
                .iter()
                .map(|f| field_from_json(f, &path))
                .collect::<std::result::Result<_, _>>()?,
        )
    } else {
        match obj.get("type").and_then(Value::as_str) {
            Some("list") => {
                let e = obj
                    .get("element")
                    .ok_or_else(|| format!("`{path}`: a list needs an \"element\""))?;
                let mut element = field_from_json(e, &path.element())?;
                element.name = "element".into();
                element.key = None;
                if element.repetition == Repetition::Repeated {
                    return Err(format!("`{path}[]`: a list element cannot be repeated"));
                }
                DataType::List(Box::new(element))
            }
            Some("map") => {
                let v = obj
                    .get("value")
                    .ok_or_else(|| format!("`{path}`: a map needs a \"value\""))?;
                let mut value = field_from_json(v, &path.map_value())?;
                value.name = "value".into();
                value.key = None;
                if value.repetition == Repetition::Repeated {
                    return Err(format!("`{path}`: a map value cannot be repeated"));
                }
                DataType::Map(Box::new(value))
            }
            Some("union") => {
                let members = obj
                    .get("members")
                    .and_then(Value::as_array)
                    .ok_or_else(|| format!("`{path}`: a union needs a \"members\" array"))?;
                DataType::Union(
                    members
                        .iter()
                        .map(|m| field_from_json(m, parent))
                        .collect::<std::result::Result<_, _>>()?,
                )
            }
            Some("json") => DataType::Json,
            Some("struct") => DataType::Struct(Vec::new()),
            Some("null") => DataType::Null,
            Some("boolean") => DataType::Boolean,
            Some("int64") | Some("long") => DataType::Int64,
            Some("double") => DataType::Double,
            Some("string") => DataType::String,
            Some("decimal(38,0)") => DataType::Decimal,
            Some(other) => {
                return Err(format!(
                    "`{path}`: unknown type `{other}` (expected null, boolean, int64, decimal(38,0), double, string, json, list, map, union, or \"fields\" for a struct)"
                ))
            }
            None => return Err(format!("`{path}`: a field needs a \"type\" or \"fields\"")),
        }
    };
    Ok(Field {
        name,
        key,
        repetition,
        data_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dremel_schema_json_parses_and_levels_match_the_paper() {
        let text = r#"{"name": "Document", "fields": [
          {"name": "DocId", "repetition": "required", "type": "int64"},
          {"name": "Links", "repetition": "optional", "fields": [
            {"name": "Backward", "repetition": "repeated", "type": "int64"},
            {"name": "Forward", "repetition": "repeated", "type": "int64"}]},
          {"name": "Name", "repetition": "repeated", "fields": [
            {"name": "Language", "repetition": "repeated", "fields": [
              {"name": "Code", "repetition": "required", "type": "string"},
              {"name": "Country", "repetition": "optional", "type": "string"}]},
            {"name": "Url", "repetition": "optional", "type": "string"}]}]}"#;
        let schema = Schema::from_json_str(text, None).unwrap();
        let levels: Vec<(String, i16, i16)> = schema
            .leaves()
            .into_iter()
            .map(|l| (l.parquet_path, l.max_rep, l.max_def))
            .collect();
        assert_eq!(
            levels,
            vec![
                ("DocId".to_string(), 0, 0),
                ("Links.Backward".to_string(), 1, 2),
                ("Links.Forward".to_string(), 1, 2),
                ("Name.Language.Code".to_string(), 2, 2),
                ("Name.Language.Country".to_string(), 2, 3),
                ("Name.Url".to_string(), 1, 2),
            ]
        );
        // The JSON form round-trips.
        let again = Schema::from_json_str(&schema.to_json_string(), None).unwrap();
        assert_eq!(again, schema);
    }

    #[test]
    fn parquet_message_uses_three_level_lists_and_string_annotation() {
        let schema = Schema::new(vec![
            Field::list("tags", DataType::String),
            Field::optional("big", DataType::Decimal),
            Field::optional("empty", DataType::Struct(vec![])),
        ]);
        let mut out = Vec::new();
        parquet::schema::printer::print_schema(&mut out, &schema.to_parquet().unwrap());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("OPTIONAL group tags (LIST) {"), "{text}");
        assert!(text.contains("REPEATED group list {"), "{text}");
        assert!(
            text.contains("OPTIONAL BYTE_ARRAY element (STRING);"),
            "{text}"
        );
        assert!(
            text.contains("OPTIONAL FIXED_LEN_BYTE_ARRAY (16) big (DECIMAL(38,0));"),
            "{text}"
        );
        assert!(text.contains("OPTIONAL BOOLEAN _empty_object;"), "{text}");
    }

    #[test]
    fn case_folded_duplicate_names_are_rejected() {
        let err = Schema::from_json_str(
            r#"{"fields":[{"name":"ID","type":"int64"},{"name":"id","type":"int64"}]}"#,
            Some("s.json"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "schema s.json: `id`: two fields are named `id` when case is ignored; Spark cannot read that"
        );
    }

    #[test]
    fn renamed_keys_survive_the_json_form() {
        let mut f = Field::optional("id_2", DataType::Int64);
        f.key = Some("id".into());
        let schema = Schema::new(vec![Field::optional("ID", DataType::Int64), f]);
        let again = Schema::from_json_str(&schema.to_json_string(), None).unwrap();
        assert_eq!(again.fields[1].json_key(), "id");
        assert_eq!(again.fields[1].name, "id_2");
    }
}
