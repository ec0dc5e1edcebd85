//! Parquet encoding: shredded [`LeafBuffer`]s in, a Parquet file out, through the `parquet`
//! crate's column writers.
//!
//! [`WriterOptions`] holds the writer settings under Spark-like names (codec, row group and
//! page sizes, dictionary, statistics, writer version, bloom filters) and parses them from
//! `name=value` pairs, so the CLI and the Spark source share one vocabulary. A
//! [`RowGroupEncoder`] keeps one column writer open per leaf column; batches of shredded data
//! stream into them (columns spread over threads), so only encoded pages stay in memory, and
//! the finished column chunks are spliced into the file in schema order. The file is
//! [staged](crate::staged): written under a hidden temporary name in the target's directory
//! and renamed onto the target only once the footer is written and synced, so a reader never
//! sees a partial file at the target path.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::column::writer::{get_column_writer, ColumnCloseResult, ColumnWriter};
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{
    EnabledStatistics, WriterProperties, WriterPropertiesPtr, WriterVersion,
};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor};

use crate::error::{Error, Result};
use crate::leaf::{LeafBuffer, LeafSlice, LeafValues};
use crate::path::ColumnPath;
use crate::schema::{Schema, SCHEMA_KEY, VERSION_KEY};
use crate::staged::{StagedFile, StagedPath};

/// The rustparquet version written into every file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which statistics to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistics {
    None,
    /// Per column chunk (min, max, null count in the footer).
    Chunk,
    /// Per chunk and per page (the column index).
    Page,
}

/// Settings of the Parquet writer. Names follow Spark's Parquet options where Spark has one.
#[derive(Debug, Clone, PartialEq)]
pub struct WriterOptions {
    /// Codec: snappy (default), zstd, gzip, lz4 (LZ4_RAW), none.
    pub compression: Compression,
    /// Target size of a row group's buffered column data, in bytes.
    pub row_group_bytes: usize,
    /// Most rows in a row group.
    pub row_group_rows: usize,
    /// Target size of a data page, in bytes.
    pub data_page_bytes: usize,
    /// Dictionary encoding (falls back to plain per chunk when the dictionary outgrows its page).
    pub dictionary: bool,
    /// Largest dictionary page, in bytes.
    pub dictionary_page_bytes: usize,
    pub statistics: Statistics,
    /// Parquet writer version: 1.0 (data page v1, most compatible) or 2.0.
    pub writer_version: WriterVersion,
    /// Columns (Parquet dotted paths, e.g. `build.branch`) that get a bloom filter.
    pub bloom_filter_columns: Vec<String>,
    /// False-positive probability of bloom filters.
    pub bloom_filter_fpp: f64,
    /// Threads encoding one row group's columns.
    pub encode_threads: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            compression: Compression::SNAPPY,
            row_group_bytes: 256 << 20,
            row_group_rows: 1_000_000,
            data_page_bytes: 1 << 20,
            dictionary: true,
            dictionary_page_bytes: 1 << 20,
            statistics: Statistics::Page,
            writer_version: WriterVersion::PARQUET_1_0,
            bloom_filter_columns: Vec::new(),
            bloom_filter_fpp: 0.05,
            encode_threads: 2,
        }
    }
}

/// Sizes like `64MB`, `1MiB`, `512k`, `1048576`.
fn parse_size(name: &str, value: &str) -> Result<usize> {
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let n: usize = digits.parse().map_err(|_| {
        Error::Options(format!(
            "{name}: `{value}` is not a size (e.g. 64MB, 512KiB, 1048576)"
        ))
    })?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(Error::Options(format!(
                "{name}: unknown unit in `{value}` (use B, KB, MB or GB)"
            )))
        }
    };
    n.checked_mul(mult)
        .filter(|&s| s > 0)
        .ok_or_else(|| Error::Options(format!("{name}: `{value}` is out of range")))
}

fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err(Error::Options(format!(
            "{name}: `{value}` is not true or false"
        ))),
    }
}

