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
//!
//! [`compile`] turns the schema into the nodes the walk follows (levels, leaf ranges, key
//! indexes); [`walk`] is the walk itself; [`lazy`] fills the columns of absent members in bulk
//! (a sparse document costs what it holds, not what the schema has); this file holds the
//! [`Shredder`] and its buffers.

mod compile;
mod lazy;
mod variant;
mod variant_typed;
mod walk;

use crate::bad_document::{not_an_object, BadDocument};
use crate::json::{Parser, ValueKind};
use crate::leaf::Columns;
pub use crate::leaf::{LeafBuffer, LeafValues};
use crate::path::ColumnPath;
use crate::schema::{DataType, Field, Repetition, Schema};
use compile::Node;

/// Documents shredded and handed out by [`Shredder::take_batch`]: the column buffers as the
/// walk left them, with the slot logs their missed slots are filled from as they are read.
pub struct ShreddedBatch {
    leaves: Vec<LeafBuffer>,
    logs: Vec<LeafBuffer>,
    leaf_parent: Vec<usize>,
}

impl ShreddedBatch {
    /// The columns, for the writer.
    pub fn columns(&self) -> Columns<'_> {
        Columns::with_gaps(&self.leaves, &self.logs, &self.leaf_parent)
    }

    /// Documents in the batch.
    pub fn rows(&self) -> usize {
        self.columns().rows()
    }
}

/// A document that cannot be shredded; the buffers are rolled back to before it.
type ShredResult<T> = Result<T, BadDocument>;

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
    /// The node of the one variant column that holds the whole document (`--variant '$'`).
    whole_document: Option<usize>,
    leaves: Vec<LeafBuffer>,
    /// The slot log of each struct node ([`lazy`]), the root's first.
    logs: Vec<LeafBuffer>,
    /// The log each log's slots are copied from (the root's: itself).
    log_parent: Vec<usize>,
    /// The struct node of each log.
    log_node: Vec<usize>,
    /// The log each leaf's slots are copied from.
    leaf_parent: Vec<usize>,
    /// The log of the struct being compiled.
    compiling_log: usize,
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
    /// Spark's rule for a given schema ([`Shredder::set_lenient`]).
    lenient: bool,
    /// The first mismatch of the document being shredded that lenient mode nulled.
    partial: Option<BadDocument>,
}

impl Shredder {
    /// A shredder for `schema`. Nesting depth is bounded by the parser it is driven with
    /// (and by the schema: a document deeper than its schema is a mismatch).
    pub fn new(schema: &Schema) -> Self {
        let mut s = Shredder {
            nodes: Vec::new(),
            paths: Vec::new(),
            root: 0,
            whole_document: None,
            leaves: Vec::new(),
            logs: Vec::new(),
            log_parent: Vec::new(),
            log_node: Vec::new(),
            leaf_parent: Vec::new(),
            compiling_log: 0,
            rows: 0,
            seen: Vec::new(),
            duplicate_keys: 0,
            pending_duplicate: None,
            first_duplicate: None,
            lenient: false,
            partial: None,
        };
        let root = Field {
            name: "<document>".into(),
            key: None,
            repetition: Repetition::Required,
            data_type: DataType::Struct(schema.fields.clone()),
        };
        s.root = s.compile(&root, ColumnPath::root(), 0, 0);
        if crate::schema::variant::is_whole_document(&schema.fields) {
            if let compile::NodeKind::Struct { children, .. } = &s.nodes[s.root].kind {
                s.whole_document = children.first().copied();
            }
        }
        s
    }

    /// The column buffers, in schema order (first filling the slots they missed, [`lazy`]).
    pub fn leaves(&mut self) -> &[LeafBuffer] {
        self.fill_all();
        &self.leaves
    }

