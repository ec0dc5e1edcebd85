//! The whole conversion: inputs → (inference) → shredding → Parquet file.
//!
//! Without a given schema, a first pass infers one from every document (or the first
//! `sample` documents); standard input is copied to a temporary file for that, so it can be
//! read twice. The second pass shreds documents into column buffers and hands them to the
//! writer a batch at a time ([`BATCH_BYTES`]): newline-delimited inputs are cut into chunks of
//! that size, shredded on worker threads while the calling thread encodes the finished ones in
//! input order (`convert_parallel`); other inputs are shredded on the calling thread, which
//! encodes each batch as it fills. A batch is encoded into the open row group's column writers
//! on `encode_threads` threads, and finished pages wait in a temporary file until the row
//! group closes (`write::spill`), so memory holds the batches in flight and the column
//! writers' dictionaries and unfinished pages, whatever the input or row group size. Row
//! groups are cut when the buffered column data reaches `row_group_bytes` (or
//! `row_group_rows`). The output appears only when complete.
//!
//! **One parse** (`try_one_parse`, for `convert` and [`crate::to_arrow::read_table`]): when
//! the schema of the first documents is already the whole input's, the inference pass is
//! wasted. `try_one_parse` infers from the first [`SETTLE_SAMPLE_DOCUMENTS`] documents and,
//! when that schema is the same as that of a first look at fewer (it has stopped growing) and
//! [`settled`](crate::infer::settled) (the map and variant rules cannot change it), and the
//! whole documents of four windows spread through the inputs fit it too (the `later_look`
//! module: a type that changes part-way turns the attempt away before it starts; it runs on
//! a second thread beside the settling look, checking the first look's schema), runs the
//! driver's pass against it strictly (any bad document stops it): if every document fits,
//! that schema is the one full inference gives, so the result is the two-pass result. At the
//! first document that does not fit (a new key, a new type, a bad document) the attempt ends
//! and leaves nothing (the drivers' outputs are staged), and the caller runs its two passes
//! under the user's options: results, errors and findings are always those of the two-pass
//! run; only the time differs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::sync::Mutex;

use crate::bad_document::BadDocument;
use crate::error::{Error, Location, Result};
use crate::infer::{fold_unit, settled, DocumentFolder, InferOptions, SchemaInferrer};
use crate::input::{
    chunkable, open_inputs, parse_window, read_documents, BadRecordPolicy, Chunk, Chunker,
    DocumentSink, Input, InputFormat, OnError, Passes, Progress, ReadSettings, SpareBuffers,
};
use crate::json::Parser;
use crate::later_look::later_documents_fit;
use crate::locator::Locator;
use crate::option_key::OptionKey;
use crate::schema::Schema;
use crate::shred::{ShreddedBatch, Shredder};
use crate::sort::{sort_keys, SortedDocuments};
use crate::threads::{encode_threads, Recursion};
use crate::write::{BatchClock, FileStats, ParquetFileWriter, WriterOptions, BATCH_BYTES};

/// Everything `convert` can be told.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The schema to write with; `None` infers one.
    pub schema: Option<Schema>,
    /// Infer from the first `sample` documents only (later documents that do not fit are bad
    /// records, see `on_error`).
    pub sample: Option<u64>,
    pub on_error: OnError,
    pub input_format: InputFormat,
    /// Deepest nesting accepted (at most [`crate::MAX_DEPTH_LIMIT`]).
    pub max_depth: usize,
    /// Largest document accepted, in bytes (at most [`crate::MAX_DOCUMENT_LIMIT`]).
    pub max_document_bytes: usize,
    /// Most leaf columns a file may have; a wider schema (inferred or given) is refused
    /// before anything is written.
    pub max_columns: usize,
    /// How inference treats conflicting types and map-like objects.
    pub infer: InferOptions,
    pub writer: WriterOptions,
    /// Threads. With 2 or more, newline-delimited file inputs are cut into chunks that are
    /// inferred, shredded and encoded in parallel (row groups keep input order); otherwise one
    /// thread parses and the others encode ([`crate::threads::encode_threads`]).
    pub threads: usize,
    /// Counters for a progress display.
    pub progress: Option<Arc<Progress>>,
    /// Set to stop the run (Ctrl-C): it ends with [`Error::Interrupted`] and no output.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Write the documents in the order of this column (a user's path; [`crate::sort`]).
    pub sort_by: Option<String>,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            schema: None,
            sample: None,
            on_error: OnError::Fail,
            input_format: InputFormat::Auto,
            max_depth: crate::DEFAULT_MAX_DEPTH,
            max_document_bytes: crate::DEFAULT_MAX_DOCUMENT_BYTES,
            max_columns: crate::DEFAULT_MAX_COLUMNS,
            infer: InferOptions::default(),
            writer: WriterOptions::default(),
            threads: 2,
            progress: None,
            cancel: None,
            sort_by: None,
        }
    }
}

