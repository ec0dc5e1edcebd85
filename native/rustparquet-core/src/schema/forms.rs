//! The written forms of a [`Schema`] by name ([`SchemaFormat`]): [`render`] and [`parse`] in a
//! named form, [`detect`] the form of a text and [`parse_any`] (what `convert --schema`
//! reads); every parsed schema goes through the rules of [`Schema::from_json_str`]. The form
//! files depend only on the model, never on this dispatch.

use serde_json::Value;

use super::ddl::ddl_to_schema;
use super::json_schema::json_schema_to_schema;
use super::json_text::{parse_json, pretty};
use super::parquet::parquet_to_schema;
use super::rustparquet_json::checked;
use super::spark_json::spark_json_to_schema;
use super::{
    to_ddl, to_json_schema, to_parquet_text, to_spark_json, to_tree, Schema, SchemaFormat,
};
use crate::error::{Error, Result};

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
    match format {
        SchemaFormat::Rustparquet => Schema::from_json_str(text, source_name),
        SchemaFormat::Tree => Err(Error::Schema {
            source_name: source_name.map(str::to_string),
            reason: "the tree form is for reading; give ddl, spark-json, parquet, json-schema or rustparquet".into(),
        }),
        SchemaFormat::Ddl => checked(ddl_to_schema(text), format, source_name),
        SchemaFormat::SparkJson => checked(spark_json_to_schema(text), format, source_name),
        SchemaFormat::Parquet => checked(parquet_to_schema(text), format, source_name),
        SchemaFormat::JsonSchema => checked(json_schema_to_schema(text), format, source_name),
    }
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
/// use rustparquet_core::schema::{parse_any, DataType};
/// let s = parse_any("id BIGINT, tags ARRAY<STRING>", None)?;
/// assert_eq!(s.fields[0].data_type, DataType::Int64);
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
///
/// A text in the tree form (what `rustparquet schema` prints by default) is refused by name,
/// with the command that writes a form this reads, rather than with the DDL parser's
/// complaint about its second line.
pub fn parse_any(text: &str, source_name: Option<&str>) -> Result<Schema> {
    let format = detect(text);
    parse(text, format, source_name).map_err(|e| {
        if format == SchemaFormat::Ddl && looks_like_tree(text) {
            Error::Schema {
                source_name: source_name.map(str::to_string),
                reason: "this is the tree form (what `rustparquet schema` prints by default), which is for reading only; write the schema with `rustparquet schema --format rustparquet` (or ddl, spark-json, parquet, json-schema) to give it here".into(),
            }
        } else {
            e
        }
    })
}

/// Whether `text` has the shape of [`to_tree`]'s output: every line `name: type`, indented by
/// two spaces a level, the first not indented, each type one the tree form prints, and no line
/// ending in a comma (as a DDL field list split over lines does). Only consulted once the text
/// failed to parse as DDL, to say what it is.
fn looks_like_tree(text: &str) -> bool {
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .lines()
        .filter(|l| !l.trim().is_empty())
        .peekable();
    if lines.peek().is_none_or(|first| first.starts_with(' ')) {
        return false;
    }
    lines.all(|line| {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let Some((_, ty)) = body.split_once(": ") else {
            return false;
        };
        indent % 2 == 0
            && !line.trim_end().ends_with(',')
            && super::tree::TYPE_PREFIXES.iter().any(|t| ty.starts_with(t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::test_schemas::*;
    use crate::schema::*;
    use serde_json::json;

    #[test]
    fn ddl_and_spark_json_round_trip_every_type() {
        for s in [everything(), account_admin(), Schema::new(vec![])] {
            assert_eq!(round_trip(&s, SchemaFormat::Ddl), s);
            assert_eq!(round_trip(&s, SchemaFormat::SparkJson), s);
            assert_eq!(round_trip(&s, SchemaFormat::Rustparquet), s);
        }
    }

    #[test]
    fn errors_name_the_place() {
        let err = |r: Result<Schema>| r.unwrap_err().to_string();
        assert_eq!(
            err(Schema::from_spark_ddl("a BIGINT,\n b STRUCT<c: >", None)),
            "schema: ddl form: line 2, column 14: expected a type, found `>`"
        );
        assert_eq!(
            err(Schema::from_spark_ddl("a TIMESTAMP", None)),
            "schema: ddl form: `a`: Spark type `timestamp` has no rustparquet equivalent; JSON holds dates and times as text: use string and convert after reading (rustparquet writes boolean, bigint, double, decimal(38,0), string, array, map<string, _> and struct; int, smallint and tinyint are read as bigint, float as double, decimal(p,0) as decimal(38,0), char(n) and varchar(n) as string)"
        );
        assert_eq!(
            err(Schema::from_spark_ddl("m MAP<INT, STRING>", None)),
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
    fn the_tree_form_is_refused_by_name() {
        for s in [everything(), account_admin()] {
            let tree = to_tree(&s);
            assert!(looks_like_tree(&tree), "{tree}");
            let err = parse_any(&tree, Some("s.txt")).unwrap_err().to_string();
            assert!(
                err.starts_with("schema s.txt: this is the tree form")
                    && err.contains("rustparquet schema --format rustparquet"),
                "{err}"
            );
        }
        // A DDL text that fails is still reported by the DDL parser, on one line or several.
        for ddl in [
            "a BIGINT, b STRUCT<c: >",
            "a BIGINT,\nb: STRING,\nc: STRUCT<",
        ] {
            assert!(!looks_like_tree(ddl), "{ddl}");
            let err = parse_any(ddl, None).unwrap_err().to_string();
            assert!(err.contains("ddl form"), "{err}");
        }
    }

    #[test]
    fn deep_schemas_are_bounded_not_overflowing() {
        let deep = format!("a {}BIGINT{}", "ARRAY<".repeat(5000), ">".repeat(5000));
        assert!(Schema::from_spark_ddl(&deep, None)
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