/// Parses a codec name, optionally with a level: `snappy`, `zstd`, `zstd(9)`, `gzip(6)`, `lz4`,
/// `none`. Brotli is refused: Spark cannot read it.
pub fn parse_compression(value: &str) -> Result<Compression> {
    use parquet::basic::{GzipLevel, ZstdLevel};
    let v = value.trim().to_ascii_lowercase();
    let (name, level) = match v.split_once('(') {
        Some((n, rest)) => {
            let level = rest.trim_end_matches(')').trim();
            let level: i32 = level
                .parse()
                .map_err(|_| Error::Options(format!("bad level in `{value}`")))?;
            (n.trim().to_string(), Some(level))
        }
        None => (v.clone(), None),
    };
    let bad_level = |e: parquet::errors::ParquetError| Error::Options(e.to_string());
    Ok(match name.as_str() {
        "snappy" => Compression::SNAPPY,
        "zstd" => Compression::ZSTD(ZstdLevel::try_new(level.unwrap_or(3)).map_err(bad_level)?),
        "gzip" => Compression::GZIP(GzipLevel::try_new(level.unwrap_or(6) as u32).map_err(bad_level)?),
        "lz4" | "lz4_raw" => Compression::LZ4_RAW,
        "none" | "uncompressed" => Compression::UNCOMPRESSED,
        "brotli" => {
            return Err(Error::Options(
                "brotli is not offered: Spark 3.5 cannot read it (see docs/format.md)".into(),
            ))
        }
        _ => {
            return Err(Error::Options(format!(
                "unknown codec `{value}` (expected snappy, zstd, zstd(LEVEL), gzip, gzip(LEVEL), lz4 or none)"
            )))
        }
    })
}

impl WriterOptions {
    /// Sets one option by name; names are case-insensitive and may use `-`, `_` or camelCase
    /// (`row-group-size`, `rowGroupSize`). Known names: compression, compressionLevel,
    /// rowGroupSize, rowGroupRows, pageSize, dictionary, dictionaryPageSize, statistics,
    /// writerVersion, bloomFilterColumns, bloomFilterFpp, encodeThreads.
    ///
    /// ```
    /// use rustparquet_core::write::WriterOptions;
    /// let mut o = WriterOptions::default();
    /// o.set("rowGroupSize", "32MB")?;
    /// o.set("compression", "zstd(9)")?;
    /// assert_eq!(o.row_group_bytes, 32 << 20);
    /// assert!(o.set("compression", "brotli").is_err());
    /// # Ok::<(), rustparquet_core::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let key: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_' && *c != '.')
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "compression" | "codec" => {
                self.compression =
                    parse_compression(value).map_err(|e| Error::Options(format!("{name}: {e}")))?
            }
            "compressionlevel" => {
                let base = match self.compression {
                    Compression::ZSTD(_) => "zstd",
                    Compression::GZIP(_) => "gzip",
                    _ => {
                        return Err(Error::Options(
                            "compressionLevel: only zstd and gzip take a level".into(),
                        ))
                    }
                };
                self.compression = parse_compression(&format!("{base}({value})"))
                    .map_err(|e| Error::Options(format!("{name}: {e}")))?;
            }
            "rowgroupsize" | "blocksize" => self.row_group_bytes = parse_size(name, value)?,
            "rowgrouprows" => {
                self.row_group_rows = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    Error::Options(format!("{name}: `{value}` is not a positive count"))
                })?
            }
            "pagesize" | "datapagesize" => self.data_page_bytes = parse_size(name, value)?,
            "dictionary" | "enabledictionary" => self.dictionary = parse_bool(name, value)?,
            "dictionarypagesize" => self.dictionary_page_bytes = parse_size(name, value)?,
            "statistics" => {
                self.statistics = match value.to_ascii_lowercase().as_str() {
                    "none" | "false" => Statistics::None,
                    "chunk" => Statistics::Chunk,
                    "page" | "true" => Statistics::Page,
                    _ => {
                        return Err(Error::Options(format!(
                            "{name}: `{value}` (expected none, chunk or page)"
                        )))
                    }
                }
            }
            "writerversion" => {
                self.writer_version = match value {
                    "1" | "1.0" | "v1" => WriterVersion::PARQUET_1_0,
                    "2" | "2.0" | "v2" => WriterVersion::PARQUET_2_0,
                    _ => {
                        return Err(Error::Options(format!(
                            "{name}: `{value}` (expected 1.0 or 2.0)"
                        )))
                    }
                }
            }
            "bloomfiltercolumns" => {
                self.bloom_filter_columns = value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "bloomfilterfpp" => {
                self.bloom_filter_fpp = value
                    .parse()
                    .ok()
                    .filter(|p: &f64| *p > 0.0 && *p < 1.0)
                    .ok_or_else(|| {
                        Error::Options(format!(
                            "{name}: `{value}` is not a probability between 0 and 1"
                        ))
                    })?
            }
            "encodethreads" => {
                self.encode_threads = value.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    Error::Options(format!("{name}: `{value}` is not a positive count"))
                })?
            }
            _ => return Err(Error::Options(format!("unknown writer option `{name}`"))),
        }
        Ok(())
    }

    fn properties(&self, schema: &Schema) -> Result<WriterProperties> {
        let statistics = match self.statistics {
            Statistics::None => EnabledStatistics::None,
            Statistics::Chunk => EnabledStatistics::Chunk,
            Statistics::Page => EnabledStatistics::Page,
        };
        let mut b = WriterProperties::builder()
            .set_compression(self.compression)
            .set_writer_version(self.writer_version)
            .set_data_page_size_limit(self.data_page_bytes)
            .set_dictionary_enabled(self.dictionary)
            .set_dictionary_page_size_limit(self.dictionary_page_bytes)
            .set_statistics_enabled(statistics)
            .set_created_by(format!("rustparquet version {VERSION} (build parquet-rs)"))
            .set_key_value_metadata(Some(vec![
                KeyValue::new(VERSION_KEY.to_string(), VERSION.to_string()),
                KeyValue::new(SCHEMA_KEY.to_string(), schema.to_json_string()),
            ]));
        let leaves: Vec<String> = schema
            .leaves()
            .into_iter()
            .map(|l| l.parquet_path)
            .collect();
        for column in &self.bloom_filter_columns {
            if !leaves.contains(column) {
                return Err(Error::Options(format!(
                    "bloom filter column `{column}` is not a leaf column of the schema (leaf columns are Parquet paths such as {})",
                    leaves.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
                )));
            }
            let path = parquet::schema::types::ColumnPath::from(column.as_str());
            b = b
                .set_column_bloom_filter_enabled(path.clone(), true)
                .set_column_bloom_filter_fpp(path, self.bloom_filter_fpp);
        }
        Ok(b.build())
    }
}