/// What a conversion did.
#[derive(Debug, Clone)]
pub struct ConvertSummary {
    /// Documents written.
    pub documents: u64,
    /// Documents skipped or quarantined.
    pub bad_documents: u64,
    /// The first few bad-document errors.
    pub first_errors: Vec<String>,
    /// Values replaced by a later duplicate key in the same object.
    pub duplicate_keys: u64,
    /// Where the first of them was: `file:line:column: \`path\``.
    pub first_duplicate: Option<String>,
    pub row_groups: usize,
    pub columns: usize,
    /// Input bytes read (decompressed).
    pub input_bytes: u64,
    pub output_bytes: u64,
    /// The schema the file was written with.
    pub schema: Schema,
    /// Whether the parallel pipeline wrote the file (newline-delimited files, 2+ threads).
    pub parallel: bool,
    /// Whether inference and conversion shared one parse (the module docs, one parse).
    pub one_parse: bool,
}

/// Stops a run that was asked to stop (Ctrl-C) before its file is finished.
fn check_cancelled(options: &ConvertOptions) -> Result<()> {
    match &options.cancel {
        Some(c) if c.load(Ordering::Relaxed) => Err(Error::Interrupted),
        _ => Ok(()),
    }
}

impl ConvertSummary {
    fn new(
        schema: &Schema,
        stats: FileStats,
        documents: u64,
        duplicate_keys: u64,
        policy: &BadRecordPolicy,
        options: &ConvertOptions,
        parallel: bool,
    ) -> Self {
        ConvertSummary {
            documents,
            bad_documents: policy.count,
            first_errors: policy.first_errors.clone(),
            duplicate_keys,
            first_duplicate: None,
            row_groups: stats.row_groups,
            columns: stats.columns,
            input_bytes: options
                .progress
                .as_ref()
                .map_or(0, |p| p.bytes.load(Ordering::Relaxed)),
            output_bytes: stats.bytes,
            schema: schema.clone(),
            parallel,
            one_parse: false,
        }
    }
}

/// Refuses a nesting limit outside `1..=`[`crate::MAX_DEPTH_LIMIT`] (every driver's check).
pub(crate) fn check_max_depth(max_depth: usize) -> Result<()> {
    if max_depth == 0 || max_depth > crate::MAX_DEPTH_LIMIT {
        return Err(Error::Options(format!(
            "{} must be between 1 and {}",
            OptionKey::MaxDepth,
            crate::MAX_DEPTH_LIMIT
        )));
    }
    Ok(())
}

/// Refuses a document size limit outside `1..=`[`crate::MAX_DOCUMENT_LIMIT`] bytes.
pub(crate) fn check_max_document_bytes(bytes: usize) -> Result<()> {
    if bytes == 0 || bytes > crate::MAX_DOCUMENT_LIMIT {
        return Err(Error::Options(format!(
            "{} must be between 1 and {} bytes",
            OptionKey::MaxDocumentSize,
            crate::MAX_DOCUMENT_LIMIT
        )));
    }
    Ok(())
}

impl ConvertOptions {
    pub(crate) fn read_settings<'a>(&'a self, progress: Option<&'a Progress>) -> ReadSettings<'a> {
        ReadSettings {
            format: self.input_format,
            max_depth: self.max_depth,
            block_bytes: 8 << 20,
            max_document_bytes: self.max_document_bytes,
            progress,
            cancel: self.cancel.as_deref(),
        }
    }

