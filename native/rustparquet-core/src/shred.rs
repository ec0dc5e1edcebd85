//! Dremel shredding: a JSON document and a [`Schema`] in, (value, repetition level,
//! definition level) per leaf column out.
//!
//! The walk is depth first, in step with the pull parser, and streaming: no tree of the
//! document is built; strings are decoded straight into their column's buffer. An empty array
//! and a null (or missing) one stop at different definition levels, so both survive; null and
//! missing cannot be told apart in Parquet (docs/format.md). A list's first element takes the
//! repetition level its parent was given, later ones the list's own level. Duplicate keys in
//! one object: the last value wins (as in JavaScript, Python and Spark), the earlier one is
//! taken back out of the column buffers. A document that fails half way (bad JSON, a value
//! that does not fit its column) is rolled back whole, so the buffers only ever hold complete
//! documents. This module knows nothing of files or codecs: [`crate::write`] encodes the
//! [`LeafBuffer`]s. Golden cases: `tests/dremel.rs` (the paper's r1 and r2, Figure 3).

use std::collections::HashMap;
use std::ops::Range;

use crate::json::{Number, ParseError, Parser, ValueKind};
use crate::path::ColumnPath;
use crate::schema::{DataType, Field, Repetition, Schema, UnionMember};

/// Values of one leaf column, in the physical type it is written as.
#[derive(Debug, Clone, PartialEq)]
pub enum LeafValues {
    Boolean(Vec<bool>),
    Int64(Vec<i64>),
    Double(Vec<f64>),
    /// Integers beyond int64, written as DECIMAL(38,0).
    Decimal(Vec<i128>),
    /// UTF-8 strings, concatenated; `ends[i]` is where value `i` ends in `data`.
    Bytes {
        data: Vec<u8>,
        ends: Vec<u32>,
    },
}

impl LeafValues {
    fn for_type(t: &DataType) -> Self {
        match t {
            DataType::Boolean => LeafValues::Boolean(Vec::new()),
            DataType::Int64 => LeafValues::Int64(Vec::new()),
            DataType::Double => LeafValues::Double(Vec::new()),
            DataType::Decimal => LeafValues::Decimal(Vec::new()),
            _ => LeafValues::Bytes {
                data: Vec::new(),
                ends: Vec::new(),
            },
        }
    }

    /// Number of (non-null) values.
    pub fn len(&self) -> usize {
        match self {
            LeafValues::Boolean(v) => v.len(),
            LeafValues::Int64(v) => v.len(),
            LeafValues::Double(v) => v.len(),
            LeafValues::Decimal(v) => v.len(),
            LeafValues::Bytes { ends, .. } => ends.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn truncate(&mut self, n: usize) {
        match self {
            LeafValues::Boolean(v) => v.truncate(n),
            LeafValues::Int64(v) => v.truncate(n),
            LeafValues::Double(v) => v.truncate(n),
            LeafValues::Decimal(v) => v.truncate(n),
            LeafValues::Bytes { data, ends } => {
                ends.truncate(n);
                data.truncate(ends.last().copied().unwrap_or(0) as usize);
            }
        }
    }

    fn clear(&mut self) {
        self.truncate(0)
    }

    fn heap_bytes(&self) -> usize {
        match self {
            LeafValues::Boolean(v) => v.len(),
            LeafValues::Int64(v) => v.len() * 8,
            LeafValues::Double(v) => v.len() * 8,
            LeafValues::Decimal(v) => v.len() * 16,
            LeafValues::Bytes { data, ends } => data.len() + ends.len() * 4,
        }
    }
}

/// The shredded entries of one leaf column: levels and values, ready for
/// `ColumnWriter::write_batch`. Levels are only kept when the column's maximum is above 0.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafBuffer {
    pub max_def: i16,
    pub max_rep: i16,
    /// Definition levels, one per entry (empty when `max_def == 0`).
    pub def_levels: Vec<i16>,
    /// Repetition levels, one per entry (empty when `max_rep == 0`).
    pub rep_levels: Vec<i16>,
    pub values: LeafValues,
    /// Entries (values and nulls).
    entries: usize,
    /// Rows started (entries with repetition level 0).
    rows: usize,
}

impl LeafBuffer {
    fn new(max_def: i16, max_rep: i16, data_type: &DataType) -> Self {
        LeafBuffer {
            max_def,
            max_rep,
            def_levels: Vec::new(),
            rep_levels: Vec::new(),
            values: LeafValues::for_type(data_type),
            entries: 0,
            rows: 0,
        }
    }

