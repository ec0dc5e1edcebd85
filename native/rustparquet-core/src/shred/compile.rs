//! From a schema to the nodes the walk follows: one node per field, with its definition and
//! repetition levels, the range of leaf columns under it, and for a struct its keys and their
//! index; sibling fields sharing one JSON key (a dataset's evolved field) become a node like a
//! union's.

use std::collections::HashMap;
use std::ops::Range;

use super::lazy::Unit;
use super::{LeafBuffer, Shredder};
use crate::path::ColumnPath;
use crate::schema::{DataType, Field, Repetition, UnionMember};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LeafType {
    Null,
    Boolean,
    Int64,
    Decimal,
    Double,
    String,
    /// Strings as they are, other values as their JSON text (`--unions string`).
    Json,
}

#[derive(Debug)]
pub(super) enum NodeKind {
    Leaf {
        leaf: usize,
        ty: LeafType,
    },
    Struct {
        /// This struct's slot log ([`super::lazy`]).
        log: usize,
        children: Vec<usize>,
        /// The children that are required (their absence is a mismatch).
        required: Vec<usize>,
        keys: Vec<Box<[u8]>>,
        /// Whether each key is written the same in JSON text, without escapes
        /// ([`crate::json::plain_key`]): those are matched in place ([`Parser::next_key_is`]).
        ///
        /// [`Parser::next_key_is`]: crate::json::Parser::next_key_is
        plain: Vec<bool>,
        index: HashMap<Box<[u8]>, usize>,
    },
    List {
        element: usize,
    },
    /// A union group: the member node for each JSON type the union holds, by
    /// [`UnionMember`] order.
    Union {
        members: [Option<usize>; 7],
    },
    /// A map: the (required, string) key leaf and the value node.
    Map {
        key_leaf: usize,
        value: usize,
    },
    /// A `VARIANT` group: any JSON value, encoded by [`super::variant`].
    Variant(super::variant::VariantNode),
}

/// One schema node, compiled for the walk.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: NodeKind,
    pub(super) repetition: Repetition,
    /// Definition level when a value of this node is present (for a bare repeated field:
    /// when it has at least one item).
    pub(super) def: i16,
    /// Repetition level of this node's own repetition (repeated field, or a LIST's
    /// `repeated group list`); otherwise that of its nearest repeated ancestor.
    pub(super) rep: i16,
    pub(super) leaves: Range<usize>,
    /// The node after this one's subtree (nodes are numbered depth first).
    pub(super) end: usize,
    /// The slot log of the nearest struct around this node (the root's own for the root).
    pub(super) ctx: usize,
    /// The units ([`super::lazy`]) this node's values write to directly, whose slots are those
    /// of `ctx`: its own log for a struct, else its leaves and the logs of the structs nearest
    /// below it.
    pub(super) tops: Vec<Unit>,
}

/// The JSON types a field of type `t` can hold, as union members.
fn covered_members(t: &DataType) -> Vec<UnionMember> {
    match t {
        DataType::Union(members) => members
            .iter()
            .filter_map(|m| UnionMember::from_name(&m.name))
            .collect(),
        DataType::Json | DataType::Variant(_) => UnionMember::ALL.to_vec(),
        t => UnionMember::of(t).into_iter().collect(),
    }
}