    /// Sets the progress counters back to zero, for a pass that reads the input again.
    pub(crate) fn reset_progress(&self) {
        if let Some(p) = &self.progress {
            p.bytes.store(0, Ordering::Relaxed);
            p.documents.store(0, Ordering::Relaxed);
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        check_max_depth(self.max_depth)?;
        check_max_document_bytes(self.max_document_bytes)?;
        if self.max_columns == 0 {
            return Err(Error::Options(format!(
                "{} must be at least 1",
                OptionKey::MaxColumns
            )));
        }
        Ok(())
    }

    /// Refuses a schema with more leaf columns than [`ConvertOptions::max_columns`].
    fn check_columns(&self, schema: &Schema) -> Result<()> {
        let columns = schema.leaves().len();
        if columns > self.max_columns {
            return Err(Error::Schema {
                source_name: None,
                reason: format!(
                    "{columns} columns, more than the limit of {} (the {} setting: each open column takes memory while writing; raise it, or write objects keyed by ids as maps)",
                    self.max_columns,
                    OptionKey::MaxColumns
                ),
            });
        }
        Ok(())
    }
}

/// Infers the schema of `inputs` (see [`ConvertOptions::sample`]). Bad documents stop the
/// run only under [`OnError::Fail`]; otherwise they are left for the conversion pass to report.
pub fn infer_schema(inputs: &[Input], options: &ConvertOptions) -> Result<Schema> {
    options.check()?;
    with_stack(options.max_depth, || infer_on_this_thread(inputs, options))
}

/// The schema inferred from `inputs` and, for each object path (and each union or variant),
/// the form it got and why ([`SchemaInferrer::explain`]): `schema --explain`.
pub fn explain_schema(
    inputs: &[Input],
    options: &ConvertOptions,
) -> Result<(Schema, Vec<crate::infer::Decision>)> {
    options.check()?;
    with_stack(options.max_depth, || {
        let inferrer = observe_on_this_thread(inputs, options)?;
        Ok((inferrer.finish()?, inferrer.explain()?))
    })
}

fn infer_on_this_thread(inputs: &[Input], options: &ConvertOptions) -> Result<Schema> {
    observe_on_this_thread(inputs, options)?.finish()
}

fn observe_on_this_thread(inputs: &[Input], options: &ConvertOptions) -> Result<SchemaInferrer> {
    if options.sample.is_none() && options.threads >= 2 && chunkable(inputs, options.input_format)?
    {
        if let Some(inferrer) = infer_parallel(inputs, options)? {
            return Ok(inferrer);
        }
    }
    let settings = options.read_settings(None);
    // Standard input that was not spilled can be read only once: check every document.
    let once = inputs
        .iter()
        .any(|i| matches!(i.source, crate::input::Source::Stdin));
    let (inferrer, ()) = fold_unit(
        || new_inferrer(options),
        once,
        |folder| {
            let mut sink = InferSink {
                folder,
                limit: options.sample,
            };
            let mut bad = 0;
            for input in inputs {
                // Bad records are the conversion pass's to report; here they only stop a
                // failing run.
                let mut policy = match options.on_error {
                    OnError::Fail => BadRecordPolicy::failing(),
                    _ => BadRecordPolicy::new(&OnError::Skip)?,
                };
                read_documents(input, &mut sink, &mut policy, &settings)?;
                bad += policy.count;
                if sink.limit_reached() {
                    break;
                }
            }
            Ok(((), bad > 0))
        },
    )?;
    Ok(inferrer)
}

fn new_inferrer(options: &ConvertOptions) -> SchemaInferrer {
    SchemaInferrer::with_options(options.max_depth, options.infer.clone())
}

/// Hands documents to inference ([`fold_unit`] makes sure bad ones add nothing), up to a
/// sample size.
struct InferSink<'f> {
    folder: &'f mut DocumentFolder,
    limit: Option<u64>,
}

impl InferSink<'_> {
    fn limit_reached(&self) -> bool {
        self.limit
            .is_some_and(|n| self.folder.inferrer().documents() >= n)
    }
}

