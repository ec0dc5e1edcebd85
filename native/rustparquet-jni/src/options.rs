//! Writer options as the Scala side sends them: one JSON object, parsed once per file into the
//! core's vocabulary ([`rustparquet_core::options`]) under its Spark profile.
//!
//! Scala (`RustParquetOptions`) reads the user's case-insensitive Spark options and sends
//! canonical keys; this module is where values are checked, so a bad value fails on the
//! driver (through `NativeWriter.validateOptions`) before any task starts. Keys: `path` (for
//! messages), `keyValueMetadata`, `nestingDepth`, and any option of the core vocabulary
//! (`compression`, `rowGroupBytes`, `pageBytes`, `dictionary`, `bloomFilterColumns`, ...);
//! sizes may be numbers of bytes or strings such as `"128m"`, read by the core's one size
//! parser.

use std::collections::BTreeMap;

use parquet::file::properties::WriterProperties;
use rustparquet_core::options::{is_codec, Profile};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// Spark's footer key for its row schema (`ParquetWriteSupport.SPARK_METADATA_KEY`).
pub const SPARK_ROW_METADATA: &str = "org.apache.spark.sql.parquet.row.metadata";

const COMPRESSIONS: &str = "snappy, zstd, gzip, lz4, none (Spark 3.5 cannot read brotli)";

/// One file's options: the core's writer options plus what only the JNI side needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "serde_json::Map<String, Value>")]
pub struct WriterOptions {
    /// The file being written, as Spark names it; used in messages only.
    pub path: String,
    /// The writer settings, footer metadata (Spark's row schema and version) included.
    pub core: rustparquet_core::options::WriterOptions,
    /// Levels of nesting of the deepest column, as the sender counts them; picks the stack the
    /// schema is decoded on (see `crate::stack`). Unknown means "assume deep".
    pub nesting_depth: Option<usize>,
    /// `caseSensitive`: the session's `spark.sql.caseSensitive`. When true, sibling names equal
    /// after case folding are written (Spark then reads them back); when false (the default)
    /// they are refused, as Spark could not read the file.
    pub case_sensitive: bool,
    /// `sizeStatistics`: whether Parquet's size statistics are written (level histograms,
    /// unencoded byte-array sizes). Spark 4's parquet-mr writes them, Spark 3.5's does not; the
    /// Scala side sends what its Spark line's own writer does (`crate::size_statistics`).
    pub size_statistics: bool,
}

impl TryFrom<serde_json::Map<String, Value>> for WriterOptions {
    type Error = Error;

    fn try_from(doc: serde_json::Map<String, Value>) -> Result<Self> {
        let mut options = WriterOptions {
            path: String::new(),
            core: rustparquet_core::options::WriterOptions::for_profile(Profile::Spark),
            nesting_depth: None,
            case_sensitive: false,
            size_statistics: true,
        };
        for (key, value) in doc {
            match key.as_str() {
                "path" => options.path = from_value(&key, value)?,
                "nestingDepth" => options.nesting_depth = from_value(&key, value)?,
                "caseSensitive" => options.case_sensitive = from_value(&key, value)?,
                "sizeStatistics" => options.size_statistics = from_value(&key, value)?,
                "keyValueMetadata" => {
                    let metadata: BTreeMap<String, String> = from_value(&key, value)?;
                    options.core.metadata = metadata.into_iter().collect();
                }
                "bloomFilterColumns" => {
                    options.core.bloom_filter_columns = from_value(&key, value)?
                }
                _ => set(&mut options.core, &key, &value)?,
            }
        }
        Ok(options)
    }
}

fn from_value<T: serde::de::DeserializeOwned>(key: &str, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| {
        Error::Core(rustparquet_core::Error::Options(format!(
            "option `{key}`: {e}"
        )))
    })
}

/// Sets one option of the core vocabulary from a JSON value (a string, number or boolean, as
/// text). Messages name the option as the user spells it in Spark.
fn set(
    core: &mut rustparquet_core::options::WriterOptions,
    key: &str,
    value: &Value,
) -> Result<()> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let spark_name = match key {
        "rowGroupBytes" => "rowGroupSize",
        "pageBytes" => "pageSize",
        other => other,
    };
    core.set(key, &text).map_err(|e| {
        let base = text
            .split('(')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if key == "compression" && !is_codec(&base) {
            return Error::BadOption {
                option: "compression",
                value: text.clone(),
                allowed: COMPRESSIONS,
            };
        }
        let reason = e.to_string();
        let reason = reason.strip_prefix(&format!("{key}: ")).unwrap_or(&reason);
        Error::Core(rustparquet_core::Error::Options(format!(
            "option `{spark_name}`: {reason}"
        )))
    })
}

