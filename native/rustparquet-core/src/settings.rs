//! [`ConvertOptions`] by name: the one place that reads the reading, inference and conversion
//! options from text (`sample`, `unions`, `map`, ... and, through [`WriterOptions::set`], the
//! writer's), for drivers that take options as named values (the Python binding's keyword
//! arguments). Names are matched ignoring case, `-`, `_` and `.` (`max_depth`, `max-depth` and
//! `maxDepth` are one option); a message names the option as the caller spelled it. Which
//! options a function takes is the driver's choice, from the groups listed here.

use std::path::PathBuf;

use crate::convert::{check_max_depth, check_max_document_bytes};
use crate::error::{Error, Result};
use crate::infer::UnionMode;
use crate::input::{InputFormat, OnError};
use crate::options::parse_size;
use crate::path::ColumnPath;
use crate::ConvertOptions;

/// Options of schema inference (`rustparquet schema`).
pub const INFER_OPTIONS: &[&str] = &[
    "sample",
    "unions",
    "map",
    "map_threshold",
    "map_min_keys",
    "map_max_key_share",
    "map_min_named_keys",
    "variant",
    "variant_shredding",
    "variant_shred_min_share",
    "variant_shred_max_fields",
    "input_format",
    "max_depth",
];
/// Options of reading documents besides inference's (bad documents, limits, threads).
pub const READ_OPTIONS: &[&str] = &["on_error", "max_document_size", "max_columns", "threads"];
/// The writer's options, in the order they must be set (a level after its codec).
pub const WRITER_OPTIONS: &[&str] = &[
    "compression",
    "compression_level",
    "row_group_size",
    "row_group_rows",
    "page_size",
    "dictionary",
    "dictionary_page_size",
    "statistics",
    "writer_version",
    "bloom_filter",
    "bloom_filter_fpp",
];
/// Options of a conversion besides reading and writing.
pub const CONVERT_OPTIONS: &[&str] = &["sort_by"];
/// Options that may be given more than once (each value adds to the list).
pub const REPEATABLE_OPTIONS: &[&str] = &["map", "variant", "bloom_filter"];

/// `name` with case, `-`, `_` and `.` ignored.
pub fn normalized_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether `reason` begins with option `name`, in any spelling (`max-depth must be ...`).
fn names_option(reason: &str, name: &str) -> bool {
    reason.split_whitespace().next().is_some_and(|first| {
        normalized_name(first.trim_matches(['`', ':'])) == normalized_name(name)
    })
}

