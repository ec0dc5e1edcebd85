//! The native module of the `rustparquet` Python package (`rustparquet._rustparquet`): a thin
//! driver of `rustparquet-core` for the pure-Python layer in `python/rustparquet/`, which owns
//! argument normalisation (paths, globs, file objects, keyword options) and the public API.
//!
//! Every call that reads or writes data runs on a worker thread with the GIL released while the
//! calling thread checks for signals ([`run`]), so Ctrl-C stops a long conversion and leaves no
//! partial file. No panic crosses into Python: a worker's panic becomes a `RuntimeError`.

mod batches;
mod errors;
mod options;
mod records;
mod run;
mod schema;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use rustparquet_core::input::Progress;
use rustparquet_core::option_key::{use_spelling, Spelling};
use schema::PySchema;

/// Converts JSON documents to one Parquet file (`output`) or a new part of the dataset in
/// `dataset`; returns the summary as a dict (the Python layer makes it a `Summary`).
#[pyfunction]
#[pyo3(signature = (inputs, output, dataset, schema, options))]
fn convert<'py>(
    py: Python<'py>,
    inputs: Vec<String>,
    output: Option<PathBuf>,
    dataset: Option<PathBuf>,
    schema: Option<PyRef<'py, PySchema>>,
    options: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut opts = options::convert_options(&options)?;
    opts.schema = schema.map(|s| s.inner.clone());
    let progress = Arc::new(Progress::default());
    opts.progress = Some(progress);
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    let (summary, written, added) =
        run::interruptible(py, &cancel, opts.max_depth, || match (&dataset, &output) {
            (Some(dir), None) => rustparquet_core::dataset::append(&inputs, dir, &opts)
                .map(|a| (a.convert, a.part, a.added_columns)),
            (None, Some(out)) => {
                rustparquet_core::convert(&inputs, out, &opts).map(|s| (s, out.clone(), vec![]))
            }
            _ => Err(rustparquet_core::Error::Options(
                "give exactly one of output and dataset".into(),
            )),
        })?;
    let d = PyDict::new(py);
    d.set_item("output", written.display().to_string())?;
    d.set_item("documents", summary.documents)?;
    d.set_item("bad_documents", summary.bad_documents)?;
    d.set_item("first_errors", summary.first_errors.clone())?;
    d.set_item("duplicate_keys", summary.duplicate_keys)?;
    d.set_item("row_groups", summary.row_groups)?;
    d.set_item("columns", summary.columns)?;
    d.set_item("input_bytes", summary.input_bytes)?;
    d.set_item("output_bytes", summary.output_bytes)?;
    d.set_item("added_columns", added)?;
    d.set_item("schema", PySchema::from(summary.schema))?;
    Ok(d)
}

/// Infers the schema of JSON inputs (file names and globs).
#[pyfunction]
#[pyo3(signature = (inputs, options))]
fn infer_schema(
    py: Python<'_>,
    inputs: Vec<String>,
    options: Vec<(String, String)>,
) -> PyResult<PySchema> {
    let mut opts = options::infer_options(&options)?;
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    let schema = run::interruptible(py, &cancel, opts.max_depth, || {
        let inputs = rustparquet_core::input::expand_inputs(&inputs)?;
        rustparquet_core::convert::infer_schema(&inputs, &opts)
    })?;
    Ok(PySchema::from(schema))
}

/// Runs the `rustparquet` command with `argv` (the program name first) and returns its exit
/// status: the wheel's `rustparquet` script and `python -m rustparquet` call this.
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> i32 {
    // The command's process gets the binary's allocator settings (rustparquet_cli::allocator):
    // the same memory as the binary (peaks 4-12 MiB lower than under the interpreter's
    // defaults, whose rising mmap threshold keeps freed blocks), at the same speed.
    rustparquet_cli::allocator::configure();
    // The command installs its own Ctrl-C handler (it exits 130, removing its temporaries).
    let code = py.detach(|| rustparquet_cli::run(argv));
    // `run` chose the command's spelling of options; the module's calls use Python's.
    use_spelling(Spelling::Python);
    // `ExitCode` is opaque but comparable: find the status it carries.
    (0..=u8::MAX)
        .find(|n| ExitCode::from(*n) == code)
        .map_or(1, i32::from)
}

#[pymodule]
fn _rustparquet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    rustparquet_cli::quiet_caught_panics();
    // Core messages name options as keyword arguments here: `max_depth`.
    use_spelling(Spelling::Python);
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(infer_schema, m)?)?;
    m.add_function(wrap_pyfunction!(records::read_records, m)?)?;
    m.add_function(wrap_pyfunction!(batches::read_batches, m)?)?;
    m.add_function(wrap_pyfunction!(batches::read_table, m)?)?;
    m.add_class::<batches::PyBatchStream>()?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_class::<PySchema>()?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
