//! The raw-JSON path (`option("jsonColumn", ...)`): a task's documents arrive as batches of
//! UTF-8 bytes (one `byte[]` holding the documents back to back, an `int[]` of their end
//! offsets; one JNI call per batch) and go to the core's shredder untouched, through
//! [`rustparquet_core::stream::DocumentWriter`] into an in-memory sink whose bytes go back to
//! the JVM as on the typed path. [`JsonInferrer`] is the per-partition half of the distributed
//! schema inference; [`spark_schema_json`] is the Spark schema a file's footer carries so that
//! `spark.read.parquet` returns the schema the Parquet columns mean.
//!
//! Malformed documents follow Spark's modes (docs/spark.md, "Malformed documents"): FAILFAST
//! fails the task with the document's partition, row, line, column and first characters;
//! DROPMALFORMED leaves it out; PERMISSIVE writes a row whose only value is the document's
//! text in the corrupt-record column. In the last two modes each bad document is also kept, as
//! one JSON line, for the JVM to store under `badRecordsPath`.

use std::sync::Arc;

use rustparquet_core::bad_document::{row_documents, OneDocument, RowDocuments};
use rustparquet_core::infer::{
    fold_unit, DocumentFolder, InferOptions, SchemaInferrer, Shredding, ShreddingMode, UnionMode,
    VariantRules,
};
use rustparquet_core::schema::{DataType, Field, Repetition, Schema};
use rustparquet_core::stream::{DocumentWriter, Lenient, Outcome};
use serde::Deserialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::options::WriterOptions;

/// Characters of a bad document quoted in a FAILFAST message.
const QUOTED_CHARS: usize = 120;

/// What to do with a malformed document (Spark's `mode` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Mode {
    Failfast,
    Dropmalformed,
    Permissive,
}

/// The raw path's options document, as `RustParquetOptions.toNativeJsonRaw` sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawOptions {
    /// The file options shared with the typed path (path, codec, sizes, footer metadata).
    pub writer: WriterOptions,
    /// The schema in rustparquet's JSON form (docs/format.md), as text: a schema nests three
    /// JSON levels per field level, beyond what a generic JSON value may nest here.
    #[serde(default)]
    pub schema: Option<String>,
    pub mode: Mode,
    /// The column a PERMISSIVE write puts a malformed document's text in.
    #[serde(default = "default_corrupt")]
    pub corrupt_column: String,
    /// Whether bad documents are kept for `badRecordsPath`.
    #[serde(default)]
    pub keep_bad: bool,
    /// Spark's partition id of the task, for positions in messages.
    #[serde(default)]
    pub partition: i64,
    #[serde(default = "default_depth")]
    pub max_depth: usize,
    /// What inference makes of a field seen with several JSON types: union, string, variant or
    /// error.
    #[serde(default)]
    pub union_mode: Option<String>,
    /// Paths inference writes as Parquet `VARIANT`s (`option("variant")`, as `--variant`
    /// takes them; `$` is the whole document as one column `document`).
    #[serde(default)]
    pub variant_paths: Vec<String>,
    /// How documents meet a given schema: `lenient` (Spark's rule, the default: keys the
    /// schema lacks are skipped, a field of another type is null) or `strict` (either makes
    /// the document malformed).
    #[serde(default)]
    pub schema_match: Option<String>,
}

fn default_corrupt() -> String {
    "_corrupt_record".to_owned()
}

fn default_depth() -> usize {
    rustparquet_core::DEFAULT_MAX_DEPTH
}

