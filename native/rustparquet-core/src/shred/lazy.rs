//! Absent members cost nothing per column: a struct's every value (present, or null at its
//! parent's level) is a *slot*, recorded once in the struct's *log* (a [`LeafBuffer`] of
//! levels without values). A member absent from a present struct is null at the struct's
//! level, and every column under an absent struct is null at the level the struct's own slot
//! has: either way, the entries a column misses are the log's entries for those slots. So the
//! walk writes nothing for an absent member; a column (or a nested struct's log) copies the
//! slots it missed from its parent's log when it is next written ([`Shredder::catch_up`]).
//! When the buffers are handed out, the logs are filled ([`Shredder::fill_logs`]) and the
//! columns are not: the writer fills each as it reads it ([`crate::leaf::Columns`]), so a
//! batch in flight holds no entry for an absent member (callers that want the buffers
//! themselves get them filled, [`Shredder::fill_all`]). The levels are exactly those the
//! eager walk would write.
//!
//! The columns and logs a node writes to directly are its *units* ([`Node::tops`]); each
//! counts the slots of its parent log it has entries for ([`LeafBuffer::slots`]): that count
//! is where it was last written, so taking entries back out (a failed document, a duplicate
//! key, a lenient mismatch) needs no other bookkeeping.
//!
//! [`Node::tops`]: super::compile::Node::tops

use super::Shredder;
use crate::leaf::LeafBuffer;
use crate::schema::DataType;

/// What a node writes to: a leaf column or a struct's slot log (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Leaf(usize),
    Log(usize),
}

impl Shredder {
    /// Starts the log of struct node `node` (present at `def`, repetition `rep`) while it is
    /// compiled: the columns pushed so far belong to the enclosing log, those up to
    /// [`Shredder::end_log`] to this one.
    pub(super) fn begin_log(&mut self, node: usize, def: i16, rep: i16) -> usize {
        self.assign_leaves();
        let log = self.logs.len();
        // No entry of a log is a value: one level past the struct's.
        let mut buffer = LeafBuffer::new(def + 1, rep, &DataType::Boolean);
        if log > 0 {
            buffer.slot_rep = self.logs[self.compiling_log].max_rep;
        }
        self.logs.push(buffer);
        self.log_parent.push(self.compiling_log);
        self.log_node.push(node);
        self.compiling_log = log;
        log
    }

    /// Ends the log [`Shredder::begin_log`] started.
    pub(super) fn end_log(&mut self, log: usize) {
        self.assign_leaves();
        self.compiling_log = self.log_parent[log];
    }

    /// The columns pushed since the last look belong to the log being compiled.
    fn assign_leaves(&mut self) {
        let log = self.compiling_log;
        let slot_rep = self.logs.get(log).map_or(0, |l| l.max_rep);
        for leaf in &mut self.leaves[self.leaf_parent.len()..] {
            leaf.slot_rep = slot_rep;
        }
        self.leaf_parent.resize(self.leaves.len(), log);
    }

    /// The parent log of `unit` and the buffer itself.
    fn parts(&mut self, unit: Unit) -> (&LeafBuffer, &mut LeafBuffer) {
        match unit {
            Unit::Leaf(i) => (&self.logs[self.leaf_parent[i]], &mut self.leaves[i]),
            Unit::Log(j) => {
                // Logs are numbered depth first: a parent comes before its children.
                let (parents, rest) = self.logs.split_at_mut(j);
                (&parents[self.log_parent[j]], &mut rest[0])
            }
        }
    }

    /// Fills the slots the units of `node` missed before the current one of their parent
    /// (`node`'s context, the last slot), which `node`'s value is about to write.
    #[inline]
    pub(super) fn catch_up(&mut self, node: usize) {
        let Shredder {
            nodes,
            leaves,
            logs,
            ..
        } = self;
        let n = &nodes[node];
        let current = logs[n.ctx].entries() - 1;
        for &unit in &n.tops {
            let (parent, buffer) = match unit {
                Unit::Leaf(i) => (&logs[n.ctx], &mut leaves[i]),
                Unit::Log(j) => {
                    let (parents, rest) = logs.split_at_mut(j);
                    (&parents[n.ctx], &mut rest[0])
                }
            };
            if buffer.slots() < current {
                buffer.fill_from(parent, buffer.slots()..current);
            }
        }
    }

    /// Fills the slots `unit` missed, up to its parent's last.
    fn fill(&mut self, unit: Unit) {
        let (parent, buffer) = self.parts(unit);
        let end = parent.entries();
        if buffer.slots() < end {
            buffer.fill_from(parent, buffer.slots()..end);
        }
    }

