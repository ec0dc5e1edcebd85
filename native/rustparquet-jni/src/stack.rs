//! Which thread a native call runs on. The JVM's task threads have the default 1 MiB stack
//! (`-Xss`), which deep recursion overflows (the JVM then dies without a word), so a call
//! whose walk does not fit in it moves to a thread of its own; the rule and the figures are
//! the core's thread and stack policy ([`rustparquet_core::threads`]). Here is only what the
//! JNI side knows: the JVM thread's stack, and which walk each path does.

use rustparquet_core::threads::{run_within, Recursion};

use crate::error::Result;

/// The stack of a JVM task thread (the JVM's default `-Xss`).
const JVM_STACK_BYTES: usize = 1 << 20;

/// Runs typed-path work (the Arrow writer's walk over a schema `depth` levels deep).
pub fn for_schema<T: Send>(depth: usize, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    run_within(JVM_STACK_BYTES, Recursion::arrow_schema(depth), work)
}

/// Runs raw-path work (shredding or inferring documents nested at most `max_depth` deep).
pub fn for_documents<T: Send>(
    max_depth: usize,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    run_within(JVM_STACK_BYTES, Recursion::documents(max_depth), work)
}
