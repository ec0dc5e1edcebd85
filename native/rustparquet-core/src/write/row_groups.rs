//! Cutting a stream of shredded batches into row groups: the one place that decides where a
//! row group ends and how much shredded data makes a batch, used by every driver (`convert`'s
//! pipelines through [`super::ParquetFileWriter`], the Spark source through
//! [`crate::stream::DocumentWriter`], datasets through `convert`).
//!
//! A row group ends after exactly `row_group_rows` rows, or at the first batch boundary past
//! `row_group_bytes` of shredded (unencoded) data. Each batch is encoded into the open row
//! group as it comes and finished pages go to the spill file, so memory holds one batch of
//! shredded data plus the column writers' state (the pages being filled, dictionaries),
//! whatever the row group's size.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parquet::file::metadata::KeyValue;
use parquet::file::writer::SerializedFileWriter;

use super::encoder::{open_serialized, ColumnEncoder, RowGroupEncoder};
use super::spill::Spill;
use super::FileStats;
use crate::error::Result;
use crate::leaf::Columns;
use crate::options::WriterOptions;
use crate::schema::Schema;

/// Bytes of shredded data handed to the encoders at a time, and of JSON per parallel chunk.
/// Small, so that memory stays flat; row groups are made of many batches.
pub const BATCH_BYTES: usize = 8 << 20;

/// Documents between two looks at the size of the shredded buffers (the look sums every
/// column's buffer, too costly per document).
const DOCUMENTS_PER_LOOK: usize = 64;

/// Says when shredded buffers hold a batch ([`BATCH_BYTES`]); asked after each document.
#[derive(Debug, Default)]
pub struct BatchClock {
    since_look: usize,
}

impl BatchClock {
    /// Counts a document; every [`DOCUMENTS_PER_LOOK`] documents, whether the buffers
    /// (`buffered_bytes`) hold a batch.
    pub fn batch_full(&mut self, buffered_bytes: impl FnOnce() -> usize) -> bool {
        self.since_look += 1;
        if self.since_look < DOCUMENTS_PER_LOOK {
            return false;
        }
        self.since_look = 0;
        buffered_bytes() >= BATCH_BYTES
    }
}

/// A Parquet stream into `W` whose row groups are cut by the rule of the module docs.
pub struct RowGroupWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    encoder: Arc<ColumnEncoder>,
    open: Option<RowGroupEncoder>,
    /// The open row group's finished pages.
    spill: Arc<Spill>,
    row_group_rows: usize,
    row_group_bytes: usize,
    encode_threads: usize,
    /// Rows encoded, in closed row groups and the open one.
    rows: u64,
    row_groups: usize,
}

impl<W: Write + Send> RowGroupWriter<W> {
    /// Starts a Parquet stream for `schema` in `sink` (the magic bytes are written at once);
    /// each batch's columns are encoded on `encode_threads` threads.
    pub fn new(
        sink: W,
        schema: &Schema,
        options: &WriterOptions,
        encode_threads: usize,
    ) -> Result<Self> {
        let (file, encoder) = open_serialized(sink, schema, options)?;
        Ok(RowGroupWriter {
            file,
            encoder,
            open: None,
            spill: Arc::new(Spill::new()),
            row_group_rows: options.row_group_rows.max(1),
            row_group_bytes: options.row_group_bytes,
            encode_threads: encode_threads.max(1),
            rows: 0,
            row_groups: 0,
        })
    }

