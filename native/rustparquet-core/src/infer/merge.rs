//! Merging observations: two inferrers (parallel chunks), or two schemas (Spark partitions, a
//! dataset's batches) seen as the observations they stand for, merged by the same rules as
//! documents; objects that together pass the map threshold become maps, and objects at the
//! paths named as maps are made maps.

use super::types::object_fields;
use super::{
    compatible, kinds_name, Node, ObjectNode, UnionMode, BIG, BOOLEAN, DOUBLE, INT, LIST, OBJECT,
    STRING, VARIANT,
};
use crate::error::{Error, Location, Result};
use crate::path::{ColumnPath, PathStep};
use crate::schema::{DataType, Field, Repetition, Schema};

/// Merges two schemas by the inference rules, as if the documents each was inferred from had
/// been inferred together: how per-partition schemas (Spark) and a dataset's batches combine.
/// Bare repeated fields become lists and required fields optional, as inference makes them.
///
/// ```
/// use rustparquet_core::infer::{merge_schemas, UnionMode};
/// use rustparquet_core::schema::{DataType, Field, Schema};
/// let a = Schema::new(vec![Field::optional("x", DataType::Int64)]);
/// let b = Schema::new(vec![Field::optional("x", DataType::String)]);
/// let merged = merge_schemas(&a, &b, UnionMode::Union)?;
/// let DataType::Union(members) = &merged.fields[0].data_type else { panic!() };
/// assert_eq!(members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["long", "string"]);
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
pub fn merge_schemas(a: &Schema, b: &Schema, mode: UnionMode) -> Result<Schema> {
    let mut root = fields_node(&a.fields);
    merge_objects(&mut root, &fields_node(&b.fields), mode, &mut Vec::new())?;
    Ok(Schema::new(object_fields(&root, mode)))
}

/// The observation a schema's object stands for.
fn fields_node(fields: &[Field]) -> ObjectNode {
    let mut object = ObjectNode::default();
    for f in fields {
        let i = object.member(f.json_key().as_bytes(), usize::MAX);
        let node = match f.repetition {
            Repetition::Repeated => {
                let mut item = f.clone();
                item.repetition = Repetition::Optional;
                Node {
                    kinds: LIST,
                    list: Some(Box::new(type_node(&item.data_type))),
                    ..Node::default()
                }
            }
            _ => type_node(&f.data_type),
        };
        object.nodes[i] = node;
    }
    object
}

/// The observation a type stands for.
fn type_node(t: &DataType) -> Node {
    let mut node = Node::default();
    match t {
        DataType::Null => {}
        DataType::Boolean => node.kinds = BOOLEAN,
        DataType::Int64 => node.kinds = INT,
        DataType::Decimal => node.kinds = BIG,
        DataType::Double => node.kinds = DOUBLE,
        DataType::String => node.kinds = STRING,
        // JSON text already stands for a conflict: two types that cannot share a column.
        DataType::Json => node.kinds = STRING | OBJECT,
        // A variant holds any value: it absorbs every type merged into it.
        DataType::Variant(_) => node.kinds = VARIANT,
        DataType::List(e) => {
            node.kinds = LIST;
            node.list = Some(Box::new(type_node(&e.data_type)));
        }
        DataType::Struct(fields) => {
            node.kinds = OBJECT;
            node.object = Some(Box::new(fields_node(fields)));
        }
        DataType::Map(v) => {
            node.kinds = OBJECT;
            node.object = Some(Box::new(ObjectNode {
                map_value: Some(Box::new(type_node(&v.data_type))),
                ..ObjectNode::default()
            }));
        }
        DataType::Union(members) => {
            for m in members {
                let other = type_node(&m.data_type);
                node.kinds |= other.kinds;
                node.list = node.list.take().or(other.list);
                node.object = node.object.take().or(other.object);
            }
        }
    }
    if node.kinds & OBJECT != 0 && node.object.is_none() {
        node.object = Some(Box::default());
    }
    node
}