    /// [`Shredder::leaves`], for a caller that moves whole value buffers out (the Arrow batch
    /// builder) and then calls [`Shredder::clear_buffers`].
    pub fn leaves_mut(&mut self) -> &mut [LeafBuffer] {
        self.fill_all();
        &mut self.leaves
    }

    /// Complete documents buffered.
    pub fn buffered_rows(&self) -> usize {
        self.rows
    }

    /// Bytes of buffered column data.
    pub fn buffered_bytes(&self) -> usize {
        self.filled_bytes()
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

    /// The buffered columns as the writer reads them: the slot logs are filled here, each
    /// column's missed slots as it is read ([`Columns`]).
    pub fn columns(&mut self) -> Columns<'_> {
        self.fill_logs();
        Columns::with_gaps(&self.leaves, &self.logs, &self.leaf_parent)
    }

    /// Hands out the buffered documents as a batch whose columns are filled as they are read
    /// ([`ShreddedBatch::columns`]), leaving the buffers of `spare` (an earlier batch of this
    /// shredder, emptied) or empty ones in their place.
    pub fn take_batch(&mut self, spare: Option<ShreddedBatch>) -> ShreddedBatch {
        self.fill_logs();
        let fits = |b: &ShreddedBatch| {
            b.leaves.len() == self.leaves.len() && b.logs.len() == self.logs.len()
        };
        let (leaves, logs, leaf_parent) = match spare {
            Some(mut b) if fits(&b) => {
                b.leaves.iter_mut().for_each(LeafBuffer::clear);
                b.logs.iter_mut().for_each(LeafBuffer::clear);
                (b.leaves, b.logs, b.leaf_parent)
            }
            _ => (
                self.leaves.iter().map(LeafBuffer::emptied).collect(),
                self.logs.iter().map(LeafBuffer::emptied).collect(),
                self.leaf_parent.clone(),
            ),
        };
        self.rows = 0;
        ShreddedBatch {
            leaves: std::mem::replace(&mut self.leaves, leaves),
            logs: std::mem::replace(&mut self.logs, logs),
            leaf_parent,
        }
    }

    /// Empties the buffers (after they were written), keeping their allocations.
    pub fn clear_buffers(&mut self) {
        self.leaves.iter_mut().for_each(LeafBuffer::clear);
        self.logs.iter_mut().for_each(LeafBuffer::clear);
        self.rows = 0;
    }

    /// Lenient mode, Spark's JSON reader's rule for a given schema: a key the schema lacks is
    /// skipped (its value validated, at any depth), a string column takes any value as its
    /// JSON text without whitespace, and a value that does not fit its field makes that field
    /// null (at the field's own definition level: the innermost object field around the
    /// mismatch, so a list of objects keeps its objects and a list of scalars is null as a
    /// whole) while the rest of the document is kept; [`Shredder::take_partial`] says whether
    /// that happened. A required field cannot be null: its mismatch nulls the field around it.
    /// JSON faults still make the whole document bad. Off (strict, the CLI's rule) by default.
    pub fn set_lenient(&mut self, lenient: bool) {
        self.lenient = lenient;
    }

    /// In lenient mode, the first mismatch the document just shredded had (its field was
    /// written as null), taken.
    pub fn take_partial(&mut self) -> Option<BadDocument> {
        self.partial.take()
    }

    /// Takes the last complete document back out of the buffers.
    pub fn drop_last_row(&mut self) {
        if self.rows > 0 {
            self.rows -= 1;
            self.rollback_rows(self.rows);
        }
    }

    /// The leaf of the top-level optional string field `name`, if there is one.
    pub fn top_level_string_leaf(&self, name: &str) -> Option<usize> {
        let compile::NodeKind::Struct { keys, children, .. } = &self.nodes[self.root].kind else {
            return None;
        };
        let i = keys.iter().position(|k| &**k == name.as_bytes())?;
        let n = &self.nodes[children[i]];
        let is_string = matches!(
            n.kind,
            compile::NodeKind::Leaf {
                ty: compile::LeafType::String,
                ..
            }
        );
        (is_string && n.repetition == Repetition::Optional && n.leaves.len() == 1)
            .then_some(n.leaves.start)
    }

