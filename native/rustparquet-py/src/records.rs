//! `read_records`: Parquet files back to documents, through the reader behind `rustparquet
//! cat` (streamed one batch at a time within a memory budget). The documents come back as
//! NDJSON bytes, which the Python layer parses with `json`: Python's integers are unbounded,
//! so big integers (DECIMAL(38,0)) stay exact.

use std::sync::atomic::AtomicBool;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use rustparquet_core::assemble::{AssembleOptions, NonFinite};
use rustparquet_core::read::{self, ReadOptions, DEFAULT_BATCH_ROWS};

use crate::run;

/// The documents of `inputs` (Parquet files, directories, globs) as NDJSON.
#[pyfunction]
#[pyo3(signature = (inputs, columns, limit, max_memory, omit_nulls, nan))]
pub fn read_records<'py>(
    py: Python<'py>,
    inputs: Vec<String>,
    columns: Option<Vec<String>>,
    limit: Option<u64>,
    max_memory: u64,
    omit_nulls: bool,
    nan: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let non_finite = match nan {
        "string" => NonFinite::String,
        "null" => NonFinite::Null,
        other => {
            return Err(PyValueError::new_err(format!(
                "nan: `{other}` (expected string or null)"
            )))
        }
    };
    if max_memory == 0 {
        return Err(PyValueError::new_err("max_memory: must be at least 1 byte"));
    }
    let options = ReadOptions {
        columns,
        limit,
        max_memory,
        batch_rows: DEFAULT_BATCH_ROWS,
        assemble: AssembleOptions {
            omit_nulls,
            non_finite,
        },
    };
    // Reading has no cancel flag: an interrupt is raised when the read is done.
    let never = AtomicBool::new(false);
    let ndjson = run::interruptible(py, &never, rustparquet_core::DEFAULT_MAX_DEPTH, || {
        let files = read::expand_inputs(&inputs)?;
        let mut out = Vec::new();
        read::cat(&files, &options, &mut out)?;
        Ok(out)
    })?;
    Ok(PyBytes::new(py, &ndjson))
}
