//! Writer options as the Scala side sends them: one JSON object, parsed once per file.
//!
//! Scala (`RustParquetOptions`) reads the user's case-insensitive Spark options and sends
//! canonical keys; this module is where values are checked, so a bad value fails on the
//! driver (through `NativeWriter.validateOptions`) before any task starts.

use std::collections::BTreeMap;

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;
use serde::Deserialize;

use crate::error::{Error, Result};

/// Spark's `parquet.block.size` default: 128 MiB per row group.
pub const DEFAULT_ROW_GROUP_BYTES: u64 = 128 * 1024 * 1024;
/// Spark's `parquet.page.size` default: 1 MiB per data page.
pub const DEFAULT_PAGE_BYTES: u64 = 1024 * 1024;

/// Spark's footer key for its row schema (`ParquetWriteSupport.SPARK_METADATA_KEY`).
pub const SPARK_ROW_METADATA: &str = "org.apache.spark.sql.parquet.row.metadata";

const COMPRESSIONS: &str = "snappy, zstd, gzip, lz4, none (Spark 3.5 cannot read brotli)";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriterOptions {
    /// The file being written, as Spark names it; used in messages only.
    #[serde(default)]
    pub path: String,
    #[serde(default = "default_compression")]
    pub compression: String,
    #[serde(default)]
    pub row_group_bytes: Option<u64>,
    #[serde(default)]
    pub page_bytes: Option<u64>,
    #[serde(default = "default_true")]
    pub dictionary: bool,
    /// Dotted Parquet column paths (`a.b`, `tags.list.element`).
    #[serde(default)]
    pub bloom_filter_columns: Vec<String>,
    /// Footer key-value metadata: Spark's row schema and version, written as given.
    #[serde(default)]
    pub key_value_metadata: BTreeMap<String, String>,
    /// Levels of nesting of the deepest column, as the sender counts them; picks the stack the
    /// schema is decoded on (see `crate::stack`). Unknown means "assume deep".
    #[serde(default)]
    pub nesting_depth: Option<usize>,
}

fn default_compression() -> String {
    "snappy".to_owned()
}

fn default_true() -> bool {
    true
}

impl WriterOptions {
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let options: WriterOptions = serde_json::from_slice(bytes)?;
        options.codec()?;
        options.byte_size("rowGroupSize", options.row_group_bytes)?;
        options.byte_size("pageSize", options.page_bytes)?;
        Ok(options)
    }

    fn codec(&self) -> Result<Compression> {
        Ok(match self.compression.to_ascii_lowercase().as_str() {
            "snappy" => Compression::SNAPPY,
            "zstd" => Compression::ZSTD(ZstdLevel::default()),
            "gzip" => Compression::GZIP(GzipLevel::default()),
            // parquet-mr 1.13.1 reads LZ4_RAW; the Hadoop-framed LZ4 is deprecated.
            "lz4" | "lz4_raw" => Compression::LZ4_RAW,
            "none" | "uncompressed" => Compression::UNCOMPRESSED,
            _ => {
                return Err(Error::BadOption {
                    option: "compression",
                    value: self.compression.clone(),
                    allowed: COMPRESSIONS,
                })
            }
        })
    }

    fn byte_size(&self, option: &'static str, value: Option<u64>) -> Result<()> {
        match value {
            Some(0) => Err(Error::BadOption {
                option,
                value: "0".to_owned(),
                allowed: "a positive number of bytes",
            }),
            _ => Ok(()),
        }
    }

    /// The row group size in bytes: what bounds this file's native memory.
    pub fn row_group_bytes(&self) -> u64 {
        self.row_group_bytes.unwrap_or(DEFAULT_ROW_GROUP_BYTES)
    }

    /// Parquet writer properties for these options. Only encodings and types that
    /// parquet-mr 1.13.1 reads: data page v1, PLAIN / RLE_DICTIONARY, never BYTE_STREAM_SPLIT.
    pub fn properties(&self) -> Result<WriterProperties> {
        let metadata = self
            .key_value_metadata
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        let mut builder = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(self.codec()?)
            .set_dictionary_enabled(self.dictionary)
            .set_max_row_group_row_count(None)
            .set_max_row_group_bytes(usize::try_from(self.row_group_bytes()).ok())
            .set_data_page_size_limit(to_usize(self.page_bytes.unwrap_or(DEFAULT_PAGE_BYTES)))
            .set_coerce_types(true)
            .set_key_value_metadata(Some(metadata));
        for column in &self.bloom_filter_columns {
            builder = builder.set_column_bloom_filter_enabled(column_path(column), true);
        }
        Ok(builder.build())
    }
}

impl WriterOptions {
    /// The same settings for the core's writer (the raw-JSON path): one encoding thread, since
    /// each Spark task already has a core of its own; no row cap per row group, as Spark.
    pub fn core_options(&self) -> Result<rustparquet_core::write::WriterOptions> {
        let mut options = rustparquet_core::write::WriterOptions::default();
        options.compression = self.codec()?;
        options.row_group_bytes = to_usize(self.row_group_bytes());
        options.row_group_rows = u32::MAX as usize;
        options.data_page_bytes = to_usize(self.page_bytes.unwrap_or(DEFAULT_PAGE_BYTES));
        options.dictionary = self.dictionary;
        options.bloom_filter_columns = self.bloom_filter_columns.clone();
        options.encode_threads = 1;
        Ok(options)
    }
}

fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

pub fn column_path(dotted: &str) -> ColumnPath {
    ColumnPath::new(dotted.split('.').map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_spark() -> Result<()> {
        let options = WriterOptions::from_json(br#"{"path":"p"}"#)?;
        let props = options.properties()?;
        assert_eq!(props.compression(&column_path("a")), Compression::SNAPPY);
        assert_eq!(props.max_row_group_bytes(), Some(128 * 1024 * 1024));
        assert!(props.dictionary_enabled(&column_path("a")));
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
        assert!(WriterOptions::from_json(br#"{"compresion":"zstd"}"#).is_err());
    }
}
