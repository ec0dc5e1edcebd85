//! `read_json` / `iter_batches`: JSON straight to Arrow record batches
//! ([`rustparquet_core::to_arrow`]), handed to Python one batch at a time (the Arrow C data
//! interface, as PyCapsules) or as a whole stream through the Arrow PyCapsule interface
//! (`__arrow_c_stream__`), which polars, DuckDB and pyarrow take without a copy.
//!
//! `read_json` reads everything before its call returns ([`read_table`]: one parse where the
//! first documents' schema is settled). For `iter_batches` a worker shreds into a channel
//! that holds one batch, so memory stays at about two or three batches whatever the input
//! size. Iterating from Python waits with the GIL released and checks for signals every
//! 50 ms: Ctrl-C stops the worker and raises `KeyboardInterrupt`.
//! A consumer of the exported stream pulls batches in its own code, where Python signals are
//! not checked. Dropping the stream (or `close()`) stops the worker at its next batch.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{Array, RecordBatch, RecordBatchReader, StructArray};
use arrow_schema::{ArrowError, DataType, SchemaRef};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use rustparquet_core::input::{open_inputs, Passes};
use rustparquet_core::schema::Schema;
use rustparquet_core::to_arrow::{self, BatchLimits};
use rustparquet_core::{ConvertOptions, Error as CoreError};

use crate::errors::to_py;
use crate::schema::PySchema;

/// How often a waiting `__next__` checks for signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

type Message = Result<RecordBatch, CoreError>;

/// A stream of record batches being read from JSON inputs (`iter_batches`).
#[pyclass(name = "BatchStream", module = "rustparquet")]
pub struct PyBatchStream {
    schema: SchemaRef,
    document_schema: PySchema,
    rx: Mutex<Option<Receiver<Message>>>,
    cancel: Arc<AtomicBool>,
}

/// Reads `inputs` (paths) with `schema` (inferred first, interruptibly, when `None`) and
/// starts the worker that builds the batches.
#[pyfunction]
#[pyo3(signature = (inputs, schema, options, batch_rows, batch_bytes))]
pub fn read_batches(
    py: Python<'_>,
    inputs: Vec<String>,
    schema: Option<PyRef<'_, PySchema>>,
    options: Vec<(String, String)>,
    batch_rows: usize,
    batch_bytes: usize,
) -> PyResult<PyBatchStream> {
    let Call {
        limits,
        opts,
        cancel,
        given,
        passes,
    } = Call::new(schema, &options, batch_rows, batch_bytes)?;
    let (inputs, schema) = crate::run::interruptible(py, &cancel, opts.max_depth, || {
        let inputs = open_inputs(&inputs, passes)?;
        let schema = match given {
            Some(s) => s,
            None => rustparquet_core::convert::infer_schema(&inputs, &opts)?,
        };
        Ok((inputs, schema))
    })?;
    let arrow = to_arrow::arrow_schema(&schema).map_err(|e| to_py(py, e))?;
    let (tx, rx) = sync_channel::<Message>(1);
    let worker_schema = schema.clone();
    std::thread::Builder::new()
        .name("rustparquet-batches".into())
        .stack_size(rustparquet_core::threads::stack_bytes(opts.max_depth))
        .spawn(move || {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                to_arrow::read_batches(&inputs, &worker_schema, &opts, limits, &mut |batch| {
                    tx.send(Ok(batch)).is_ok()
                })
            }));
            let failed = match run {
                Ok(Ok(_)) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some(CoreError::Other(
                    "rustparquet internal error (a bug to report): a panic while reading JSON to Arrow"
                        .into(),
                )),
            };
            if let Some(e) = failed {
                let _ = tx.send(Err(e));
            }
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    Ok(PyBatchStream {
        schema: arrow,
        document_schema: PySchema::from(schema),
        rx: Mutex::new(Some(rx)),
        cancel,
    })
}

/// Reads all of `inputs` (`read_json`) before returning, interruptibly, with
/// [`to_arrow::read_table`]: without a schema, inference and batches share one parse when the
/// first documents' schema is settled. The batches come back as a stream already filled.
#[pyfunction]
#[pyo3(signature = (inputs, schema, options, batch_rows, batch_bytes))]
pub fn read_table(
    py: Python<'_>,
    inputs: Vec<String>,
    schema: Option<PyRef<'_, PySchema>>,
    options: Vec<(String, String)>,
    batch_rows: usize,
    batch_bytes: usize,
) -> PyResult<PyBatchStream> {
    let Call {
        limits,
        opts,
        cancel,
        given,
        passes,
    } = Call::new(schema, &options, batch_rows, batch_bytes)?;
    let table = crate::run::interruptible(py, &cancel, opts.max_depth, || {
        let inputs = open_inputs(&inputs, passes)?;
        to_arrow::read_table(&inputs, given.as_ref(), &opts, limits)
    })?;
    let arrow = to_arrow::arrow_schema(&table.schema).map_err(|e| to_py(py, e))?;
    let (tx, rx) = channel::<Message>();
    for batch in table.batches {
        // The receiver is still here: sending cannot fail.
        let _ = tx.send(Ok(batch));
    }
    Ok(PyBatchStream {
        schema: arrow,
        document_schema: PySchema::from(table.schema),
        rx: Mutex::new(Some(rx)),
        cancel,
    })
}

