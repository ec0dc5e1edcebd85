//! The writer's options vocabulary: every setting of the Parquet files rustparquet writes, its
//! default, and the one parser of its values, shared by the CLI (`convert` flags), the Spark
//! source (the options document the JNI library receives) and library callers.
//!
//! [`WriterOptions`] holds the settings under Spark-like names; [`WriterOptions::set`] takes
//! them as `name=value` text (names case-insensitive, `-`, `_` and camelCase alike), with
//! [`parse_size`] the only size parser and [`parse_compression`] the only codec parser. Two
//! named profiles hold the defaults: [`Profile::Standalone`] (the CLI and [`Default`]: one
//! process owning the machine, 1 GiB row groups) and [`Profile::Spark`] (a writer per
//! executor core, parquet-mr's 128 MiB `parquet.block.size` and no row cap, as Spark users
//! expect). Messages name the option as the caller spelled it and never a CLI flag, so a
//! Spark user sees `rowGroupSize: ...` and a CLI user `--row-group-size: ...`.

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{
    EnabledStatistics, WriterProperties, WriterPropertiesBuilder, WriterVersion,
};

use crate::error::{Error, Result};

/// Which statistics to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistics {
    None,
    /// Per column chunk (min, max, null count in the footer).
    Chunk,
    /// Per chunk and per page (the column index).
    Page,
}

/// Where a writer runs, which decides the defaults that differ (only the row group's size
/// and row cap; everything else is the same everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The CLI and library callers: 1 GiB of shredded data or 1,000,000 rows per row group.
    /// Finished pages wait on disk ([`crate::write`]'s spill), so memory does not grow with
    /// the row group's encoded size; on disk a row group is then about the 128 MiB of a
    /// Spark split (activedata: about 130 MB), which Spark queries faster than many small
    /// ones (BENCHMARKS.md, Spark splits), and larger row groups compress better.
    Standalone,
    /// Inside Spark: 128 MiB and no row cap, parquet-mr's `parquet.block.size` default. Each
    /// executor core holds an open file, so docs/spark.md sizes memory by this.
    Spark,
}

/// Settings of the Parquet writer. Names follow Spark's Parquet options where Spark has one.
/// The [`Default`] is [`Profile::Standalone`].
#[derive(Debug, Clone, PartialEq)]
pub struct WriterOptions {
    /// `compression` (with `compressionLevel`): snappy (default), zstd (level 1..22, default
    /// 3), gzip (level 0..9, default 6), lz4 (LZ4_RAW), none. No brotli: Spark cannot read it.
    pub compression: Compression,
    /// `rowGroupSize`: target size of a row group's buffered (shredded, unencoded) column
    /// data, in bytes; the row group ends at the first batch boundary past it.
    pub row_group_bytes: usize,
    /// `rowGroupRows`: most rows in a row group (cut exactly).
    pub row_group_rows: usize,
    /// `pageSize`: target size of a data page, in bytes (default 1 MiB).
    pub data_page_bytes: usize,
    /// `dictionary`: dictionary encoding (default true; falls back to plain per chunk when
    /// the dictionary outgrows its page).
    pub dictionary: bool,
    /// `dictionaryPageSize`: largest dictionary page, in bytes (default 1 MiB).
    pub dictionary_page_bytes: usize,
    /// `statistics`: none, chunk, page (default).
    pub statistics: Statistics,
    /// `writerVersion`: 1.0 (default: data page v1, what every reader takes) or 2.0.
    pub writer_version: WriterVersion,
    /// `bloomFilterColumns`: leaf columns (Parquet dotted paths, e.g. `build.branch`) that
    /// get a bloom filter.
    pub bloom_filter_columns: Vec<String>,
    /// `bloomFilterFpp`: false-positive probability of bloom filters (default 0.05).
    pub bloom_filter_fpp: f64,
    /// Footer key-value metadata added to every file (after rustparquet's own keys).
    pub metadata: Vec<(String, String)>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions::for_profile(Profile::Standalone)
    }
}

/// The codecs [`parse_compression`] takes, for messages.
pub const CODECS: &str = "snappy, zstd, zstd(LEVEL), gzip, gzip(LEVEL), lz4 or none";