impl Shredder {
    pub(super) fn compile(
        &mut self,
        f: &Field,
        path: ColumnPath,
        parent_def: i16,
        parent_rep: i16,
    ) -> usize {
        let (def, rep) = match f.repetition {
            Repetition::Required => (parent_def, parent_rep),
            Repetition::Optional => (parent_def + 1, parent_rep),
            Repetition::Repeated => (parent_def + 1, parent_rep + 1),
        };
        let first_leaf = self.leaves.len();
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind: NodeKind::List { element: 0 },
            repetition: f.repetition,
            def,
            rep,
            leaves: 0..0,
            end: 0,
            ctx: self.compiling_log,
            tops: Vec::new(),
        });
        self.paths.push(path.clone());
        let (kind, rep) = match &f.data_type {
            DataType::Struct(fields) => {
                let log = self.begin_log(id, def, rep);
                if fields.is_empty() {
                    // The placeholder column of an empty object: always null (docs/format.md),
                    // at the object's level when present, so its entries are the log's.
                    self.leaves
                        .push(LeafBuffer::new(def + 1, rep, &DataType::Boolean));
                }
                let mut children = Vec::new();
                let mut keys: Vec<Box<[u8]>> = Vec::new();
                for group in fields.chunk_by(|a, b| a.json_key() == b.json_key()) {
                    let key = group[0].json_key();
                    children.push(match group {
                        [one] => self.compile(one, path.key(key), def, rep),
                        siblings => self.compile_siblings(siblings, path.key(key), def, rep),
                    });
                    keys.push(key.as_bytes().into());
                }
                let index = keys
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, k)| (k, i))
                    .collect();
                let plain = keys.iter().map(|k| crate::json::plain_key(k)).collect();
                self.end_log(log);
                let required = (0..children.len())
                    .filter(|&i| self.nodes[children[i]].repetition == Repetition::Required)
                    .collect();
                (
                    NodeKind::Struct {
                        log,
                        children,
                        required,
                        keys,
                        plain,
                        index,
                    },
                    rep,
                )
            }
            DataType::List(element) => {
                // `repeated group list` sits between the list and its element.
                let element = self.compile(element, path.element(), def + 1, rep + 1);
                (NodeKind::List { element }, rep + 1)
            }
            DataType::Union(fields) => {
                let mut members = [None; 7];
                for m in fields {
                    // Members hold the union's own JSON value: same path.
                    let id = self.compile(m, path.clone(), def, rep);
                    if let Some(member) = UnionMember::from_name(&m.name) {
                        members[member as usize] = Some(id);
                    }
                }
                (NodeKind::Union { members }, rep)
            }
            DataType::Variant(shredding) => (
                NodeKind::Variant(self.compile_variant(shredding.as_deref(), def, rep)),
                rep,
            ),
            DataType::Map(value) => {
                // `repeated group key_value { required key; value }`.
                self.leaves
                    .push(LeafBuffer::new(def + 1, rep + 1, &DataType::String));
                let key_leaf = self.leaves.len() - 1;
                let value = self.compile(value, path.map_value(), def + 1, rep + 1);
                (NodeKind::Map { key_leaf, value }, rep + 1)
            }
            t => {
                let ty = match t {
                    DataType::Null => LeafType::Null,
                    DataType::Boolean => LeafType::Boolean,
                    DataType::Int64 => LeafType::Int64,
                    DataType::Decimal => LeafType::Decimal,
                    DataType::Double => LeafType::Double,
                    DataType::Json => LeafType::Json,
                    _ => LeafType::String,
                };
                self.leaves.push(LeafBuffer::new(def, rep, t));
                (
                    NodeKind::Leaf {
                        leaf: self.leaves.len() - 1,
                        ty,
                    },
                    rep,
                )
            }
        };
        let tops = self.tops_of(&kind, id, first_leaf);
        let end = self.nodes.len();
        let node = &mut self.nodes[id];
        node.kind = kind;
        node.rep = rep;
        node.leaves = first_leaf..self.leaves.len();
        node.end = end;
        node.tops = tops;
        id
    }

    /// The [`Node::tops`] of node `id` of kind `kind`, whose leaves start at `first_leaf`
    /// (its subtree compiled).
    fn tops_of(&self, kind: &NodeKind, id: usize, first_leaf: usize) -> Vec<Unit> {
        match kind {
            NodeKind::Struct { log, .. } => vec![Unit::Log(*log)],
            NodeKind::Leaf { leaf, .. } => vec![Unit::Leaf(*leaf)],
            NodeKind::Variant(_) => (first_leaf..self.leaves.len()).map(Unit::Leaf).collect(),
            // The children's: the key leaf and the value, the element, the members (and any
            // superseded sibling no member maps to).
            NodeKind::List { .. } | NodeKind::Map { .. } | NodeKind::Union { .. } => {
                let mut tops = Vec::new();
                if let NodeKind::Map { key_leaf, .. } = kind {
                    tops.push(Unit::Leaf(*key_leaf));
                }
                let mut child = id + 1;
                while child < self.nodes.len() {
                    tops.extend_from_slice(&self.nodes[child].tops);
                    child = self.nodes[child].end;
                }
                tops
            }
        }
    }

    /// Sibling fields sharing one JSON key (a dataset's evolved field, docs/format.md): a node
    /// that sends each value to the last sibling whose type covers the value's JSON type, the
    /// others null. Like a union whose members sit in the parent, so it adds no level.
    fn compile_siblings(
        &mut self,
        fields: &[Field],
        path: ColumnPath,
        parent_def: i16,
        parent_rep: i16,
    ) -> usize {
        let first_leaf = self.leaves.len();
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind: NodeKind::Union { members: [None; 7] },
            repetition: Repetition::Optional,
            def: parent_def,
            rep: parent_rep,
            leaves: 0..0,
            end: 0,
            ctx: self.compiling_log,
            tops: Vec::new(),
        });
        self.paths.push(path.clone());
        let mut members = [None; 7];
        for f in fields {
            let node = self.compile(f, path.clone(), parent_def, parent_rep);
            for member in covered_members(&f.data_type) {
                members[member as usize] = Some(node);
            }
        }
        let kind = NodeKind::Union { members };
        let tops = self.tops_of(&kind, id, first_leaf);
        let end = self.nodes.len();
        let node = &mut self.nodes[id];
        node.kind = kind;
        node.leaves = first_leaf..self.leaves.len();
        node.end = end;
        node.tops = tops;
        id
    }
}