/// What a finished file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStats {
    pub rows: u64,
    pub row_groups: usize,
    pub columns: usize,
    pub bytes: u64,
}

/// Writes row groups of shredded columns into a Parquet file that appears at its target path
/// only when [`ParquetFileWriter::finish`] succeeds.
pub struct ParquetFileWriter {
    writer: SerializedFileWriter<File>,
    staged: StagedPath,
    target: PathBuf,
    encoder: Arc<ColumnEncoder>,
    rows: u64,
    row_groups: usize,
}

/// One row group's column chunks, encoded in memory and ready to be spliced into a file.
pub struct EncodedRowGroup {
    rows: usize,
    chunks: Vec<(Bytes, ColumnCloseResult)>,
}

/// The schema and settings of one file's columns; shareable between threads.
pub struct ColumnEncoder {
    columns: Vec<ColumnDescPtr>,
    column_paths: Vec<ColumnPath>,
    props: WriterPropertiesPtr,
    /// `props` without dictionary encoding, for columns whose values are nearly all distinct.
    props_plain: WriterPropertiesPtr,
}

impl ColumnEncoder {
    /// Starts a row group: one open column writer per leaf column.
    pub fn open_row_group(self: &Arc<Self>) -> RowGroupEncoder {
        RowGroupEncoder {
            columns: self.columns.iter().map(|_| None).collect(),
            encoder: self.clone(),
            rows: 0,
            raw_bytes: 0,
        }
    }

    /// Opens column `i`'s writer for a row group whose first values are in `leaf`. Numbers
    /// that are nearly all distinct (timestamps, ids, measurements) are written plain:
    /// a dictionary of unique values plus indices is larger than the values (measured on the
    /// benchmark corpora: about 25% larger after snappy), and the `parquet` crate only falls
    /// back to plain once the dictionary page is full, after most values went in encoded.
    fn open_column(&self, i: usize, leaf: &LeafBuffer) -> OpenColumn {
        let props = if mostly_distinct_values(leaf) {
            &self.props_plain
        } else {
            &self.props
        };
        OpenColumn::new(self.columns[i].clone(), props.clone())
    }
}

/// Whether a sample of the leaf's numbers is at least 90% distinct. (Strings are left to the
/// dictionary and its fallback: identifiers that are distinct within a sample often repeat
/// across a row group, and a dictionary then wins by far; measured on activedata.)
fn mostly_distinct_values(leaf: &LeafBuffer) -> bool {
    const SAMPLE: usize = 4096;
    let bits: Vec<u64> = match &leaf.values {
        LeafValues::Int64(v) => v.iter().take(SAMPLE).map(|x| *x as u64).collect(),
        LeafValues::Double(v) => v.iter().take(SAMPLE).map(|x| x.to_bits()).collect(),
        _ => return false,
    };
    if bits.len() < 256 {
        return false;
    }
    let distinct: std::collections::HashSet<u64> = bits.iter().copied().collect();
    distinct.len() * 10 >= bits.len() * 9
}