    /// Fills every column up to the last complete document (parents first).
    pub(super) fn fill_all(&mut self) {
        self.fill_logs();
        for i in 0..self.leaves.len() {
            self.fill(Unit::Leaf(i));
        }
    }

    /// Fills every slot log up to the last complete document (parents first), leaving the
    /// columns to be filled as they are read ([`crate::leaf::Columns`]).
    pub(super) fn fill_logs(&mut self) {
        for j in 1..self.logs.len() {
            self.fill(Unit::Log(j));
        }
    }

    /// Fills leaf `leaf` up to the last complete document.
    pub(super) fn fill_leaf(&mut self, leaf: usize) {
        let mut chain = vec![];
        let mut log = self.leaf_parent[leaf];
        while log > 0 {
            chain.push(log);
            log = self.log_parent[log];
        }
        for &log in chain.iter().rev() {
            self.fill(Unit::Log(log));
        }
        self.fill(Unit::Leaf(leaf));
    }

    /// Writes a null at levels `r`, `d` to every unit of `node` (caught up), except those
    /// whose columns lie in `keep`.
    pub(super) fn nulls(&mut self, node: usize, keep: std::ops::Range<usize>, r: i16, d: i16) {
        let Shredder {
            nodes,
            leaves,
            logs,
            log_node,
            ..
        } = self;
        for &unit in &nodes[node].tops {
            match unit {
                Unit::Leaf(i) if !keep.contains(&i) => leaves[i].levels(r, d),
                Unit::Log(j) if !keep.contains(&nodes[log_node[j]].leaves.start) => {
                    logs[j].levels(r, d)
                }
                _ => {}
            }
        }
    }

    /// Takes back out everything node `node` wrote in the current slot of its parent log
    /// (whose units it has caught up): the earlier value of a duplicate key, a field lenient
    /// mode nulls.
    pub(super) fn undo_slot(&mut self, node: usize) {
        let (ctx, end, leaves) = {
            let n = &self.nodes[node];
            (n.ctx, n.end, n.leaves.clone())
        };
        let current = self.logs[ctx].entries() - 1;
        // A unit keeps the slots its parent (already cut back, parents first) still has.
        let keep = |s: &Self, parent: usize| {
            if parent == ctx {
                current
            } else {
                s.logs[parent].entries()
            }
        };
        let first = self.log_node.partition_point(|&n| n < node);
        for j in first..self.log_node.len() {
            if self.log_node[j] >= end {
                break;
            }
            let slots = keep(self, self.log_parent[j]);
            self.logs[j].truncate_slots(slots);
        }
        for i in leaves {
            let slots = keep(self, self.leaf_parent[i]);
            self.leaves[i].truncate_slots(slots);
        }
    }

    /// Takes the entries of the row being written out of every column and log.
    pub(super) fn rollback_rows(&mut self, committed: usize) {
        self.logs
            .iter_mut()
            .chain(self.leaves.iter_mut())
            .for_each(|l| l.rollback_row(committed));
    }

