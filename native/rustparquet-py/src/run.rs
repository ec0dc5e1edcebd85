//! Running core work from Python: on a worker thread with the GIL released, while the calling
//! thread wakes every 50 ms to run Python's signal handlers. A `KeyboardInterrupt` (or any
//! exception a handler raises) sets the run's cancel flag; the core then stops at its next
//! check, removes its temporary file and returns, and the exception is raised. A panic in the
//! worker is caught and raised as `RuntimeError`, never unwinding into Python.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// How often the waiting thread checks for signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a thread with a stack for documents `max_depth` deep; see the module docs.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    max_depth: usize,
    work: impl FnOnce() -> rustparquet_core::Result<T> + Send,
) -> PyResult<T> {
    // Set by the worker when it ends; the waiting thread sleeps on it between signal checks.
    let done = (Mutex::new(false), Condvar::new());
    let done = &done;
    let outcome = std::thread::scope(|scope| -> PyResult<_> {
        let worker = std::thread::Builder::new()
            .name("rustparquet-py".into())
            .stack_size(rustparquet_core::threads::stack_bytes(max_depth))
            .spawn_scoped(scope, move || {
                let result = std::panic::catch_unwind(AssertUnwindSafe(work));
                let (flag, wake) = done;
                *flag.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = true;
                wake.notify_all();
                result
            })
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
        let mut raised: Option<PyErr> = None;
        loop {
            let finished = py.detach(|| {
                let (flag, wake) = done;
                let guard = flag.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let (guard, _) = wake
                    .wait_timeout_while(guard, SIGNAL_POLL, |finished| !*finished)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                *guard
            });
            if finished {
                break;
            }
            if raised.is_none() {
                if let Err(e) = py.check_signals() {
                    // Stop the run; keep waiting (GIL released) until it has cleaned up.
                    cancel.store(true, Ordering::SeqCst);
                    raised = Some(e);
                }
            }
        }
        let joined = py.detach(|| worker.join());
        Ok((joined, raised))
    })?;
    let (joined, raised) = outcome;
    let result = match joined {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) | Err(panic) => {
            return Err(PyRuntimeError::new_err(format!(
                "rustparquet internal error (a bug to report): {}",
                panic_message(panic.as_ref())
            )))
        }
    };
    match (result, raised) {
        // An exception from a signal handler wins over what the stopped run returned.
        (_, Some(e)) => Err(e),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(to_py(py, e)),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".into()
    }
}