/// zstd's levels, as the `zstd` library numbers them.
const ZSTD_LEVELS: std::ops::RangeInclusive<i32> = 1..=22;
/// gzip's levels.
const GZIP_LEVELS: std::ops::RangeInclusive<i32> = 0..=9;

/// Parses a size: a whole number of bytes with an optional unit, `B`, `K`/`KB`/`KiB`,
/// `M`/`MB`/`MiB`, `G`/`GB`/`GiB`, `T`/`TB`/`TiB`, case-insensitive, all powers of 1024 (as
/// Spark's `128m`). Zero is refused. The only size parser of the project.
///
/// ```
/// use rustparquet_core::options::parse_size;
/// assert_eq!(parse_size("128m")?, 128 << 20);
/// assert_eq!(parse_size("64MiB")?, 64 << 20);
/// assert_eq!(parse_size("134217728")?, 134217728);
/// assert!(parse_size("12 parsecs").is_err());
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
pub fn parse_size(value: &str) -> Result<u64> {
    let v = value.trim();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, unit) = v.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        Error::Options(format!(
            "`{value}` is not a size (e.g. 128m, 64MiB, 512KB, 1048576)"
        ))
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(Error::Options(format!(
                "unknown unit in `{value}` (use B, KiB, MiB, GiB or TiB)"
            )))
        }
    };
    n.checked_mul(mult)
        .filter(|&s| s > 0)
        .ok_or_else(|| Error::Options(format!("`{value}` is not a usable size")))
}

/// [`parse_size`] as a `usize` (sizes of memory held at once).
fn parse_memory_size(value: &str) -> Result<usize> {
    usize::try_from(parse_size(value)?)
        .map_err(|_| Error::Options(format!("`{value}` is not a usable size")))
}

fn parse_bool(value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err(Error::Options(format!("`{value}` is not true or false"))),
    }
}

fn parse_count(value: &str) -> Result<usize> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| Error::Options(format!("`{value}` is not a positive count")))
}

/// Parses a codec name, optionally with a level: `snappy`, `zstd`, `zstd(9)`, `gzip(6)`, `lz4`,
/// `none`. Levels are checked against the codec's range (zstd 1..22, gzip 0..9). Brotli is
/// refused: Spark cannot read it.
///
/// ```
/// use rustparquet_core::options::parse_compression;
/// assert!(parse_compression("zstd(9)").is_ok());
/// assert_eq!(
///     parse_compression("zstd(99)").unwrap_err().to_string(),
///     "zstd levels are 1..22, not 99"
/// );
/// ```
pub fn parse_compression(value: &str) -> Result<Compression> {
    let v = value.trim().to_ascii_lowercase();
    let (name, level) = match v.split_once('(') {
        Some((n, rest)) => {
            let text = rest.strip_suffix(')').unwrap_or(rest).trim();
            let level: i32 = text
                .parse()
                .map_err(|_| Error::Options(format!("`{text}` in `{value}` is not a level")))?;
            (n.trim().to_string(), Some(level))
        }
        None => (v.clone(), None),
    };
    if !is_codec(&name) {
        return Err(Error::Options(if name == "brotli" {
            "brotli is not offered: Spark 3.5 cannot read it (see docs/format.md)".into()
        } else {
            format!("unknown codec `{value}` (expected {CODECS})")
        }));
    }
    Ok(match name.as_str() {
        "snappy" => no_level(Compression::SNAPPY, &name, level)?,
        "zstd" => zstd(level.unwrap_or(3))?,
        "gzip" => gzip(level.unwrap_or(6))?,
        "lz4" | "lz4_raw" => no_level(Compression::LZ4_RAW, &name, level)?,
        _ => no_level(Compression::UNCOMPRESSED, &name, level)?,
    })
}

/// Whether `name` (lower case, without a level) is a codec [`parse_compression`] takes, so a
/// caller can tell an unknown codec from a bad level.
pub fn is_codec(name: &str) -> bool {
    matches!(
        name,
        "snappy" | "zstd" | "gzip" | "lz4" | "lz4_raw" | "none" | "uncompressed"
    )
}

