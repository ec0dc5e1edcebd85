//! The whole conversion: inputs → (inference) → shredding → Parquet file.
//!
//! Without a given schema, a first pass infers one from every document (or the first
//! `sample` documents); standard input is copied to a temporary file for that, so it can be
//! read twice. The second pass shreds documents into column buffers on the calling thread while
//! another thread encodes the previous row group (whose columns are themselves encoded on
//! `encode_threads` threads), so parsing and encoding overlap. Row groups are cut when the
//! buffered column data reaches `row_group_bytes` (or `row_group_rows`), which bounds memory by
//! about two row groups whatever the input size. The output appears only when complete.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::error::{Error, Location, Result};
use crate::infer::SchemaInferrer;
use crate::input::{
    expand_inputs, read_documents, BadRecordPolicy, DocError, DocumentSink, Input, InputFormat,
    OnError, Progress, ReadSettings,
};
use crate::json::Parser;
use crate::schema::Schema;
use crate::shred::{LeafBuffer, Shredder};
use crate::write::{FileStats, ParquetFileWriter, WriterOptions};

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
    /// Largest document accepted, in bytes.
    pub max_document_bytes: usize,
    pub writer: WriterOptions,
    /// Counters for a progress display.
    pub progress: Option<Arc<Progress>>,
    /// Set to stop the run (Ctrl-C): it ends with [`Error::Interrupted`] and no output.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            schema: None,
            sample: None,
            on_error: OnError::Fail,
            input_format: InputFormat::Auto,
            max_depth: crate::DEFAULT_MAX_DEPTH,
            max_document_bytes: 1 << 30,
            writer: WriterOptions::default(),
            progress: None,
            cancel: None,
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
    pub row_groups: usize,
    pub columns: usize,
    /// Input bytes read (decompressed).
    pub input_bytes: u64,
    pub output_bytes: u64,
    /// The schema the file was written with.
    pub schema: Schema,
}

impl ConvertOptions {
    fn read_settings<'a>(&'a self, progress: Option<&'a Progress>) -> ReadSettings<'a> {
        ReadSettings {
            format: self.input_format,
            max_depth: self.max_depth,
            block_bytes: 8 << 20,
            max_document_bytes: self.max_document_bytes,
            progress,
            cancel: self.cancel.as_deref(),
        }
    }

    fn check(&self) -> Result<()> {
        if self.max_depth == 0 || self.max_depth > crate::MAX_DEPTH_LIMIT {
            return Err(Error::Options(format!(
                "max-depth must be between 1 and {}",
                crate::MAX_DEPTH_LIMIT
            )));
        }
        Ok(())
    }
}

/// Infers the schema of `inputs` (see [`ConvertOptions::sample`]). Bad documents stop the
/// run only under [`OnError::Fail`]; otherwise they are left for the conversion pass to report.
pub fn infer_schema(inputs: &[Input], options: &ConvertOptions) -> Result<Schema> {
    options.check()?;
    let mut sink = InferSink {
        inferrer: SchemaInferrer::new(options.max_depth),
        limit: options.sample,
    };
    let settings = options.read_settings(None);
    for input in inputs {
        // Bad records are the conversion pass's to report; here they only stop a failing run.
        let mut policy = match options.on_error {
            OnError::Fail => BadRecordPolicy::failing(),
            _ => BadRecordPolicy::new(&OnError::Skip)?,
        };
        read_documents(input, &mut sink, &mut policy, &settings)?;
        if sink.limit.is_some_and(|n| sink.inferrer.documents() >= n) {
            break;
        }
    }
    Ok(sink.inferrer.finish())
}

struct InferSink {
    inferrer: SchemaInferrer,
    limit: Option<u64>,
}

impl DocumentSink for InferSink {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), DocError> {
        // A document that fails half way may leave its valid prefix folded in: harmless, its
        // types were real JSON values and merged by the same rules.
        self.inferrer.add_document_raw(p, locate)
    }

    fn after_document(&mut self) -> Result<bool> {
        Ok(self.limit.is_none_or(|n| self.inferrer.documents() < n))
    }
}

enum WriterMessage {
    RowGroup(Vec<LeafBuffer>, usize),
    Finish,
}

/// Where full row groups go: a writer thread, or (one thread) the writer itself.
enum RowGroupSink {
    Thread {
        to_writer: SyncSender<WriterMessage>,
        spare: Receiver<Vec<LeafBuffer>>,
        gone: bool,
    },
    Inline(ParquetFileWriter),
}

struct ShredSink {
    shredder: Shredder,
    row_groups: RowGroupSink,
    row_group_bytes: usize,
    row_group_rows: usize,
    since_check: usize,
}

