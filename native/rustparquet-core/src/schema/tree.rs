//! The readable tree form of a [`Schema`] (output only): `name: type`, one line per field,
//! members and fields indented below their parent, with what Spark's and Parquet's names
//! cannot say (JSON keys, JSON text, always-null, repetition) spelled out.

use super::{DataType, Field, Repetition, Schema};

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

/// How each type the tree form prints begins: [`tree_type`] of every [`DataType`] starts with
/// one of these (a test checks it), which is how a tree given back as a schema is recognised.
pub(super) const TYPE_PREFIXES: [&str; 12] = [
    "string",
    "int64",
    "double",
    "boolean",
    "decimal(38,0)",
    "object",
    "array<",
    "map<",
    "union<",
    "json",
    "variant",
    "null",
];

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
        DataType::Variant(None) => "variant".into(),
        DataType::Variant(Some(typed)) => format!("variant (shredded: {})", shredded_type(typed)),
        DataType::Null => "null (always null)".into(),
        t => t.name().to_string(),
    }
}

/// A shredding schema in one line: `int64`, `object {a: int64, b: string}`, `array<...>`.
fn shredded_type(typed: &Field) -> String {
    let pair = |f: &Field| match &f.data_type {
        DataType::Variant(Some(t)) => shredded_type(t),
        _ => "variant".into(),
    };
    match &typed.data_type {
        DataType::Struct(fields) => format!(
            "object {{{}}}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.json_key(), pair(f)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        DataType::List(e) => format!("array<{}>", pair(e)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::test_schemas::*;

    #[test]
    fn every_type_the_tree_prints_begins_with_one_of_its_prefixes() {
        let mut schema = everything();
        schema.fields.push(field("v", DataType::Variant(None)));
        let typed = field("typed_value", DataType::Int64);
        schema
            .fields
            .push(field("sv", DataType::Variant(Some(Box::new(typed)))));
        let tree = to_tree(&schema);
        for line in tree.lines() {
            let (_, ty) = line.trim_start().split_once(": ").expect(line);
            assert!(TYPE_PREFIXES.iter().any(|p| ty.starts_with(p)), "{line}");
        }
        for name in [
            "variant",
            "null (always null)",
            "json (JSON text)",
            "object {}",
        ] {
            assert!(tree.contains(&format!(": {name}")), "{name} in\n{tree}");
        }
    }

    #[test]
    fn account_admin_golden_tree() {
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
}
