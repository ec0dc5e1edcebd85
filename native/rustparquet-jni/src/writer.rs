//! One task's Parquet file, fed Arrow IPC stream bytes: the schema message at open, then one
//! record batch message per call. Encoded bytes come back to the caller (the JVM writes them
//! to Spark's output stream, so any Hadoop file system works); between row-group flushes the
//! only native memory held is the open row group, bounded by `rowGroupSize`. Spark 4's
//! `VARIANT` columns become Parquet `VARIANT(1)` groups (`crate::variant`).
//!
//! The first rows (up to [`HELD_ROWS`], at most [`HELD_BYTES`] of IPC bytes or the row group size)
//! are held before the Arrow writer opens: `crate::dictionary` judges each leaf column on them
//! with parquet-mr's first-page rule, and the writer opens with the dictionary disabled on the
//! columns where it does not pay, as Spark's own writer would write them. A file with fewer rows
//! is judged on what it has when it is closed.
//!
//! ```text
//! open(options, schema msg) ─► ipc::read_schema ─► Holding (schema checked, nothing encoded)
//! append(batch msg)         ─► RecordBatch ─► held until the first rows are in
//!                              ─► dictionary::plain_columns ─► ArrowFile ─► write
//!                              ─► bytes flushed so far (often none)
//! finish()                  ─► footer (Spark row metadata)  ─► the remaining bytes
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowSchemaConverter;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::SchemaDescriptor;

use crate::arrow_file::ArrowFile;
use crate::dictionary::{self, Limits, HELD_BYTES, HELD_ROWS};
use crate::error::{Error, Result};
use crate::ipc;
use crate::options::WriterOptions;
use crate::variant::VariantLayout;

pub struct TypedWriter {
    file: String,
    /// The schema of the incoming batches.
    schema: SchemaRef,
    /// How variant columns are rearranged before writing, when there are any.
    variants: Option<VariantLayout>,
    state: State,
    batches: u64,
    depth: usize,
}

enum State {
    /// The first rows, held until each column's encoding is chosen.
    Holding(Held),
    Writing(ArrowFile),
    /// After a failed switch from holding to writing; every later call fails.
    Failed,
}

struct Held {
    batches: Vec<RecordBatch>,
    rows: usize,
    /// IPC bytes of the held batches (what they keep alive).
    bytes: usize,
    /// Hold at most this many bytes: [`HELD_BYTES`] or the row group size, if smaller.
    byte_limit: usize,
    /// The Arrow schema handed to the writer (variants rearranged).
    written: SchemaRef,
    /// The Parquet schema the file will have: its leaf columns are what is judged.
    descriptor: SchemaDescriptor,
    properties: WriterProperties,
    /// The `dictionary` option: when off, no column has one and nothing is judged.
    dictionary: bool,
    /// The `sizeStatistics` option (`crate::size_statistics`).
    size_statistics: bool,
}

impl TypedWriter {
    /// Starts a file for the Arrow schema carried by `schema_ipc` (an IPC stream's first message).
    pub fn open(options: WriterOptions, schema_ipc: Vec<u8>) -> Result<Self> {
        let file = options.path.clone();
        let schema = ipc::read_schema(&schema_ipc).map_err(|source| Error::Ipc {
            file: file.clone(),
            batch: 0,
            source,
        })?;
        let schema = Arc::new(schema);
        if !options.case_sensitive {
            check_case_collisions(&file, "", schema.fields())?;
        }
        check_bloom_columns(&file, &schema, &options.core.bloom_filter_columns)?;
        let properties = options.properties();
        let schema_error = |source| Error::Schema {
            file: file.clone(),
            source,
        };
        let variants = VariantLayout::new(&schema);
        let (written, descriptor) = match &variants {
            None => {
                let descriptor = ArrowSchemaConverter::new()
                    .with_coerce_types(properties.coerce_types())
                    .convert(&schema)
                    .map_err(schema_error)?;
                (schema.clone(), descriptor)
            }
            Some(layout) => {
                let parquet_schema = ArrowSchemaConverter::new()
                    .with_coerce_types(true)
                    .convert(&layout.schema)
                    .and_then(|derived| layout.parquet_schema(&derived))
                    .map_err(schema_error)?;
                (layout.schema.clone(), parquet_schema)
            }
        };
        let depth = schema
            .fields()
            .iter()
            .map(|f| nesting_depth(f))
            .max()
            .unwrap_or(0);
        let byte_limit =
            HELD_BYTES.min(usize::try_from(options.row_group_bytes()).unwrap_or(usize::MAX));
        Ok(TypedWriter {
            file,
            schema,
            variants,
            state: State::Holding(Held {
                batches: Vec::new(),
                rows: 0,
                bytes: 0,
                byte_limit,
                written,
                descriptor,
                properties,
                dictionary: options.core.dictionary,
                size_statistics: options.size_statistics,
            }),
            batches: 0,
            depth,
        })
    }

    /// Levels of nesting of the deepest column (1 for a flat schema).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Appends the record batches in `ipc` (owned bytes, copied from a Java `byte[]`).
    pub fn append_owned(&mut self, ipc: Vec<u8>) -> Result<Vec<u8>> {
        let len = ipc.len();
        self.append(Buffer::from_vec(ipc))?;
        if let State::Holding(held) = &mut self.state {
            held.bytes += len;
            if held.rows >= HELD_ROWS || held.bytes >= held.byte_limit {
                self.start_writing()?;
            }
        }
        Ok(self.take_output())
    }