    /// Encodes the first `rows` rows of a batch (columns in schema order: filled leaf buffers,
    /// or a shredder's [`Columns`]), closing row groups as they fill.
    pub fn write<'a>(&mut self, columns: impl Into<Columns<'a>>, rows: usize) -> Result<()> {
        let columns = columns.into();
        let mut start = 0;
        while start < rows {
            let encoder = &self.encoder;
            let spill = &self.spill;
            let group = self
                .open
                .get_or_insert_with(|| encoder.open_row_group(spill));
            let end = rows.min(start + (self.row_group_rows - group.rows()));
            group.write(columns, start..end, self.encode_threads)?;
            self.rows += (end - start) as u64;
            start = end;
            if group.rows() >= self.row_group_rows || group.raw_bytes() >= self.row_group_bytes {
                self.close_row_group()?;
            }
        }
        Ok(())
    }

    /// Closes the open row group, if any, into the stream.
    pub fn close_row_group(&mut self) -> Result<()> {
        self.close_open(true)
    }

    /// Closes the open row group; `more` if others may follow, whose peak the memory it
    /// freed is given back for (after the last one that is time spent at the end of the run:
    /// 4 ms on activedata).
    fn close_open(&mut self, more: bool) -> Result<()> {
        if let Some(group) = self.open.take() {
            if group.close_into(&mut self.file, self.encode_threads)? {
                if more {
                    return_freed_memory();
                }
                self.row_groups += 1;
            }
        }
        Ok(())
    }

    /// Adds a key-value pair to the footer (after the schema and version keys every file has
    /// and the options' metadata).
    pub fn add_key_value_metadata(&mut self, key: &str, value: &str) {
        self.file
            .append_key_value_metadata(KeyValue::new(key.to_string(), value.to_string()));
    }

    /// Rows encoded so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Closes the last row group and writes the footer; nothing more can be written.
    pub fn finish(&mut self) -> Result<FileStats> {
        self.close_open(false)?;
        self.file.finish()?;
        Ok(FileStats {
            rows: self.rows,
            row_groups: self.row_groups,
            columns: self.encoder.columns(),
            bytes: self.file.bytes_written() as u64,
        })
    }

    /// The sink, with everything encoded so far flushed into it: whole row groups as they
    /// close, and after [`RowGroupWriter::finish`] the footer.
    pub fn sink_mut(&mut self) -> Result<&mut W> {
        self.file
            .flush()
            .map_err(|e| crate::error::Error::Other(e.to_string()))?;
        Ok(self.file.inner_mut())
    }

    /// The sink as it is (bytes the writer buffers not flushed into it).
    pub(super) fn inner_mut(&mut self) -> &mut W {
        self.file.inner_mut()
    }
}

/// Whether a closed row group's freed memory goes back to the system
/// ([`return_freed_memory_after_row_groups`]).
static RETURN_FREED_MEMORY: AtomicBool = AtomicBool::new(false);

/// Has every row group writer of this process give the memory freed with a closed row
/// group's column writers back to the system (glibc `malloc_trim`; elsewhere nothing). For a
/// driver that owns its process, as the CLI does; a library in a host process (the JVM,
/// Python) leaves the host's allocator alone. Each batch is encoded on threads started for
/// it and glibc serves threads from several arenas, so what one row group freed stays cached
/// in arenas the next one's threads may not use: the peak grew with the number of row groups
/// while the live heap did not (heterogeneous ×24 in four row groups: 195 MB resident
/// against 170 for ×6 in one, heap peaks 173 and 168 MB; with this, 176).
pub fn return_freed_memory_after_row_groups() {
    RETURN_FREED_MEMORY.store(true, Ordering::Relaxed);
}

