//! Parquet encoding: shredded [`LeafBuffer`](crate::leaf::LeafBuffer)s in, a Parquet stream
//! out, through the `parquet` crate's column writers and file writer, except for
//! dictionary-encoded string, INT64 and DOUBLE columns, which our own writer encodes. The settings come from
//! [`crate::options`] (re-exported here).
//!
//! - [`row_groups`]: [`RowGroupWriter`], the one row-group writer every driver uses: it cuts
//!   row groups (rows exactly, bytes at a batch boundary) and owns the batch size.
//! - [`encoder`]: one column writer open per leaf column while a row group fills; batches
//!   stream into them (columns spread over threads), and the finished column chunks are
//!   spliced into the stream in schema order.
//! - `spill`: the open row group's finished pages, on disk until the row group is closed.
//! - `chunk_start`: the CLI encoder's rule for how a column chunk starts (dictionary, plain,
//!   or dictionary on probation), from the column's first values in the row group.
//! - `column`: one open column writer and its page writer, which sends finished pages to the
//!   spill (a dictionary page first in its chunk).
//! - `dictionary_chunk`: our writer of a dictionary-encoded string, INT64 or DOUBLE column
//!   chunk, in place of the `parquet` crate's (the costliest part of a conversion there);
//!   `rle`: the RLE / bit-packed hybrid encoder its levels and indices are written with.
//! - [`dictionary`]: parquet-mr's first-page rule for dictionary vs PLAIN, as Spark's writer
//!   applies it; the Spark data source's typed path uses it (the CLI's encoder keeps its own).
//! - [`zstd_stream`]: ZSTD pages compressed as one stream each, parquet-mr's way, for the Spark
//!   data source's typed path (the CLI's encoder keeps the `parquet` crate's compression).
//!
//! [`ParquetFileWriter`] is a [`RowGroupWriter`] on a [staged](crate::staged) file: written
//! under a hidden temporary name in the target's directory and renamed onto the target only
//! once the footer is written and synced, so a reader never sees a partial file at the target
//! path.

mod chunk_start;
mod column;
pub mod dictionary;
mod dictionary_chunk;
pub mod encoder;
mod rle;
pub mod row_groups;
mod spill;
#[cfg(test)]
mod test_columns;
pub mod zstd_stream;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use crate::options::{parse_compression, Statistics, WriterOptions};
pub use encoder::{ColumnEncoder, RowGroupEncoder};
pub use row_groups::{
    return_freed_memory_after_row_groups, BatchClock, RowGroupWriter, BATCH_BYTES,
};

use crate::error::{Error, Result};
use crate::leaf::Columns;
use crate::schema::Schema;
use crate::staged::{StagedFile, StagedPath, WritebackFile};

/// The rustparquet version written into every file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a finished file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStats {
    pub rows: u64,
    pub row_groups: usize,
    pub columns: usize,
    pub bytes: u64,
}

/// Writes shredded batches into a Parquet file that appears at its target path only when
/// [`ParquetFileWriter::finish`] succeeds.
pub struct ParquetFileWriter {
    writer: RowGroupWriter<WritebackFile>,
    staged: StagedPath,
    target: PathBuf,
}

impl ParquetFileWriter {
    /// Starts a file for `schema` that will be renamed onto `target`; batches are encoded on
    /// `encode_threads` threads.
    pub fn create(
        target: &Path,
        schema: &Schema,
        options: &WriterOptions,
        encode_threads: usize,
    ) -> Result<Self> {
        if target.is_dir() {
            return Err(Error::Options(format!(
                "{}: is a directory; give a file name",
                target.display()
            )));
        }
        let (file, staged) = StagedFile::create(target)?;
        let writer =
            RowGroupWriter::new(WritebackFile::new(file), schema, options, encode_threads)?;
        Ok(ParquetFileWriter {
            writer,
            staged,
            target: target.to_path_buf(),
        })
    }

    /// Encodes the first `rows` rows of a batch (see [`RowGroupWriter::write`]).
    pub fn write<'a>(&mut self, columns: impl Into<Columns<'a>>, rows: usize) -> Result<()> {
        self.writer
            .write(columns, rows)
            .map_err(|e| io_on(&self.target, e))
    }

    /// Closes the last row group, writes the footer, syncs, and renames the file onto its
    /// target.
    pub fn finish(mut self) -> Result<FileStats> {
        let stats = self.writer.finish().map_err(|e| io_on(&self.target, e))?;
        let file = self.writer.inner_mut();
        file.flush().map_err(|e| Error::io(&self.target, e))?;
        self.staged.persist(file.file_mut())?;
        Ok(stats)
    }
}

/// An I/O error met by the parquet crate while writing `target` (a full disk), which it
/// returns as an opaque `External` error, as an [`Error::Io`] naming the file.
fn io_on(target: &Path, e: Error) -> Error {
    match e {
        Error::Parquet {
            column: None,
            source: parquet::errors::ParquetError::External(inner),
        } => match inner.downcast::<std::io::Error>() {
            Ok(io) => Error::io(target, *io),
            Err(inner) => Error::Parquet {
                column: None,
                source: parquet::errors::ParquetError::External(inner),
            },
        },
        e => e,
    }
}

/// Removes the temporaries of every open staged file (for a signal handler about to exit).
pub use crate::staged::remove_open_temporaries;
