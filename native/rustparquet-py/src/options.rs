//! Keyword options → [`ConvertOptions`]: the Python layer hands them over as `(name, text)`
//! pairs (booleans as `true`/`false`, lists as repeated names) and each goes through the core's
//! one reader of options by name ([`ConvertOptions::set`], `rustparquet_core::settings`), so
//! the names, values, defaults and messages are the core's, spelled as Python gave them
//! (`max_depth: must be between 1 and 1000`). This module only says which function takes
//! which of the core's option groups, and refuses the others as Python refuses an unexpected
//! keyword argument.

use std::collections::BTreeMap;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::PyResult;

use rustparquet_core::settings::{
    CONVERT_OPTIONS, INFER_OPTIONS, READ_OPTIONS, REPEATABLE_OPTIONS, WRITER_OPTIONS,
};
use rustparquet_core::ConvertOptions;

/// Options of `infer_schema` (those of `rustparquet schema`).
pub fn infer_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(pairs, &[INFER_OPTIONS], "infer_schema")
}

/// Options of `read_json` / `iter_batches`: inference's and reading's (no Parquet is written).
pub fn read_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(pairs, &[INFER_OPTIONS, READ_OPTIONS], "read_json")
}

/// Options of `convert`.
pub fn convert_options(pairs: &[(String, String)]) -> PyResult<ConvertOptions> {
    build(
        pairs,
        &[INFER_OPTIONS, READ_OPTIONS, WRITER_OPTIONS, CONVERT_OPTIONS],
        "convert",
    )
}

fn build(
    pairs: &[(String, String)],
    groups: &[&[&'static str]],
    function: &str,
) -> PyResult<ConvertOptions> {
    let known: Vec<&'static str> = groups.concat();
    // The given values by option, in the order the options are listed (a codec before its
    // level), so that the keyword order does not matter.
    let mut given: BTreeMap<usize, (&str, Vec<&str>)> = BTreeMap::new();
    for (name, value) in pairs {
        let Some(index) = known.iter().position(|k| *k == name.as_str()) else {
            return Err(PyTypeError::new_err(format!(
                "{function}() got an unexpected keyword argument '{name}' (options: {})",
                known.join(", ")
            )));
        };
        let (_, values) = given.entry(index).or_insert((name.as_str(), Vec::new()));
        if !values.is_empty() && !REPEATABLE_OPTIONS.contains(&known[index]) {
            return Err(PyTypeError::new_err(format!(
                "{function}(): option '{name}' given twice"
            )));
        }
        values.push(value.as_str());
    }
    let mut o = ConvertOptions::default();
    for (name, values) in given.values() {
        for value in values {
            o.set(name, value)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
        }
    }
    Ok(o)
}
