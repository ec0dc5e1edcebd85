//! Reading Parquet files back: open a file, project columns by JSON path, stream row groups
//! through the `parquet` crate's Arrow reader within a memory budget, and hand batches to
//! [`crate::assemble`] for the JSON.
//!
//! Other writers' legacy forms (2-level lists, bare repeated fields, `array`/`bag`/`_tuple`
//! element names, `MAP_KEY_VALUE`) are normalised by the Arrow reader's schema conversion,
//! which follows the backward-compatibility rules of the parquet-format LogicalTypes spec;
//! this module adds the per-column hints the JSON needs (INT96 as microseconds, so Spark's
//! far-future dates do not overflow; ENUM as text; dictionary-encoded strings kept as
//! dictionaries, so a value repeated a million times is decoded once). Before a row group is
//! decoded its footer sizes are checked against [`ReadOptions::max_memory`] and the batch
//! size is chosen from them (docs/reading.md, "Memory"). Every call into the decoder runs
//! under `catch_unwind`: a corrupt file ends in an [`Error::Read`] naming the file, never in a
//! panic. The Arrow reader and the assembler recurse once per schema level, so footers are
//! parsed, and batches decoded and assembled, on threads whose stacks are sized for the file's
//! depth; a file deeper than [`MAX_READ_DEPTH`] is refused before any recursive step.
//! [`inspect`] reports a file's footer without decoding any page.

mod columns;
pub mod files;
mod guard;
pub mod inspect;
mod suggest;
pub mod variant;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{Field as ArrowField, Schema as ArrowSchema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader, RowGroupMetaData};
use parquet::schema::types::ColumnDescriptor;

use columns::{collect_leaf_paths, hint_field, is_byte_array, is_dictionary_chunk};
pub use guard::panic_is_caught;
use guard::read_err;
pub(crate) use guard::{guarded, DecoderFile};

use crate::assemble::{AssembleOptions, Assembler, LegacyCalendar, Shape, VariantGroups};
use crate::error::{Error, Result};
use crate::option_key::OptionKey;
use crate::schema::{self, Schema};

/// Default for [`ReadOptions::max_memory`]: 1 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 1 << 30;
/// Default for [`ReadOptions::batch_rows`].
pub const DEFAULT_BATCH_ROWS: usize = 4096;
/// The deepest Parquet schema read, in levels from the root to a leaf column (a JSON array
/// takes two or three levels): the bound of the embedded schema form
/// ([`schema::MAX_SCHEMA_DEPTH`] field levels), so every file rustparquet writes is readable.
/// Deeper files are refused with an [`Error::Read`] before anything recurses over the schema.
pub const MAX_READ_DEPTH: usize = 3 * schema::MAX_SCHEMA_DEPTH + 8;

/// Bytes of stack for a thread that decodes or assembles a schema `depth` levels deep. The
/// Arrow reader needs about 4 KiB per level in an optimised build (measured: 2,001 levels
/// overflowed 6 MiB, fit in 8 MiB); debug builds have much larger frames.
pub fn read_stack_bytes(depth: usize) -> usize {
    let per_level = if cfg!(debug_assertions) {
        64 << 10
    } else {
        8 << 10
    };
    (4 << 20) + depth * per_level
}

/// Runs `f` on a new thread with a stack for schemas `depth` levels deep.
fn on_read_stack<T: Send>(depth: usize, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("rustparquet-read".into())
            .stack_size(read_stack_bytes(depth))
            .spawn_scoped(scope, f)
            .map_err(|e| Error::Other(format!("cannot start a reading thread: {e}")))?
            .join()
            .map_err(|_| Error::Other("internal error: a reading thread panicked".into()))?
    })
}

/// Levels from the root to the deepest leaf column.
fn schema_depth(meta: &ParquetMetaData) -> usize {
    let descr = meta.file_metadata().schema_descr();
    descr
        .columns()
        .iter()
        .map(|c| c.path().parts().len())
        .max()
        .unwrap_or(0)
}

