//! `inspect`: what a Parquet file's footer says, without decoding a page. The schema tree with
//! each leaf's maximum repetition and definition levels (as in Le Dem's Dremel deck), row
//! groups, and per column chunk: encodings, codec, sizes, value and null counts, min/max; the
//! file's key-value metadata. [`FileReport`] serialises to JSON (`inspect --json`) and
//! [`FileReport::to_text`] gives the human form.

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use parquet::basic::{LogicalType, Repetition as PqRepetition};
use parquet::file::metadata::{ColumnChunkMetaData, ParquetMetaData};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::statistics::Statistics;
use parquet::schema::types::{SchemaDescriptor, Type as PqType};
use serde::Serialize;
use serde_json::Value;

use super::{guarded, read_err};
use crate::assemble::scalar;
use crate::assemble::variant::{self, VariantGroups};
use crate::error::{Error, Result};

/// Everything `inspect` reports about one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub file_bytes: u64,
    pub created_by: Option<String>,
    pub format_version: i32,
    pub num_rows: i64,
    /// The schema tree, one line per node, leaves annotated with `R:<max rep> D:<max def>`.
    pub schema: Vec<String>,
    pub columns: Vec<ColumnReport>,
    pub row_groups: Vec<RowGroupReport>,
    pub key_value_metadata: Vec<KeyValueReport>,
}

/// One leaf column of the schema.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnReport {
    pub path: String,
    pub physical_type: String,
    pub logical_type: Option<String>,
    pub max_repetition_level: i16,
    pub max_definition_level: i16,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowGroupReport {
    pub index: usize,
    pub num_rows: i64,
    pub total_byte_size: i64,
    pub compressed_size: i64,
    pub columns: Vec<ChunkReport>,
}

/// One column chunk of a row group.
#[derive(Debug, Clone, Serialize)]
pub struct ChunkReport {
    pub path: String,
    pub encodings: Vec<String>,
    pub codec: String,
    pub num_values: i64,
    pub compressed_size: i64,
    pub uncompressed_size: i64,
    /// `SizeStatistics.unencoded_byte_array_data_bytes`: the decoded size of a string or
    /// binary column, when the writer recorded it.
    pub unencoded_byte_array_data_bytes: Option<i64>,
    pub null_count: Option<u64>,
    pub distinct_count: Option<u64>,
    pub min: Option<Value>,
    pub max: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyValueReport {
    pub key: String,
    pub value: Option<String>,
}

/// Reads the footer of `path` into a [`FileReport`].
pub fn inspect(path: impl AsRef<Path>) -> Result<FileReport> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_bytes = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let reader = guarded(path, || {
        SerializedFileReader::new(file)
            .map_err(|e| read_err(path, "cannot read the Parquet footer", e))
    })?;
    guarded(path, || Ok(report(path, file_bytes, reader.metadata())))
}

fn report(path: &Path, file_bytes: u64, meta: &ParquetMetaData) -> FileReport {
    let fm = meta.file_metadata();
    let descr = fm.schema_descr();
    let mut schema = Vec::new();
    let mut leaf = 0usize;
    let spark = fm
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == variant::SPARK_ROW_METADATA_KEY))
        .and_then(|k| k.value.as_deref());
    let variants = VariantGroups::find(descr, spark);
    let mut at = Vec::new();
    let nodes = Nodes {
        descr,
        variants: &variants,
    };
    tree(
        descr.root_schema(),
        &nodes,
        0,
        &mut at,
        &mut leaf,
        &mut schema,
    );
    let columns = descr
        .columns()
        .iter()
        .map(|c| ColumnReport {
            path: c.path().string(),
            physical_type: c.physical_type().to_string(),
            logical_type: c.logical_type_ref().map(|l| format!("{l:?}")),
            max_repetition_level: c.max_rep_level(),
            max_definition_level: c.max_def_level(),
        })
        .collect();
    let row_groups = meta
        .row_groups()
        .iter()
        .enumerate()
        .map(|(index, rg)| RowGroupReport {
            index,
            num_rows: rg.num_rows(),
            total_byte_size: rg.total_byte_size(),
            compressed_size: rg.compressed_size(),
            columns: rg.columns().iter().map(chunk).collect(),
        })
        .collect();
    let key_value_metadata = fm
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| KeyValueReport {
                    key: k.key.clone(),
                    value: k.value.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    FileReport {
        path: path.display().to_string(),
        file_bytes,
        created_by: fm.created_by().map(str::to_string),
        format_version: fm.version(),
        num_rows: fm.num_rows(),
        schema,
        columns,
        row_groups,
        key_value_metadata,
    }
}

/// What the schema tree's lines are printed against.
struct Nodes<'a> {
    descr: &'a SchemaDescriptor,
    /// Groups read as variants: un-annotated ones (Spark 4.0) are marked `(variant)`.
    variants: &'a VariantGroups,
}