impl RawOptions {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let options: RawOptions = serde_json::from_slice(bytes)?;
        if options.max_depth == 0 || options.max_depth > MAX_RAW_DEPTH {
            return Err(Error::BadOption {
                option: "maxDepth",
                value: options.max_depth.to_string(),
                allowed: "a depth from 1 to 190 (Spark cannot plan deeper schemas)",
            });
        }
        Ok(options)
    }

    /// The union mode (`unionMode`, default union).
    pub fn unions(&self) -> Result<UnionMode> {
        match &self.union_mode {
            None => Ok(UnionMode::default()),
            Some(name) => name
                .to_ascii_lowercase()
                .parse()
                .map_err(|_| Error::BadOption {
                    option: "unionMode",
                    value: name.clone(),
                    allowed: "union, string, variant or error",
                }),
        }
    }

    /// The inference options: the union mode and the variant paths. Variants are written
    /// unshredded here: each partition would infer its own shredding, and every file of a
    /// write must carry the one schema the driver merged.
    pub fn infer_options(&self) -> Result<InferOptions> {
        Ok(InferOptions {
            unions: self.unions()?,
            variants: VariantRules {
                paths: self.variant_paths.clone(),
                shredding: Shredding {
                    mode: ShreddingMode::None,
                    ..Shredding::default()
                },
            },
            ..InferOptions::default()
        })
    }

    /// Whether a given schema is met leniently (`schemaMatch`, default lenient).
    pub fn lenient(&self) -> Result<bool> {
        match self
            .schema_match
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("lenient") => Ok(true),
            Some("strict") => Ok(false),
            Some(_) => Err(Error::BadOption {
                option: "schemaMatch",
                value: self.schema_match.clone().unwrap_or_default(),
                allowed: "lenient or strict",
            }),
        }
    }

    fn schema(&self) -> Result<Schema> {
        let text = self
            .schema
            .as_deref()
            .ok_or_else(|| Error::Core(rustparquet_core::Error::Options("no schema".into())))?;
        Ok(Schema::from_json_str(text, Some("(option schema)"))?)
    }
}

/// The deepest documents the raw path takes: Spark's code generation cannot plan much deeper
/// schemas (about 200 levels, see SPARK-FACTS).
pub const MAX_RAW_DEPTH: usize = 190;

/// Documents of one JNI batch: `data[ends[i-1]..ends[i]]` is document `i`.
pub struct Batch<'a> {
    pub data: &'a [u8],
    pub ends: &'a [i32],
    /// Row index (within the task) of the first document.
    pub first_row: i64,
}

impl<'a> Batch<'a> {
    fn documents(&self) -> impl Iterator<Item = Result<(i64, &'a [u8])>> + '_ {
        let mut start = 0usize;
        self.ends.iter().enumerate().map(move |(i, &end)| {
            let end = usize::try_from(end)
                .ok()
                .filter(|e| *e >= start && *e <= self.data.len())
                .ok_or(Error::BadLength {
                    capacity: self.data.len(),
                    len: i64::from(end),
                })?;
            let doc = &self.data[start..end];
            start = end;
            Ok((self.first_row + i as i64, doc))
        })
    }
}

/// A bad document's position and reason, as messages and bad-record lines show it.
struct BadDocument {
    row: i64,
    line: u64,
    column: u64,
    reason: String,
}

impl BadDocument {
    fn new(row: i64, error: &rustparquet_core::Error) -> Self {
        let text = error.to_string();
        let (line, column, reason) = match error.location() {
            Some(at) => (
                at.line,
                at.column,
                text.strip_prefix(&format!("{at}: "))
                    .unwrap_or(&text)
                    .to_owned(),
            ),
            None => (0, 0, text),
        };
        BadDocument {
            row,
            line,
            column,
            reason,
        }
    }

    fn position(&self, partition: i64) -> String {
        format!(
            "partition {partition}, row {}, line {}, column {}",
            self.row, self.line, self.column
        )
    }

    fn failfast(&self, file: &str, partition: i64, doc: &[u8]) -> Error {
        let text = String::from_utf8_lossy(doc);
        let quoted: String = text.chars().take(QUOTED_CHARS).collect();
        let more = if text.chars().count() > QUOTED_CHARS {
            "..."
        } else {
            ""
        };
        Error::Malformed(format!(
            "{file}: malformed JSON document at {}: {} (document: {quoted}{more}); mode FAILFAST stops at the first one: use mode DROPMALFORMED or PERMISSIVE, with badRecordsPath to keep them",
            self.position(partition),
            self.reason
        ))
    }