impl ShredSink {
    fn flush(&mut self) -> Result<()> {
        let rows = self.shredder.buffered_rows();
        if rows == 0 {
            return Ok(());
        }
        match &mut self.row_groups {
            RowGroupSink::Thread {
                to_writer,
                spare,
                gone,
            } => {
                let buffers = self.shredder.take_buffers(spare.try_recv().ok());
                if to_writer
                    .send(WriterMessage::RowGroup(buffers, rows))
                    .is_err()
                {
                    // The writer stopped on an error; it is reported when it is joined.
                    *gone = true;
                }
                Ok(())
            }
            RowGroupSink::Inline(writer) => {
                writer.write_row_group(self.shredder.leaves(), rows)?;
                self.shredder.clear_buffers();
                Ok(())
            }
        }
    }

    fn writer_gone(&self) -> bool {
        matches!(self.row_groups, RowGroupSink::Thread { gone: true, .. })
    }
}

impl DocumentSink for ShredSink {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        _locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), DocError> {
        self.shredder.shred_document(p).map_err(DocError::from)
    }

    fn after_document(&mut self) -> Result<bool> {
        self.since_check += 1;
        if self.since_check >= 64 || self.shredder.buffered_rows() >= self.row_group_rows {
            self.since_check = 0;
            if self.shredder.buffered_rows() >= self.row_group_rows
                || self.shredder.buffered_bytes() >= self.row_group_bytes
            {
                self.flush()?;
            }
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
    let mut inputs = expand_inputs(inputs)?;
    if options.schema.is_none() {
        for input in &mut inputs {
            input.spill_stdin()?;
        }
    }
    let schema = match &options.schema {
        Some(s) => s.clone(),
        None => infer_schema(&inputs, options)?,
    };
    convert_with_schema(&inputs, output, &schema, options)
}

/// The conversion pass with a known schema.
pub fn convert_with_schema(
    inputs: &[Input],
    output: &Path,
    schema: &Schema,
    options: &ConvertOptions,
) -> Result<ConvertSummary> {
    let writer = ParquetFileWriter::create(output, schema, &options.writer)?;
    let mut policy = BadRecordPolicy::new(&options.on_error)?;
    let progress = options.progress.clone();
    let settings = options.read_settings(progress.as_deref());
    let summary =
        |documents, duplicate_keys, stats: FileStats, policy: &BadRecordPolicy| ConvertSummary {
            documents,
            bad_documents: policy.count,
            first_errors: policy.first_errors.clone(),
            duplicate_keys,
            row_groups: stats.row_groups,
            columns: stats.columns,
            input_bytes: progress
                .as_ref()
                .map(|p| p.bytes.load(std::sync::atomic::Ordering::Relaxed))
                .unwrap_or(0),
            output_bytes: stats.bytes,
            schema: schema.clone(),
        };
    let shred_all = |sink: &mut ShredSink, policy: &mut BadRecordPolicy| -> Result<u64> {
        let mut documents = 0;
        for input in inputs {
            documents += read_documents(input, sink, policy, &settings)?;
            if sink.writer_gone() {
                break;
            }
        }
        policy.finish()?;
        sink.flush()?;
        Ok(documents)
    };
    let new_sink = |row_groups| ShredSink {
        shredder: Shredder::new(schema),
        row_groups,
        row_group_bytes: options.writer.row_group_bytes,
        row_group_rows: options.writer.row_group_rows,
        since_check: 0,
    };

    if options.writer.encode_threads <= 1 {
        // One thread: shred, then encode each row group in turn.
        let mut sink = new_sink(RowGroupSink::Inline(writer));
        let documents = shred_all(&mut sink, &mut policy)?;
        let duplicate_keys = sink.shredder.duplicate_keys();
        let RowGroupSink::Inline(writer) = sink.row_groups else {
            unreachable!("inline sink")
        };
        let stats = writer.finish()?;
        return Ok(summary(documents, duplicate_keys, stats, &policy));
    }

    let (to_writer, from_shredder) = sync_channel::<WriterMessage>(1);
    let (spare_tx, spare_rx) = channel::<Vec<LeafBuffer>>();
    let mut sink = new_sink(RowGroupSink::Thread {
        to_writer,
        spare: spare_rx,
        gone: false,
    });
    std::thread::scope(|scope| {
        let writer_thread = scope.spawn(move || -> Result<Option<FileStats>> {
            let mut writer = writer;
            for message in from_shredder {
                match message {
                    WriterMessage::RowGroup(buffers, rows) => {
                        writer.write_row_group(&buffers, rows)?;
                        let _ = spare_tx.send(buffers);
                    }
                    WriterMessage::Finish => return writer.finish().map(Some),
                }
            }
            // The shredding side stopped without finishing: the temporary file is dropped.
            Ok(None)
        });
        let shredded = shred_all(&mut sink, &mut policy);
        let duplicate_keys = sink.shredder.duplicate_keys();
        if shredded.is_ok() {
            if let RowGroupSink::Thread { to_writer, .. } = &sink.row_groups {
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