impl DocumentSink for InferSink<'_> {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        self.folder.fold(p, locate)
    }

    fn after_document(&mut self) -> Result<bool> {
        Ok(!self.limit_reached())
    }
}

enum WriterMessage {
    Batch(ShreddedBatch, usize),
    Finish,
}

/// Where full batches go: a writer thread, or (one thread) the writer itself.
enum BatchSink {
    Thread {
        to_writer: SyncSender<WriterMessage>,
        spare: Receiver<ShreddedBatch>,
        gone: bool,
    },
    Inline(ParquetFileWriter),
}

struct ShredSink {
    shredder: Shredder,
    batches: BatchSink,
    batch: BatchClock,
}

impl ShredSink {
    fn flush(&mut self) -> Result<()> {
        let rows = self.shredder.buffered_rows();
        if rows == 0 {
            return Ok(());
        }
        match &mut self.batches {
            BatchSink::Thread {
                to_writer,
                spare,
                gone,
            } => {
                let batch = self.shredder.take_batch(spare.try_recv().ok());
                if to_writer.send(WriterMessage::Batch(batch, rows)).is_err() {
                    // The writer stopped on an error; it is reported when it is joined.
                    *gone = true;
                }
                Ok(())
            }
            BatchSink::Inline(writer) => {
                writer.write(self.shredder.columns(), rows)?;
                self.shredder.clear_buffers();
                Ok(())
            }
        }
    }

    fn writer_gone(&self) -> bool {
        matches!(self.batches, BatchSink::Thread { gone: true, .. })
    }
}

/// The shredder takes documents as they come (the parallel workers' sink).
impl DocumentSink for Shredder {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        self.shred_document(p)?;
        self.place_duplicate(locate);
        Ok(())
    }
}

impl DocumentSink for ShredSink {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        self.shredder.document(p, locate)
    }

    fn after_document(&mut self) -> Result<bool> {
        let shredder = &self.shredder;
        if self.batch.batch_full(|| shredder.buffered_bytes()) {
            self.flush()?;
        }
        Ok(!self.writer_gone())
    }
}

/// Converts JSON documents from `inputs` (file names, globs, `-`) into one Parquet file.
pub fn convert(
    inputs: &[String],
    output: &Path,
    options: &ConvertOptions,
) -> Result<ConvertSummary> {
    options.check()?;
    with_stack(options.max_depth, || {
        convert_on_this_thread(inputs, output, options)
    })
}

/// Runs `f` on a thread whose stack fits documents `max_depth` deep (see [`crate::threads`]).
pub(crate) fn with_stack<T: Send>(
    max_depth: usize,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    crate::threads::with_stack(Recursion::documents(max_depth), f)
}

fn convert_on_this_thread(
    inputs: &[String],
    output: &Path,
    options: &ConvertOptions,
) -> Result<ConvertSummary> {
    let passes = match options.schema {
        Some(_) => Passes::Once,
        None => Passes::Twice,
    };
    let inputs = open_inputs(inputs, passes)?;
    if let Some(mut summary) = try_one_parse(&inputs, options, |schema, strict| {
        convert_with_schema(&inputs, output, schema, strict)
    })? {
        summary.one_parse = true;
        return Ok(summary);
    }
    let schema = match &options.schema {
        Some(s) => s.clone(),
        None => infer_on_this_thread(&inputs, options)?,
    };
    // The progress counters describe the conversion pass.
    options.reset_progress();
    convert_with_schema(&inputs, output, &schema, options)
}

/// The documents the schema is first inferred from.
pub const SETTLE_SAMPLE_DOCUMENTS: u64 = 1_000;

/// The documents of a first look, whose schema must be settled already and the same as that
/// of the [`SETTLE_SAMPLE_DOCUMENTS`] (an input with maps shows one early, a drifting one grows
/// between the two; inferring both costs about 1% of a run).
const FIRST_LOOK_DOCUMENTS: u64 = 200;