    /// One JSON line of a `badRecordsPath` file.
    fn record(&self, partition: i64, doc: &[u8]) -> String {
        json!({
            "partition": partition,
            "row": self.row,
            "line": self.line,
            "column": self.column,
            "error": self.reason,
            "document": String::from_utf8_lossy(doc),
        })
        .to_string()
    }
}

/// One task file of the raw path.
pub struct JsonWriter {
    file: String,
    writer: DocumentWriter<Vec<u8>>,
    mode: Mode,
    corrupt_column: String,
    has_corrupt_column: bool,
    keep_bad: bool,
    partition: i64,
    max_depth: usize,
    /// JSON lines of bad documents not yet taken by the JVM.
    bad_records: Vec<String>,
    /// Documents written, blank rows skipped, malformed documents.
    counts: [i64; 3],
}

impl JsonWriter {
    pub fn open(options: RawOptions) -> Result<Self> {
        let schema = options.schema()?;
        let has_corrupt_column = schema
            .fields
            .iter()
            .any(|f| f.name == options.corrupt_column && matches!(f.data_type, DataType::String));
        let mut writer =
            DocumentWriter::new(Vec::new(), &schema, &options.writer.core, options.max_depth)?;
        writer.add_key_value_metadata(
            crate::options::SPARK_ROW_METADATA,
            &spark_schema_json(&schema),
        );
        if options.lenient()? {
            // As Spark: PERMISSIVE keeps the row with the field null (and the text in the
            // corrupt-record column); the other modes treat it as malformed.
            writer.set_lenient(Some(Lenient {
                keep: options.mode == Mode::Permissive,
                corrupt_column: has_corrupt_column.then(|| options.corrupt_column.clone()),
            }));
        }
        Ok(JsonWriter {
            file: options.writer.path.clone(),
            writer,
            mode: options.mode,
            corrupt_column: options.corrupt_column,
            has_corrupt_column,
            keep_bad: options.keep_bad,
            partition: options.partition,
            max_depth: options.max_depth,
            bad_records: Vec::new(),
            counts: [0; 3],
        })
    }

    /// The nesting limit, which picks the stack the calls run on.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Shreds a batch of documents; returns the Parquet bytes ready for the file.
    pub fn append(&mut self, batch: &Batch<'_>) -> Result<Vec<u8>> {
        for item in batch.documents() {
            let (row, doc) = item?;
            let name = "document";
            match self.writer.write_document(doc, name)? {
                Outcome::Written => self.counts[0] += 1,
                Outcome::Blank => self.counts[1] += 1,
                Outcome::Partial(error) => {
                    // Written, with the fields that did not fit null: malformed too.
                    self.counts[0] += 1;
                    self.counts[2] += 1;
                    if self.keep_bad {
                        let bad = BadDocument::new(row, &error);
                        self.bad_records.push(bad.record(self.partition, doc));
                    }
                }
                Outcome::Bad(error) => {
                    let bad = BadDocument::new(row, &error);
                    if self.mode == Mode::Failfast {
                        return Err(bad.failfast(&self.file, self.partition, doc));
                    }
                    self.counts[2] += 1;
                    if self.keep_bad {
                        self.bad_records.push(bad.record(self.partition, doc));
                    }
                    if self.mode == Mode::Permissive && !self.has_corrupt_column {
                        return Err(Error::Malformed(format!(
                            "{}: malformed JSON document at {}: mode PERMISSIVE needs a string column `{}` in the schema to keep it in",
                            self.file,
                            bad.position(self.partition),
                            self.corrupt_column
                        )));
                    }
                    if self.mode == Mode::Permissive {
                        let row_doc = json!({ &self.corrupt_column: String::from_utf8_lossy(doc) })
                            .to_string();
                        match self.writer.write_document(row_doc.as_bytes(), name)? {
                            Outcome::Written => {}
                            _ => {
                                return Err(Error::Malformed(format!(
                                    "{}: internal error: the corrupt-record row of {} was refused",
                                    self.file,
                                    bad.position(self.partition)
                                )))
                            }
                        }
                    }
                }
            }
        }
        self.take_output()
    }

