//! Keyword options → [`ConvertOptions`], with the CLI's names in Python spelling
//! (`row_group_size` for `--row-group-size`) and the CLI's defaults. The Python layer hands
//! them over as `(name, text)` pairs (booleans as `true`/`false`, lists as repeated names).
//!
//! The core has no options vocabulary of its own yet, so the mapping from a name to a field
//! lives here, mirroring `rustparquet convert`'s flags (`native/rustparquet-cli/src/cmd`);
//! it is meant to move to the core when one exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::PyResult;

use rustparquet_core::infer::{InferOptions, MapRules, UnionMode};
use rustparquet_core::input::{InputFormat, OnError};
use rustparquet_core::ConvertOptions;

/// Options of `infer_schema` (those of `rustparquet schema`).
const INFER_NAMES: &[&str] = &[
    "sample",
    "unions",
    "map",
    "map_threshold",
    "input_format",
    "max_depth",
];

/// Options of `convert` besides those of `infer_schema` and the writer's (`rustparquet
/// convert`'s flags, less `schema`, `output`, `dataset`, `quiet`, which the Python signature
/// has or does not need).
const CONVERT_NAMES: &[&str] = &[
    "on_error",
    "max_document_size",
    "max_columns",
    "bloom_filter",
    "threads",
];

/// Options of `read_json` besides those of `infer_schema`.
const READ_NAMES: &[&str] = &["on_error", "max_document_size", "max_columns", "threads"];

/// The writer's options, set through the core's own names in this order (a level after its
/// codec); their messages name the option.
const WRITER_NAMES: &[&str] = &[
    "compression",
    "compression_level",
    "row_group_size",
    "row_group_rows",
    "page_size",
    "dictionary",
    "dictionary_page_size",
    "statistics",
    "writer_version",
    "bloom_filter_fpp",
];

/// Names that may be given several times (a Python list).
const REPEATABLE: &[&str] = &["map", "bloom_filter"];

/// Options of `infer_schema`.
pub fn infer_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(pairs, &[INFER_NAMES], "infer_schema")
}

/// Options of `read_json` / `iter_batches`: those of `infer_schema` and the reading ones of
/// `convert` (no writer options: no Parquet is written).
pub fn read_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(pairs, &[INFER_NAMES, READ_NAMES], "read_json")
}

/// Options of `convert`.
pub fn convert_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(
        pairs,
        &[INFER_NAMES, CONVERT_NAMES, WRITER_NAMES],
        "convert",
    )
}

fn build(
    pairs: &[(String, String)],
    known: &[&[&'static str]],
    function: &str,
) -> PyResult<ConvertOptions> {
    let known: Vec<&'static str> = known.concat();
    let mut given: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        let Some(&known_name) = known.iter().find(|k| **k == name.as_str()) else {
            return Err(PyTypeError::new_err(format!(
                "{function}() got an unexpected keyword argument '{name}' (options: {})",
                known.join(", ")
            )));
        };
        let values = given.entry(known_name).or_default();
        if !values.is_empty() && !REPEATABLE.contains(&known_name) {
            return Err(PyTypeError::new_err(format!(
                "{function}(): option '{name}' given twice"
            )));
        }
        values.push(value.as_str());
    }
    let one = |name: &str| given.get(name).and_then(|v| v.first().copied());
    let bad = |name: &str, value: &str, what: &str| {
        PyValueError::new_err(format!("{name}: `{value}` {what}"))
    };
    let count = |name: &str| -> PyResult<Option<u64>> {
        one(name)
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| bad(name, v, "is not a count"))
            })
            .transpose()
    };

    let mut o = ConvertOptions::default();
    o.sample = count("sample")?;
    let mut infer = InferOptions::default();
    if let Some(v) = one("unions") {
        infer.unions = v
            .parse::<UnionMode>()
            .map_err(|e| PyValueError::new_err(format!("unions: {e}")))?;
    }
    infer.maps = MapRules {
        threshold: match count("map_threshold")? {
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None => rustparquet_core::infer::DEFAULT_MAP_THRESHOLD,
        },
        paths: given
            .get("map")
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    };
    o.infer = infer;
    if let Some(v) = one("input_format") {
        o.input_format = match v {
            "auto" => InputFormat::Auto,
            "ndjson" => InputFormat::Stream,
            "array" => InputFormat::Array,
            _ => return Err(bad("input_format", v, "(expected auto, ndjson or array)")),
        };
    }
    if let Some(v) = one("on_error") {
        o.on_error = match v {
            "fail" => OnError::Fail,
            "skip" => OnError::Skip,
            other => match other.strip_prefix("quarantine=") {
                Some(path) if !path.is_empty() => OnError::Quarantine(PathBuf::from(path)),
                _ => {
                    return Err(bad(
                        "on_error",
                        v,
                        "(expected fail, skip or quarantine=PATH)",
                    ))
                }
            },
        };
    }
    if let Some(n) = count("max_depth")? {
        o.max_depth = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if o.max_depth == 0 || o.max_depth > rustparquet_core::MAX_DEPTH_LIMIT {
        return Err(PyValueError::new_err(format!(
            "max_depth: must be between 1 and {}",
            rustparquet_core::MAX_DEPTH_LIMIT
        )));
    }
    if let Some(v) = one("max_document_size") {
        let bytes = rustparquet_cli::parse_size(v)
            .map_err(|e| PyValueError::new_err(format!("max_document_size: {e}")))?;
        o.max_document_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    }
    if let Some(n) = count("max_columns")? {
        o.max_columns = usize::try_from(n).unwrap_or(usize::MAX);
    }
    for name in WRITER_NAMES {
        if let Some(v) = one(name) {
            o.writer
                .set(name, v)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
        }
    }
    if let Some(columns) = given.get("bloom_filter") {
        o.writer
            .set("bloom_filter_columns", &columns.join(","))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
    }
    if let Some(n) = count("threads")? {
        if n == 0 {
            return Err(PyValueError::new_err("threads: must be at least 1"));
        }
        o.threads = usize::try_from(n).unwrap_or(usize::MAX);
    }
    Ok(o)
}