/// How to read files back to JSON.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Only these JSON paths (`a.b`, dotted keys; a path selects everything below it).
    /// `None` reads every column.
    pub columns: Option<Vec<String>>,
    /// Stop after this many documents (over all files).
    pub limit: Option<u64>,
    /// Budget for decoded data held at once, in bytes (see docs/reading.md, "Memory").
    pub max_memory: u64,
    /// Rows per decoded batch, before the memory budget lowers it.
    pub batch_rows: usize,
    /// The JSON choices: null members, NaN.
    pub assemble: AssembleOptions,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            columns: None,
            limit: None,
            max_memory: DEFAULT_MAX_MEMORY,
            batch_rows: DEFAULT_BATCH_ROWS,
            assemble: AssembleOptions::default(),
        }
    }
}

/// What [`cat`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatSummary {
    pub files: usize,
    pub documents: u64,
}

/// An open Parquet file: its footer, the Arrow schema the reader gives it, and the schema we
/// stored if we wrote it.
pub struct ParquetFile {
    path: PathBuf,
    file: File,
    meta: ArrowReaderMetadata,
    ours: Option<Schema>,
    /// The JSON path (keys, no list or map steps) of each leaf column, in leaf order.
    leaf_paths: Vec<Vec<String>>,
    /// The groups that are `VARIANT` columns.
    variants: VariantGroups,
}

impl std::fmt::Debug for ParquetFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetFile")
            .field("path", &self.path)
            .finish()
    }
}