    /// The bad documents' JSON lines since the last call, newline-terminated.
    pub fn take_bad_records(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        for line in self.bad_records.drain(..) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Documents written, blank rows skipped, malformed documents.
    pub fn counts(&self) -> [i64; 3] {
        self.counts
    }

    fn take_output(&mut self) -> Result<Vec<u8>> {
        Ok(std::mem::take(self.writer.sink_mut()?))
    }

    /// Writes the last row group and the footer; returns the file's remaining bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>> {
        self.writer.finish()?;
        self.take_output()
    }
}

/// Folds one row's documents (an object, or an array's objects: [`row_documents`]); names
/// the row `partition P, row R` in locations.
fn fold(
    folder: &mut DocumentFolder,
    partition: i64,
    row: i64,
    doc: &[u8],
    max_depth: usize,
) -> rustparquet_core::Result<OneDocument> {
    // Called on bad documents only: the name is not formatted for every document.
    let name = || Arc::from(format!("partition {partition}, row {row}"));
    match row_documents(doc, &name, max_depth)? {
        RowDocuments::Blank => Ok(OneDocument::Blank),
        RowDocuments::Bad(error) => Ok(OneDocument::Bad(error)),
        RowDocuments::One => folder.fold_one(doc, &name),
        RowDocuments::Elements(starts) => {
            // Checked already: each element is a valid object (positions in a fatal union
            // conflict are within the element).
            for start in starts {
                if let OneDocument::Bad(error) = folder.fold_one(&doc[start..], &name)? {
                    return Ok(OneDocument::Bad(error));
                }
            }
            Ok(OneDocument::Taken)
        }
    }
}

/// Per-partition schema inference: documents folded into a [`SchemaInferrer`].
pub struct JsonInferrer {
    inferrer: SchemaInferrer,
    mode: Mode,
    partition: i64,
    max_depth: usize,
    bad: i64,
    blank: i64,
}

impl JsonInferrer {
    pub fn open(options: &RawOptions) -> Result<Self> {
        Ok(JsonInferrer {
            inferrer: SchemaInferrer::with_options(options.max_depth, options.infer_options()?),
            mode: options.mode,
            partition: options.partition,
            max_depth: options.max_depth,
            bad: 0,
            blank: 0,
        })
    }

    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Folds in a batch of documents. Malformed ones fail under FAILFAST and are counted
    /// otherwise (the write pass reports each one); a type conflict between documents always
    /// fails. Malformed documents add nothing to the schema (as in Spark's inference): the
    /// batch is the core's unit of that rule ([`fold_unit`]), which folds it again, checking
    /// each document first, when it met one. That costs a clone of the inferred tree per batch
    /// of thousands of documents.
    pub fn add(&mut self, batch: &Batch<'_>) -> Result<()> {
        let (mode, partition, max_depth) = (self.mode, self.partition, self.max_depth);
        let mut failure = None;
        let (inferrer, (bad, blank)) = fold_unit(
            || self.inferrer.clone(),
            false,
            |folder| {
                let (mut bad, mut blank) = (0, 0);
                for item in batch.documents() {
                    let (row, doc) = match item {
                        Ok(item) => item,
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    };
                    match fold(folder, partition, row, doc, max_depth)? {
                        OneDocument::Taken => {}
                        OneDocument::Blank => blank += 1,
                        OneDocument::Bad(error) => {
                            if mode == Mode::Failfast {
                                let bad = BadDocument::new(row, &error);
                                failure = Some(bad.failfast("schema inference", partition, doc));
                                break;
                            }
                            bad += 1;
                        }
                    }
                }
                Ok(((bad, blank), failure.is_none() && bad > 0))
            },
        )?;
        if let Some(e) = failure {
            return Err(e);
        }
        self.inferrer = inferrer;
        self.bad += bad;
        self.blank += blank;
        Ok(())
    }

