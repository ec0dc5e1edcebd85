//! rustparquet's own JSON form of a [`Schema`] (docs/format.md): what every file we write
//! carries in its key-value metadata under [`SCHEMA_KEY`](super::SCHEMA_KEY), what `--schema`
//! reads, and the form whose parser holds the rules every other form's result is checked by
//! ([`Schema::from_json_str`]).

use serde_json::{json, Map, Value};

use super::json_text::json_nesting;
use super::{DataType, Field, Repetition, Schema, SchemaFormat, MAX_SCHEMA_DEPTH};
use crate::error::{Error, Result};
use crate::path::ColumnPath;

impl Schema {
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
}

/// The schema another form's reader made (`read`), checked by the rules of
/// [`Schema::from_json_str`] (one set of rules for every form); a failure is an
/// [`Error::Schema`] naming the form and `source_name`.
pub(super) fn checked(
    read: std::result::Result<Schema, String>,
    form: SchemaFormat,
    source_name: Option<&str>,
) -> Result<Schema> {
    let schema = read.map_err(|reason| Error::Schema {
        source_name: source_name.map(str::to_string),
        reason: format!("{} form: {reason}", form.name()),
    })?;
    Schema::from_json_str(&schema.to_json_string(), source_name)
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
        DataType::Variant(shredding) => {
            m.insert("type".into(), Value::String("variant".into()));
            if let Some(typed) = shredding {
                let mut t = field_to_json(typed);
                if let Value::Object(t) = &mut t {
                    t.shift_remove("name");
                }
                m.insert("typed_value".into(), t);
            }
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
            Some("variant") => match obj.get("typed_value") {
                None => DataType::Variant(None),
                Some(t) => {
                    let mut typed = field_from_json(t, &path)?;
                    typed.name = crate::schema::variant::TYPED_VALUE.into();
                    typed.key = None;
                    DataType::Variant(Some(Box::new(typed)))
                }
            },
            Some("struct") => DataType::Struct(Vec::new()),
            Some("null") => DataType::Null,
            Some("boolean") => DataType::Boolean,
            Some("int64") | Some("long") => DataType::Int64,
            Some("double") => DataType::Double,
            Some("string") => DataType::String,
            Some("decimal(38,0)") => DataType::Decimal,
            Some(other) => {
                return Err(format!(
                    "`{path}`: unknown type `{other}` (expected null, boolean, int64, decimal(38,0), double, string, json, variant, list, map, union, or \"fields\" for a struct)"
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
    fn renamed_keys_survive_the_json_form() {
        let mut f = Field::optional("id_2", DataType::Int64);
        f.key = Some("id".into());
        let schema = Schema::new(vec![Field::optional("ID", DataType::Int64), f]);
        let again = Schema::from_json_str(&schema.to_json_string(), None).unwrap();
        assert_eq!(again.fields[1].json_key(), "id");
        assert_eq!(again.fields[1].name, "id_2");
    }
}