/// A row group being encoded: batches of shredded columns stream into the open column
/// writers (only encoded pages stay in memory, so a row group may hold far more data than
/// memory), and [`RowGroupEncoder::finish`] closes them into an [`EncodedRowGroup`].
pub struct RowGroupEncoder {
    /// Opened at their first values.
    columns: Vec<Option<OpenColumn>>,
    encoder: Arc<ColumnEncoder>,
    rows: usize,
    raw_bytes: usize,
}

impl RowGroupEncoder {
    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Shredded (unencoded) bytes written so far: what `row_group_bytes` measures.
    pub fn raw_bytes(&self) -> usize {
        self.raw_bytes
    }

    /// Encodes rows `rows` of a batch (`leaves` in schema order) on `threads` threads, each
    /// taking every n-th column (columns differ widely in cost; striding spreads the heavy ones).
    pub fn write(
        &mut self,
        leaves: &[LeafBuffer],
        rows: std::ops::Range<usize>,
        threads: usize,
    ) -> Result<()> {
        if leaves.len() != self.columns.len() {
            return Err(Error::Other(format!(
                "internal error: {} column buffers for {} columns",
                leaves.len(),
                self.columns.len()
            )));
        }
        let whole = rows.start == 0 && leaves.first().is_none_or(|l| rows.end >= l.rows());
        let encoder = &self.encoder;
        let paths = &encoder.column_paths;
        let write_one = |i: usize, column: &mut Option<OpenColumn>| -> Result<usize> {
            let leaf = &leaves[i];
            let slice = if whole {
                leaf.all()
            } else {
                leaf.slice_rows(rows.clone())
            };
            let column = column.get_or_insert_with(|| encoder.open_column(i, leaf));
            column.write(leaf, &slice).map_err(|e| match e {
                Error::Parquet { source, .. } => Error::Parquet {
                    column: Some(paths[i].clone()),
                    source,
                },
                other => other,
            })
        };
        let threads = threads.min(leaves.len()).max(1);
        let mut bytes = 0;
        if threads == 1 {
            for (i, column) in self.columns.iter_mut().enumerate() {
                bytes += write_one(i, column)?;
            }
        } else {
            let mut lanes: Vec<Vec<(usize, &mut Option<OpenColumn>)>> =
                (0..threads).map(|_| Vec::new()).collect();
            for (i, column) in self.columns.iter_mut().enumerate() {
                lanes[i % threads].push((i, column));
            }
            let write_one = &write_one;
            let results: Vec<Result<usize>> = std::thread::scope(|scope| {
                let mut lanes = lanes.into_iter();
                let mine = lanes.next().unwrap_or_default();
                let handles: Vec<_> = lanes
                    .map(|lane| {
                        scope.spawn(move || {
                            lane.into_iter()
                                .map(|(i, c)| write_one(i, c))
                                .sum::<Result<usize>>()
                        })
                    })
                    .collect();
                let mut results = vec![mine
                    .into_iter()
                    .map(|(i, c)| write_one(i, c))
                    .sum::<Result<usize>>()];
                for h in handles {
                    results.push(h.join().unwrap_or_else(|_| {
                        Err(Error::Other(
                            "internal error: an encoder thread panicked".into(),
                        ))
                    }));
                }
                results
            });
            for r in results {
                bytes += r?;
            }
        }
        self.rows += rows.len();
        self.raw_bytes += bytes;
        Ok(())
    }

