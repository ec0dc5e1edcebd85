//! One task's Parquet file, fed Arrow IPC stream bytes: the schema message at open, then one
//! record batch message per call. Encoded bytes come back to the caller (the JVM writes them
//! to Spark's output stream, so any Hadoop file system works); between row-group flushes the
//! only native memory held is the open row group, bounded by `rowGroupSize`. Spark 4's
//! `VARIANT` columns become Parquet `VARIANT(1)` groups (`crate::variant`).
//!
//! ```text
//! open(options, schema msg) ─► ipc::read_schema ─► ArrowWriter<Vec<u8>>
//! append(batch msg)         ─► RecordBatch   ─► write ─► bytes flushed so far (often none)
//! finish()                  ─► footer (Spark row metadata)  ─► the remaining bytes
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use arrow_buffer::Buffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter};

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
    writer: ArrowWriter<Vec<u8>>,
    batches: u64,
    depth: usize,
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
        let mut writer_options = ArrowWriterOptions::new()
            .with_properties(properties)
            // Spark's own row metadata is the schema of record; the Arrow one would only add bytes.
            .with_skip_arrow_metadata(true);
        let variants = VariantLayout::new(&schema);
        let written = match &variants {
            None => schema.clone(),
            Some(layout) => {
                let parquet_schema = ArrowSchemaConverter::new()
                    .with_coerce_types(true)
                    .convert(&layout.schema)
                    .and_then(|derived| layout.parquet_schema(&derived))
                    .map_err(|source| Error::Schema {
                        file: file.clone(),
                        source,
                    })?;
                writer_options = writer_options.with_parquet_schema(parquet_schema);
                layout.schema.clone()
            }
        };
        let writer = ArrowWriter::try_new_with_options(Vec::new(), written, writer_options)
            .map_err(|source| Error::Schema {
                file: file.clone(),
                source,
            })?;
        let depth = schema
            .fields()
            .iter()
            .map(|f| nesting_depth(f))
            .max()
            .unwrap_or(0);
        Ok(TypedWriter {
            file,
            schema,
            variants,
            writer,
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
        self.append(Buffer::from_vec(ipc))?;
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
            self.writer.write(&batch).map_err(|source| Error::Parquet {
                file: self.file.clone(),
                batch: self.batches,
                source,
            })?;
        }
        Ok(())
    }

    /// Bytes encoded since the last call: whole row groups once they are flushed.
    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(self.writer.inner_mut())
    }

    /// Flushes the open row group and writes the footer; returns the file's last bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.writer.finish().map_err(|source| Error::Finish {
            file: self.file.clone(),
            source,
        })?;
        Ok(self.take_output())
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
