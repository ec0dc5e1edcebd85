//! Batch cutting: an [`ArrowSink`] shreds documents and, whenever its buffers hold
//! [`BatchLimits::rows`] documents or about [`BatchLimits::bytes`] of shredded data, builds
//! them into one Arrow batch with a [`BatchBuilder`] and hands it out. The one rule for the
//! sequential reader ([`super::batches`]) and the parallel chunks ([`super::parallel`]).

use arrow_array::RecordBatch;

use super::BatchBuilder;
use crate::bad_document::BadDocument;
use crate::error::{Location, Result};
use crate::input::DocumentSink;
use crate::json::Parser;
use crate::shred::Shredder;

/// The default most rows in a batch.
pub const DEFAULT_BATCH_ROWS: usize = 65_536;
/// The default shredded bytes past which a batch is cut (its Arrow arrays take about as much).
pub const DEFAULT_BATCH_BYTES: usize = 64 << 20;

/// Documents between two looks at the buffers' size (summing it walks every column).
const DOCUMENTS_PER_LOOK: usize = 64;

/// How large a batch may grow.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// Most documents in a batch (exact).
    pub rows: usize,
    /// Shredded bytes past which a batch ends (checked every 64 documents).
    pub bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            rows: DEFAULT_BATCH_ROWS,
            bytes: DEFAULT_BATCH_BYTES,
        }
    }
}

/// What a [`read_batches`] run read.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    pub documents: u64,
    pub batches: u64,
    pub bad_documents: u64,
    pub first_errors: Vec<String>,
    pub duplicate_keys: u64,
}

/// Where a batch's last document stands among the findings of its run: the bad documents met
/// and the duplicate keys counted up to it (a parallel chunk's consumer stopping after this
/// batch reports exactly these, as the sequential reader would).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Mark {
    pub bad: u64,
    pub duplicate_keys: u64,
}

/// Shreds documents and cuts batches: whenever `limits` are reached (rows exactly, bytes
/// every [`DOCUMENTS_PER_LOOK`] documents) and at [`ArrowSink::flush`]. The one rule for both
/// the sequential reader and the parallel chunks.
pub(super) struct ArrowSink<'a, E: FnMut(RecordBatch, Mark) -> bool> {
    pub shredder: &'a mut Shredder,
    builder: &'a BatchBuilder,
    limits: BatchLimits,
    since_look: usize,
    emit: E,
    pub batches: u64,
    /// The consumer wants no more batches.
    pub stopped: bool,
    /// Bad documents met so far.
    bad: u64,
    /// The findings at the last document taken.
    at_last: Mark,
}

impl<'a, E: FnMut(RecordBatch, Mark) -> bool> ArrowSink<'a, E> {
    pub fn new(
        shredder: &'a mut Shredder,
        builder: &'a BatchBuilder,
        limits: BatchLimits,
        emit: E,
    ) -> Self {
        ArrowSink {
            shredder,
            builder,
            limits,
            since_look: 0,
            emit,
            batches: 0,
            stopped: false,
            bad: 0,
            at_last: Mark::default(),
        }
    }

    /// Builds and hands out the buffered documents, if any.
    pub fn flush(&mut self) -> Result<()> {
        let rows = self.shredder.buffered_rows();
        if rows == 0 || self.stopped {
            return Ok(());
        }
        let batch = self.builder.build(self.shredder.leaves_mut(), rows)?;
        self.shredder.clear_buffers();
        self.since_look = 0;
        self.batches += 1;
        self.stopped = !(self.emit)(batch, self.at_last);
        Ok(())
    }
}

impl<E: FnMut(RecordBatch, Mark) -> bool> DocumentSink for ArrowSink<'_, E> {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        let taken = self.shredder.document(p, locate);
        if taken.is_err() {
            self.bad += 1;
        }
        taken
    }

    fn after_document(&mut self) -> Result<bool> {
        self.at_last = Mark {
            bad: self.bad,
            duplicate_keys: self.shredder.duplicate_keys(),
        };
        self.since_look += 1;
        let full = self.shredder.buffered_rows() >= self.limits.rows
            || (self.since_look.is_multiple_of(DOCUMENTS_PER_LOOK)
                && self.shredder.buffered_bytes() >= self.limits.bytes);
        if full {
            self.flush()?;
        }
        Ok(!self.stopped)
    }
}