/// Runs `pass` (the driver's pass with a schema and options) in one parse if the first
/// documents' schema is settled: `Some` with its result, or `None` when the caller must infer
/// and run its pass itself (a schema or a sample given; not settled; a document that does not
/// fit). Interruption and I/O errors end the run as they are. `inputs` must be readable again
/// (opened for two passes).
pub(crate) fn try_one_parse<T>(
    inputs: &[Input],
    options: &ConvertOptions,
    pass: impl FnOnce(&Schema, &ConvertOptions) -> Result<T>,
) -> Result<Option<T>> {
    if options.schema.is_some() || options.sample.is_some() {
        return Ok(None);
    }
    // The schema of the first `documents`, if settled.
    let look = |documents: u64| -> Result<Option<Schema>> {
        let sampling = ConvertOptions {
            on_error: OnError::Fail,
            sample: Some(documents),
            ..options.clone()
        };
        match infer_schema(inputs, &sampling) {
            Ok(schema) => Ok(Some(schema).filter(|s| settled(s, &options.infer))),
            Err(Error::Interrupted) => Err(Error::Interrupted),
            // A bad document among the first ones: the two passes report or set it aside.
            Err(_) => Ok(None),
        }
    };
    // A first look at fewer documents turns most unsettled inputs away for little, and a
    // schema that still grows after it is likely to grow again later: an attempt that fails
    // costs the work done until then (up to a chunk per thread), so neither is tried.
    let Some(early) = look(FIRST_LOOK_DOCUMENTS)? else {
        return Ok(None);
    };
    // Nor when documents further on do not fit it (a type that changes part-way). The later
    // look runs beside the settling look, on the core that is otherwise idle until the
    // attempt starts: what it says of `early` it says of the settled schema, which must be
    // `early`.
    let (settled_schema, later_fit) = std::thread::scope(|scope| -> Result<_> {
        let settling = Recursion::documents(options.max_depth)
            .thread("rustparquet-look")
            .spawn_scoped(scope, || look(SETTLE_SAMPLE_DOCUMENTS))
            .map_err(|e| Error::Other(format!("cannot start a thread: {e}")))?;
        let later_fit = later_documents_fit(inputs, &early, options.max_depth);
        let settled_schema = settling
            .join()
            .map_err(|_| Error::Other("internal error: a look at the input panicked".into()))?;
        Ok((settled_schema?, later_fit?))
    })?;
    let Some(first) = settled_schema.filter(|s| *s == early) else {
        return Ok(None);
    };
    if !later_fit {
        return Ok(None);
    }
    let strict = ConvertOptions {
        on_error: OnError::Fail,
        ..options.clone()
    };
    match pass(&first, &strict) {
        Ok(result) => {
            // No bad document: the user's policy leaves what it leaves for none (empty
            // quarantine files), as in the two-pass run.
            BadRecordPolicy::new(&options.on_error)?.finish()?;
            Ok(Some(result))
        }
        Err(e @ (Error::Interrupted | Error::Io { .. })) => Err(e),
        Err(_) => {
            // What the attempt counted is read again.
            options.reset_progress();
            Ok(None)
        }
    }
}

