//! The schema model the shredder writes against, and the files of its written forms.
//!
//! A [`Schema`] is a tree of [`Field`]s: scalars ([`DataType::Boolean`], `Int64`, `Decimal`,
//! `Double`, `String`, `Null`), structs (Parquet groups) and lists (the standard 3-level Parquet
//! `LIST`). A field's [`Repetition`] is `optional` (JSON null or missing allowed), `required`, or
//! `repeated` (a bare repeated field, as in the Dremel paper; inference never makes one, it
//! writes `LIST`s). Names are Parquet column names; a field whose JSON key had to be renamed
//! (two keys equal after case folding, which Spark refuses) keeps the key in [`Field::key`].
//! Each written form has its own file: rustparquet's JSON form (`rustparquet_json`, stored in
//! every file we write under [`SCHEMA_KEY`]), the Parquet message type (`parquet`), Spark DDL
//! (`ddl`) and `StructType` JSON (`spark_json`) over the Spark type model they share (`spark`),
//! JSON Schema (`json_schema`) and a readable tree (`tree`); [`SchemaFormat`] names them, and
//! `forms` renders and parses by name and recognises a form from its text (what
//! `convert --schema` reads). [`Schema::leaves_named`] resolves a user's path to leaf columns.

mod ddl;
mod forms;
mod json_schema;
mod json_text;
mod parquet;
mod rustparquet_json;
mod spark;
mod spark_json;
#[cfg(test)]
mod test_schemas;
mod tree;
pub mod variant;

pub use ddl::to_ddl;
pub use forms::{detect, parse, parse_any, render};
pub use json_schema::{from_json_schema, to_json_schema, JSON_SCHEMA_DIALECT};
pub use parquet::{from_parquet_text, from_parquet_type, to_parquet_text};
pub use spark::{KEY_META, TYPE_META};
pub use spark_json::{from_spark_json, to_spark_json};
pub use tree::to_tree;

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
    /// Any JSON value as a Parquet `VARIANT` (parquet-format `VariantEncoding.md`): a group
    /// annotated `VARIANT(1)` holding the binary `metadata` and `value` ([`variant`] has the
    /// layout). With `Some(field)` the variant is *shredded*: `field` (named `typed_value`) is
    /// the typed column tree of `VariantShredding.md`, whose scalars are the typed columns,
    /// whose structs' fields and lists' elements are themselves required `Variant`s (the
    /// `{value, typed_value}` pairs, without `metadata`), and `value` becomes optional.
    Variant(Option<Box<Field>>),
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
            DataType::Null | DataType::Union(_) | DataType::Json | DataType::Variant(_) => {
                return None
            }
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
            DataType::Variant(_) => "variant",
        }
    }

    /// Whether values of this type are Parquet groups rather than leaf columns.
    pub fn is_nested(&self) -> bool {
        matches!(
            self,
            DataType::List(_)
                | DataType::Struct(_)
                | DataType::Union(_)
                | DataType::Map(_)
                | DataType::Variant(_)
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

    /// The leaf columns a user's path names, those at or below it, as indexes into
    /// [`Schema::leaves`] (which is the Parquet column order): a JSON path
    /// (`payload.commits[].sha`) or a Parquet leaf path (`payload.commits.list.element.sha`), by
    /// [`crate::path::names_column`].
    ///
    /// ```
    /// use rustparquet_core::schema::{DataType, Field, Schema};
    /// let schema = Schema::new(vec![Field::optional("id", DataType::Int64), Field::list("tags", DataType::String)]);
    /// assert_eq!(schema.leaves_named("tags[]"), [1]);
    /// assert_eq!(schema.leaves_named("tags.list.element"), [1]);
    /// assert!(schema.leaves_named("tag").is_empty());
    /// ```
    pub fn leaves_named(&self, path: &str) -> Vec<usize> {
        let leaves = self.leaves();
        (0..leaves.len())
            .filter(|&i| crate::path::names_column(path, &leaves[i].path, &leaves[i].parquet_path))
            .collect()
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
                DataType::Variant(Some(typed)) => variant::check_shredding(typed, path),
                _ => Ok(()),
            }
        }
        check(&self.fields, &ColumnPath::root())
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
        DataType::Variant(shredding) => {
            variant::variant_leaves(shredding.as_deref(), &path, &pq, def, rep, out)
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
}