/// A size option's value (`rowGroupSize`, `pageSize`, `batchBytes`, ...) read by the core's one
/// size parser, for the JVM side, which never parses sizes itself; the message names the option
/// as the user spelled it in Spark.
pub fn parse_size_option(option: &str, value: &str) -> Result<u64> {
    rustparquet_core::options::parse_size(value).map_err(|e| {
        Error::Core(rustparquet_core::Error::Options(format!(
            "option `{option}`: {e}"
        )))
    })
}

impl WriterOptions {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let doc: serde_json::Map<String, Value> = serde_json::from_slice(bytes)?;
        WriterOptions::try_from(doc)
    }

    /// The row group size in bytes: what bounds this file's native memory.
    pub fn row_group_bytes(&self) -> u64 {
        self.core.row_group_bytes as u64
    }

    /// Parquet writer properties for the typed path's Arrow writer. Only encodings and types
    /// that parquet-mr 1.13.1 reads: data page v1 unless asked, PLAIN / RLE_DICTIONARY, never
    /// BYTE_STREAM_SPLIT. Row groups are cut by the Arrow writer here, at the same size.
    pub fn properties(&self) -> WriterProperties {
        let rows =
            (self.core.row_group_rows < u32::MAX as usize).then_some(self.core.row_group_rows);
        self.core
            .properties_builder(Vec::new())
            .set_max_row_group_row_count(rows)
            .set_max_row_group_bytes(Some(self.core.row_group_bytes))
            .set_coerce_types(true)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::schema::types::ColumnPath;

    use super::*;

    fn column_path(dotted: &str) -> ColumnPath {
        ColumnPath::new(dotted.split('.').map(str::to_owned).collect())
    }

    #[test]
    fn defaults_follow_spark() -> Result<()> {
        let options = WriterOptions::from_json(br#"{"path":"p"}"#)?;
        let props = options.properties();
        assert_eq!(props.compression(&column_path("a")), Compression::SNAPPY);
        assert_eq!(props.max_row_group_bytes(), Some(128 * 1024 * 1024));
        assert_eq!(props.max_row_group_row_count(), None);
        assert!(props.dictionary_enabled(&column_path("a")));
        Ok(())
    }

    #[test]
    fn sizes_come_as_numbers_or_as_the_users_strings() -> Result<()> {
        for (sent, bytes) in [
            ("134217728", 128 << 20),
            ("\"128m\"", 128 << 20),
            ("\"1g\"", 1 << 30),
            ("\"134217728\"", 128 << 20),
        ] {
            let doc = format!(r#"{{"rowGroupBytes":{sent},"pageBytes":{sent}}}"#);
            let options = WriterOptions::from_json(doc.as_bytes())?;
            assert_eq!(options.core.row_group_bytes, bytes, "{sent}");
            assert_eq!(options.core.data_page_bytes, bytes, "{sent}");
        }
        let err = WriterOptions::from_json(br#"{"rowGroupBytes":"lots"}"#)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("option `rowGroupSize`: `lots` is not a size (e.g. 128m, 64MiB, 512KB, 1048576)")
        );
        assert!(WriterOptions::from_json(br#"{"pageBytes":0}"#).is_err());
        Ok(())
    }

    #[test]
    fn size_options_use_the_cores_parser_and_name_the_option() -> Result<()> {
        assert_eq!(parse_size_option("batchBytes", "4m")?, 4 << 20);
        assert_eq!(parse_size_option("rowGroupSize", " 64MiB ")?, 64 << 20);
        assert_eq!(parse_size_option("pageSize", "1048576")?, 1 << 20);
        let err = parse_size_option("rowGroupSize", "big")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("option `rowGroupSize`: `big` is not a size (e.g. 128m, 64MiB, 512KB, 1048576)")
        );
        assert!(parse_size_option("pageSize", "0").is_err());
        Ok(())
    }

    #[test]
    fn codecs_and_levels_are_the_cores() -> Result<()> {
        let options = WriterOptions::from_json(br#"{"compression":"zstd"}"#)?;
        assert_eq!(
            options.core.compression,
            Compression::ZSTD(ZstdLevel::try_new(3).expect("level"))
        );
        let err = WriterOptions::from_json(br#"{"compression":"zstd(99)"}"#)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("option `compression`: zstd levels are 1..22, not 99")
        );
        Ok(())
    }

    #[test]
    fn brotli_is_refused_with_the_allowed_values() {
        let err = WriterOptions::from_json(br#"{"compression":"brotli"}"#)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("option `compression`: \"brotli\" is not supported; use snappy, zstd, gzip, lz4, none (Spark 3.5 cannot read brotli)")
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = WriterOptions::from_json(br#"{"compresion":"zstd"}"#)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("option `compresion`: unknown writer option")
        );
    }
}
