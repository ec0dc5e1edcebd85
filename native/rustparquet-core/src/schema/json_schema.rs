//! The JSON Schema (draft 2020-12) form of a [`Schema`]: what we write (one property per JSON
//! key, unions as `anyOf` or a list of types, big integers by their bounds) and a reader for
//! that and common hand-written schemas (local `$ref`, `anyOf`/`oneOf` of types, `enum`,
//! `const`), refusing what cannot map to a Parquet column.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::json_text::{parse_json, pretty};
use super::rustparquet_json::checked;
use super::{DataType, Field, Repetition, Schema, SchemaFormat, UnionMember, MAX_SCHEMA_DEPTH};
use crate::error::Result;
use crate::path::ColumnPath;

/// The `$schema` of the JSON Schema form.
pub const JSON_SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// The description of a JSON-text field in the JSON Schema form.
const JSON_TEXT_DESCRIPTION: &str = "any JSON value, stored as its JSON text";
/// The description of a variant field in the JSON Schema form (any value, no constraint).
const VARIANT_DESCRIPTION: &str = "any JSON value, stored as a Parquet VARIANT";

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
    checked(json_schema_to_schema(text), SchemaFormat::JsonSchema, None)
}

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
        DataType::Variant(_) => json!({"description": VARIANT_DESCRIPTION}),
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
        let data_type =
            if any && obj.get("description").and_then(Value::as_str) == Some(VARIANT_DESCRIPTION) {
                Ok(DataType::Variant(None))
            } else if any {
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

pub(super) fn json_schema_to_schema(text: &str) -> std::result::Result<Schema, String> {
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
    use crate::schema::test_schemas::*;
    use crate::schema::*;

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
}