/// The conversion pass with a known schema.
pub fn convert_with_schema(
    inputs: &[Input],
    output: &Path,
    schema: &Schema,
    options: &ConvertOptions,
) -> Result<ConvertSummary> {
    options.check_columns(schema)?;
    let sort_keys = match &options.sort_by {
        Some(text) => Some(sort_keys(schema, text)?),
        None => None,
    };
    // Sorted output reads the documents in key order, one parser (the parallel pipeline
    // cuts the input in its own order).
    if sort_keys.is_none() && options.threads >= 2 && chunkable(inputs, options.input_format)? {
        if let Some(summary) = convert_parallel(inputs, output, schema, options)? {
            return Ok(summary);
        }
        // A document spans lines (pretty-printed input): redo it with one parser.
        options.reset_progress();
    }
    // One thread does everything; otherwise this one shreds and the others encode.
    let threads = if options.threads <= 1 {
        1
    } else {
        encode_threads(options.threads)
    };
    let mut writer = ParquetFileWriter::create(output, schema, &options.writer, threads)?;
    let mut policy = BadRecordPolicy::new(&options.on_error)?;
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let sorted = match &sort_keys {
        Some(keys) => {
            let sorted = SortedDocuments::read(inputs, keys, &mut policy, &settings)?;
            // The progress counters describe the writing pass.
            options.reset_progress();
            Some(sorted)
        }
        None => None,
    };
    let summary = |documents,
                   (duplicate_keys, first_duplicate),
                   stats: FileStats,
                   policy: &BadRecordPolicy| {
        let mut s = ConvertSummary::new(
            schema,
            stats,
            documents,
            duplicate_keys,
            policy,
            options,
            false,
        );
        s.first_duplicate = first_duplicate;
        s
    };
    let shred_all = |sink: &mut ShredSink, policy: &mut BadRecordPolicy| -> Result<u64> {
        let mut documents = 0;
        if let Some(sorted) = &sorted {
            documents = sorted.feed(sink, policy, &settings)?;
        } else {
            for input in inputs {
                documents += read_documents(input, sink, policy, &settings)?;
                if sink.writer_gone() {
                    break;
                }
            }
        }
        policy.finish()?;
        sink.flush()?;
        Ok(documents)
    };
    let new_sink = |batches| ShredSink {
        shredder: Shredder::new(schema),
        batches,
        batch: BatchClock::default(),
    };

    if options.threads <= 1 {
        // One thread: shred a batch, encode it, and so on.
        let mut sink = new_sink(BatchSink::Inline(writer));
        let documents = shred_all(&mut sink, &mut policy)?;
        let duplicate_keys = (
            sink.shredder.duplicate_keys(),
            sink.shredder.take_first_duplicate(),
        );
        let BatchSink::Inline(writer) = sink.batches else {
            unreachable!("inline sink")
        };
        check_cancelled(options)?;
        let stats = writer.finish()?;
        return Ok(summary(documents, duplicate_keys, stats, &policy));
    }

    // Shred on this thread; encode on a writer thread (with `encode_threads` helpers).
    let (to_writer, from_shredder) = sync_channel::<WriterMessage>(1);
    let (spare_tx, spare_rx) = channel::<ShreddedBatch>();
    let mut sink = new_sink(BatchSink::Thread {
        to_writer,
        spare: spare_rx,
        gone: false,
    });
    std::thread::scope(|scope| {
        let writer_thread = scope.spawn(move || -> Result<Option<FileStats>> {
            for message in from_shredder {
                match message {
                    WriterMessage::Batch(batch, rows) => {
                        writer.write(batch.columns(), rows)?;
                        let _ = spare_tx.send(batch);
                    }
                    WriterMessage::Finish => {
                        check_cancelled(options)?;
                        return writer.finish().map(Some);
                    }
                }
            }
            // The shredding side stopped without finishing: the temporary file is dropped.
            Ok(None)
        });
        let shredded = shred_all(&mut sink, &mut policy);
        let duplicate_keys = (
            sink.shredder.duplicate_keys(),
            sink.shredder.take_first_duplicate(),
        );
        if shredded.is_ok() {
            if let BatchSink::Thread { to_writer, .. } = &sink.batches {
                let _ = to_writer.send(WriterMessage::Finish);
            }
        }
        drop(sink);
        let written = writer_thread
            .join()
            .map_err(|_| Error::Other("internal error: the writer thread panicked".into()))?;
        let documents = shredded?;
        let stats = written?
            .ok_or_else(|| Error::Other("internal error: the writer stopped early".into()))?;
        Ok(summary(documents, duplicate_keys, stats, &policy))
    })
}

/// What one chunk's worker found.
pub(crate) enum ChunkOutcome<T> {
    Done(T),
    /// A document spans the chunk's end: the input is not newline-delimited.
    Unchunkable,
}