fn tree(
    t: &PqType,
    nodes: &Nodes<'_>,
    depth: usize,
    at: &mut Vec<String>,
    leaf: &mut usize,
    out: &mut Vec<String>,
) {
    let descr = nodes.descr;
    let info = t.get_basic_info();
    let indent = "  ".repeat(depth);
    let rep = if depth == 0 || !info.has_repetition() {
        String::new()
    } else {
        match info.repetition() {
            PqRepetition::REQUIRED => "required ",
            PqRepetition::OPTIONAL => "optional ",
            PqRepetition::REPEATED => "repeated ",
        }
        .to_string()
    };
    if depth > 0 {
        at.push(t.name().to_string());
    }
    let annotation = match (info.logical_type_ref(), info.converted_type()) {
        (Some(LogicalType::Variant(v)), _) => {
            format!(" (VARIANT({}))", v.specification_version.unwrap_or(1))
        }
        (None, _) if t.is_group() && nodes.variants.contains(at) => {
            " (variant, by Spark's row metadata)".to_string()
        }
        (Some(l), _) => format!(" ({l:?})"),
        (None, c) if c != parquet::basic::ConvertedType::NONE => format!(" ({c})"),
        _ => String::new(),
    };
    if t.is_group() {
        let kind = if depth == 0 { "message" } else { "group" };
        out.push(format!("{indent}{rep}{kind} {}{annotation} {{", t.name()));
        for f in t.get_fields() {
            tree(f, nodes, depth + 1, at, leaf, out);
        }
        out.push(format!("{indent}}}"));
    } else {
        let physical = match t {
            PqType::PrimitiveType {
                physical_type,
                type_length,
                ..
            } if *physical_type == parquet::basic::Type::FIXED_LEN_BYTE_ARRAY => {
                format!("fixed_len_byte_array({type_length})")
            }
            _ => t.get_physical_type().to_string().to_lowercase(),
        };
        let levels = if *leaf < descr.num_columns() {
            let c = descr.column(*leaf);
            format!("  R:{} D:{}", c.max_rep_level(), c.max_def_level())
        } else {
            String::new()
        };
        *leaf += 1;
        out.push(format!(
            "{indent}{rep}{physical} {}{annotation};{levels}",
            t.name()
        ));
    }
    if depth > 0 {
        at.pop();
    }
}

fn chunk(c: &ColumnChunkMetaData) -> ChunkReport {
    let stats = c.statistics();
    let d = c.column_descr();
    let is_decimal = matches!(d.logical_type_ref(), Some(LogicalType::Decimal(_)))
        || d.converted_type() == parquet::basic::ConvertedType::DECIMAL;
    let (min, max) = match stats {
        Some(s) if is_decimal => decimal_min_max(s, d.type_scale()),
        Some(s) => min_max(s),
        None => (None, None),
    };
    ChunkReport {
        path: c.column_path().string(),
        encodings: c.encodings().map(|e| format!("{e:?}")).collect(),
        codec: c.compression().to_string(),
        num_values: c.num_values(),
        compressed_size: c.compressed_size(),
        uncompressed_size: c.uncompressed_size(),
        unencoded_byte_array_data_bytes: c.unencoded_byte_array_data_bytes(),
        null_count: stats.and_then(|s| s.null_count_opt()),
        distinct_count: stats.and_then(|s| s.distinct_count_opt()),
        min,
        max,
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(v.to_string()))
}

/// Byte statistics as text when they are UTF-8 (cut at 64 characters), else base64.
fn bytes(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) if s.chars().count() > 64 => {
            Value::String(format!("{}…", s.chars().take(64).collect::<String>()))
        }
        Ok(s) => Value::String(s.to_string()),
        Err(_) => {
            let mut out = Vec::new();
            scalar::write_base64(&mut out, b);
            Value::String(format!(
                "base64:{}",
                String::from_utf8_lossy(&out[1..out.len() - 1])
            ))
        }
    }
}

/// Decimal statistics as exact numbers: big-endian two's complement bytes (FIXED_LEN_BYTE_ARRAY,
/// BYTE_ARRAY, up to 16 bytes) or INT32/INT64, scaled.
fn decimal_min_max(s: &Statistics, scale: i32) -> (Option<Value>, Option<Value>) {
    fn from_be(b: &[u8]) -> Option<i128> {
        if b.is_empty() || b.len() > 16 {
            return None;
        }
        let fill = if b[0] & 0x80 != 0 { 0xff } else { 0 };
        let mut buf = [fill; 16];
        buf[16 - b.len()..].copy_from_slice(b);
        Some(i128::from_be_bytes(buf))
    }
    let scale = i8::try_from(scale).unwrap_or(0);
    let text = |v: Option<i128>| {
        v.map(|v| {
            let mut out = Vec::new();
            scalar::write_decimal_i128(&mut out, v, scale);
            // Kept as text: a JSON number would go through f64 and lose digits.
            Value::String(String::from_utf8_lossy(&out).into_owned())
        })
    };
    match s {
        Statistics::Int32(v) => (
            text(v.min_opt().map(|x| *x as i128)),
            text(v.max_opt().map(|x| *x as i128)),
        ),
        Statistics::Int64(v) => (
            text(v.min_opt().map(|x| *x as i128)),
            text(v.max_opt().map(|x| *x as i128)),
        ),
        Statistics::ByteArray(v) => (
            text(v.min_opt().and_then(|x| from_be(x.data()))),
            text(v.max_opt().and_then(|x| from_be(x.data()))),
        ),
        Statistics::FixedLenByteArray(v) => (
            text(v.min_opt().and_then(|x| from_be(x.data()))),
            text(v.max_opt().and_then(|x| from_be(x.data()))),
        ),
        other => min_max(other),
    }
}

