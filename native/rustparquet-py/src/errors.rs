//! The exceptions of the `rustparquet` package and the one mapping from the core's
//! [`rustparquet_core::Error`] to them. Every exception carries the core's message, which names
//! the place; `BadDocument` also has it as attributes (`path`, `line`, `column`, `reason`).
//!
//! | core error                                | Python exception                     |
//! |-------------------------------------------|--------------------------------------|
//! | `Json`, `Mismatch`, `Unsupported`, `TooDeep` | `BadDocument`                     |
//! | `Conflict`                                | `SchemaConflict`                     |
//! | `Options`, `Schema`                       | `ValueError`                         |
//! | `Io`                                      | `OSError` (its `errno`, `filename`)  |
//! | `Interrupted`                             | `KeyboardInterrupt`                  |
//! | `Parquet`, `Read`, `Other`                | `rustparquet.Error`                  |

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt, PyOSError, PyValueError};
use pyo3::prelude::*;

use rustparquet_core::Error as CoreError;

create_exception!(
    rustparquet,
    Error,
    PyException,
    "Base of the errors rustparquet raises itself (files that cannot be read or written as Parquet)."
);
create_exception!(
    rustparquet,
    BadDocument,
    Error,
    "A document that is not valid JSON, or does not fit the schema. Attributes: path, line, column (1-based), reason."
);
create_exception!(
    rustparquet,
    SchemaConflict,
    Error,
    "Two documents disagree on the JSON type of a field and unions='error' was asked for. Attributes: field, first, second (each 'TYPE at FILE:LINE:COLUMN')."
);

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("BadDocument", py.get_type::<BadDocument>())?;
    m.add("SchemaConflict", py.get_type::<SchemaConflict>())?;
    Ok(())
}

/// The Python exception for a core error.
pub fn to_py(py: Python<'_>, e: CoreError) -> PyErr {
    let message = e.to_string();
    match &e {
        CoreError::Json { at, reason } | CoreError::Unsupported { at, reason } => {
            bad_document(py, message, at, reason.clone())
        }
        CoreError::Mismatch { at, path, reason } => {
            bad_document(py, message, at, format!("`{path}` {reason}"))
        }
        CoreError::TooDeep { at, limit, .. } => bad_document(
            py,
            message,
            at,
            format!("nested deeper than {limit} levels"),
        ),
        CoreError::Conflict {
            path,
            a,
            a_at,
            b,
            b_at,
        } => with_attrs(
            py,
            SchemaConflict::new_err(message),
            &[
                ("field", path.to_string()),
                ("first", format!("{a} at {a_at}")),
                ("second", format!("{b} at {b_at}")),
            ],
        ),
        CoreError::Options(_) | CoreError::Schema { .. } => PyValueError::new_err(message),
        CoreError::Io { path, source } => {
            // OSError(errno, strerror, filename) picks the subclass (FileNotFoundError, ...).
            let errno = source.raw_os_error().unwrap_or(match source.kind() {
                std::io::ErrorKind::NotFound => 2,
                std::io::ErrorKind::PermissionDenied => 13,
                _ => 5,
            });
            let text = source.to_string();
            let strerror = text.split(" (os error").next().unwrap_or(&text).to_string();
            PyOSError::new_err((errno, strerror, path.display().to_string()))
        }
        CoreError::Interrupted => PyKeyboardInterrupt::new_err(message),
        _ => Error::new_err(message),
    }
}

fn bad_document(
    py: Python<'_>,
    message: String,
    at: &rustparquet_core::Location,
    reason: String,
) -> PyErr {
    let err = BadDocument::new_err(message);
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("path", at.file.to_string())?;
        value.setattr("line", at.line)?;
        value.setattr("column", at.column)?;
        value.setattr("reason", reason)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

fn with_attrs(py: Python<'_>, err: PyErr, attrs: &[(&str, String)]) -> PyErr {
    let value = err.value(py);
    for (name, v) in attrs {
        if let Err(e) = value.setattr(*name, v) {
            return e;
        }
    }
    err
}