/// What both readers take from their arguments: the batch limits, the options with a cancel
/// flag set, the given schema and how often the inputs will be read.
struct Call {
    limits: BatchLimits,
    opts: ConvertOptions,
    cancel: Arc<AtomicBool>,
    given: Option<Schema>,
    passes: Passes,
}

impl Call {
    fn new(
        schema: Option<PyRef<'_, PySchema>>,
        options: &[(String, String)],
        rows: usize,
        bytes: usize,
    ) -> PyResult<Self> {
        if rows == 0 || bytes == 0 {
            return Err(PyValueError::new_err(
                "batch_rows and batch_bytes must be at least 1",
            ));
        }
        let mut opts = crate::options::read_options(options)?;
        let cancel = Arc::new(AtomicBool::new(false));
        opts.cancel = Some(cancel.clone());
        let given = schema.map(|s| s.inner.clone());
        // Without a schema the inputs are read for inference too.
        let passes = match given {
            Some(_) => Passes::Once,
            None => Passes::Twice,
        };
        Ok(Call {
            limits: BatchLimits { rows, bytes },
            opts,
            cancel,
            given,
            passes,
        })
    }
}

impl PyBatchStream {
    fn take_receiver(&self) -> PyResult<Receiver<Message>> {
        self.rx
            .lock()
            .map_err(|_| PyRuntimeError::new_err("the batch stream's lock is poisoned"))?
            .take()
            .ok_or_else(|| {
                PyValueError::new_err("this batch stream was consumed or closed already")
            })
    }
}

#[pymethods]
impl PyBatchStream {
    /// The document schema the batches were read with.
    #[getter]
    fn document_schema(&self) -> PySchema {
        self.document_schema.clone()
    }

    /// The Arrow schema of the batches (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_schema__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let ffi = FFI_ArrowSchema::try_from(self.schema.as_ref())
            .map_err(|e| PyValueError::new_err(format!("cannot export the Arrow schema: {e}")))?;
        PyCapsule::new(py, ffi, Some(name("arrow_schema")?))
    }

    /// The batches as an Arrow C stream (Arrow PyCapsule interface); the stream can be taken
    /// once, and not after iterating has begun.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The batches are exported as they are; the protocol lets a producer ignore a request.
        let _ = requested_schema;
        let reader = ChannelReader {
            schema: self.schema.clone(),
            rx: Some(self.take_receiver()?),
        };
        let ffi = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, ffi, Some(name("arrow_array_stream")?))
    }

    /// The next batch as `(schema capsule, array capsule)` (a struct array of the columns),
    /// or `None` at the end. Waits with the GIL released, checking for signals.
    fn next_batch<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)>> {
        let mut guard = self
            .rx
            .lock()
            .map_err(|_| PyRuntimeError::new_err("the batch stream's lock is poisoned"))?;
        let Some(mut rx) = guard.take() else {
            return Ok(None);
        };
        loop {
            // The receiver goes to the GIL-free wait and comes back (it is Send, not Sync).
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(SIGNAL_POLL);
                (rx, got)
            });
            rx = back;
            match got {
                Ok(Ok(batch)) => {
                    *guard = Some(rx);
                    return export_batch(py, batch).map(Some);
                }
                Ok(Err(e)) => return Err(to_py(py, e)),
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        self.cancel.store(true, Ordering::SeqCst);
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Stops reading (the worker ends at its next batch) and drops what is buffered.
    fn close(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        if let Ok(mut rx) = self.rx.lock() {
            *rx = None;
        }
    }
}

impl Drop for PyBatchStream {
    fn drop(&mut self) {
        // An exported stream keeps the worker going for its consumer.
        if let Ok(rx) = self.rx.get_mut() {
            if rx.take().is_some() {
                self.cancel.store(true, Ordering::SeqCst);
            }
        }
    }
}

fn name(s: &str) -> PyResult<CString> {
    CString::new(s).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A batch as the Arrow C data interface's schema and array (a struct of the columns).
fn export_batch(
    py: Python<'_>,
    batch: RecordBatch,
) -> PyResult<(Bound<'_, PyCapsule>, Bound<'_, PyCapsule>)> {
    let array = StructArray::from(batch);
    let data_type = DataType::Struct(array.fields().clone());
    let schema = FFI_ArrowSchema::try_from(&data_type)
        .map_err(|e| PyValueError::new_err(format!("cannot export an Arrow batch: {e}")))?;
    let array = FFI_ArrowArray::new(&array.to_data());
    Ok((
        PyCapsule::new(py, schema, Some(name("arrow_schema")?))?,
        PyCapsule::new(py, array, Some(name("arrow_array")?))?,
    ))
}

/// The worker's channel as a [`RecordBatchReader`] for the exported C stream.
struct ChannelReader {
    schema: SchemaRef,
    rx: Option<Receiver<Message>>,
}

impl Iterator for ChannelReader {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rx = self.rx.as_ref()?;
        match rx.recv() {
            Ok(Ok(batch)) => Some(Ok(batch)),
            Ok(Err(e)) => {
                self.rx = None;
                Some(Err(ArrowError::ExternalError(Box::new(e))))
            }
            Err(_) => {
                self.rx = None;
                None
            }
        }
    }
}

impl RecordBatchReader for ChannelReader {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}