    /// `{"schema": <schema JSON>, "documents": n, "bad": n, "blank": n}`.
    pub fn finish(&self) -> Result<String> {
        Ok(json!({
            "schema": self.inferrer.finish()?.to_json(),
            "documents": self.inferrer.documents(),
            "bad": self.bad,
            "blank": self.blank,
        })
        .to_string())
    }
}

/// Merges two partitions' schemas (rustparquet JSON form) by the inference rules of `options`
/// (the raw options document): the union mode, then the variant paths again, so a path one
/// partition wrote as a variant stays one and the whole document (`$`) stays one column
/// `document`.
pub fn merge_schema_json(a: &str, b: &str, options: &RawOptions) -> Result<String> {
    let infer = options.infer_options()?;
    let a = Schema::from_json_str(a, Some("(partition schema)"))?;
    let b = Schema::from_json_str(b, Some("(partition schema)"))?;
    if infer.variants.whole_document() {
        let whole = rustparquet_core::schema::variant::whole_document_field(None);
        return Ok(Schema::new(vec![whole]).to_json_string());
    }
    let mut merged = rustparquet_core::infer::merge_schemas(&a, &b, infer.unions)?;
    infer.variants.apply(&mut merged.fields, &|_| None);
    Ok(merged.to_json_string())
}

/// Spark's schema JSON (`StructType.json`) for the columns a [`Schema`] writes: what Spark's
/// reader would derive from the Parquet schema, stored under Spark's row-metadata key.
pub fn spark_schema_json(schema: &Schema) -> String {
    let fields: Vec<_> = if schema.fields.is_empty() {
        vec![spark_field(&Field::optional(
            rustparquet_core::schema::EMPTY_OBJECT_PLACEHOLDER,
            DataType::Boolean,
        ))]
    } else {
        schema.fields.iter().map(spark_field).collect()
    };
    json!({"type": "struct", "fields": fields}).to_string()
}

fn spark_field(f: &Field) -> serde_json::Value {
    let (data_type, nullable) = match f.repetition {
        Repetition::Repeated => (
            json!({"type": "array", "elementType": spark_type(&f.data_type), "containsNull": false}),
            false,
        ),
        r => (spark_type(&f.data_type), r == Repetition::Optional),
    };
    json!({"name": f.name, "type": data_type, "nullable": nullable, "metadata": {}})
}

fn spark_type(t: &DataType) -> serde_json::Value {
    match t {
        DataType::Null | DataType::String | DataType::Json => json!("string"),
        // Spark 4's VARIANT (Spark 3.5 has no such type).
        DataType::Variant(_) => json!("variant"),
        DataType::Boolean => json!("boolean"),
        DataType::Int64 => json!("long"),
        DataType::Double => json!("double"),
        DataType::Decimal => json!("decimal(38,0)"),
        DataType::List(element) => json!({
            "type": "array",
            "elementType": spark_type(&element.data_type),
            "containsNull": element.repetition != Repetition::Required,
        }),
        DataType::Map(value) => json!({
            "type": "map",
            "keyType": "string",
            "valueType": spark_type(&value.data_type),
            "valueContainsNull": value.repetition != Repetition::Required,
        }),
        DataType::Struct(fields) if fields.is_empty() => json!({
            "type": "struct",
            "fields": [spark_field(&Field::optional(
                rustparquet_core::schema::EMPTY_OBJECT_PLACEHOLDER,
                DataType::Boolean,
            ))],
        }),
        DataType::Struct(fields) | DataType::Union(fields) => json!({
            "type": "struct",
            "fields": fields.iter().map(spark_field).collect::<Vec<_>>(),
        }),
    }
}