pub(super) fn merge_nodes(
    into: &mut Node,
    from: &Node,
    mode: UnionMode,
    steps: &mut Vec<PathStep>,
) -> Result<()> {
    if from.kinds == 0 {
        into.present += from.present;
        return Ok(());
    }
    if into.kinds == 0 {
        let present = into.present;
        *into = from.clone();
        into.present += present;
        return Ok(());
    }
    if mode == UnionMode::Error && !compatible(into.kinds, from.kinds) {
        let unknown = || Location {
            file: "?".into(),
            line: 0,
            column: 0,
        };
        return Err(Error::Conflict {
            path: ColumnPath(steps.clone()),
            a: kinds_name(into.kinds).to_string(),
            a_at: into.seen_at.as_deref().cloned().unwrap_or_else(unknown),
            b: kinds_name(from.kinds).to_string(),
            b_at: from.seen_at.as_deref().cloned().unwrap_or_else(unknown),
        });
    }
    into.kinds |= from.kinds;
    into.values += from.values;
    into.present += from.present;
    into.objects += from.objects;
    into.fraction |= from.fraction;
    if let Some(b) = &from.list {
        let a = into.list.get_or_insert_with(Box::default);
        steps.push(PathStep::Element);
        merge_nodes(a, b, mode, steps)?;
        steps.pop();
    }
    if let Some(b) = &from.object {
        let a = into.object.get_or_insert_with(Box::default);
        merge_objects(a, b, mode, steps)?;
    }
    Ok(())
}

pub(super) fn merge_objects(
    into: &mut ObjectNode,
    from: &ObjectNode,
    mode: UnionMode,
    steps: &mut Vec<PathStep>,
) -> Result<()> {
    if from.map_value.is_some() && into.map_value.is_none() {
        into.become_map(mode, steps)?;
    }
    if let Some(value) = into.map_value.as_deref_mut() {
        steps.push(PathStep::MapValue);
        for node in from.nodes.iter().chain(from.map_value.as_deref()) {
            merge_nodes(value, node, mode, steps)?;
        }
        steps.pop();
        return Ok(());
    }
    for (key, node) in from.keys.iter().zip(&from.nodes) {
        let i = into.member(key, usize::MAX);
        steps.push(PathStep::Key(String::from_utf8_lossy(key).into_owned()));
        merge_nodes(&mut into.nodes[i], node, mode, steps)?;
        steps.pop();
    }
    Ok(())
}

/// After a merge: objects whose keys together passed the threshold become maps.
pub(super) fn check_maps(
    object: &mut ObjectNode,
    mode: UnionMode,
    threshold: usize,
    may_be_map: bool,
    steps: &mut Vec<PathStep>,
) -> Result<()> {
    if may_be_map && threshold > 0 && object.map_value.is_none() && object.keys.len() > threshold {
        object.become_map(mode, steps)?;
    }
    let children: Vec<(Option<PathStep>, &mut Node)> = match object.map_value.as_deref_mut() {
        Some(v) => vec![(Some(PathStep::MapValue), v)],
        None => object
            .keys
            .iter()
            .zip(object.nodes.iter_mut())
            .map(|(k, n)| {
                (
                    Some(PathStep::Key(String::from_utf8_lossy(k).into_owned())),
                    n,
                )
            })
            .collect(),
    };
    for (step, node) in children {
        steps.extend(step);
        check_node_maps(node, mode, threshold, steps)?;
        steps.pop();
    }
    Ok(())
}

fn check_node_maps(
    node: &mut Node,
    mode: UnionMode,
    threshold: usize,
    steps: &mut Vec<PathStep>,
) -> Result<()> {
    if let Some(e) = node.list.as_deref_mut() {
        steps.push(PathStep::Element);
        check_node_maps(e, mode, threshold, steps)?;
        steps.pop();
    }
    if let Some(o) = node.object.as_deref_mut() {
        check_maps(o, mode, threshold, true, steps)?;
    }
    Ok(())
}

/// Makes the objects at the `forced` paths maps.
pub(super) fn force_maps(
    object: &mut ObjectNode,
    path: &ColumnPath,
    forced: &[&str],
    mode: UnionMode,
) -> Result<()> {
    if forced.is_empty() {
        return Ok(());
    }
    if !path.0.is_empty()
        && object.map_value.is_none()
        && forced.iter().any(|f| crate::path::names_object(f, path))
    {
        object.become_map(mode, &mut path.0.clone())?;
    }
    if let Some(v) = object.map_value.as_deref_mut() {
        return force_node_maps(v, &path.map_value(), forced, mode);
    }
    for (k, n) in object.keys.iter().zip(object.nodes.iter_mut()) {
        force_node_maps(n, &path.key(&String::from_utf8_lossy(k)), forced, mode)?;
    }
    Ok(())
}

fn force_node_maps(
    node: &mut Node,
    path: &ColumnPath,
    forced: &[&str],
    mode: UnionMode,
) -> Result<()> {
    if let Some(e) = node.list.as_deref_mut() {
        force_node_maps(e, &path.element(), forced, mode)?;
    }
    if let Some(o) = node.object.as_deref_mut() {
        force_maps(o, path, forced, mode)?;
    }
    Ok(())
}
