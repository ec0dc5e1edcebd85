//! From observations to a schema: the type each observed path stands for (one type, a union
//! of member types, or a JSON text column) and the column names of sibling keys.

use super::{
    HashMap, HashSet, Node, ObjectNode, UnionMode, BIG, BOOLEAN, DOUBLE, LIST, NUMBER, OBJECT,
    STRING, VARIANT,
};
use crate::schema::{DataType, Field, Repetition, UnionMember};

/// The types a node's observations stand for, one per union member, in member order.
/// (No path is carried down: at 1,000 levels a copy per level would cost depth² memory.)
fn member_types(node: &Node, mode: UnionMode) -> Vec<DataType> {
    let mut out = Vec::new();
    let k = node.kinds;
    if k & BOOLEAN != 0 {
        out.push(DataType::Boolean);
    }
    match k & NUMBER {
        0 => {}
        n if n & BIG != 0 && n & DOUBLE != 0 => {
            // No one column holds both exactly: integers go to `decimal`, floats to `double`.
            out.push(DataType::Decimal);
            out.push(DataType::Double);
        }
        n if n & BIG != 0 => out.push(DataType::Decimal),
        n if n & DOUBLE != 0 => out.push(DataType::Double),
        _ => out.push(DataType::Int64),
    }
    if k & STRING != 0 {
        out.push(DataType::String);
    }
    if k & LIST != 0 {
        let t = match node.list.as_deref() {
            Some(element) => node_type(element, mode),
            None => DataType::Null,
        };
        out.push(DataType::List(Box::new(Field::optional("element", t))));
    }
    if k & OBJECT != 0 {
        out.push(match node.object.as_deref() {
            Some(ObjectNode {
                map_value: Some(v), ..
            }) => DataType::Map(Box::new(Field::optional("value", node_type(v, mode)))),
            Some(object) => DataType::Struct(object_fields(object, mode)),
            None => DataType::Struct(Vec::new()),
        });
    }
    out
}

fn node_type(node: &Node, mode: UnionMode) -> DataType {
    if node.kinds & VARIANT != 0 {
        return DataType::Variant(None);
    }
    let mut types = member_types(node, mode);
    match types.len() {
        0 => DataType::Null,
        1 => types.pop().expect("one type"),
        _ if mode == UnionMode::Union => DataType::Union(
            types
                .into_iter()
                .map(|t| {
                    let member = UnionMember::of(&t).expect("member types are plain");
                    Field::optional(member.name(), t)
                })
                .collect(),
        ),
        _ if mode == UnionMode::Variant => DataType::Variant(None),
        _ => DataType::Json,
    }
}

pub(super) fn object_fields(object: &ObjectNode, mode: UnionMode) -> Vec<Field> {
    let keys: Vec<String> = object
        .keys
        .iter()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    let names = column_names(&keys);
    keys.into_iter()
        .zip(names)
        .zip(&object.nodes)
        .map(|((key, name), node)| Field {
            data_type: node_type(node, mode),
            key: (key != name).then_some(key),
            name,
            repetition: Repetition::Optional,
        })
        .collect()
}

/// Column names for sibling JSON keys: a key equal to an earlier one after case folding gets
/// the first free suffix `_2`, `_3`, ... (free: not equal, case folded, to any other name).
///
/// ```
/// use rustparquet_core::infer::column_names;
/// let keys = ["ID", "id", "Id", "id_2"].map(String::from);
/// assert_eq!(column_names(&keys), ["ID", "id_3", "Id_4", "id_2"]);
/// ```
pub fn column_names(keys: &[String]) -> Vec<String> {
    use std::borrow::Cow;
    // Folded once per key (borrowed when already lower case): a document with a million keys
    // spent most of its inference time folding and re-hashing each key three times.
    let folded: Vec<Cow<str>> = keys
        .iter()
        .map(|k| {
            if k.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                Cow::Owned(k.to_lowercase())
            } else {
                Cow::Borrowed(k.as_str())
            }
        })
        .collect();
    // Keys that need no renaming claim their names first, so a literal `id_2` keeps its name.
    let mut first_of_fold: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(keys.len(), Default::default());
    for (i, f) in folded.iter().enumerate() {
        first_of_fold.entry(f.as_ref()).or_insert(i);
    }
    if first_of_fold.len() == keys.len() {
        return keys.to_vec();
    }
    let mut taken: HashSet<String> = first_of_fold.keys().map(|f| f.to_string()).collect();
    keys.iter()
        .zip(&folded)
        .enumerate()
        .map(|(i, (k, f))| {
            if first_of_fold[f.as_ref()] == i {
                return k.clone();
            }
            let mut n = 2;
            loop {
                let candidate = format!("{k}_{n}");
                if taken.insert(candidate.to_lowercase()) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}