    fn append(&mut self, buffer: Buffer) -> Result<()> {
        for decoded in ipc::batches(&buffer, &self.schema) {
            self.batches += 1;
            let ipc_error = |source| Error::Ipc {
                file: self.file.clone(),
                batch: self.batches,
                source,
            };
            let mut batch = decoded.map_err(ipc_error)?;
            if let Some(layout) = &self.variants {
                batch = layout.batch(&batch).map_err(ipc_error)?;
            }
            match &mut self.state {
                State::Holding(held) => {
                    held.rows += batch.num_rows();
                    held.batches.push(batch);
                }
                State::Writing(writer) => {
                    writer.write(&batch).map_err(|source| Error::Parquet {
                        file: self.file.clone(),
                        batch: self.batches,
                        source,
                    })?;
                }
                State::Failed => return Err(self.failed()),
            }
        }
        Ok(())
    }

    /// Chooses each column's encoding on the held rows, opens the Arrow writer and writes them.
    fn start_writing(&mut self) -> Result<()> {
        let held = match std::mem::replace(&mut self.state, State::Failed) {
            State::Holding(held) => held,
            other => {
                self.state = other;
                return Ok(());
            }
        };
        let properties = held.properties;
        let mut builder = properties.clone().into_builder();
        if held.dictionary {
            let limits = Limits {
                page_bytes: properties.data_page_size_limit(),
                dictionary_bytes: properties.dictionary_page_size_limit(),
                writer_version: properties.writer_version(),
            };
            for path in dictionary::plain_columns(&held.batches, &held.descriptor, limits) {
                builder = builder.set_column_dictionary_enabled(path, false);
            }
        }
        // Spark's own row metadata is the schema of record; no Arrow schema is added.
        let mut writer = ArrowFile::try_new(
            held.written,
            &held.descriptor,
            builder.build(),
            held.size_statistics,
        )
        .map_err(|source| Error::Schema {
            file: self.file.clone(),
            source,
        })?;
        let first = self.batches + 1 - held.batches.len() as u64;
        for (n, batch) in held.batches.iter().enumerate() {
            writer.write(batch).map_err(|source| Error::Parquet {
                file: self.file.clone(),
                batch: first + n as u64,
                source,
            })?;
        }
        self.state = State::Writing(writer);
        Ok(())
    }

    fn failed(&self) -> Error {
        Error::Finish {
            file: self.file.clone(),
            source: parquet::errors::ParquetError::General(
                "the writer failed earlier and cannot take more rows".to_owned(),
            ),
        }
    }

    /// Bytes encoded since the last call: whole row groups once they are flushed.
    fn take_output(&mut self) -> Vec<u8> {
        match &mut self.state {
            State::Writing(writer) => writer.take_output(),
            _ => Vec::new(),
        }
    }

    /// Flushes the open row group and writes the footer; returns the file's last bytes. A file
    /// still holding its rows is judged on them first.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.start_writing()?;
        let mut writer = match std::mem::replace(&mut self.state, State::Failed) {
            State::Writing(writer) => writer,
            _ => return Err(self.failed()),
        };
        writer.finish().map_err(|source| Error::Finish {
            file: self.file.clone(),
            source,
        })?;
        Ok(writer.take_output())
    }
}

fn nesting_depth(field: &Field) -> usize {
    1 + match field.data_type() {
        DataType::Struct(children) => children.iter().map(|f| nesting_depth(f)).max().unwrap_or(0),
        DataType::List(item) | DataType::LargeList(item) | DataType::Map(item, _) => {
            nesting_depth(item)
        }
        _ => 0,
    }
}

/// Spark refuses to read a file with two sibling fields equal after case folding, unless the
/// session is case-sensitive (`spark.sql.caseSensitive`), where this check is skipped.
fn check_case_collisions(file: &str, parent: &str, fields: &Fields) -> Result<()> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for field in fields {
        if let Some(a) = seen.insert(field.name().to_lowercase(), field.name()) {
            return Err(Error::CaseCollision {
                file: file.to_owned(),
                parent: if parent.is_empty() {
                    "the root"
                } else {
                    parent
                }
                .to_owned(),
                a: a.to_owned(),
                b: field.name().clone(),
            });
        }
        let path = if parent.is_empty() {
            field.name().clone()
        } else {
            format!("{parent}.{}", field.name())
        };
        check_nested(file, &path, field)?;
    }
    Ok(())
}

fn check_nested(file: &str, path: &str, field: &Field) -> Result<()> {
    match field.data_type() {
        DataType::Struct(children) => check_case_collisions(file, path, children),
        DataType::List(item) | DataType::LargeList(item) => check_nested(file, path, item),
        DataType::Map(entries, _) => check_nested(file, path, entries),
        _ => Ok(()),
    }
}

fn check_bloom_columns(file: &str, schema: &Schema, columns: &[String]) -> Result<()> {
    if columns.is_empty() {
        return Ok(());
    }
    let descriptor = ArrowSchemaConverter::new()
        .with_coerce_types(true)
        .convert(schema)
        .map_err(|source| Error::Schema {
            file: file.to_owned(),
            source,
        })?;
    let known: Vec<String> = descriptor
        .columns()
        .iter()
        .map(|c| c.path().string())
        .collect();
    match columns.iter().find(|c| !known.contains(c)) {
        Some(missing) => Err(Error::UnknownBloomColumn {
            file: file.to_owned(),
            column: missing.clone(),
            known: known.join(", "),
        }),
        None => Ok(()),
    }
}
