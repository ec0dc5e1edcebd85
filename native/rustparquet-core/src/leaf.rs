//! Leaf column buffers: what the shredder produces and the writer encodes. A [`LeafBuffer`]
//! holds one leaf column's definition levels, repetition levels and non-null values
//! ([`LeafValues`], in the physical type the column is written as) for a batch of complete
//! documents, and knows how to take a document's entries back out (a document that fails half
//! way leaves no trace) and which entries belong to a range of rows ([`LeafSlice`]). It sits
//! below both [`crate::shred`] and [`crate::write`], so neither imports the other.

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

/// The entries and values of a leaf buffer that belong to a range of rows.
pub(crate) struct LeafSlice {
    pub entries: Range<usize>,
    pub values: Range<usize>,
}