    /// Bytes the columns would hold filled: what [`LeafBuffer::heap_bytes`] says once every
    /// missed slot is filled, so batches are cut where they were cut before.
    pub(super) fn filled_bytes(&self) -> usize {
        // Entries each log has once filled.
        let mut filled = Vec::with_capacity(self.logs.len());
        for (j, log) in self.logs.iter().enumerate() {
            let missed = match j {
                0 => 0,
                _ => filled[self.log_parent[j]] - log.slots(),
            };
            filled.push(log.entries() + missed);
        }
        self.leaves
            .iter()
            .zip(&self.leaf_parent)
            .map(|(leaf, &parent)| {
                let missed = filled[parent] - leaf.slots();
                let per_entry = 2 * (leaf.max_def > 0) as usize + 2 * (leaf.max_rep > 0) as usize;
                leaf.heap_bytes() + missed * per_entry
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Parser;
    use crate::schema::{Field, Schema};
    use crate::shred::ShreddedBatch;

    type Triplet = (Option<String>, i16, i16);

    fn t(v: Option<&str>, r: i16, d: i16) -> Triplet {
        (v.map(str::to_string), r, d)
    }

    fn shred(s: &mut Shredder, doc: &str) -> bool {
        s.shred_document(&mut Parser::new(doc.as_bytes(), 0, 64))
            .is_ok()
    }

    fn all(s: &mut Shredder) -> Vec<Vec<Triplet>> {
        s.leaves().iter().map(LeafBuffer::triplets).collect()
    }

    /// `a`, and `s {x, t {y}}`.
    fn nested() -> Schema {
        Schema::new(vec![
            Field::optional("a", DataType::Int64),
            Field::optional(
                "s",
                DataType::Struct(vec![
                    Field::optional("x", DataType::Int64),
                    Field::optional(
                        "t",
                        DataType::Struct(vec![Field::optional("y", DataType::Int64)]),
                    ),
                ]),
            ),
        ])
    }

    #[test]
    fn gaps_are_filled_at_the_end_of_a_batch() {
        // Present, absent and empty members at each level of `nested()`.
        const DOCS: [&str; 4] = [
            r#"{"a": 1}"#,
            r#"{"s": {}}"#,
            r#"{"s": {"t": {}}}"#,
            r#"{}"#,
        ];
        let mut s = Shredder::new(&nested());
        for doc in DOCS {
            assert!(shred(&mut s, doc));
        }
        let bytes = s.buffered_bytes();
        let columns = all(&mut s);
        assert_eq!(
            bytes,
            s.leaves.iter().map(LeafBuffer::heap_bytes).sum::<usize>()
        );
        assert_eq!(
            columns,
            [
                vec![
                    t(Some("1"), 0, 1),
                    t(None, 0, 0),
                    t(None, 0, 0),
                    t(None, 0, 0)
                ],
                vec![t(None, 0, 0), t(None, 0, 1), t(None, 0, 1), t(None, 0, 0)],
                vec![t(None, 0, 0), t(None, 0, 1), t(None, 0, 2), t(None, 0, 0)],
            ]
        );
        // A batch handed out unfilled reads as the filled columns; a new batch starts with
        // no gap carried over.
        let mut s2 = Shredder::new(&nested());
        for doc in DOCS {
            assert!(shred(&mut s2, doc));
        }
        let taken = s2.take_batch(None);
        let mut scratch = crate::leaf::Levels::default();
        let read = |batch: &ShreddedBatch, scratch: &mut crate::leaf::Levels| {
            let c = batch.columns();
            (0..c.len())
                .map(|i| c.column(i, scratch).triplets())
                .collect::<Vec<_>>()
        };
        assert_eq!(taken.rows(), 4);
        assert_eq!(read(&taken, &mut scratch), columns);
        assert!(shred(&mut s2, r#"{"s": {"t": {"y": 7}}}"#));
        assert!(shred(&mut s2, r#"{"a": 2}"#));
        // Its buffers come back as the next batch's.
        let next = s2.take_batch(Some(taken));
        assert_eq!(
            read(&next, &mut scratch),
            [
                vec![t(None, 0, 0), t(Some("2"), 0, 1)],
                vec![t(None, 0, 1), t(None, 0, 0)],
                vec![t(Some("7"), 0, 3), t(None, 0, 0)],
            ]
        );
        s.clear_buffers();
        assert!(shred(&mut s, r#"{"s": {"t": {"y": 7}}}"#));
        assert!(shred(&mut s, r#"{"a": 2}"#));
        assert_eq!(
            all(&mut s),
            [
                vec![t(None, 0, 0), t(Some("2"), 0, 1)],
                vec![t(None, 0, 1), t(None, 0, 0)],
                vec![t(Some("7"), 0, 3), t(None, 0, 0)],
            ]
        );
    }

    /// Shreds `docs` (the bad ones fail) in one shredder, and the good ones alone in another:
    /// both must hold the same columns, whenever they are looked at.
    fn same_as_without_the_bad_ones(schema: &Schema, docs: &[(&str, bool)]) {
        let mut with = Shredder::new(schema);
        let mut without = Shredder::new(schema);
        for &(doc, good) in docs {
            assert_eq!(shred(&mut with, doc), good, "{doc}");
            if good {
                assert!(shred(&mut without, doc), "{doc}");
            }
            assert_eq!(with.buffered_bytes(), without.buffered_bytes(), "{doc}");
        }
        assert_eq!(all(&mut with), all(&mut without));
    }

    #[test]
    fn a_failed_document_after_a_gap_leaves_the_gap_to_fill() {
        let schema = nested();
        same_as_without_the_bad_ones(
            &schema,
            &[
                (r#"{"a": 1}"#, true),
                (r#"{"s": {"t": {"y": 1}}}"#, true),
                (r#"{}"#, true),
                // Catches `s`, `t` and `y` up, then fails.
                (r#"{"s": {"x": 3, "t": {"y": "no"}}}"#, false),
                (r#"{"a": 2, "s": {"t": {"y": 2}, "x": "no"}}"#, false),
                (r#"{"s": {"x": 4}}"#, true),
                (r#"{"s": {"t": {"y": 5}}, "b": 1}"#, false),
                (r#"{"a": 3}"#, true),
            ],
        );
        let mut s = Shredder::new(&schema);
        for doc in [r#"{"s": {"t": {"y": 1}}}"#, r#"{"a": 1}"#, r#"{}"#] {
            assert!(shred(&mut s, doc));
        }
        s.drop_last_row();
        s.drop_last_row();
        assert!(shred(&mut s, r#"{"s": {}}"#));
        assert_eq!(all(&mut s)[2], [t(Some("1"), 0, 3), t(None, 0, 1)]);
    }

    #[test]
    fn a_duplicate_key_takes_back_what_the_earlier_value_caught_up() {
        let schema = Schema::new(vec![
            Field::optional("a", DataType::Int64),
            Field::list(
                "l",
                DataType::Struct(vec![
                    Field::optional(
                        "s",
                        DataType::Struct(vec![Field::optional("y", DataType::Int64)]),
                    ),
                    Field::optional("z", DataType::Int64),
                ]),
            ),
        ]);
        let mut s = Shredder::new(&schema);
        for doc in [
            r#"{"a": 1}"#,
            r#"{"l": [{"s": {"y": 1}, "s": {}}, {"z": 2, "s": {"y": 3}, "s": null}]}"#,
            r#"{"l": [{"z": 1}], "l": [{"s": {"y": 4}}, {}], "l": [{}, {"s": {"y": 5}}]}"#,
        ] {
            assert!(shred(&mut s, doc));
        }
        assert_eq!(s.duplicate_keys(), 4);
        let columns = all(&mut s);
        assert_eq!(
            columns[1],
            [
                t(None, 0, 0),
                t(None, 0, 4),
                t(None, 1, 3),
                t(None, 0, 3),
                t(Some("5"), 1, 5)
            ]
        );
        assert_eq!(
            columns[2],
            [
                t(None, 0, 0),
                t(None, 0, 3),
                t(Some("2"), 1, 4),
                t(None, 0, 3),
                t(None, 1, 3)
            ]
        );
    }

    #[test]
    fn optional_structs_under_lists_take_their_parents_levels() {
        let schema = Schema::new(vec![Field::list(
            "l",
            DataType::Struct(vec![
                Field::optional(
                    "s",
                    DataType::Struct(vec![Field::optional("y", DataType::Int64)]),
                ),
                Field::optional("z", DataType::Int64),
            ]),
        )]);
        let docs = [
            r#"{"l": [{"z": 1}, {"s": {"y": 2}}, {}]}"#,
            r#"{"l": []}"#,
            r#"{}"#,
            r#"{"l": null}"#,
            r#"{"l": [{"s": {}}]}"#,
            r#"{"l": [{"s": null}, {"s": {"y": 3}}]}"#,
        ];
        let mut s = Shredder::new(&schema);
        for doc in docs {
            assert!(shred(&mut s, doc));
        }
        let columns = all(&mut s);
        assert_eq!(
            columns[0],
            [
                t(None, 0, 3),
                t(Some("2"), 1, 5),
                t(None, 1, 3),
                t(None, 0, 1),
                t(None, 0, 0),
                t(None, 0, 0),
                t(None, 0, 4),
                t(None, 0, 3),
                t(Some("3"), 1, 5)
            ]
        );
        assert_eq!(
            columns[1],
            [
                t(Some("1"), 0, 4),
                t(None, 1, 3),
                t(None, 1, 3),
                t(None, 0, 1),
                t(None, 0, 0),
                t(None, 0, 0),
                t(None, 0, 3),
                t(None, 0, 3),
                t(None, 1, 3)
            ]
        );
        // Failures inside list items, after items that caught columns up.
        let mut mixed: Vec<(&str, bool)> = docs.iter().map(|d| (*d, true)).collect();
        mixed.insert(2, (r#"{"l": [{"s": {"y": 1}}, {"z": "no"}]}"#, false));
        mixed.insert(
            4,
            (r#"{"l": [{}, {"s": {"y": 1}}, {"s": {"y": 1.5}}]}"#, false),
        );
        same_as_without_the_bad_ones(&schema, &mixed);
    }
}
