//! Deeply nested schemas are handled on a thread of our own with a large stack. The JVM's task
//! threads have the default 1 MiB (`-Xss`), which the recursion of decoding and encoding
//! overflows at about 150 levels of nesting (the JVM then dies without a word); Spark itself
//! plans up to about 200. The stack is reserved, not committed, and the thread lives for one
//! call only. Handing a call to another thread costs a scheduler round trip (milliseconds on a
//! loaded machine, measured), so schemas up to [`INLINE_DEPTH`] levels stay on the caller's thread.

use std::thread;

use crate::error::{Error, Result};

/// Stack for one native call: enough for the deepest schemas Spark can plan, many times over.
const STACK_BYTES: usize = 256 << 20;

/// Nesting depth up to which work runs on the JVM's thread: a fifth of where 1 MiB overflowed.
pub const INLINE_DEPTH: usize = 32;

/// Runs `work` here when the schema is at most [`INLINE_DEPTH`] levels deep, else [`on_deep_stack`].
pub fn for_depth<T: Send>(depth: usize, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    if depth <= INLINE_DEPTH {
        work()
    } else {
        on_deep_stack(work)
    }
}

/// Runs `work` on a fresh thread with a [`STACK_BYTES`] stack and waits for it; a panic in
/// `work` resumes here, where the entry point's guard catches it.
pub fn on_deep_stack<T: Send>(work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    thread::scope(|scope| {
        let worker = thread::Builder::new()
            .name("rustparquet-jni".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .map_err(Error::Thread)?;
        match worker.join() {
            Ok(result) => result,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}