    /// Number of entries (values and nulls).
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Number of rows (complete documents) whose entries are here.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// All entries and values.
    pub(crate) fn all(&self) -> crate::write::LeafSlice {
        crate::write::LeafSlice {
            entries: 0..self.entries,
            values: 0..self.values.len(),
        }
    }

    /// The entries and values of rows `rows` (a scan of the levels: for splitting a batch
    /// between two row groups, which is rare).
    pub(crate) fn slice_rows(&self, rows: Range<usize>) -> crate::write::LeafSlice {
        // Entry index where row `row` starts (the entry count when past the end).
        let row_start = |row: usize| -> usize {
            if self.max_rep == 0 {
                return row.min(self.entries);
            }
            let mut seen = 0;
            for (i, &r) in self.rep_levels.iter().enumerate() {
                if r == 0 {
                    if seen == row {
                        return i;
                    }
                    seen += 1;
                }
            }
            self.entries
        };
        let values_before = |entry: usize| -> usize {
            if self.max_def == 0 {
                return entry;
            }
            self.def_levels[..entry]
                .iter()
                .filter(|&&d| d == self.max_def)
                .count()
        };
        let (e0, e1) = (row_start(rows.start), row_start(rows.end));
        crate::write::LeafSlice {
            entries: e0..e1,
            values: values_before(e0)..values_before(e1),
        }
    }

    #[inline(always)]
    fn levels(&mut self, r: i16, d: i16) {
        if self.max_def > 0 {
            self.def_levels.push(d);
        }
        if self.max_rep > 0 {
            self.rep_levels.push(r);
        }
        self.entries += 1;
        self.rows += (r == 0) as usize;
    }

    fn rep_at(&self, i: usize) -> i16 {
        if self.max_rep > 0 {
            self.rep_levels[i]
        } else {
            0
        }
    }

    fn def_at(&self, i: usize) -> i16 {
        if self.max_def > 0 {
            self.def_levels[i]
        } else {
            0
        }
    }

    /// Drops entries from index `from` on.
    fn truncate_entries(&mut self, from: usize) {
        if from >= self.entries {
            return;
        }
        let mut dropped_values = 0;
        let mut dropped_rows = 0;
        for i in from..self.entries {
            dropped_values += (self.def_at(i) == self.max_def) as usize;
            dropped_rows += (self.rep_at(i) == 0) as usize;
        }
        let values = self.values.len() - dropped_values;
        self.values.truncate(values);
        self.def_levels
            .truncate(if self.max_def > 0 { from } else { 0 });
        self.rep_levels
            .truncate(if self.max_rep > 0 { from } else { 0 });
        self.entries = from;
        self.rows -= dropped_rows;
    }

    /// Drops the entries of the row being written, if it has started in this column.
    fn rollback_row(&mut self, committed_rows: usize) {
        if self.rows > committed_rows {
            let start = (0..self.entries)
                .rev()
                .find(|&i| self.rep_at(i) == 0)
                .unwrap_or(0);
            self.truncate_entries(start);
        }
    }

    /// Drops the last value written at repetition depth `depth` (and everything it nested).
    fn rollback_last_at(&mut self, depth: i16) {
        if let Some(start) = (0..self.entries).rev().find(|&i| self.rep_at(i) <= depth) {
            self.truncate_entries(start);
        }
    }

    /// Empties the buffer, keeping its allocations.
    pub fn clear(&mut self) {
        self.def_levels.clear();
        self.rep_levels.clear();
        self.values.clear();
        self.entries = 0;
        self.rows = 0;
    }

    /// Bytes of buffered data.
    pub fn heap_bytes(&self) -> usize {
        self.def_levels.len() * 2 + self.rep_levels.len() * 2 + self.values.heap_bytes()
    }