    /// Replaces the last document's entry of `leaf` (from [`Shredder::top_level_string_leaf`])
    /// with the string `text`.
    pub fn set_last_row_string(&mut self, leaf: usize, text: &str) {
        if self.rows == 0 {
            return;
        }
        self.fill_leaf(leaf);
        let buffer = &mut self.leaves[leaf];
        buffer.truncate_to(buffer.entries() - 1);
        let LeafValues::Bytes { data, ends } = &mut buffer.values else {
            unreachable!("string leaves hold bytes")
        };
        data.extend_from_slice(text.as_bytes());
        ends.push(data.len() as u32);
        let d = buffer.max_def;
        buffer.levels(0, d);
    }

    /// In lenient mode, the value of the optional or repeated field `child` of an object
    /// present at level `d`: on a mismatch its entries are taken back out, the rest of its
    /// value is skipped and it is written as null.
    fn field_or_null(
        &mut self,
        p: &mut Parser<'_>,
        child: usize,
        r: i16,
        d: i16,
    ) -> ShredResult<()> {
        let start = p.clone();
        let seen = self.seen.len();
        match self.value(p, child, r, d) {
            Err(mismatch @ BadDocument::Mismatch { .. }) => {
                self.undo_slot(child);
                self.seen.truncate(seen);
                *p = start;
                p.skip_value()?;
                self.nulls(child, 0..0, r, d);
                // Inner fields are walked first: the first one kept is the first in byte order.
                self.partial.get_or_insert(mismatch);
                Ok(())
            }
            other => other,
        }
    }

    /// Shreds the document at the parser's position. On error, everything the document had
    /// written is taken back out of the buffers.
    pub fn shred_document(&mut self, p: &mut Parser<'_>) -> ShredResult<()> {
        self.seen.clear();
        self.pending_duplicate = None;
        self.partial = None;
        let result = match p.peek() {
            Ok(ValueKind::Object) => match self.whole_document {
                Some(node) => {
                    // The root's slot, which `object` pushes otherwise.
                    self.logs[0].levels(0, 0);
                    self.item(p, node, 0)
                }
                None => self.item(p, self.root, 0),
            },
            Ok(kind) => Err(not_an_object(p.pos(), kind)),
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(()) => {
                self.rows += 1;
                Ok(())
            }
            Err(e) => {
                self.partial = None;
                self.rollback_rows(self.rows);
                Err(e)
            }
        }
    }