impl ConvertOptions {
    /// Sets the option `name` from its text form (see the module docs); a repeatable option
    /// adds a value.
    ///
    /// ```
    /// use rustparquet_core::ConvertOptions;
    /// let mut o = ConvertOptions::default();
    /// o.set("max_depth", "64")?;
    /// o.set("map", "metrics")?;
    /// o.set("compression", "zstd")?;
    /// assert_eq!(o.max_depth, 64);
    /// assert_eq!(o.set("max_depth", "0").unwrap_err().to_string(), "max-depth must be between 1 and 1000");
    /// # Ok::<(), rustparquet_core::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        self.set_value(name, value).map_err(|e| match e {
            Error::Options(reason) if !names_option(&reason, name) => {
                Error::Options(format!("{name}: {reason}"))
            }
            e => e,
        })
    }

    fn set_value(&mut self, name: &str, value: &str) -> Result<()> {
        let count = || -> Result<usize> {
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| Error::Options(format!("`{value}` is not a count")))
        };
        let at_least_one = |n: usize| -> Result<usize> {
            if n == 0 {
                Err(Error::Options("must be at least 1".into()))
            } else {
                Ok(n)
            }
        };
        match normalized_name(name).as_str() {
            "sample" => self.sample = Some(count()? as u64),
            "unions" => {
                self.infer.unions = value.trim().parse::<UnionMode>().map_err(Error::Options)?
            }
            "map" => self.infer.maps.paths.push(value.trim().to_string()),
            "mapthreshold" => self.infer.maps.threshold = count()?,
            "mapminkeys" => self.infer.maps.min_keys = count()?,
            "mapmaxkeyshare" => {
                self.infer.maps.max_key_share = value
                    .trim()
                    .parse::<crate::infer::Share>()
                    .map_err(Error::Options)?
                    .0
            }
            "mapminnamedkeys" => self.infer.maps.min_named_keys = count()?,
            "variant" => self.infer.variants.paths.push(value.trim().to_string()),
            "variantshredding" => {
                self.infer.variants.shredding.mode = value.trim().parse().map_err(Error::Options)?
            }
            "variantshredminshare" => {
                self.infer.variants.shredding.min_share =
                    value.trim().parse().map_err(Error::Options)?
            }
            "variantshredmaxfields" => self.infer.variants.shredding.max_fields = count()?,
            "inputformat" => {
                self.input_format = match value.trim() {
                    "auto" => InputFormat::Auto,
                    "ndjson" => InputFormat::Stream,
                    "array" => InputFormat::Array,
                    _ => {
                        return Err(Error::Options(format!(
                            "`{value}` (expected auto, ndjson or array)"
                        )))
                    }
                }
            }
            "onerror" => {
                self.on_error = match value.trim() {
                    "fail" => OnError::Fail,
                    "skip" => OnError::Skip,
                    other => match other.strip_prefix("quarantine=") {
                        Some(path) if !path.is_empty() => OnError::Quarantine(PathBuf::from(path)),
                        _ => {
                            return Err(Error::Options(format!(
                                "`{value}` (expected fail, skip or quarantine=PATH)"
                            )))
                        }
                    },
                }
            }
            "maxdepth" => {
                let n = value.trim().parse::<usize>().unwrap_or(0);
                check_max_depth(n)?;
                self.max_depth = n;
            }
            "maxdocumentsize" => {
                let n = usize::try_from(parse_size(value)?).unwrap_or(usize::MAX);
                check_max_document_bytes(n)?;
                self.max_document_bytes = n;
            }
            "maxcolumns" => self.max_columns = at_least_one(count()?)?,
            "threads" => self.threads = at_least_one(count()?)?,
            "sortby" => {
                ColumnPath::parse(value.trim()).map_err(Error::Options)?;
                self.sort_by = Some(value.trim().to_string());
            }
            "bloomfilter" => {
                let columns = value.split(',').map(str::trim).filter(|s| !s.is_empty());
                self.writer
                    .bloom_filter_columns
                    .extend(columns.map(str::to_string));
            }
            _ if WRITER_OPTIONS
                .iter()
                .any(|w| normalized_name(w) == normalized_name(name)) =>
            {
                self.writer.set(name, value)?
            }
            _ => return Err(Error::Options("unknown option".into())),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_option_is_known_and_bad_values_name_the_option() {
        let all = [INFER_OPTIONS, READ_OPTIONS, WRITER_OPTIONS, CONVERT_OPTIONS].concat();
        // Any text is a path or a column.
        let paths = [REPEATABLE_OPTIONS, CONVERT_OPTIONS].concat();
        for name in all.iter().filter(|n| !paths.contains(n)) {
            let e = ConvertOptions::default().set(name, "~bad~").unwrap_err();
            assert!(matches!(e, Error::Options(_)), "{name}: {e}");
            // Named first, in the caller's spelling or the process's (`max-depth must be ...`).
            assert!(names_option(&e.to_string(), name), "{e}");
            assert!(!e.to_string().contains("unknown option"), "{e}");
        }
        let e = ConvertOptions::default().set("colour", "red").unwrap_err();
        assert_eq!(e.to_string(), "colour: unknown option");
    }

    #[test]
    fn values_land_in_their_fields() {
        let mut o = ConvertOptions::default();
        for (n, v) in [
            ("sample", "10"),
            ("unions", "string"),
            ("map", "a"),
            ("map", "b.c"),
            ("map-threshold", "5"),
            ("map_min_keys", "3"),
            ("mapMaxKeyShare", "0.25"),
            ("map-min-named-keys", "40"),
            ("input_format", "array"),
            ("on_error", "quarantine=/tmp/q"),
            ("maxDepth", "7"),
            ("max_document_size", "1MiB"),
            ("max_columns", "9"),
            ("threads", "1"),
            ("bloom_filter", "x,y"),
            ("bloom_filter", "z"),
            ("compression", "zstd"),
            ("compression_level", "5"),
        ] {
            o.set(n, v).unwrap();
        }
        assert_eq!(o.sample, Some(10));
        assert_eq!(o.infer.maps.paths, ["a", "b.c"]);
        assert_eq!(o.infer.maps.threshold, 5);
        assert_eq!(o.infer.maps.min_keys, 3);
        assert_eq!(o.infer.maps.max_key_share, 0.25);
        assert_eq!(o.infer.maps.min_named_keys, 40);
        assert_eq!(o.input_format, InputFormat::Array);
        assert_eq!(o.on_error, OnError::Quarantine("/tmp/q".into()));
        assert_eq!((o.max_depth, o.max_document_bytes), (7, 1 << 20));
        assert_eq!((o.max_columns, o.threads), (9, 1));
        assert_eq!(o.writer.bloom_filter_columns, ["x", "y", "z"]);
    }
}