    /// Closes the column writers.
    pub fn finish(self) -> Result<EncodedRowGroup> {
        let rows = self.rows;
        let encoder = self.encoder;
        let paths = &encoder.column_paths;
        let chunks = self
            .columns
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let c = c.unwrap_or_else(|| {
                    OpenColumn::new(encoder.columns[i].clone(), encoder.props.clone())
                });
                c.finish().map_err(|e| match e {
                    Error::Parquet { source, .. } => Error::Parquet {
                        column: Some(paths[i].clone()),
                        source,
                    },
                    other => other,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(EncodedRowGroup { rows, chunks })
    }
}

/// A column writer of the `parquet` crate writing its pages into a buffer it owns.
struct OpenColumn {
    /// Borrows `*sink`; always dropped before it.
    writer: Option<ColumnWriter<'static>>,
    /// Owned; freed in `finish` or `drop`, after `writer`.
    sink: *mut TrackedWrite<Vec<u8>>,
}

// SAFETY: `sink` is owned exclusively by this value (the writer that borrows it is owned here
// too), so moving both to another thread together is sound.
unsafe impl Send for OpenColumn {}

impl OpenColumn {
    fn new(descr: ColumnDescPtr, props: WriterPropertiesPtr) -> Self {
        let sink = Box::into_raw(Box::new(TrackedWrite::new(Vec::new())));
        // SAFETY: `sink` stays allocated until after `writer` is dropped (see `finish` and
        // `drop`), and nothing else touches it meanwhile.
        let page_writer = SerializedPageWriter::new(unsafe { &mut *sink });
        OpenColumn {
            writer: Some(get_column_writer(descr, props, Box::new(page_writer))),
            sink,
        }
    }

    /// Writes a slice of a leaf buffer; returns its unencoded size.
    fn write(&mut self, leaf: &LeafBuffer, slice: &LeafSlice) -> Result<usize> {
        let Some(writer) = self.writer.as_mut() else {
            return Err(Error::Other("internal error: write after finish".into()));
        };
        let levels = slice.entries.clone();
        let def = (leaf.max_def > 0).then(|| &leaf.def_levels[levels.clone()]);
        let rep = (leaf.max_rep > 0).then(|| &leaf.rep_levels[levels.clone()]);
        let v = slice.values.clone();
        let value_bytes = match (writer, &leaf.values) {
            (ColumnWriter::BoolColumnWriter(w), LeafValues::Boolean(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len()
            }
            (ColumnWriter::Int64ColumnWriter(w), LeafValues::Int64(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len() * 8
            }
            (ColumnWriter::DoubleColumnWriter(w), LeafValues::Double(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len() * 8
            }
            (ColumnWriter::ByteArrayColumnWriter(w), LeafValues::Bytes { data, ends }) => {
                let start = if v.start == 0 {
                    0
                } else {
                    ends[v.start - 1] as usize
                };
                let end = if v.end == 0 {
                    0
                } else {
                    ends[v.end - 1] as usize
                };
                w.write_batch(
                    &byte_arrays(&data[start..end], &ends[v.clone()], start),
                    def,
                    rep,
                )?;
                end - start + v.len() * 4
            }
            (ColumnWriter::FixedLenByteArrayColumnWriter(w), LeafValues::Decimal(x)) => {
                // DECIMAL in FIXED_LEN_BYTE_ARRAY is big-endian two's complement.
                let values: Vec<FixedLenByteArray> = x[v.clone()]
                    .iter()
                    .map(|x| FixedLenByteArray::from(ByteArray::from(x.to_be_bytes().to_vec())))
                    .collect();
                w.write_batch(&values, def, rep)?;
                v.len() * 16
            }
            _ => {
                return Err(Error::Other(
                    "internal error: a column has values of another type".into(),
                ))
            }
        };
        Ok(value_bytes + levels.len() * 4)
    }

    fn finish(mut self) -> Result<(Bytes, ColumnCloseResult)> {
        let writer = self
            .writer
            .take()
            .ok_or_else(|| Error::Other("internal error: column finished twice".into()))?;
        let close = writer.close()?;
        // SAFETY: the writer that borrowed the sink is gone; ownership comes back here once.
        let sink =
            unsafe { Box::from_raw(std::mem::replace(&mut self.sink, std::ptr::null_mut())) };
        Ok((Bytes::from(sink.into_inner()?), close))
    }
}

impl Drop for OpenColumn {
    fn drop(&mut self) {
        drop(self.writer.take());
        if !self.sink.is_null() {
            // SAFETY: as in `finish`: the borrowing writer was dropped just above.
            drop(unsafe { Box::from_raw(self.sink) });
        }
    }
}

impl ParquetFileWriter {
    /// Starts a file for `schema` that will be renamed onto `target`.
    pub fn create(target: &Path, schema: &Schema, options: &WriterOptions) -> Result<Self> {
        if target.is_dir() {
            return Err(Error::Options(format!(
                "{}: is a directory; give a file name",
                target.display()
            )));
        }
        let (file, staged) = StagedFile::create(target)?;
        let (writer, encoder) = open_serialized(file, schema, options)?;
        Ok(ParquetFileWriter {
            writer,
            staged,
            target: target.to_path_buf(),
            encoder,
            rows: 0,
            row_groups: 0,
        })
    }

    /// The encoder for this file's columns, for encoding row groups on other threads.
    pub fn encoder(&self) -> Arc<ColumnEncoder> {
        self.encoder.clone()
    }

    /// Appends a row group encoded by [`ColumnEncoder::encode`] (of this file's encoder).
    pub fn append(&mut self, row_group: EncodedRowGroup) -> Result<()> {
        let rows = row_group.rows;
        let appended =
            append_row_group(&mut self.writer, row_group).map_err(|e| io_on(&self.target, e))?;
        if appended {
            self.rows += rows as u64;
            self.row_groups += 1;
        }
        Ok(())
    }

    /// Writes the footer, syncs, and renames the file onto its target.
    pub fn finish(mut self) -> Result<FileStats> {
        self.writer
            .finish()
            .map_err(|e| io_on(&self.target, e.into()))?;
        let file = self.writer.inner_mut();
        file.flush().map_err(|e| Error::io(&self.target, e))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        let stats = FileStats {
            rows: self.rows,
            row_groups: self.row_groups,
            columns: self.encoder.columns.len(),
            bytes,
        };
        self.staged.persist(self.writer.inner_mut())?;
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

/// Starts a Parquet stream for `schema` on any sink (a file, or memory for the Spark source:
/// see [`crate::stream`]) and builds the encoder of its columns.
pub(crate) fn open_serialized<W: Write + Send>(
    sink: W,
    schema: &Schema,
    options: &WriterOptions,
) -> Result<(SerializedFileWriter<W>, Arc<ColumnEncoder>)> {
    let props = Arc::new(options.properties(schema)?);
    let mut plain = options.clone();
    plain.dictionary = false;
    let props_plain = Arc::new(plain.properties(schema)?);
    let message = schema.to_parquet()?;
    let descriptor = SchemaDescriptor::new(message.clone());
    let columns = descriptor.columns().to_vec();
    let column_paths = schema.leaves().into_iter().map(|l| l.path).collect();
    let writer = SerializedFileWriter::new(sink, message, props.clone())?;
    let encoder = Arc::new(ColumnEncoder {
        columns,
        column_paths,
        props_plain,
        props,
    });
    Ok((writer, encoder))
}

/// Splices an encoded row group into a Parquet stream; `false` (nothing written) if it is empty.
pub(crate) fn append_row_group<W: Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    row_group: EncodedRowGroup,
) -> Result<bool> {
    if row_group.rows == 0 {
        return Ok(false);
    }
    let mut group = writer.next_row_group()?;
    for (bytes, close) in row_group.chunks {
        group.append_column(&bytes, close)?;
    }
    group.close()?;
    Ok(true)
}

/// Removes the temporaries of every open staged file (for a signal handler about to exit).
pub use crate::staged::remove_open_temporaries;

/// `ByteArray`s over `data` (the bytes of values ending at `ends`, offsets relative to
/// `base`), sharing one buffer.
fn byte_arrays(data: &[u8], ends: &[u32], base: usize) -> Vec<ByteArray> {
    let data = Bytes::copy_from_slice(data);
    let mut start = 0usize;
    ends.iter()
        .map(|&end| {
            let end = end as usize - base;
            let v = ByteArray::from(data.slice(start..end));
            start = end;
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_codecs_parse_with_clear_errors() {
        assert_eq!(parse_size("x", "64MB").unwrap(), 64 << 20);
        assert_eq!(parse_size("x", "512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("x", "1000").unwrap(), 1000);
        assert_eq!(
            parse_size("row-group-size", "12 parsecs")
                .unwrap_err()
                .to_string(),
            "row-group-size: unknown unit in `12 parsecs` (use B, KB, MB or GB)"
        );
        assert_eq!(parse_compression("SNAPPY").unwrap(), Compression::SNAPPY);
        assert!(matches!(
            parse_compression("zstd(9)").unwrap(),
            Compression::ZSTD(_)
        ));
        assert!(parse_compression("zstd(99)").is_err());
        assert!(parse_compression("brotli")
            .unwrap_err()
            .to_string()
            .contains("Spark 3.5 cannot read it"));
        let mut o = WriterOptions::default();
        assert_eq!(
            o.set("no-such", "1").unwrap_err().to_string(),
            "unknown writer option `no-such`"
        );
        o.set("writer-version", "2.0").unwrap();
        assert_eq!(o.writer_version, WriterVersion::PARQUET_2_0);
    }
}