    fn mismatch<T>(&self, offset: usize, node: usize, reason: String) -> ShredResult<T> {
        Err(BadDocument::Mismatch {
            offset,
            path: self.paths[node].clone(),
            reason,
        })
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

    fn triplets(s: &mut Shredder, leaf: usize) -> Vec<(Option<String>, i16, i16)> {
        s.leaves()[leaf].triplets()
    }

    fn t(v: Option<&str>, r: i16, d: i16) -> (Option<String>, i16, i16) {
        (v.map(str::to_string), r, d)
    }

    #[test]
    fn empty_null_and_missing_lists_stop_at_distinct_levels() {
        let schema = Schema::new(vec![Field::list("a", DataType::Int64)]);
        let mut s = shred(
            &schema,
            &[
                r#"{"a": [1, null]}"#,
                r#"{"a": []}"#,
                r#"{"a": null}"#,
                r#"{}"#,
            ],
        );
        assert_eq!(
            triplets(&mut s, 0),
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
        let mut s = shred(&schema, &[r#"{"m": [[1, 2], [], null, [3]]}"#]);
        assert_eq!(
            triplets(&mut s, 0),
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
        let mut s = shred(
            &schema,
            &[r#"{"o": [{"k": 1, "l": ["a", "b"], "k": 2, "l": ["c"]}, {"k": 3, "k": null}]}"#],
        );
        assert_eq!(triplets(&mut s, 0), [t(Some("2"), 0, 4), t(None, 1, 3)]);
        assert_eq!(triplets(&mut s, 1), [t(Some("c"), 0, 6), t(None, 1, 3)]);
        assert_eq!(s.duplicate_keys(), 3);
    }

    #[test]
    fn a_failed_document_leaves_no_trace() {
        let schema = Schema::new(vec![
            Field::optional("a", DataType::Int64),
            Field::list("b", DataType::String),
        ]);
        let mut s = shred(&schema, &[r#"{"a": 1, "b": ["x"]}"#]);
        let before = (triplets(&mut s, 0), triplets(&mut s, 1));
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
            assert_eq!((triplets(&mut s, 0), triplets(&mut s, 1)), before, "{bad}");
        }
        assert_eq!(s.buffered_rows(), 1);
    }

    #[test]
    fn lenient_mode_nulls_a_mismatched_field_at_its_own_level() {
        let schema = Schema::new(vec![
            Field::list(
                "lo",
                DataType::Struct(vec![
                    Field::optional("x", DataType::Int64),
                    Field::optional("y", DataType::Int64),
                ]),
            ),
            Field::list("l", DataType::Int64),
        ]);
        let mut s = Shredder::new(&schema);
        s.set_lenient(true);
        let doc = r#"{"lo": [{"x": 1, "y": 2}, {"x": [[1]], "y": 3, "z": {"q": [1]}}], "l": [1, "s", 2]}"#;
        s.shred_document(&mut Parser::new(doc.as_bytes(), 0, 64))
            .unwrap();
        // The second object keeps `y`; its `x` is null at the object's level (3, not 4).
        assert_eq!(triplets(&mut s, 0), [t(Some("1"), 0, 4), t(None, 1, 3)]);
        assert_eq!(
            triplets(&mut s, 1),
            [t(Some("2"), 0, 4), t(Some("3"), 1, 4)]
        );
        // A list of scalars with a bad item is null as a whole (as in Spark).
        assert_eq!(triplets(&mut s, 2), [t(None, 0, 0)]);
        let Some(BadDocument::Mismatch { offset, path, .. }) = s.take_partial() else {
            panic!("no partial")
        };
        assert_eq!(
            (path.to_string(), &doc[offset..offset + 1]),
            ("lo[].x".into(), "[")
        );
        // Valid JSON throughout or not at all: a fault after a nulled field is the document's.
        let bad = r#"{"lo": [{"x": "a"}], "l": [1, }"#;
        assert!(matches!(
            s.shred_document(&mut Parser::new(bad.as_bytes(), 0, 64)),
            Err(BadDocument::Parse(_))
        ));
        assert!(s.take_partial().is_none());
        assert_eq!(s.buffered_rows(), 1);
        assert_eq!(triplets(&mut s, 0).len(), 2);
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
        let BadDocument::Mismatch {
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
            triplets(&mut s, 0),
            [t(Some("3.0"), 0, 1), t(Some("9007199254740992.0"), 0, 1)]
        );
        let err = s
            .shred_document(&mut Parser::new(br#"{"x": 9007199254740993}"#, 0, 64))
            .unwrap_err();
        assert!(matches!(err, BadDocument::Mismatch { .. }), "{err:?}");
    }

    #[test]
    fn empty_objects_use_the_placeholder_column() {
        let schema = Schema::new(vec![Field::optional("e", DataType::Struct(vec![]))]);
        let mut s = shred(&schema, &[r#"{"e": {}}"#, r#"{"e": null}"#, r#"{}"#]);
        assert_eq!(
            triplets(&mut s, 0),
            [t(None, 0, 1), t(None, 0, 0), t(None, 0, 0)]
        );
        assert_eq!(s.leaves()[0].max_def, 2);
    }
}