/// Runs `work` over the chunks of `inputs` on `threads` threads and hands the results to
/// `consume` in input order; `consume` returns `Ok(false)` to stop early (the run then counts
/// as complete). Returns `Ok(false)` when a chunk was unchunkable: the results of the chunks
/// before it have been consumed, none after it (the caller redoes the rest sequentially). The
/// first error in input order wins.
pub(crate) fn run_chunks<S, T: Send>(
    inputs: &[Input],
    options: &ConvertOptions,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &Chunk) -> Result<ChunkOutcome<T>> + Sync,
    mut consume: impl FnMut(T) -> Result<bool>,
) -> Result<bool> {
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let chunk_bytes = BATCH_BYTES;
    let threads = options.threads.max(1);
    let stop = AtomicBool::new(false);
    // Workers give each chunk's buffer back for the chunker to fill again.
    let spares = SpareBuffers::default();
    // Each worker reads its next chunk itself, one worker at a time: a reader thread of its
    // own read one chunk ahead and held it while both workers parsed theirs (a third 8 MiB
    // buffer in the peak, for no measured speed: reading a chunk takes a few ms of a worker's
    // tens). The sequence number goes with the chunk; `None` once the inputs are done.
    let chunker = Mutex::new(Some((
        Chunker::new(inputs, &settings, chunk_bytes, threads, &spares),
        0u64,
    )));
    // The next chunk (or the error reading it) and its sequence number.
    let next_chunk = || -> Option<(u64, Result<Chunk>)> {
        let mut guard = chunker.lock().ok()?;
        let (chunker, seq) = guard.as_mut()?;
        let n = *seq;
        *seq += 1;
        match chunker.next_chunk() {
            Ok(Some(chunk)) => Some((n, Ok(chunk))),
            Ok(None) => {
                *guard = None;
                None
            }
            Err(e) => {
                *guard = None;
                Some((n, Err(e)))
            }
        }
    };
    std::thread::scope(|scope| {
        // A rendezvous, so that finished chunks cannot pile up when consuming them is the slower
        // side: each worker holds at most the chunk it finished (a queue of one more held another
        // chunk's shredded columns, ~15 MiB of heterogeneous's peak, for no measured speed).
        let (result_tx, result_rx) = sync_channel::<(u64, Result<ChunkOutcome<T>>)>(0);
        for _ in 0..threads {
            let result_tx = result_tx.clone();
            let (next_chunk, stop, init, work, spares) =
                (&next_chunk, &stop, &init, &work, &spares);
            // Workers walk documents `max_depth` deep: they get the conversion thread's stack
            // size, not the 2 MiB default (a 5,000-deep document overflowed it).
            let worker = Recursion::documents(options.max_depth).thread("rustparquet-chunk");
            let spawned = worker.spawn_scoped(scope, move || {
                let mut state = init();
                while !stop.load(Ordering::Relaxed) {
                    let Some((seq, chunk)) = next_chunk() else {
                        break;
                    };
                    let outcome = chunk.and_then(|chunk| {
                        let outcome = work(&mut state, &chunk);
                        spares.give(chunk.data);
                        outcome
                    });
                    if result_tx.send((seq, outcome)).is_err() {
                        break;
                    }
                }
            });
            if let Err(e) = spawned {
                // Ends the workers already started (the results' receiver goes too).
                stop.store(true, Ordering::Relaxed);
                return Err(Error::Other(format!("cannot start a worker thread: {e}")));
            }
        }
        drop(result_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut outcome: Result<bool> = Ok(true);
        let mut stopped = false;
        for (seq, result) in result_rx {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                if !matches!(outcome, Ok(true)) || stopped {
                    continue;
                }
                let step = match result {
                    Ok(ChunkOutcome::Done(t)) => consume(t).map(|go_on| {
                        stopped = !go_on;
                        true
                    }),
                    Ok(ChunkOutcome::Unchunkable) => Ok(false),
                    Err(e) => Err(e),
                };
                if stopped || !matches!(step, Ok(true)) {
                    stop.store(true, Ordering::Relaxed);
                    outcome = step;
                }
            }
        }
        outcome
    })
}