fn min_max(s: &Statistics) -> (Option<Value>, Option<Value>) {
    match s {
        Statistics::Boolean(v) => (
            v.min_opt().map(|x| (*x).into()),
            v.max_opt().map(|x| (*x).into()),
        ),
        Statistics::Int32(v) => (
            v.min_opt().map(|x| (*x).into()),
            v.max_opt().map(|x| (*x).into()),
        ),
        Statistics::Int64(v) => (
            v.min_opt().map(|x| (*x).into()),
            v.max_opt().map(|x| (*x).into()),
        ),
        Statistics::Int96(v) => (
            v.min_opt().map(|x| Value::String(x.to_string())),
            v.max_opt().map(|x| Value::String(x.to_string())),
        ),
        Statistics::Float(v) => (
            v.min_opt().map(|x| float(*x as f64)),
            v.max_opt().map(|x| float(*x as f64)),
        ),
        Statistics::Double(v) => (
            v.min_opt().map(|x| float(*x)),
            v.max_opt().map(|x| float(*x)),
        ),
        Statistics::ByteArray(v) => (
            v.min_opt().map(|x| bytes(x.data())),
            v.max_opt().map(|x| bytes(x.data())),
        ),
        Statistics::FixedLenByteArray(v) => (
            v.min_opt().map(|x| bytes(x.data())),
            v.max_opt().map(|x| bytes(x.data())),
        ),
    }
}

impl FileReport {
    /// The human-readable report `inspect` prints.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "file: {} ({} bytes)", self.path, self.file_bytes);
        let _ = writeln!(
            s,
            "created by: {}",
            self.created_by.as_deref().unwrap_or("(not recorded)")
        );
        let _ = writeln!(
            s,
            "format version: {}; rows: {}; row groups: {}; leaf columns: {}",
            self.format_version,
            self.num_rows,
            self.row_groups.len(),
            self.columns.len()
        );
        let _ = writeln!(
            s,
            "\nschema (R = max repetition level, D = max definition level):"
        );
        for line in &self.schema {
            let _ = writeln!(s, "  {line}");
        }
        for rg in &self.row_groups {
            let _ = writeln!(
                s,
                "\nrow group {}: {}, {} bytes uncompressed, {} compressed",
                rg.index,
                crate::words::count(rg.num_rows.max(0) as u64, "row", "rows"),
                rg.total_byte_size,
                rg.compressed_size
            );
            for c in &rg.columns {
                let _ = writeln!(
                    s,
                    "  {}: {}, {}, {} → {} bytes, encodings {}",
                    c.path,
                    crate::words::count(c.num_values.max(0) as u64, "value", "values"),
                    c.codec,
                    c.uncompressed_size,
                    c.compressed_size,
                    c.encodings.join(",")
                );
                let mut details = Vec::new();
                if let Some(n) = c.null_count {
                    details.push(format!("nulls {n}"));
                }
                if let Some(n) = c.distinct_count {
                    details.push(format!("distinct {n}"));
                }
                if let Some(v) = &c.min {
                    details.push(format!("min {v}"));
                }
                if let Some(v) = &c.max {
                    details.push(format!("max {v}"));
                }
                if let Some(n) = c.unencoded_byte_array_data_bytes {
                    details.push(format!("decoded bytes {n}"));
                }
                if !details.is_empty() {
                    let _ = writeln!(s, "    {}", details.join(", "));
                }
            }
        }
        if !self.key_value_metadata.is_empty() {
            let _ = writeln!(s, "\nkey-value metadata:");
            for kv in &self.key_value_metadata {
                let value = kv.value.as_deref().unwrap_or("(no value)");
                let shown: String = if value.chars().count() > 200 {
                    format!(
                        "{}… ({} bytes)",
                        value.chars().take(200).collect::<String>(),
                        value.len()
                    )
                } else {
                    value.to_string()
                };
                let _ = writeln!(s, "  {}: {shown}", kv.key);
            }
        }
        s
    }
}
