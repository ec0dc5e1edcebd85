//! The Parquet form of a [`Schema`], both ways: the message type we write
//! ([`Schema::to_parquet`], printed by [`to_parquet_text`]) and our schema for a message type
//! another writer made ([`from_parquet_type`], a file's footer; [`from_parquet_text`], its
//! printed form), which recognises unions by their layout and cannot tell JSON keys, JSON text
//! or always-null fields.

use std::sync::Arc;

use parquet::basic::{ConvertedType, LogicalType, Repetition as PqRepetition, Type as Physical};
use parquet::schema::types::{Type as PqType, TypePtr};

use super::rustparquet_json::checked;
use super::{
    DataType, Field, Repetition, Schema, SchemaFormat, UnionMember, BIG_INTEGER_PRECISION,
    EMPTY_OBJECT_PLACEHOLDER, MAX_SCHEMA_DEPTH,
};
use crate::error::Result;
use crate::path::ColumnPath;

impl Schema {
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

/// The Parquet message type.
pub fn to_parquet_text(schema: &Schema) -> Result<String> {
    let mut out = Vec::new();
    parquet::schema::printer::print_schema(&mut out, &*schema.to_parquet()?);
    // The parquet crate prints the annotation's `Option` (`VARIANT(Some(1))`); the form is
    // `VARIANT(1)`, as parquet-java and pyarrow print it.
    let text = String::from_utf8_lossy(&out).replace(VARIANT_PRINTED, VARIANT_TEXT);
    Ok(text.trim_end().to_string())
}

/// Parses a Parquet message type (see docs/format.md for what it cannot say).
pub fn from_parquet_text(text: &str) -> Result<Schema> {
    checked(parquet_to_schema(text), SchemaFormat::Parquet, None)
}

/// How the parquet crate prints a `VARIANT` annotation, and how the form writes it.
const VARIANT_PRINTED: &str = "(VARIANT(Some(1)))";
const VARIANT_TEXT: &str = "(VARIANT(1))";

/// The always-null column that stands in an object without fields (Parquet forbids empty groups).
fn placeholder_column() -> Result<TypePtr> {
    Ok(Arc::new(
        PqType::primitive_type_builder(EMPTY_OBJECT_PLACEHOLDER, Physical::BOOLEAN)
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
        DataType::Variant(shredding) => {
            super::variant::variant_to_parquet(&f.name, rep, shredding.as_deref())?
        }
        DataType::Null | DataType::String | DataType::Json => {
            PqType::primitive_type_builder(&f.name, Physical::BYTE_ARRAY)
                .with_repetition(rep)
                .with_logical_type(Some(LogicalType::String))
                .build()?
        }
        DataType::Boolean => PqType::primitive_type_builder(&f.name, Physical::BOOLEAN)
            .with_repetition(rep)
            .build()?,
        DataType::Int64 => PqType::primitive_type_builder(&f.name, Physical::INT64)
            .with_repetition(rep)
            .build()?,
        DataType::Double => PqType::primitive_type_builder(&f.name, Physical::DOUBLE)
            .with_repetition(rep)
            .build()?,
        DataType::Decimal => {
            PqType::primitive_type_builder(&f.name, Physical::FIXED_LEN_BYTE_ARRAY)
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
            let key = PqType::primitive_type_builder("key", Physical::BYTE_ARRAY)
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

pub(super) fn parquet_to_schema(text: &str) -> std::result::Result<Schema, String> {
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
    // The parquet crate's parser takes the annotation without its version.
    let text = text.replace(VARIANT_TEXT, "(VARIANT)");
    let message = parquet::schema::parser::parse_message_type(&text).map_err(|e| e.to_string())?;
    schema_from_message(&message)
}

/// Our schema for a Parquet message type (a file's footer): what [`from_parquet_text`] reads,
/// for files another writer made (ours carry their schema in `rustparquet.schema`). Unions are
/// recognised by their layout; JSON keys, JSON text and always-null fields cannot be told.
/// `source_name` names the file in errors.
pub fn from_parquet_type(message: &PqType, source_name: Option<&str>) -> Result<Schema> {
    checked(
        schema_from_message(message),
        SchemaFormat::Parquet,
        source_name,
    )
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

pub(super) fn pq_type(t: &PqType, path: &ColumnPath) -> std::result::Result<DataType, String> {
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
    if matches!(logical, Some(LogicalType::Variant(_))) {
        return super::variant::variant_from_parquet(children, path, pq_type);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::test_schemas::*;
    use crate::schema::*;

    #[test]
    fn parquet_message_uses_three_level_lists_and_string_annotation() {
        let schema = Schema::new(vec![
            Field::list("tags", DataType::String),
            Field::optional("big", DataType::Decimal),
            Field::optional("empty", DataType::Struct(vec![])),
        ]);
        let mut out = Vec::new();
        ::parquet::schema::printer::print_schema(&mut out, &schema.to_parquet().unwrap());
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
    fn account_admin_golden_parquet() {
        let text = to_parquet_text(&account_admin()).unwrap();
        assert!(text.starts_with("message schema {\n  OPTIONAL group account_admin {\n    OPTIONAL INT64 long;\n    OPTIONAL BYTE_ARRAY string (STRING);\n    OPTIONAL group array (LIST) {"), "{text}");
    }
}