/// Parses one chunk's documents into `sink`, applying `policy` to bad ones. `None` if parsing
/// stopped inside a document that goes on past the chunk (so the input is not
/// newline-delimited): a clean chunk is consumed to its end.
pub(crate) fn parse_chunk(
    inputs: &[Input],
    chunk: &Chunk,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<Option<crate::input::WindowEnd>> {
    let locator = Locator::new(&inputs[chunk.input].name, &chunk.data, chunk.base_line);
    let end = parse_window(
        &chunk.data,
        chunk.start,
        chunk.last,
        &mut None,
        &|o| locator.locate(o),
        sink,
        policy,
        settings,
    )?;
    let spans_end = end.need_more && end.pos < chunk.data.len();
    Ok((!spans_end).then_some(end))
}

/// Parallel inference over newline-delimited inputs; `None` if a document spans lines.
fn infer_parallel(inputs: &[Input], options: &ConvertOptions) -> Result<Option<SchemaInferrer>> {
    let progress = None;
    let settings = options.read_settings(progress);
    let mut total = new_inferrer(options);
    let complete = run_chunks(
        inputs,
        options,
        || (),
        |_, chunk| {
            let mut unchunkable = false;
            let (inferrer, ()) = fold_unit(
                || new_inferrer(options),
                false,
                |folder| {
                    let mut sink = InferSink {
                        folder,
                        limit: None,
                    };
                    // Bad documents are the conversion pass's to report; here they only stop
                    // a failing run.
                    let mut policy = BadRecordPolicy::deferring(&options.on_error);
                    unchunkable =
                        parse_chunk(inputs, chunk, &mut sink, &mut policy, &settings)?.is_none();
                    Ok(((), !unchunkable && !policy.take_deferred().is_empty()))
                },
            )?;
            Ok(if unchunkable {
                ChunkOutcome::Unchunkable
            } else {
                ChunkOutcome::Done(inferrer)
            })
        },
        |inferrer| total.merge(&inferrer).map(|_| true),
    )?;
    Ok(complete.then_some(total))
}

/// One chunk's shredded columns and findings.
struct ShreddedChunk {
    batch: ShreddedBatch,
    rows: usize,
    documents: u64,
    bad: Vec<(Error, Vec<u8>)>,
    duplicate_keys: u64,
    first_duplicate: Option<String>,
}

/// Parallel conversion of newline-delimited inputs; `None` if a document spans lines (the
/// partial output is dropped).
fn convert_parallel(
    inputs: &[Input],
    output: &Path,
    schema: &Schema,
    options: &ConvertOptions,
) -> Result<Option<ConvertSummary>> {
    // Chunks are shredded on the workers; each is encoded here on every thread.
    let mut writer = ParquetFileWriter::create(output, schema, &options.writer, options.threads)?;
    let mut policy = BadRecordPolicy::new(&options.on_error)?;
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let (mut documents, mut duplicate_keys) = (0u64, 0u64);
    let mut first_duplicate = None;
    let complete = run_chunks(
        inputs,
        options,
        || Shredder::new(schema),
        |shredder, chunk| {
            let mut chunk_policy = BadRecordPolicy::deferring(&options.on_error);
            let duplicates_before = shredder.duplicate_keys();
            let Some(end) = parse_chunk(inputs, chunk, shredder, &mut chunk_policy, &settings)?
            else {
                shredder.clear_buffers();
                return Ok(ChunkOutcome::Unchunkable);
            };
            let rows = shredder.buffered_rows();
            Ok(ChunkOutcome::Done(ShreddedChunk {
                batch: shredder.take_batch(None),
                rows,
                documents: end.taken,
                bad: chunk_policy.take_deferred(),
                duplicate_keys: shredder.duplicate_keys() - duplicates_before,
                first_duplicate: shredder.take_first_duplicate(),
            }))
        },
        |chunk| {
            writer.write(chunk.batch.columns(), chunk.rows)?;
            for (error, text) in chunk.bad {
                policy.record(error, &text)?;
            }
            documents += chunk.documents;
            duplicate_keys += chunk.duplicate_keys;
            first_duplicate = first_duplicate.take().or(chunk.first_duplicate);
            Ok(true)
        },
    )?;
    if !complete {
        return Ok(None);
    }
    policy.finish()?;
    check_cancelled(options)?;
    let stats = writer.finish()?;
    let mut summary = ConvertSummary::new(
        schema,
        stats,
        documents,
        duplicate_keys,
        &policy,
        options,
        true,
    );
    summary.first_duplicate = first_duplicate;
    Ok(Some(summary))
}