/// `bytes` as [`parse_size`] reads it back, in the largest binary unit that divides it.
pub fn size_text(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

fn no_level(codec: Compression, name: &str, level: Option<i32>) -> Result<Compression> {
    match level {
        None => Ok(codec),
        Some(_) => Err(Error::Options(format!(
            "{name} takes no level (only zstd and gzip do)"
        ))),
    }
}

fn zstd(level: i32) -> Result<Compression> {
    if !ZSTD_LEVELS.contains(&level) {
        return Err(Error::Options(format!(
            "zstd levels are 1..22, not {level}"
        )));
    }
    let level = ZstdLevel::try_new(level).map_err(|e| Error::Options(e.to_string()))?;
    Ok(Compression::ZSTD(level))
}

fn gzip(level: i32) -> Result<Compression> {
    if !GZIP_LEVELS.contains(&level) {
        return Err(Error::Options(format!("gzip levels are 0..9, not {level}")));
    }
    let level = GzipLevel::try_new(level as u32).map_err(|e| Error::Options(e.to_string()))?;
    Ok(Compression::GZIP(level))
}

impl WriterOptions {
    /// The defaults of a profile (see [`Profile`]).
    pub fn for_profile(profile: Profile) -> Self {
        let (row_group_bytes, row_group_rows) = match profile {
            Profile::Standalone => (1 << 30, 1_000_000),
            Profile::Spark => (128 << 20, u32::MAX as usize),
        };
        WriterOptions {
            compression: Compression::SNAPPY,
            row_group_bytes,
            row_group_rows,
            data_page_bytes: 1 << 20,
            dictionary: true,
            dictionary_page_bytes: 1 << 20,
            statistics: Statistics::Page,
            writer_version: WriterVersion::PARQUET_1_0,
            bloom_filter_columns: Vec::new(),
            bloom_filter_fpp: 0.05,
            metadata: Vec::new(),
        }
    }

    /// Sets one option by name; names are case-insensitive and may use `-`, `_`, `.` or
    /// camelCase (`row-group-size`, `rowGroupSize`). Names: compression (codec),
    /// compressionLevel, rowGroupSize (blockSize, rowGroupBytes, parquet.block.size),
    /// rowGroupRows, pageSize (dataPageSize, pageBytes, parquet.page.size), dictionary
    /// (enableDictionary, parquet.enable.dictionary), dictionaryPageSize, statistics,
    /// writerVersion, bloomFilterColumns, bloomFilterFpp. The error names the option as given.
    ///
    /// ```
    /// use rustparquet_core::options::WriterOptions;
    /// let mut o = WriterOptions::default();
    /// o.set("rowGroupSize", "32MB")?;
    /// o.set("compression", "zstd(9)")?;
    /// assert_eq!(o.row_group_bytes, 32 << 20);
    /// assert!(o.set("compression", "brotli").is_err());
    /// # Ok::<(), rustparquet_core::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        self.set_value(name, value).map_err(|e| match e {
            Error::Options(reason) => Error::Options(format!("{name}: {reason}")),
            e => e,
        })
    }

    fn set_value(&mut self, name: &str, value: &str) -> Result<()> {
        let key: String = name
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.'))
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "compression" | "codec" => self.compression = parse_compression(value)?,
            "compressionlevel" => {
                let level: i32 = value
                    .trim()
                    .parse()
                    .map_err(|_| Error::Options(format!("`{value}` is not a level")))?;
                self.compression = match self.compression {
                    Compression::ZSTD(_) => zstd(level)?,
                    Compression::GZIP(_) => gzip(level)?,
                    _ => return Err(Error::Options("only zstd and gzip take a level".into())),
                };
            }
            "rowgroupsize" | "blocksize" | "rowgroupbytes" | "parquetblocksize" => {
                self.row_group_bytes = parse_memory_size(value)?
            }
            "rowgrouprows" => self.row_group_rows = parse_count(value)?,
            "pagesize" | "datapagesize" | "pagebytes" | "parquetpagesize" => {
                self.data_page_bytes = parse_memory_size(value)?
            }
            "dictionary" | "enabledictionary" | "parquetenabledictionary" => {
                self.dictionary = parse_bool(value)?
            }
            "dictionarypagesize" => self.dictionary_page_bytes = parse_memory_size(value)?,
            "statistics" => {
                self.statistics = match value.trim().to_ascii_lowercase().as_str() {
                    "none" | "false" => Statistics::None,
                    "chunk" => Statistics::Chunk,
                    "page" | "true" => Statistics::Page,
                    _ => {
                        return Err(Error::Options(format!(
                            "`{value}` (expected none, chunk or page)"
                        )))
                    }
                }
            }
            "writerversion" => {
                self.writer_version = match value.trim() {
                    "1" | "1.0" | "v1" => WriterVersion::PARQUET_1_0,
                    "2" | "2.0" | "v2" => WriterVersion::PARQUET_2_0,
                    _ => return Err(Error::Options(format!("`{value}` (expected 1.0 or 2.0)"))),
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
                    .trim()
                    .parse()
                    .ok()
                    .filter(|p: &f64| *p > 0.0 && *p < 1.0)
                    .ok_or_else(|| {
                        Error::Options(format!("`{value}` is not a probability between 0 and 1"))
                    })?
            }
            _ => return Err(Error::Options("unknown writer option".into())),
        }
        Ok(())
    }

    /// Each option as `(name, value)` text that [`WriterOptions::set`] reads back (metadata
    /// aside): the one description of the defaults, for help texts and documents.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let codec = match self.compression {
            Compression::SNAPPY => "snappy".to_string(),
            Compression::ZSTD(l) => format!("zstd({})", l.compression_level()),
            Compression::GZIP(l) => format!("gzip({})", l.compression_level()),
            Compression::LZ4_RAW => "lz4".to_string(),
            Compression::UNCOMPRESSED => "none".to_string(),
            other => other.to_string().to_ascii_lowercase(),
        };
        let size = |bytes: usize| size_text(bytes as u64);
        vec![
            ("compression", codec),
            ("rowGroupSize", size(self.row_group_bytes)),
            ("rowGroupRows", self.row_group_rows.to_string()),
            ("pageSize", size(self.data_page_bytes)),
            ("dictionary", self.dictionary.to_string()),
            ("dictionaryPageSize", size(self.dictionary_page_bytes)),
            (
                "statistics",
                match self.statistics {
                    Statistics::None => "none",
                    Statistics::Chunk => "chunk",
                    Statistics::Page => "page",
                }
                .to_string(),
            ),
            (
                "writerVersion",
                match self.writer_version {
                    WriterVersion::PARQUET_1_0 => "1.0",
                    WriterVersion::PARQUET_2_0 => "2.0",
                }
                .to_string(),
            ),
            ("bloomFilterColumns", self.bloom_filter_columns.join(",")),
            ("bloomFilterFpp", self.bloom_filter_fpp.to_string()),
        ]
    }

    /// The setting `name` (as [`WriterOptions::settings`] names it) as text.
    pub fn setting(&self, name: &str) -> String {
        self.settings()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }

    /// The `parquet` crate's properties for these options: codec, writer version, page and
    /// dictionary sizes, statistics, bloom filters (columns as given, not checked here) and
    /// [`WriterOptions::metadata`] after `leading_metadata`. Row group sizes are not in it:
    /// the caller cuts row groups.
    pub fn properties_builder(&self, leading_metadata: Vec<KeyValue>) -> WriterPropertiesBuilder {
        let statistics = match self.statistics {
            Statistics::None => EnabledStatistics::None,
            Statistics::Chunk => EnabledStatistics::Chunk,
            Statistics::Page => EnabledStatistics::Page,
        };
        let mut metadata = leading_metadata;
        metadata.extend(
            self.metadata
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
        );
        let mut b = WriterProperties::builder()
            .set_compression(self.compression)
            .set_writer_version(self.writer_version)
            .set_data_page_size_limit(self.data_page_bytes)
            .set_dictionary_enabled(self.dictionary)
            .set_dictionary_page_size_limit(self.dictionary_page_bytes)
            .set_statistics_enabled(statistics)
            .set_key_value_metadata(Some(metadata));
        for column in &self.bloom_filter_columns {
            let path = parquet::schema::types::ColumnPath::new(
                column.split('.').map(str::to_owned).collect(),
            );
            b = b
                .set_column_bloom_filter_enabled(path.clone(), true)
                .set_column_bloom_filter_fpp(path, self.bloom_filter_fpp);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_clear_errors() {
        assert_eq!(parse_size("64MB").unwrap(), 64 << 20);
        assert_eq!(parse_size("512k").unwrap(), 512 << 10);
        assert_eq!(parse_size("128m").unwrap(), 128 << 20);
        assert_eq!(parse_size("1g").unwrap(), 1 << 30);
        assert_eq!(parse_size("2TiB").unwrap(), 2 << 40);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size(" 64 MiB ").unwrap(), 64 << 20);
        assert_eq!(
            parse_size("12 parsecs").unwrap_err().to_string(),
            "unknown unit in `12 parsecs` (use B, KiB, MiB, GiB or TiB)"
        );
        assert!(parse_size("0").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("99999999999999999999").is_err());
        assert!(parse_size("20000000T").is_err());
    }

    #[test]
    fn codecs_parse_and_levels_are_checked() {
        assert_eq!(parse_compression("SNAPPY").unwrap(), Compression::SNAPPY);
        assert!(matches!(
            parse_compression("zstd(9)").unwrap(),
            Compression::ZSTD(_)
        ));
        assert_eq!(
            parse_compression("zstd").unwrap(),
            Compression::ZSTD(ZstdLevel::try_new(3).unwrap())
        );
        let message = |v: &str| parse_compression(v).unwrap_err().to_string();
        assert_eq!(message("zstd(99)"), "zstd levels are 1..22, not 99");
        assert_eq!(message("gzip(10)"), "gzip levels are 0..9, not 10");
        assert_eq!(
            message("snappy(3)"),
            "snappy takes no level (only zstd and gzip do)"
        );
        assert!(message("brotli").contains("Spark 3.5 cannot read it"));
        assert!(message("lzo").contains("unknown codec `lzo`"));
        let mut o = WriterOptions::default();
        o.set("compression", "zstd").unwrap();
        assert_eq!(
            o.set("compression-level", "99").unwrap_err().to_string(),
            "compression-level: zstd levels are 1..22, not 99"
        );
        o.set("compression-level", "22").unwrap();
        o.set("compression", "gzip").unwrap();
        assert!(o.set("compressionLevel", "-1").is_err());
        o.set("compressionLevel", "0").unwrap();
        assert_eq!(
            o.compression,
            Compression::GZIP(GzipLevel::try_new(0).unwrap())
        );
    }

    #[test]
    fn names_are_spelled_freely_and_errors_name_them_as_given() {
        let mut o = WriterOptions::default();
        assert_eq!(
            o.set("no-such", "1").unwrap_err().to_string(),
            "no-such: unknown writer option"
        );
        o.set("writer-version", "2.0").unwrap();
        assert_eq!(o.writer_version, WriterVersion::PARQUET_2_0);
        o.set("parquet.block.size", "64m").unwrap();
        assert_eq!(o.row_group_bytes, 64 << 20);
        o.set("rowGroupBytes", "134217728").unwrap();
        assert_eq!(o.row_group_bytes, 128 << 20);
        o.set("parquet.enable.dictionary", "false").unwrap();
        assert!(!o.dictionary);
        assert_eq!(
            o.set("rowGroupSize", "big").unwrap_err().to_string(),
            "rowGroupSize: `big` is not a size (e.g. 128m, 64MiB, 512KB, 1048576)"
        );
    }

    #[test]
    fn settings_read_back_as_they_were() {
        let mut o = WriterOptions::for_profile(Profile::Spark);
        o.set("compression", "gzip(2)").unwrap();
        o.set("bloomFilterColumns", "a.b,c").unwrap();
        o.set("statistics", "chunk").unwrap();
        o.set("pageSize", "1000").unwrap();
        for options in [WriterOptions::default(), o] {
            let mut back = WriterOptions::for_profile(Profile::Spark);
            for (name, value) in options.settings() {
                back.set(name, &value).unwrap();
            }
            assert_eq!(back, options);
        }
        assert_eq!(WriterOptions::default().setting("rowGroupSize"), "1GiB");
        assert_eq!(size_text(1536), "1536");
        assert_eq!(size_text(3 << 30), "3GiB");
    }

    #[test]
    fn profiles_differ_only_in_row_group_size() {
        let standalone = WriterOptions::default();
        let spark = WriterOptions::for_profile(Profile::Spark);
        assert_eq!(standalone.row_group_bytes, 1 << 30);
        assert_eq!(standalone.row_group_rows, 1_000_000);
        assert_eq!(spark.row_group_bytes, 128 << 20);
        assert_eq!(
            WriterOptions {
                row_group_bytes: standalone.row_group_bytes,
                row_group_rows: standalone.row_group_rows,
                ..spark
            },
            standalone
        );
    }
}
