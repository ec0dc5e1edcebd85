//! The typed writer on a thread of its own, one batch behind the task thread.
//!
//! Encoding a batch in Rust takes about 60% of the typed path's time and filling the next
//! batch's Arrow vectors on the JVM side about 37% (docs/spark.md), and the two need not wait
//! for each other: [`BackgroundWriter::append`] hands the batch's bytes to the writer's thread
//! and returns at once with whatever row groups that thread finished meanwhile, so the JVM fills
//! the next batch while the last one is encoded. At most one batch waits behind the one being
//! encoded (the channel's bound), so the memory held is two batches more than before.
//!
//! A failure on the writer's thread (an error or a panic) ends the thread; it is reported by the
//! next call, `append` or `finish`, with the message and batch number the writer gave it. The
//! thread gets a stack sized for the schema's depth, so no call on the task thread recurses.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rustparquet_core::threads::Recursion;

use crate::error::{Error, Result};
use crate::writer::TypedWriter;

/// Batches that may wait for the writer's thread while it encodes another.
const WAITING_BATCHES: usize = 1;

pub struct BackgroundWriter {
    batches: Option<SyncSender<Vec<u8>>>,
    /// Parquet bytes the thread finished and the caller has not taken yet.
    ready: Arc<Mutex<Vec<u8>>>,
    thread: Option<JoinHandle<Result<Vec<u8>>>>,
}

impl BackgroundWriter {
    /// Starts `writer`'s thread.
    pub fn start(mut writer: TypedWriter) -> Result<Self> {
        let (batches, incoming) = sync_channel::<Vec<u8>>(WAITING_BATCHES);
        let ready = Arc::new(Mutex::new(Vec::new()));
        let shared = ready.clone();
        let thread = Recursion::arrow_schema(writer.depth())
            .thread("rustparquet-typed-writer")
            .spawn(move || {
                catch_unwind(AssertUnwindSafe(move || {
                    for ipc in incoming {
                        let out = writer.append_owned(ipc)?;
                        if !out.is_empty() {
                            let mut ready = shared.lock().unwrap_or_else(PoisonError::into_inner);
                            if ready.is_empty() {
                                *ready = out;
                            } else {
                                ready.extend_from_slice(&out);
                            }
                        }
                    }
                    writer.finish()
                }))
                .unwrap_or_else(|payload| Err(panicked(payload.as_ref())))
            })
            .map_err(Error::Thread)?;
        Ok(BackgroundWriter {
            batches: Some(batches),
            ready,
            thread: Some(thread),
        })
    }

    /// Queues the record batch messages `ipc` (waiting while another batch waits); returns the
    /// bytes finished so far, or the error that ended the writer's thread.
    pub fn append(&mut self, ipc: Vec<u8>) -> Result<Vec<u8>> {
        let sent = match &self.batches {
            Some(batches) => batches.send(ipc).is_ok(),
            None => false,
        };
        if !sent {
            // The thread ended early: only a failure ends it before `finish`.
            self.batches = None;
            return Err(self.join().err().unwrap_or_else(ended_early));
        }
        Ok(self.take_ready())
    }

    /// Waits for the queued batches, writes the footer and returns the file's remaining bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.batches = None;
        let last = self.join()?;
        let mut out = self.take_ready();
        out.extend_from_slice(&last);
        Ok(out)
    }

    fn take_ready(&self) -> Vec<u8> {
        std::mem::take(&mut *self.ready.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The thread's result, once it ended (a second call: an error).
    fn join(&mut self) -> Result<Vec<u8>> {
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|payload| Err(panicked(payload.as_ref()))),
            None => Err(ended_early()),
        }
    }
}

impl Drop for BackgroundWriter {
    /// Abandoning the file (`abort`): the thread finishes the batch in hand, finds the channel
    /// closed and drops the writer; waiting for it frees the memory before the call returns.
    fn drop(&mut self) {
        self.batches = None;
        let _ = self.join();
    }
}

fn ended_early() -> Error {
    Error::Internal("the typed writer's thread ended before the file did".into())
}

fn panicked(payload: &(dyn std::any::Any + Send)) -> Error {
    Error::Internal(format!(
        "the typed writer's thread panicked: {}",
        crate::guard::panic_text(payload)
    ))
}