impl ParquetFile {
    /// Opens `path` and reads its footer. Not-Parquet, truncated and corrupt footers give an
    /// [`Error::Read`] saying so.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        check_magic(path, &file)?;
        // Parsing the footer recurses over the schema before its depth is known.
        on_read_stack(MAX_READ_DEPTH, || Self::open_file(path, file))
    }

    fn open_file(path: &Path, file: File) -> Result<Self> {
        let meta = guarded(path, || {
            let meta = ParquetMetaDataReader::new()
                .parse_and_finish(&file)
                .map_err(|e| read_err(path, "cannot read the Parquet footer", e))?;
            let depth = schema_depth(&meta);
            if depth > MAX_READ_DEPTH {
                return Err(read_err(
                    path,
                    "",
                    format!(
                        "its schema is nested {depth} levels deep, more than the {MAX_READ_DEPTH} levels rustparquet reads"
                    ),
                ));
            }
            ArrowReaderMetadata::try_new(Arc::new(meta), ArrowReaderOptions::new())
                .map_err(|e| read_err(path, "cannot read the Parquet footer", e))
        })?;
        let meta = repair_row_counts(path, meta)?;
        let ours = match meta
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == schema::SCHEMA_KEY))
            .and_then(|k| k.value.as_deref())
        {
            Some(text) => Some(
                Schema::from_json_str(text, Some(&format!("in {}", path.display())))
                    .map_err(|e| read_err(path, "its `rustparquet.schema` metadata", e))?,
            ),
            None => None,
        };
        let mut leaf_paths = Vec::new();
        collect_leaf_paths(
            meta.schema().fields(),
            ours.as_ref().map(|s| &s.fields[..]),
            &[],
            &mut leaf_paths,
        );
        let leaves = meta.metadata().file_metadata().schema_descr().num_columns();
        if leaf_paths.len() != leaves {
            return Err(read_err(
                path,
                "",
                format!(
                    "the Arrow schema has {} leaf columns, the Parquet schema {leaves}",
                    leaf_paths.len()
                ),
            ));
        }
        let variants = {
            let file_meta = meta.metadata().file_metadata();
            let spark = file_meta
                .key_value_metadata()
                .and_then(|kv| {
                    kv.iter()
                        .find(|k| k.key == crate::assemble::variant::SPARK_ROW_METADATA_KEY)
                })
                .and_then(|k| k.value.as_deref());
            VariantGroups::find(file_meta.schema_descr(), spark)
        };
        Ok(ParquetFile {
            path: path.to_path_buf(),
            file,
            meta,
            ours,
            leaf_paths,
            variants,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The footer.
    pub fn metadata(&self) -> &Arc<ParquetMetaData> {
        self.meta.metadata()
    }

    /// The Arrow schema the decoder gives the whole file (before per-row-group hints).
    pub fn arrow_schema(&self) -> &Arc<ArrowSchema> {
        self.meta.schema()
    }

    /// The schema stored by rustparquet, when we wrote the file.
    /// Whether Spark wrote the file's dates and timestamps in its legacy hybrid calendar.
    pub fn legacy_calendar(&self) -> LegacyCalendar {
        let kv = self.meta.metadata().file_metadata().key_value_metadata();
        LegacyCalendar::from_metadata(kv.into_iter().flatten().map(|k| k.key.as_str()))
    }

    pub fn our_schema(&self) -> Option<&Schema> {
        self.ours.as_ref()
    }

    /// The selectable column paths (dotted JSON keys), one per leaf, in schema order.
    pub fn column_paths(&self) -> Vec<String> {
        let mut seen = Vec::<String>::new();
        for p in &self.leaf_paths {
            let s = p.join(".");
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        seen
    }

    /// The leaf columns `columns` select: a path (docs/format.md, "Paths") selects every leaf
    /// at or below it. A path that selects nothing is an [`Error::Options`] suggesting the
    /// closest that exist.
    pub fn select(&self, columns: &[String]) -> Result<Vec<usize>> {
        let mut selected = vec![false; self.leaf_paths.len()];
        let descr = self.meta.metadata().file_metadata().schema_descr();
        for c in columns {
            let mut hit = false;
            for (i, p) in self.leaf_paths.iter().enumerate() {
                let json = crate::path::ColumnPath::from_keys(p);
                if crate::path::names_column(c, &json, &descr.column(i).path().string()) {
                    // A map's key and value, a union's members: one JSON path, selected whole.
                    for (j, q) in self.leaf_paths.iter().enumerate() {
                        selected[j] |= q == p;
                    }
                    hit = true;
                }
            }
            if !hit {
                return Err(Error::Options(suggest::unknown_column(
                    c,
                    &self.path.display().to_string(),
                    &self.column_paths(),
                )));
            }
        }
        Ok(selected
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.then_some(i))
            .collect())
    }

    /// Writes the file's records as NDJSON to `sink`, at most `limit` of them; returns how
    /// many were written.
    ///
    /// Three threads: one decodes row groups into batches, one assembles them into JSON text,
    /// and the caller's writes the text to `sink`; one batch waits between the first two, so
    /// at most three are alive at once (counted in [`ReadOptions::max_memory`]), and one
    /// 1 MiB buffer of text between the last two. The first two have stacks sized for the
    /// file's depth. A decoding error ends the output after the last good batch; a write
    /// error (a closed pipe) stops the others.
    pub fn write_ndjson(
        &self,
        options: &ReadOptions,
        limit: Option<u64>,
        sink: &mut dyn Write,
    ) -> Result<u64> {
        let leaves = match &options.columns {
            Some(c) => self.select(c)?,
            None => (0..self.leaf_paths.len()).collect(),
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Arc<Assembler>, RecordBatch)>(1);
        let (text_tx, text_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let stack = read_stack_bytes(schema_depth(self.metadata()));
        let capacity = crate::assemble::FLUSH_BYTES + (64 << 10);
        std::thread::scope(|scope| {
            let leaves = &leaves;
            let thread = |name: &str| {
                std::thread::Builder::new()
                    .name(name.into())
                    .stack_size(stack)
            };
            let producer = thread("rustparquet-decode")
                .spawn_scoped(scope, move || self.decode(leaves, options, limit, tx))
                .map_err(|e| Error::Other(format!("cannot start the decoding thread: {e}")))?;
            let assembled =
                thread("rustparquet-assemble").spawn_scoped(scope, move || -> Result<u64> {
                    let mut out = Vec::with_capacity(capacity);
                    let mut flush = |out: &mut Vec<u8>| -> Result<()> {
                        let spare = spare_rx
                            .try_recv()
                            .unwrap_or_else(|_| Vec::with_capacity(capacity));
                        let full = std::mem::replace(out, spare);
                        // The writing side stopped (its error is the one reported).
                        text_tx
                            .send(full)
                            .map_err(|_| Error::Other("output stopped".into()))
                    };
                    let mut written = 0u64;
                    for (assembler, batch) in rx.iter() {
                        let rows = match limit {
                            Some(l) => {
                                usize::try_from(l.saturating_sub(written)).unwrap_or(usize::MAX)
                            }
                            None => usize::MAX,
                        }
                        .min(batch.num_rows());
                        guarded(&self.path, || {
                            assembler.write_batch(&self.path, &batch, rows, &mut out, &mut flush)
                        })?;
                        written += rows as u64;
                    }
                    if !out.is_empty() {
                        flush(&mut out)?;
                    }
                    Ok(written)
                });
            let assembler = match assembled {
                Ok(handle) => handle,
                Err(e) => {
                    // `rx` went with the failed closure: the decoder stops at its next batch.
                    let _ = producer.join();
                    return Err(Error::Other(format!(
                        "cannot start the assembling thread: {e}"
                    )));
                }
            };
            let mut wrote: Result<()> = Ok(());
            for mut text in text_rx.iter() {
                if let Err(e) = sink.write_all(&text) {
                    wrote = Err(Error::io("<output>", e));
                    break;
                }
                text.clear();
                let _ = spare_tx.send(text);
            }
            // Unblocks the assembler (and through it the decoder) if writing stopped early.
            drop(text_rx);
            let panicked = |what: &str| {
                read_err(
                    &self.path,
                    "",
                    format!("internal error: the {what} thread panicked"),
                )
            };
            let consumed = assembler
                .join()
                .unwrap_or_else(|_| Err(panicked("assembling")));
            let produced = producer
                .join()
                .unwrap_or_else(|_| Err(panicked("decoding")));
            match (wrote, consumed, produced) {
                (Err(e), _, _) | (Ok(()), Err(e), _) | (Ok(()), Ok(_), Err(e)) => Err(e),
                (Ok(()), Ok(n), Ok(())) => Ok(n),
            }
        })
    }

    /// Decodes the row groups, projected to `leaves`, and sends each batch with the
    /// assembler for its schema; stops after `limit` rows or when the receiver is gone.
    fn decode(
        &self,
        leaves: &[usize],
        options: &ReadOptions,
        limit: Option<u64>,
        tx: std::sync::mpsc::SyncSender<(Arc<Assembler>, RecordBatch)>,
    ) -> Result<()> {
        let path = &self.path;
        let descr = self.metadata().file_metadata().schema_descr_ptr();
        let projected: Vec<_> = leaves.iter().map(|&i| descr.column(i)).collect();
        let projected_refs: Vec<&ColumnDescriptor> = projected.iter().map(|c| c.as_ref()).collect();
        let mut shapes: Option<(Arc<ArrowSchema>, Arc<Assembler>)> = None;
        let mut sent = 0u64;
        for rg in 0..self.metadata().num_row_groups() {
            let remaining = match limit {
                Some(l) if sent >= l => break,
                Some(l) => Some(l - sent),
                None => None,
            };
            let rg_meta = self.metadata().row_group(rg);
            let batch_rows = self.batch_rows(rg, rg_meta, leaves, options)?;
            let hinted = self.hinted_schema(rg_meta);
            let mut reader = guarded(path, || {
                let meta = ArrowReaderMetadata::try_new(
                    self.metadata().clone(),
                    ArrowReaderOptions::new().with_schema(hinted),
                )
                .map_err(|e| read_err(path, &format!("row group {rg}"), e))?;
                let file = self.file.try_clone().map_err(|e| Error::io(path, e))?;
                let mut builder =
                    ParquetRecordBatchReaderBuilder::new_with_metadata(DecoderFile(file), meta)
                        .with_row_groups(vec![rg])
                        .with_projection(ProjectionMask::leaves(&descr, leaves.iter().copied()))
                        .with_batch_size(batch_rows);
                if let Some(r) = remaining {
                    builder = builder.with_limit(usize::try_from(r).unwrap_or(usize::MAX));
                }
                builder
                    .build()
                    .map_err(|e| read_err(path, &format!("row group {rg}"), e))
            })?;
            let schema = reader.schema();
            let assembler = match &shapes {
                Some((s, a)) if *s == schema => a.clone(),
                _ => {
                    let members = Shape::build_root(
                        schema.fields(),
                        &projected_refs,
                        self.ours.as_ref(),
                        self.legacy_calendar(),
                        &self.variants,
                    )
                    .map_err(|e| read_err(path, "", e.0))?;
                    let whole_document = self
                        .ours
                        .as_ref()
                        .is_some_and(|s| crate::schema::variant::is_whole_document(&s.fields));
                    let a = Arc::new(
                        Assembler::new(members, options.assemble).whole_document(whole_document),
                    );
                    shapes = Some((schema.clone(), a.clone()));
                    a
                }
            };
            loop {
                let next = guarded(path, || {
                    reader
                        .next()
                        .transpose()
                        .map_err(|e| read_err(path, &format!("row group {rg}"), e))
                })?;
                let Some(batch) = next else { break };
                sent += batch.num_rows() as u64;
                if tx.send((assembler.clone(), batch)).is_err() {
                    return Ok(());
                }
                if limit.is_some_and(|l| sent >= l) {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Rows per batch for row group `rg`, from its footer sizes; refuses a row group that
    /// cannot be read within the budget.
    fn batch_rows(
        &self,
        rg: usize,
        meta: &RowGroupMetaData,
        leaves: &[usize],
        options: &ReadOptions,
    ) -> Result<usize> {
        let budget = options.max_memory.max(1);
        let rows = meta.num_rows().max(1) as u64;
        let mut fixed = 0u64;
        let mut decoded = 0u64;
        let mut text = 0u64;
        for &i in leaves {
            let Some(chunk) = meta.columns().get(i) else {
                return Err(read_err(
                    &self.path,
                    "",
                    format!("row group {rg} has no column chunk {i}"),
                ));
            };
            let stored = chunk.uncompressed_size().max(0) as u64;
            let values = chunk.num_values().max(0) as u64;
            let dense =
                stored.max(chunk.unencoded_byte_array_data_bytes().unwrap_or(0).max(0) as u64);
            if stored > budget {
                return Err(Error::Read {
                    path: self.path.clone(),
                    reason: format!(
                        "row group {rg}, column `{}`: the column chunk is {stored} bytes uncompressed, more than the memory limit of {budget} bytes; raise {} to read it",
                        chunk.column_path().string(),
                        OptionKey::MaxMemory
                    ),
                });
            }
            let levels = 4 * values;
            if is_dictionary_chunk(chunk) && is_byte_array(chunk.column_descr()) {
                // Kept as a dictionary: the dictionary once, 4-byte keys per value.
                fixed += stored;
                decoded += levels + 4 * values;
            } else {
                decoded += levels + dense;
            }
            text += dense + values;
        }
        let per_row = decoded.div_ceil(rows).max(1);
        let text_per_row = text.div_ceil(rows);
        if fixed + per_row > budget || text_per_row > budget {
            return Err(Error::Read {
                path: self.path.clone(),
                reason: format!(
                    "row group {rg}: one record needs about {} bytes decoded, more than the memory limit of {budget} bytes; raise {} or select fewer columns ({})",
                    (fixed + per_row).max(text_per_row),
                    OptionKey::MaxMemory,
                    OptionKey::Columns
                ),
            });
        }
        // Three batches may be alive (decoding, queued, being written), plus their JSON text.
        let fit = ((budget - fixed) / 4 / per_row).max(1);
        Ok((options.batch_rows.max(1) as u64).min(fit) as usize)
    }

    /// The Arrow schema to decode row group `meta` with: the file's own, plus the hints of
    /// the module doc (INT96 → microseconds, ENUM → text, dictionaries kept).
    fn hinted_schema(&self, meta: &RowGroupMetaData) -> Arc<ArrowSchema> {
        let base = self.meta.schema();
        let mut next = 0usize;
        let fields: Vec<ArrowField> = base
            .fields()
            .iter()
            .map(|f| hint_field(f, meta, &mut next))
            .collect();
        Arc::new(ArrowSchema::new_with_metadata(
            fields,
            base.metadata().clone(),
        ))
    }
}

/// Tells a file that is not Parquet (or was cut short) from a corrupt footer, before the
/// footer is parsed.
fn check_magic(path: &Path, file: &File) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len < 12 {
        return Err(read_err(
            path,
            "",
            format!("not a Parquet file: {len} bytes, less than the 12 of an empty one"),
        ));
    }
    let mut tail = [0u8; 4];
    file.read_exact_at(&mut tail, len - 4)
        .map_err(|e| Error::io(path, e))?;
    match &tail {
        b"PAR1" => Ok(()),
        b"PARE" => Err(read_err(
            path,
            "",
            "encrypted Parquet files (footer magic PARE) are not supported",
        )),
        _ => Err(read_err(
            path,
            "",
            "not a Parquet file: it does not end with the magic bytes PAR1 (another format, or a truncated file)",
        )),
    }
}

/// Some writers (parquet-rs 0.3, `repeated_no_annotation.parquet`) left `num_rows = 0` in
/// the footer of a file that holds records, and the Arrow reader sizes its batches by that
/// count. A non-repeated column has one value per record, so a row group's value count is
/// its row count; the footer is corrected from it, and the file's count from the row groups.
/// A row group with only repeated columns and no row count cannot be counted without
/// decoding, and is refused.
fn repair_row_counts(path: &Path, meta: ArrowReaderMetadata) -> Result<ArrowReaderMetadata> {
    let md = meta.metadata();
    let mut changed = false;
    let mut fixed = Vec::with_capacity(md.num_row_groups());
    for (i, rg) in md.row_groups().iter().enumerate() {
        if rg.num_rows() > 0 || !rg.columns().iter().any(|c| c.num_values() > 0) {
            fixed.push(rg.clone());
            continue;
        }
        let Some(rows) = rg
            .columns()
            .iter()
            .find(|c| c.column_descr().max_rep_level() == 0)
            .map(|c| c.num_values())
        else {
            return Err(read_err(
                path,
                "",
                format!("row group {i}: the footer says 0 rows but its columns hold values, and every column is repeated, so the records cannot be counted"),
            ));
        };
        let rg = rg
            .clone()
            .into_builder()
            .set_num_rows(rows)
            .build()
            .map_err(|e| read_err(path, &format!("row group {i}"), e))?;
        fixed.push(rg);
        changed = true;
    }
    let total: i64 = fixed.iter().map(|rg| rg.num_rows().max(0)).sum();
    let fm = md.file_metadata();
    if !changed && fm.num_rows() >= total {
        return Ok(meta);
    }
    let file_metadata = parquet::file::metadata::FileMetaData::new(
        fm.version(),
        total.max(fm.num_rows()),
        fm.created_by().map(str::to_string),
        fm.key_value_metadata().cloned(),
        fm.schema_descr_ptr(),
        fm.column_orders().cloned(),
    );
    let repaired = ParquetMetaData::new(file_metadata, fixed);
    ArrowReaderMetadata::try_new(Arc::new(repaired), ArrowReaderOptions::new())
        .map_err(|e| read_err(path, "", e))
}

/// Expands the inputs users give `cat` to file paths: glob patterns (sorted matches),
/// directories (walked recursively, see [`files`]), and plain paths as they are.
pub fn expand_inputs(args: &[String]) -> Result<Vec<PathBuf>> {
    Ok(files::expand(args)?.into_iter().map(|f| f.path).collect())
}

/// Writes the records of every file in `inputs`, in order, as NDJSON to `sink`.
pub fn cat(inputs: &[PathBuf], options: &ReadOptions, sink: &mut dyn Write) -> Result<CatSummary> {
    let mut summary = CatSummary::default();
    for path in inputs {
        let limit = match options.limit {
            Some(l) if summary.documents >= l => break,
            Some(l) => Some(l - summary.documents),
            None => None,
        };
        let file = ParquetFile::open(path)?;
        summary.documents += file.write_ndjson(options, limit, sink)?;
        summary.files += 1;
    }
    sink.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(summary)
}

/// Reads a whole file into a string of NDJSON (tests, small files).
pub fn to_ndjson_string(path: impl AsRef<Path>, options: &ReadOptions) -> Result<String> {
    let mut out = Vec::new();
    cat(&[path.as_ref().to_path_buf()], options, &mut out)?;
    String::from_utf8(out).map_err(|e| read_err(path.as_ref(), "output is not UTF-8", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_decoder_becomes_a_read_error() {
        let r: Result<()> = guarded(Path::new("x.parquet"), || panic!("index out of bounds"));
        assert_eq!(
            r.unwrap_err().to_string(),
            "x.parquet: internal error while decoding (corrupt data, or a bug to report): index out of bounds"
        );
    }

    #[test]
    fn globs_and_directories_expand_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.parquet",
            "a.parquet",
            "_SUCCESS",
            ".a.parquet.crc",
            "c.txt",
        ] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let d = dir.path().to_string_lossy().into_owned();
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(expand_inputs(std::slice::from_ref(&d)).unwrap()),
            ["a.parquet", "b.parquet"]
        );
        assert_eq!(
            names(expand_inputs(&[format!("{d}/*.parquet")]).unwrap()),
            ["a.parquet", "b.parquet"]
        );
        let err = expand_inputs(&[format!("{d}/*.json")])
            .unwrap_err()
            .to_string();
        assert_eq!(err, format!("`{d}/*.json` matches no file"));
    }
}
