//! Schemas the form tests share: every type and repetition, issue 4's `account_admin` union,
//! and the round trip through a form's text.

use super::{detect, parse_any, render, DataType, Field, Repetition, Schema, SchemaFormat};

pub(crate) fn field(name: &str, t: DataType) -> Field {
    Field::optional(name, t)
}

pub(crate) fn union(members: Vec<(&str, DataType)>) -> DataType {
    DataType::Union(members.into_iter().map(|(n, t)| field(n, t)).collect())
}

/// The `account_admin` field of issue 4: string, long, array of longs and strings, object
/// whose `primary` is a string or a long.
pub(crate) fn account_admin() -> Schema {
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
pub(crate) fn everything() -> Schema {
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

pub(crate) fn round_trip(schema: &Schema, format: SchemaFormat) -> Schema {
    let text = render(schema, format).unwrap();
    assert_eq!(detect(&text), format, "{text}");
    parse_any(&text, None).unwrap_or_else(|e| panic!("{e}\n{text}"))
}