    /// The entries as (value as JSON text or `None` for null, r, d) triplets, as the Dremel
    /// paper prints them. For tests and debugging.
    pub fn triplets(&self) -> Vec<(Option<String>, i16, i16)> {
        let mut next = 0;
        (0..self.entries)
            .map(|i| {
                let d = self.def_at(i);
                let value = (d == self.max_def).then(|| {
                    let v = match &self.values {
                        LeafValues::Boolean(v) => v[next].to_string(),
                        LeafValues::Int64(v) => v[next].to_string(),
                        LeafValues::Double(v) => format!("{:?}", v[next]),
                        LeafValues::Decimal(v) => v[next].to_string(),
                        LeafValues::Bytes { data, ends } => {
                            let start = if next == 0 {
                                0
                            } else {
                                ends[next - 1] as usize
                            };
                            String::from_utf8_lossy(&data[start..ends[next] as usize]).into_owned()
                        }
                    };
                    next += 1;
                    v
                });
                (value, self.rep_at(i), d)
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeafType {
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
enum NodeKind {
    Leaf {
        leaf: usize,
        ty: LeafType,
    },
    Struct {
        children: Vec<usize>,
        keys: Vec<Box<[u8]>>,
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
}

/// One schema node, compiled for the walk.
#[derive(Debug)]
struct Node {
    kind: NodeKind,
    repetition: Repetition,
    /// Definition level when a value of this node is present (for a bare repeated field:
    /// when it has at least one item).
    def: i16,
    /// Repetition level of this node's own repetition (repeated field, or a LIST's
    /// `repeated group list`); otherwise that of its nearest repeated ancestor.
    rep: i16,
    leaves: Range<usize>,
}

/// The JSON types a field of type `t` can hold, as union members.
fn covered_members(t: &DataType) -> Vec<UnionMember> {
    match t {
        DataType::Union(members) => members
            .iter()
            .filter_map(|m| UnionMember::from_name(&m.name))
            .collect(),
        DataType::Json => UnionMember::ALL.to_vec(),
        t => UnionMember::of(t).into_iter().collect(),
    }
}

/// Why a document could not be shredded. The buffers are rolled back to before it.
#[derive(Debug, Clone, PartialEq)]
pub enum ShredError {
    /// The JSON itself (or its end: [`ParseErrorKind::Eof`]).
    Parse(ParseError),
    /// Valid JSON that does not fit the schema at `path`.
    Mismatch {
        offset: usize,
        path: ColumnPath,
        reason: String,
    },
}

impl From<ParseError> for ShredError {
    fn from(e: ParseError) -> Self {
        ShredError::Parse(e)
    }
}

type ShredResult<T> = Result<T, ShredError>;

/// Shreds documents into one [`LeafBuffer`] per leaf column of a schema.
///
/// ```
/// use rustparquet_core::json::Parser;
/// use rustparquet_core::schema::{DataType, Field, Schema};
/// use rustparquet_core::shred::Shredder;
/// let schema = Schema::new(vec![Field::list("tags", DataType::String)]);
/// let mut shredder = Shredder::new(&schema);
/// for doc in [r#"{"tags": ["a", null]}"#, r#"{"tags": []}"#, r#"{}"#] {
///     shredder.shred_document(&mut Parser::new(doc.as_bytes(), 0, 64)).unwrap();
/// }
/// let t = shredder.leaves()[0].triplets();
/// let t: Vec<_> = t.iter().map(|(v, r, d)| (v.as_deref(), *r, *d)).collect();
/// assert_eq!(t, [(Some("a"), 0, 3), (None, 1, 2), (None, 0, 1), (None, 0, 0)]);
/// ```
pub struct Shredder {
    nodes: Vec<Node>,
    /// JSON path of each node, for messages.
    paths: Vec<ColumnPath>,
    root: usize,
    leaves: Vec<LeafBuffer>,
    /// Complete documents in the buffers.
    rows: usize,
    /// Presence bits of the objects being walked, a stack of words.
    seen: Vec<u64>,
    /// Values overwritten by a later duplicate key.
    duplicate_keys: u64,
    /// The first duplicate key of the document being shredded: its offset and path.
    pending_duplicate: Option<(usize, ColumnPath)>,
    /// Where the first duplicate key was, `file:line:column` and path, once placed.
    first_duplicate: Option<String>,
}

impl Shredder {
    /// A shredder for `schema`. Nesting depth is bounded by the parser it is driven with
    /// (and by the schema: a document deeper than its schema is a mismatch).
    pub fn new(schema: &Schema) -> Self {
        let mut s = Shredder {
            nodes: Vec::new(),
            paths: Vec::new(),
            root: 0,
            leaves: Vec::new(),
            rows: 0,
            seen: Vec::new(),
            duplicate_keys: 0,
            pending_duplicate: None,
            first_duplicate: None,
        };
        let root = Field {
            name: "<document>".into(),
            key: None,
            repetition: Repetition::Required,
            data_type: DataType::Struct(schema.fields.clone()),
        };
        s.root = s.compile(&root, ColumnPath::root(), 0, 0);
        s
    }

    fn compile(&mut self, f: &Field, path: ColumnPath, parent_def: i16, parent_rep: i16) -> usize {
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
        });
        self.paths.push(path.clone());
        let (kind, rep) = match &f.data_type {
            DataType::Struct(fields) if fields.is_empty() => {
                // The placeholder column of an empty object: always null (docs/format.md).
                self.leaves
                    .push(LeafBuffer::new(def + 1, rep, &DataType::Boolean));
                (
                    NodeKind::Struct {
                        children: Vec::new(),
                        keys: Vec::new(),
                        index: HashMap::new(),
                    },
                    rep,
                )
            }
            DataType::Struct(fields) => {
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
                (
                    NodeKind::Struct {
                        children,
                        keys,
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
        let node = &mut self.nodes[id];
        node.kind = kind;
        node.rep = rep;
        node.leaves = first_leaf..self.leaves.len();
        id
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
        });
        self.paths.push(path.clone());
        let mut members = [None; 7];
        for f in fields {
            let node = self.compile(f, path.clone(), parent_def, parent_rep);
            for member in covered_members(&f.data_type) {
                members[member as usize] = Some(node);
            }
        }
        let node = &mut self.nodes[id];
        node.kind = NodeKind::Union { members };
        node.leaves = first_leaf..self.leaves.len();
        id
    }

    /// The column buffers, in schema order.
    pub fn leaves(&self) -> &[LeafBuffer] {
        &self.leaves
    }

    /// Complete documents buffered.
    pub fn buffered_rows(&self) -> usize {
        self.rows
    }

    /// Bytes of buffered column data.
    pub fn buffered_bytes(&self) -> usize {
        self.leaves.iter().map(LeafBuffer::heap_bytes).sum()
    }

    /// Values dropped because a later duplicate key in the same object replaced them.
    pub fn duplicate_keys(&self) -> u64 {
        self.duplicate_keys
    }

    /// Places the first duplicate key of the document just shredded, if it is the first one
    /// seen, with `locate` (the reader's offset → `file:line:column`).
    pub fn place_duplicate(&mut self, locate: &dyn Fn(usize) -> crate::error::Location) {
        if let Some((offset, path)) = self.pending_duplicate.take() {
            if self.first_duplicate.is_none() {
                self.first_duplicate = Some(format!("{}: `{path}`", locate(offset)));
            }
        }
    }

    /// Where the first duplicate key was (`file:line:column: \`path\``), taken: the next one
    /// placed is kept after this.
    pub fn take_first_duplicate(&mut self) -> Option<String> {
        self.first_duplicate.take()
    }

    /// Hands out the buffered row group, leaving `spare` (cleared) buffers in its place so
    /// their allocations are reused. `spare` must come from this shredder (or be empty).
    pub fn take_buffers(&mut self, spare: Option<Vec<LeafBuffer>>) -> Vec<LeafBuffer> {
        let fresh = match spare {
            Some(mut buffers) if buffers.len() == self.leaves.len() => {
                buffers.iter_mut().for_each(LeafBuffer::clear);
                buffers
            }
            _ => {
                let mut buffers = self.leaves.clone();
                buffers.iter_mut().for_each(|b| {
                    b.clear();
                    b.def_levels.shrink_to_fit();
                    b.rep_levels.shrink_to_fit();
                });
                buffers
            }
        };
        self.rows = 0;
        std::mem::replace(&mut self.leaves, fresh)
    }

    /// Empties the buffers (after they were written), keeping their allocations.
    pub fn clear_buffers(&mut self) {
        self.leaves.iter_mut().for_each(LeafBuffer::clear);
        self.rows = 0;
    }

    /// Shreds the document at the parser's position. On error, everything the document had
    /// written is taken back out of the buffers.
    pub fn shred_document(&mut self, p: &mut Parser<'_>) -> ShredResult<()> {
        self.seen.clear();
        self.pending_duplicate = None;
        let result = match p.peek() {
            Ok(ValueKind::Object) => self.item(p, self.root, 0),
            Ok(kind) => Err(ShredError::Mismatch {
                offset: p.pos(),
                path: ColumnPath::root(),
                reason: crate::infer::not_object_reason(kind),
            }),
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(()) => {
                self.rows += 1;
                Ok(())
            }
            Err(e) => {
                let committed = self.rows;
                self.leaves
                    .iter_mut()
                    .for_each(|l| l.rollback_row(committed));
                Err(e)
            }
        }
    }

    fn mismatch<T>(&self, offset: usize, node: usize, reason: String) -> ShredResult<T> {
        Err(ShredError::Mismatch {
            offset,
            path: self.paths[node].clone(),
            reason,
        })
    }

    #[inline]
    fn nulls(&mut self, leaves: Range<usize>, r: i16, d: i16) {
        for leaf in &mut self.leaves[leaves] {
            leaf.levels(r, d);
        }
    }

    /// A value of `node` (which may be null or, for a repeated node, an array), whose parent
    /// is present at definition level `parent_def`.
    fn value(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        r: i16,
        parent_def: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        let n = &self.nodes[node];
        if kind == ValueKind::Null {
            p.null()?;
            return match n.repetition {
                Repetition::Optional | Repetition::Repeated => {
                    self.nulls(n.leaves.clone(), r, parent_def);
                    Ok(())
                }
                Repetition::Required => {
                    self.mismatch(p.pos() - 4, node, "is required but null".into())
                }
            };
        }
        if n.repetition != Repetition::Repeated {
            return self.item(p, node, r);
        }
        if kind != ValueKind::Array {
            return self.mismatch(
                p.pos(),
                node,
                format!(
                    "is a repeated field (an array) in the schema but {} here",
                    kind.name()
                ),
            );
        }
        let (rep, leaves) = (n.rep, n.leaves.clone());
        p.begin_array()?;
        let mut first = true;
        let mut r_item = r;
        while p.next_element(first)? {
            first = false;
            if p.peek()? == ValueKind::Null {
                return self.mismatch(
                    p.pos(),
                    node,
                    "holds a null item, which a repeated field cannot store".into(),
                );
            }
            self.item(p, node, r_item)?;
            r_item = rep;
        }
        if first {
            self.nulls(leaves, r, parent_def);
        }
        Ok(())
    }

    /// A present (non-null) value of `node`, at definition level `node.def`.
    fn item(&mut self, p: &mut Parser<'_>, node: usize, r: i16) -> ShredResult<()> {
        let n = &self.nodes[node];
        let d = n.def;
        match &n.kind {
            NodeKind::Leaf { leaf, ty } => {
                let (leaf, ty) = (*leaf, *ty);
                self.scalar(p, node, leaf, ty, r, d)
            }
            NodeKind::Struct { .. } => self.object(p, node, r),
            NodeKind::Union { members } => {
                let members = *members;
                self.union_value(p, node, members, r, d)
            }
            NodeKind::Map { key_leaf, value } => {
                let (key_leaf, value) = (*key_leaf, *value);
                self.map(p, node, key_leaf, value, r)
            }
            NodeKind::List { element } => {
                let (element, rep, leaves) = (*element, n.rep, n.leaves.clone());
                let kind = p.peek()?;
                if kind != ValueKind::Array {
                    return self.mismatch(
                        p.pos(),
                        node,
                        format!("is an array in the schema but {} here", kind.name()),
                    );
                }
                p.begin_array()?;
                let mut first = true;
                let mut r_item = r;
                while p.next_element(first)? {
                    first = false;
                    self.value(p, element, r_item, d + 1)?;
                    r_item = rep;
                }
                if first {
                    self.nulls(leaves, r, d);
                }
                Ok(())
            }
        }
    }

    /// A present value of a union: it goes to the member for its JSON type; every other member
    /// is null at the union's level `d` (present union, absent member).
    fn union_value(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        members: [Option<usize>; 7],
        r: i16,
        d: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        let offset = p.pos();
        let wanted: &[UnionMember] = match kind {
            ValueKind::Bool => &[UnionMember::Boolean],
            ValueKind::String => &[UnionMember::String],
            ValueKind::Array => &[UnionMember::Array],
            ValueKind::Object => &[UnionMember::Object],
            ValueKind::Number => match p.peek_number()? {
                Number::Int(_) => &[UnionMember::Long, UnionMember::Decimal, UnionMember::Double],
                Number::Big(_) => &[UnionMember::Decimal],
                Number::Float(_) => &[UnionMember::Double],
            },
            ValueKind::Null => unreachable!("value() takes nulls"),
        };
        let Some(chosen) = wanted.iter().find_map(|m| members[*m as usize]) else {
            return self.mismatch(
                offset,
                node,
                format!("is a union without a member for {} here", kind.name()),
            );
        };
        // Every other column of the union (or of the siblings, including any superseded one
        // that no member maps to any more): members' leaves are contiguous ranges.
        let (all, mine) = (
            self.nodes[node].leaves.clone(),
            self.nodes[chosen].leaves.clone(),
        );
        self.nulls(all.start..mine.start, r, d);
        self.nulls(mine.end..all.end, r, d);
        self.item(p, chosen, r)
    }

    /// A present object written as a map: one key/value entry per member; `{}` is an empty
    /// map (the map present, no entry). A key repeated in one object is a mismatch: the
    /// earlier entry cannot be taken back out once later entries follow it.
    fn map(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        key_leaf: usize,
        value: usize,
        r: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return self.mismatch(
                p.pos(),
                node,
                format!(
                    "is an object (a map) in the schema but {} here",
                    kind.name()
                ),
            );
        }
        let (d, rep, leaves) = {
            let n = &self.nodes[node];
            (n.def, n.rep, n.leaves.clone())
        };
        p.begin_object()?;
        let mut scratch = Vec::new();
        let mut keys_seen: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        let mut first = true;
        let mut r_item = r;
        while let Some(key) = p.next_key(first, &mut scratch)? {
            first = false;
            if !keys_seen.insert(key.to_vec()) {
                let key = String::from_utf8_lossy(key).into_owned();
                return Err(ShredError::Mismatch {
                    offset: p.last_key_offset(),
                    path: self.paths[node].clone(),
                    reason: format!("holds the key {key:?} twice; a map keeps one entry per key"),
                });
            }
            let buffer = &mut self.leaves[key_leaf];
            let LeafValues::Bytes { data, ends } = &mut buffer.values else {
                unreachable!("map keys are strings")
            };
            data.extend_from_slice(key);
            ends.push(data.len() as u32);
            buffer.levels(r_item, d + 1);
            self.value(p, value, r_item, d + 1)?;
            r_item = rep;
        }
        if first {
            self.nulls(leaves, r, d);
        }
        Ok(())
    }

    fn object(&mut self, p: &mut Parser<'_>, node: usize, r: i16) -> ShredResult<()> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return self.mismatch(
                p.pos(),
                node,
                format!("is an object in the schema but {} here", kind.name()),
            );
        }
        let NodeKind::Struct { children, .. } = &self.nodes[node].kind else {
            unreachable!("object() is only called on struct nodes")
        };
        let child_count = children.len();
        let words = child_count.div_ceil(64).max(1);
        let base = self.seen.len();
        self.seen.resize(base + words, 0);
        p.begin_object()?;
        let mut scratch = Vec::new();
        let mut first = true;
        let mut hint = 0;
        loop {
            let Some(key) = p.next_key(first, &mut scratch)? else {
                break;
            };
            first = false;
            let NodeKind::Struct { keys, index, .. } = &self.nodes[node].kind else {
                unreachable!()
            };
            let found =
                crate::json::find_key_near(keys, key, hint).or_else(|| index.get(key).copied());
            let Some(i) = found else {
                let key = String::from_utf8_lossy(key).into_owned();
                return Err(ShredError::Mismatch {
                    offset: p.last_key_offset(),
                    path: self.paths[node].key(&key),
                    reason: "is not in the schema".into(),
                });
            };
            hint = i + 1;
            let NodeKind::Struct { children, .. } = &self.nodes[node].kind else {
                unreachable!()
            };
            let child = children[i];
            let (word, bit) = (base + i / 64, 1u64 << (i % 64));
            if self.seen[word] & bit != 0 {
                // Duplicate key: the last value wins; take the earlier one back out.
                let depth = self.nodes[node].rep;
                for leaf in self.nodes[child].leaves.clone() {
                    self.leaves[leaf].rollback_last_at(depth);
                }
                self.duplicate_keys += 1;
                if self.first_duplicate.is_none() && self.pending_duplicate.is_none() {
                    let key = String::from_utf8_lossy(key).into_owned();
                    self.pending_duplicate =
                        Some((p.last_key_offset(), self.paths[node].key(&key)));
                }
            }
            self.seen[word] |= bit;
            let d = self.nodes[node].def;
            self.value(p, child, r, d)?;
        }
        // Missing members are null at this object's level.
        let d = self.nodes[node].def;
        if child_count == 0 {
            let leaves = self.nodes[node].leaves.clone();
            self.nulls(leaves, r, d);
        }
        for i in 0..child_count {
            if self.seen[base + i / 64] & (1u64 << (i % 64)) == 0 {
                let NodeKind::Struct { children, .. } = &self.nodes[node].kind else {
                    unreachable!()
                };
                let child = &self.nodes[children[i]];
                if child.repetition == Repetition::Required {
                    return self.mismatch(p.pos(), children[i], "is required but missing".into());
                }
                let leaves = child.leaves.clone();
                self.nulls(leaves, r, d);
            }
        }
        self.seen.truncate(base);
        Ok(())
    }

    #[inline]
    fn scalar(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        leaf: usize,
        ty: LeafType,
        r: i16,
        d: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        let offset = p.pos();
        let buffer = &mut self.leaves[leaf];
        match (ty, kind) {
            // JSON text columns take any value: strings as they are, others as JSON text.
            (LeafType::String, ValueKind::String) | (LeafType::Json, _) => {
                let LeafValues::Bytes { data, ends } = &mut buffer.values else {
                    unreachable!("string leaves hold bytes")
                };
                if kind == ValueKind::String {
                    p.string_into(data)?;
                } else {
                    p.value_text_into(data)?;
                }
                if data.len() > u32::MAX as usize {
                    return self.mismatch(
                        offset,
                        node,
                        "holds more than 4 GiB of strings in one row group; lower --row-group-size"
                            .into(),
                    );
                }
                ends.push(data.len() as u32);
            }
            (LeafType::Boolean, ValueKind::Bool) => {
                let v = p.boolean()?;
                let LeafValues::Boolean(values) = &mut buffer.values else {
                    unreachable!("boolean leaves hold booleans")
                };
                values.push(v);
            }
            (LeafType::Int64 | LeafType::Double | LeafType::Decimal, ValueKind::Number) => {
                let number = p.number()?;
                match (&mut buffer.values, number) {
                    (LeafValues::Int64(values), Number::Int(v)) => values.push(v),
                    (LeafValues::Double(values), Number::Float(v)) => values.push(v),
                    (LeafValues::Double(values), Number::Int(v)) => {
                        let as_double = v as f64;
                        // Exact when the double converts back to the same integer.
                        if as_double >= i64::MAX as f64 || as_double as i64 != v {
                            return self.mismatch(offset, node, format!("is a double column; the integer {v} has no exact double (docs/format.md, numbers)"));
                        }
                        values.push(as_double);
                    }
                    (LeafValues::Double(_), Number::Big(v)) => {
                        return self.mismatch(offset, node, format!("is a double column; the integer {v} has no exact double (docs/format.md, numbers)"));
                    }
                    (LeafValues::Decimal(values), Number::Int(v)) => values.push(v as i128),
                    (LeafValues::Decimal(values), Number::Big(v)) => values.push(v),
                    (LeafValues::Int64(_), Number::Big(v)) => {
                        return self.mismatch(
                            offset,
                            node,
                            format!("is an int64 column; the integer {v} is beyond int64"),
                        );
                    }
                    (LeafValues::Int64(_) | LeafValues::Decimal(_), Number::Float(v)) => {
                        return self.mismatch(
                            offset,
                            node,
                            format!("is an integer column but holds the float {v:?} here"),
                        );
                    }
                    _ => unreachable!("number leaves hold numbers"),
                }
            }
            (ty, kind) => {
                let expected = match ty {
                    LeafType::Null => "only null",
                    LeafType::Boolean => "a boolean",
                    LeafType::Int64 => "an integer",
                    LeafType::Decimal => "an integer",
                    LeafType::Double => "a number",
                    LeafType::String => "a string",
                    LeafType::Json => unreachable!("json leaves take any value"),
                };
                return self.mismatch(
                    offset,
                    node,
                    format!("is {expected} in the schema but {} here", kind.name()),
                );
            }
        }
        self.leaves[leaf].levels(r, d);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn shred(schema: &Schema, docs: &[&str]) -> Shredder {
        let mut s = Shredder::new(schema);
        for doc in docs {
            s.shred_document(&mut Parser::new(doc.as_bytes(), 0, 64))
                .unwrap();
        }
        s
    }

    fn triplets(s: &Shredder, leaf: usize) -> Vec<(Option<String>, i16, i16)> {
        s.leaves()[leaf].triplets()
    }

    fn t(v: Option<&str>, r: i16, d: i16) -> (Option<String>, i16, i16) {
        (v.map(str::to_string), r, d)
    }

    #[test]
    fn empty_null_and_missing_lists_stop_at_distinct_levels() {
        let schema = Schema::new(vec![Field::list("a", DataType::Int64)]);
        let s = shred(
            &schema,
            &[
                r#"{"a": [1, null]}"#,
                r#"{"a": []}"#,
                r#"{"a": null}"#,
                r#"{}"#,
            ],
        );
        assert_eq!(
            triplets(&s, 0),
            [
                t(Some("1"), 0, 3),
                t(None, 1, 2),
                t(None, 0, 1),
                t(None, 0, 0),
                t(None, 0, 0)
            ]
        );
    }

    #[test]
    fn arrays_of_arrays_take_each_lists_level() {
        let schema = Schema::new(vec![Field::optional(
            "m",
            DataType::List(Box::new(Field::optional(
                "element",
                DataType::List(Box::new(Field::optional("element", DataType::Int64))),
            ))),
        )]);
        let s = shred(&schema, &[r#"{"m": [[1, 2], [], null, [3]]}"#]);
        assert_eq!(
            triplets(&s, 0),
            [
                t(Some("1"), 0, 5),
                t(Some("2"), 2, 5),
                t(None, 1, 3),
                t(None, 1, 2),
                t(Some("3"), 1, 5)
            ]
        );
    }

    #[test]
    fn duplicate_keys_last_value_wins_even_inside_lists() {
        let schema = Schema::new(vec![Field::list(
            "o",
            DataType::Struct(vec![
                Field::optional("k", DataType::Int64),
                Field::list("l", DataType::String),
            ]),
        )]);
        let s = shred(
            &schema,
            &[r#"{"o": [{"k": 1, "l": ["a", "b"], "k": 2, "l": ["c"]}, {"k": 3, "k": null}]}"#],
        );
        assert_eq!(triplets(&s, 0), [t(Some("2"), 0, 4), t(None, 1, 3)]);
        assert_eq!(triplets(&s, 1), [t(Some("c"), 0, 6), t(None, 1, 3)]);
        assert_eq!(s.duplicate_keys(), 3);
    }

    #[test]
    fn a_failed_document_leaves_no_trace() {
        let schema = Schema::new(vec![
            Field::optional("a", DataType::Int64),
            Field::list("b", DataType::String),
        ]);
        let mut s = shred(&schema, &[r#"{"a": 1, "b": ["x"]}"#]);
        let before = (triplets(&s, 0), triplets(&s, 1));
        for bad in [
            r#"{"a": 2, "b": ["y", 3]}"#,
            r#"{"a": 2, "b": ["y""#,
            r#"{"b": ["y"], "zz": 1}"#,
            r#"[1]"#,
        ] {
            assert!(
                s.shred_document(&mut Parser::new(bad.as_bytes(), 0, 64))
                    .is_err(),
                "{bad}"
            );
            assert_eq!((triplets(&s, 0), triplets(&s, 1)), before, "{bad}");
        }
        assert_eq!(s.buffered_rows(), 1);
    }

    #[test]
    fn mismatches_name_the_path() {
        let schema = Schema::new(vec![Field::optional(
            "r",
            DataType::Struct(vec![Field::list(
                "s",
                DataType::Struct(vec![Field::optional("n", DataType::Int64)]),
            )]),
        )]);
        let mut s = Shredder::new(&schema);
        let doc = r#"{"r": {"s": [{"n": "x"}]}}"#;
        let err = s
            .shred_document(&mut Parser::new(doc.as_bytes(), 0, 64))
            .unwrap_err();
        let ShredError::Mismatch {
            offset,
            path,
            reason,
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(path.to_string(), "r.s[].n");
        assert_eq!(reason, "is an integer in the schema but a string here");
        assert_eq!(&doc[offset..offset + 3], "\"x\"");
    }

    #[test]
    fn doubles_take_integers_only_when_exact() {
        let schema = Schema::new(vec![Field::optional("x", DataType::Double)]);
        let mut s = shred(&schema, &[r#"{"x": 3}"#, r#"{"x": 9007199254740992}"#]);
        assert_eq!(
            triplets(&s, 0),
            [t(Some("3.0"), 0, 1), t(Some("9007199254740992.0"), 0, 1)]
        );
        let err = s
            .shred_document(&mut Parser::new(br#"{"x": 9007199254740993}"#, 0, 64))
            .unwrap_err();
        assert!(matches!(err, ShredError::Mismatch { .. }), "{err:?}");
    }

    #[test]
    fn empty_objects_use_the_placeholder_column() {
        let schema = Schema::new(vec![Field::optional("e", DataType::Struct(vec![]))]);
        let s = shred(&schema, &[r#"{"e": {}}"#, r#"{"e": null}"#, r#"{}"#]);
        assert_eq!(
            triplets(&s, 0),
            [t(None, 0, 1), t(None, 0, 0), t(None, 0, 0)]
        );
        assert_eq!(s.leaves()[0].max_def, 2);
    }
}