fn return_freed_memory() {
    if !RETURN_FREED_MEMORY.load(Ordering::Relaxed) {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointers and only releases free memory, under glibc's
    // own arena locks; it may run at any time on any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shred::Shredder;

    fn batch(schema: &Schema, ids: std::ops::Range<i64>) -> Shredder {
        let mut shredder = Shredder::new(schema);
        for i in ids {
            let doc = format!(r#"{{"id": {i}, "s": "{}"}}"#, "x".repeat(100));
            let mut p = crate::json::Parser::new(doc.as_bytes(), 0, 8);
            shredder.shred_document(&mut p).unwrap();
        }
        shredder
    }

    fn schema() -> Schema {
        Schema::from_json_str(
            r#"{"fields":[{"name":"id","type":"int64"},{"name":"s","type":"string"}]}"#,
            None,
        )
        .unwrap()
    }

    #[test]
    fn rows_are_cut_exactly_and_bytes_at_the_batch_boundary_past_them() -> Result<()> {
        let schema = schema();
        let mut options = WriterOptions {
            row_group_rows: 7,
            ..WriterOptions::default()
        };
        let mut w = RowGroupWriter::new(Vec::new(), &schema, &options, 2)?;
        for start in [0, 10, 20] {
            let mut b = batch(&schema, start..start + 10);
            w.write(b.leaves(), 10)?;
        }
        let stats = w.finish()?;
        // 30 rows in row groups of 7: 7, 7, 7, 7, 2.
        assert_eq!((stats.rows, stats.row_groups), (30, 5));

        // Bytes: a row group ends at the first batch whose end passes the target.
        options.row_group_rows = 1_000_000;
        options.row_group_bytes = 1500;
        let mut w = RowGroupWriter::new(Vec::new(), &schema, &options, 1)?;
        for start in [0, 10, 20] {
            let mut b = batch(&schema, start..start + 10);
            w.write(b.leaves(), 10)?;
        }
        // Ten rows of about 120 shredded bytes each pass 1500 bytes with the second batch.
        let stats = w.finish()?;
        assert_eq!((stats.rows, stats.row_groups), (30, 2));
        Ok(())
    }

    #[test]
    fn a_file_is_the_same_whatever_the_number_of_encoding_threads() -> Result<()> {
        // Eleven columns, so that lanes of 1, 2, 3 and 4 threads each close several and the
        // chunks reach the file in column order however the lanes interleave.
        let fields: Vec<String> = (0..11)
            .map(|i| {
                format!(
                    r#"{{"name":"c{i}","type":"{}"}}"#,
                    ["int64", "string"][i % 2]
                )
            })
            .collect();
        let schema =
            Schema::from_json_str(&format!(r#"{{"fields":[{}]}}"#, fields.join(",")), None)?;
        let options = WriterOptions {
            row_group_rows: 40,
            ..WriterOptions::default()
        };
        let file = |threads: usize| -> Result<Vec<u8>> {
            let mut w = RowGroupWriter::new(Vec::new(), &schema, &options, threads)?;
            let mut shredder = Shredder::new(&schema);
            for row in 0..100 {
                let values: Vec<String> = (0..11)
                    .map(|i| match i % 2 {
                        0 => format!(r#""c{i}": {}"#, row * i),
                        _ => format!(r#""c{i}": "{}-{row}""#, "v".repeat(i)),
                    })
                    .collect();
                let doc = format!("{{{}}}", values.join(","));
                let mut p = crate::json::Parser::new(doc.as_bytes(), 0, 8);
                shredder
                    .shred_document(&mut p)
                    .map_err(|e| crate::error::Error::Other(format!("{e:?}")))?;
            }
            w.write(shredder.leaves(), 100)?;
            let stats = w.finish()?;
            assert_eq!((stats.rows, stats.row_groups), (100, 3));
            Ok(std::mem::take(w.inner_mut()))
        };
        let one = file(1)?;
        for threads in [2, 3, 4] {
            assert!(
                one == file(threads)?,
                "{threads} threads wrote another file"
            );
        }
        Ok(())
    }

    #[test]
    fn the_clock_looks_every_64_documents() {
        let mut clock = BatchClock::default();
        let mut looks = 0;
        for _ in 0..640 {
            clock.batch_full(|| {
                looks += 1;
                BATCH_BYTES - 1
            });
        }
        assert_eq!(looks, 10);
        for _ in 0..63 {
            assert!(!clock.batch_full(|| BATCH_BYTES));
        }
        assert!(clock.batch_full(|| BATCH_BYTES));
    }
}
