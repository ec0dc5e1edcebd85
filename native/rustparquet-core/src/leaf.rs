//! Leaf column buffers: what the shredder produces and the writer encodes. A [`LeafBuffer`]
//! holds one leaf column's definition levels, repetition levels and non-null values
//! ([`LeafValues`], in the physical type the column is written as) for a batch of complete
//! documents, and knows how to take a document's entries back out (a document that fails half
//! way leaves no trace). A [`LeafColumn`] is one column as the writer reads it, and knows which
//! entries belong to a range of rows ([`LeafSlice`]); [`Columns`] is a batch of them, whose
//! columns may still miss their last slots (the shredder's lazy nulls, `shred/lazy.rs`): those
//! are filled as each column is read ([`Columns::column`]), into a scratch buffer
//! ([`Levels`]) that is reused column after column, so a batch is held in memory without the
//! nulls of its sparse columns. It sits below both [`crate::shred`] and [`crate::write`], so
//! neither imports the other.

use std::ops::Range;

use crate::schema::DataType;

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
    pub(crate) fn for_type(t: &DataType) -> Self {
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

    /// Values of the same type, none, without allocations.
    pub(crate) fn emptied(&self) -> Self {
        match self {
            LeafValues::Boolean(_) => LeafValues::Boolean(Vec::new()),
            LeafValues::Int64(_) => LeafValues::Int64(Vec::new()),
            LeafValues::Double(_) => LeafValues::Double(Vec::new()),
            LeafValues::Decimal(_) => LeafValues::Decimal(Vec::new()),
            LeafValues::Bytes { .. } => LeafValues::Bytes {
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
    /// Repetition level at or below which an entry starts a new slot of the enclosing struct
    /// (the struct's own repetition level); set by the shredder, see [`LeafBuffer::slots`].
    pub(crate) slot_rep: i16,
    /// Slots started (entries with repetition level at most `slot_rep`).
    slots: usize,
}

impl LeafBuffer {
    pub(crate) fn new(max_def: i16, max_rep: i16, data_type: &DataType) -> Self {
        LeafBuffer {
            max_def,
            max_rep,
            def_levels: Vec::new(),
            rep_levels: Vec::new(),
            values: LeafValues::for_type(data_type),
            entries: 0,
            rows: 0,
            slot_rep: 0,
            slots: 0,
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

    /// Slots of the enclosing struct this buffer has entries for: a struct's every value
    /// (present or null) is one slot, and its columns' entries of one slot start with the one
    /// whose repetition level is at most `slot_rep` (the rest repeat deeper lists). The
    /// shredder fills the slots a column was absent from lazily ([`LeafBuffer::fill_from`]).
    pub(crate) fn slots(&self) -> usize {
        self.slots
    }

    /// The column as the writer reads it (every slot filled: see [`Columns::column`]).
    pub fn column(&self) -> LeafColumn<'_> {
        LeafColumn {
            max_def: self.max_def,
            max_rep: self.max_rep,
            def_levels: &self.def_levels,
            rep_levels: &self.rep_levels,
            values: &self.values,
            entries: self.entries,
        }
    }

    /// The column with the slots it missed at its end filled as nulls from `log` (its parent
    /// struct's slot log, itself filled), as [`LeafBuffer::fill_from`] would fill them: into
    /// `scratch` if it missed any, else the buffer as it is.
    fn column_filled<'a>(&'a self, log: &LeafBuffer, scratch: &'a mut Levels) -> LeafColumn<'a> {
        let missed = self.slots..log.entries();
        if missed.is_empty() {
            return self.column();
        }
        let n = missed.len();
        let Levels { def, rep } = scratch;
        def.clear();
        rep.clear();
        if self.max_def > 0 {
            def.reserve(self.entries + n);
            def.extend_from_slice(&self.def_levels);
            def.extend_from_slice(&log.def_levels[missed.clone()]);
        }
        if self.max_rep > 0 {
            rep.reserve(self.entries + n);
            rep.extend_from_slice(&self.rep_levels);
            if log.max_rep > 0 {
                rep.extend_from_slice(&log.rep_levels[missed]);
            } else {
                rep.resize(self.entries + n, 0);
            }
        }
        LeafColumn {
            max_def: self.max_def,
            max_rep: self.max_rep,
            def_levels: def,
            rep_levels: rep,
            values: &self.values,
            entries: self.entries + n,
        }
    }

    /// A buffer of the same column, empty, without allocations.
    pub(crate) fn emptied(&self) -> LeafBuffer {
        LeafBuffer {
            max_def: self.max_def,
            max_rep: self.max_rep,
            def_levels: Vec::new(),
            rep_levels: Vec::new(),
            values: self.values.emptied(),
            entries: 0,
            rows: 0,
            slot_rep: self.slot_rep,
            slots: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn levels(&mut self, r: i16, d: i16) {
        if self.max_def > 0 {
            self.def_levels.push(d);
        }
        if self.max_rep > 0 {
            self.rep_levels.push(r);
        }
        self.entries += 1;
        self.rows += (r == 0) as usize;
        self.slots += (r <= self.slot_rep) as usize;
    }

    /// Appends the entries `slots` of `log` (a struct's slots: levels and no values, whose
    /// `max_rep` is this buffer's `slot_rep`) as nulls: the slots this column was absent from,
    /// whose levels are the struct's own (absent member of a present struct, or the struct
    /// absent at its parent's level).
    pub(crate) fn fill_from(&mut self, log: &LeafBuffer, slots: Range<usize>) {
        let n = slots.len();
        if self.max_def > 0 {
            self.def_levels
                .extend_from_slice(&log.def_levels[slots.clone()]);
        }
        let rows = if log.max_rep > 0 {
            let rep = &log.rep_levels[slots];
            if self.max_rep > 0 {
                self.rep_levels.extend_from_slice(rep);
            }
            rep.iter().filter(|&&r| r == 0).count()
        } else {
            if self.max_rep > 0 {
                self.rep_levels.resize(self.rep_levels.len() + n, 0);
            }
            n
        };
        self.entries += n;
        self.rows += rows;
        self.slots += n;
    }

    fn rep_at(&self, i: usize) -> i16 {
        level_at(&self.rep_levels, self.max_rep, i)
    }

    fn def_at(&self, i: usize) -> i16 {
        level_at(&self.def_levels, self.max_def, i)
    }

    /// Drops entries from index `from` on (a mark taken with [`LeafBuffer::entries`]).
    pub(crate) fn truncate_to(&mut self, from: usize) {
        self.truncate_entries(from)
    }

    /// Drops entries from index `from` on.
    fn truncate_entries(&mut self, from: usize) {
        if from >= self.entries {
            return;
        }
        let mut dropped_values = 0;
        let mut dropped_rows = 0;
        let mut dropped_slots = 0;
        for i in from..self.entries {
            dropped_values += (self.def_at(i) == self.max_def) as usize;
            dropped_rows += (self.rep_at(i) == 0) as usize;
            dropped_slots += (self.rep_at(i) <= self.slot_rep) as usize;
        }
        let values = self.values.len() - dropped_values;
        self.values.truncate(values);
        self.def_levels
            .truncate(if self.max_def > 0 { from } else { 0 });
        self.rep_levels
            .truncate(if self.max_rep > 0 { from } else { 0 });
        self.entries = from;
        self.rows -= dropped_rows;
        self.slots -= dropped_slots;
    }

    /// Drops the entries of the row being written, if it has started in this column.
    pub(crate) fn rollback_row(&mut self, committed_rows: usize) {
        if self.rows > committed_rows {
            let start = (0..self.entries)
                .rev()
                .find(|&i| self.rep_at(i) == 0)
                .unwrap_or(0);
            self.truncate_entries(start);
        }
    }

    /// Keeps the entries of the first `slots` slots only.
    pub(crate) fn truncate_slots(&mut self, slots: usize) {
        let (mut seen, mut i) = (self.slots, self.entries);
        while seen > slots {
            i -= 1;
            seen -= (self.rep_at(i) <= self.slot_rep) as usize;
        }
        self.truncate_entries(i);
    }

    /// Empties the buffer, keeping its allocations.
    pub fn clear(&mut self) {
        self.def_levels.clear();
        self.rep_levels.clear();
        self.values.clear();
        self.entries = 0;
        self.rows = 0;
        self.slots = 0;
    }

    /// Bytes of buffered data.
    pub fn heap_bytes(&self) -> usize {
        self.def_levels.len() * 2 + self.rep_levels.len() * 2 + self.values.heap_bytes()
    }

    /// The entries as (value as JSON text or `None` for null, r, d) triplets, as the Dremel
    /// paper prints them. For tests and debugging.
    pub fn triplets(&self) -> Vec<(Option<String>, i16, i16)> {
        self.column().triplets()
    }
}

/// The entries and values of a column that belong to a range of rows.
pub(crate) struct LeafSlice {
    pub entries: Range<usize>,
    pub values: Range<usize>,
}

/// One leaf column as the writer reads it: levels (empty when the column's maximum is 0) and
/// values, every slot filled.
#[derive(Debug, Clone, Copy)]
pub struct LeafColumn<'a> {
    pub max_def: i16,
    pub max_rep: i16,
    pub def_levels: &'a [i16],
    pub rep_levels: &'a [i16],
    pub values: &'a LeafValues,
    entries: usize,
}

impl LeafColumn<'_> {
    /// Number of entries (values and nulls).
    pub fn entries(&self) -> usize {
        self.entries
    }

    fn rep_at(&self, i: usize) -> i16 {
        level_at(&self.rep_levels, self.max_rep, i)
    }

    fn def_at(&self, i: usize) -> i16 {
        level_at(&self.def_levels, self.max_def, i)
    }

    /// All entries and values.
    pub(crate) fn all(&self) -> LeafSlice {
        LeafSlice {
            entries: 0..self.entries,
            values: 0..self.values.len(),
        }
    }

    /// The entries and values of rows `rows` (a scan of the levels: for splitting a batch
    /// between two row groups, which is rare).
    pub(crate) fn slice_rows(&self, rows: Range<usize>) -> LeafSlice {
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
        LeafSlice {
            entries: e0..e1,
            values: values_before(e0)..values_before(e1),
        }
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

/// Scratch levels a column missing slots is filled into while it is read
/// ([`Columns::column`]); one per thread that reads columns, reused column after column.
#[derive(Debug, Default)]
pub struct Levels {
    def: Vec<i16>,
    rep: Vec<i16>,
}

/// A batch of shredded columns as the writer reads them: each leaf buffer, and when the
/// buffers come straight from the shredder, the struct slot logs their missed slots are
/// filled from (`shred/lazy.rs`: a column holds its slots up to where it was last written;
/// the rest, up to its parent log's end, are nulls at the log's levels). Filling a column
/// only as it is read keeps a batch of a sparse schema at the size of its values instead of
/// one entry per column per document (heterogeneous: a chunk's 8.3 MB instead of 18.4 MB).
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    leaves: &'a [LeafBuffer],
    /// The filled slot logs, the root's first (empty when every leaf is filled).
    logs: &'a [LeafBuffer],
    /// The log each leaf's missed slots are filled from.
    leaf_parent: &'a [usize],
}

impl<'a> Columns<'a> {
    /// Leaf buffers `leaves` with their missed slots in the logs `logs` (each filled up to
    /// its parent's end; the root's, `logs[0]`, has one slot per document), leaf `i`'s in
    /// `logs[leaf_parent[i]]`.
    pub(crate) fn with_gaps(
        leaves: &'a [LeafBuffer],
        logs: &'a [LeafBuffer],
        leaf_parent: &'a [usize],
    ) -> Self {
        debug_assert_eq!(leaves.len(), leaf_parent.len());
        Columns {
            leaves,
            logs,
            leaf_parent,
        }
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether there are no columns.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Rows (documents) in the batch.
    pub fn rows(&self) -> usize {
        match self.logs.first() {
            Some(root) => root.rows(),
            None => self.leaves.first().map_or(0, LeafBuffer::rows),
        }
    }

    /// Column `i`, its missed slots filled into `scratch` (when it has any).
    pub fn column<'s>(&self, i: usize, scratch: &'s mut Levels) -> LeafColumn<'s>
    where
        'a: 's,
    {
        let leaf = &self.leaves[i];
        if self.logs.is_empty() {
            leaf.column()
        } else {
            leaf.column_filled(&self.logs[self.leaf_parent[i]], scratch)
        }
    }
}

/// Buffers that are filled already (what [`crate::shred::Shredder::leaves`] returns).
impl<'a> From<&'a [LeafBuffer]> for Columns<'a> {
    fn from(leaves: &'a [LeafBuffer]) -> Self {
        Columns {
            leaves,
            logs: &[],
            leaf_parent: &[],
        }
    }
}

impl<'a> From<&'a Vec<LeafBuffer>> for Columns<'a> {
    fn from(leaves: &'a Vec<LeafBuffer>) -> Self {
        leaves.as_slice().into()
    }
}

/// Entry `i`'s level in `levels`, which are not kept when the column's maximum level is 0.
#[inline]
fn level_at(levels: &[i16], max: i16, i: usize) -> i16 {
    if max > 0 {
        levels[i]
    } else {
        0
    }
}
