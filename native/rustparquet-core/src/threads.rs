//! Thread and stack policy of the library: how many threads encode beside the one that parses,
//! and the stack a thread needs to walk documents (or an Arrow schema) so deep. Every driver
//! (the CLI, datasets, the JNI library) asks here instead of choosing for itself.
//!
//! Walking a document recurses once or twice per level of nesting, so the stack a walk needs
//! grows with the nesting limit. Threads the library starts get [`Recursion::stack_bytes`];
//! a call on a thread the library did not start (a JVM task thread, 1 MiB) runs in place when
//! the walk [`Recursion::fits`] in that stack, and otherwise on a thread of its own
//! ([`run_within`]). Stacks are reserved, not committed, so a large one costs address space
//! only; a thread hop costs a scheduler round trip (milliseconds on a loaded machine,
//! measured), which is why calls that fit stay in place.

use crate::error::{Error, Result};

/// Threads that encode column chunks when `threads` are given in all: one parses (or reads
/// chunks), the rest encode; a single thread does both.
pub fn encode_threads(threads: usize) -> usize {
    threads.saturating_sub(1).max(1)
}

/// Stack every thread the library starts has besides its walks: the parser's and encoder's
/// own frames, the `parquet` crate's, the allocator's.
const BASE_STACK_BYTES: usize = 8 << 20;
/// The largest stack asked for, whatever the depth: many times what the deepest schema Spark
/// can plan needs (about 200 levels).
const MAX_STACK_BYTES: usize = 256 << 20;

/// A recursive walk: how many levels deep, and the stack each level takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recursion {
    levels: usize,
    bytes_per_level: usize,
}

impl Recursion {
    /// Parsing, inferring or shredding documents nested `max_depth` deep: about 3 KiB per
    /// level in an optimised build, much more in a debug build.
    pub fn documents(max_depth: usize) -> Self {
        let bytes_per_level = if cfg!(debug_assertions) {
            24 << 10
        } else {
            3 << 10
        };
        Recursion {
            levels: max_depth,
            bytes_per_level,
        }
    }

    /// The Arrow IPC decoder's and writer's walk over a schema `levels` deep (the Spark
    /// source's typed path): measured at about 7 KiB per level in an optimised build (a JVM
    /// task's 1 MiB stack overflowed at about 150 levels), counted as 16 KiB for margin, which
    /// keeps schemas up to 32 levels on a 1 MiB task thread; much more in a debug build.
    pub fn arrow_schema(levels: usize) -> Self {
        let bytes_per_level = if cfg!(debug_assertions) {
            64 << 10
        } else {
            16 << 10
        };
        Recursion {
            levels,
            bytes_per_level,
        }
    }

    /// The stack of the walk itself.
    fn walk_bytes(self) -> usize {
        self.levels.saturating_mul(self.bytes_per_level)
    }

    /// Stack for a thread of ours that runs this walk.
    pub fn stack_bytes(self) -> usize {
        BASE_STACK_BYTES
            .saturating_add(self.walk_bytes())
            .min(MAX_STACK_BYTES)
    }

    /// Whether the walk fits a caller's stack of `stack_bytes`, with half of it left for the
    /// caller's own frames.
    pub fn fits(self, stack_bytes: usize) -> bool {
        self.walk_bytes() <= stack_bytes / 2
    }

    /// A builder for a thread named `name` with this walk's stack.
    pub fn thread(self, name: &str) -> std::thread::Builder {
        std::thread::Builder::new()
            .name(name.into())
            .stack_size(self.stack_bytes())
    }
}

/// Stack of a documents walk `max_depth` deep on a thread of ours (see [`Recursion`]).
pub fn stack_bytes(max_depth: usize) -> usize {
    Recursion::documents(max_depth).stack_bytes()
}

/// Runs `f` on a new thread with the stack `walk` needs and waits for it, so that no input
/// can overflow the stack whatever thread the caller is on (a test thread has 2 MiB). A panic
/// in `f` becomes an internal error.
pub fn with_stack<T: Send>(walk: Recursion, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        walk.thread("rustparquet-walk")
            .spawn_scoped(scope, f)
            .map_err(|e| Error::Other(format!("cannot start a thread: {e}")))?
            .join()
            .map_err(|_| Error::Other("internal error: a rustparquet thread panicked".into()))?
    })
}

/// Runs `f` on the caller's thread, whose stack is `caller_stack_bytes`, when `walk` fits in
/// it, and otherwise as [`with_stack`] does. `E` is the caller's error type; a failure to
/// start the thread is `E::from` the core error. A panic in `f` resumes on the caller's
/// thread (where the caller's own panic guard, if any, catches it).
pub fn run_within<T: Send, E: Send + From<Error>>(
    caller_stack_bytes: usize,
    walk: Recursion,
    f: impl FnOnce() -> std::result::Result<T, E> + Send,
) -> std::result::Result<T, E> {
    if walk.fits(caller_stack_bytes) {
        return f();
    }
    std::thread::scope(|scope| {
        let worker = walk
            .thread("rustparquet-walk")
            .spawn_scoped(scope, f)
            .map_err(|e| Error::Other(format!("cannot start a thread: {e}")))?;
        match worker.join() {
            Ok(result) => result,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoders_are_the_threads_but_the_parser() {
        assert_eq!(encode_threads(0), 1);
        assert_eq!(encode_threads(1), 1);
        assert_eq!(encode_threads(2), 1);
        assert_eq!(encode_threads(8), 7);
    }

    #[test]
    fn stacks_grow_with_depth_within_bounds() {
        let shallow = Recursion::documents(1);
        let deep = Recursion::documents(crate::MAX_DEPTH_LIMIT);
        assert!(shallow.stack_bytes() >= BASE_STACK_BYTES);
        assert!(deep.stack_bytes() > shallow.stack_bytes());
        assert_eq!(
            Recursion::arrow_schema(usize::MAX).stack_bytes(),
            MAX_STACK_BYTES
        );
        assert!(shallow.fits(1 << 20));
        assert!(!Recursion::arrow_schema(usize::MAX).fits(1 << 20));
    }

    #[test]
    fn a_walk_that_does_not_fit_runs_on_a_thread_of_its_own() -> Result<()> {
        let here = std::thread::current().id();
        let fits = run_within(1 << 20, Recursion::documents(2), || {
            Ok::<_, Error>(std::thread::current().id())
        })?;
        assert_eq!(fits, here);
        let moved = run_within(1 << 20, Recursion::documents(10_000), || {
            Ok::<_, Error>(std::thread::current().id())
        })?;
        assert_ne!(moved, here);
        Ok(())
    }
}
