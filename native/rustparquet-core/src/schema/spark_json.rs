//! The Spark `StructType` JSON form of a [`Schema`] (`StructType.fromJson`,
//! `DataType.fromJson`, `df.schema.json`), over the Spark type model of `spark`.

use serde_json::{json, Map, Value};

use super::json_text::{parse_json, pretty};
use super::rustparquet_json::checked;
use super::spark::{schema_from_spark, spark_top, spark_type_name, SparkField, SparkType};
use super::{Schema, SchemaFormat, MAX_SCHEMA_DEPTH};
use crate::error::Result;

/// Spark `StructType` JSON (pretty-printed): `StructType.fromJson(text)`.
pub fn to_spark_json(schema: &Schema) -> String {
    pretty(&spark_type_json(&SparkType::Struct(spark_top(schema))))
}

/// Parses Spark `StructType` JSON.
pub fn from_spark_json(text: &str) -> Result<Schema> {
    checked(spark_json_to_schema(text), SchemaFormat::SparkJson, None)
}

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

pub(super) fn spark_json_to_schema(text: &str) -> std::result::Result<Schema, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::test_schemas::*;
    use crate::schema::*;

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
}
