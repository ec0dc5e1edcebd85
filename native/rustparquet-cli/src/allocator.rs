//! The C allocator's settings for a process that runs the `rustparquet` command: the binary,
//! and the Python wheel's `rustparquet` script and `python -m rustparquet`, whose process is
//! the command's as much as the binary's is. The library's calls from a host process (the
//! Spark data source in the JVM, the Python module's functions) leave the host's allocator
//! alone.
//!
//! glibc's malloc raises its mmap threshold to the size of each large block freed (up to
//! 32 MiB), after which such blocks come from the heap arenas, whose freed memory stays
//! resident: a conversion frees 8 MiB chunks and column buffers of every size, batch after
//! batch, on four threads. Setting the thresholds turns that adjustment off, and freed heap
//! tops of more than 128 KiB (the trim threshold, glibc's default) are given back. Measured
//! when this was set with the mmap threshold left at its 128 KiB (`convert`, peak RSS, one
//! run each): heterogeneous 193 -> 159 MiB, three times heterogeneous 241 -> 208, eventlog
//! 213 -> 176.
//!
//! The mmap threshold is fixed at 4 MiB: the column writers allocate and free buffers of 128
//! KiB to a few MiB for every page and batch (value copies, plain and compressed pages);
//! mapped anew, each cost the kernel a zeroed page per 4 KiB touched (55,000 page faults,
//! 0.23 s of system time on activedata with one thread), while from the heap the next buffer
//! reuses the freed one. The 8 MiB input chunks stay above it, mapped and unmapped whole.
//! Measured against 128 KiB (paired runs, 9 each, wall A/B): activedata 0.928 (one thread
//! 0.976), wide 0.956, heterogeneous 0.956, eventlog 0.952; peak RSS 5-10 MiB higher (wide
//! 112 against 107, heterogeneous 142 against 134, eventlog 137 against 127).
//!
//! And after each row group, the memory its column writers freed is given back
//! ([`rustparquet_core::write::return_freed_memory_after_row_groups`]): each batch is encoded
//! on threads of its own, served from several arenas, and without it the peak grew with the
//! number of row groups (heterogeneous ×24: 195 -> 176 MiB, flat with ×6's 170).

/// Applies the settings; call once, before the command runs (first thing in `main`).
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets malloc parameters, under glibc's own arena lock; it is unsafe
    // only while malloc initialises itself, which it has done before `main` (and long before
    // in a Python process). Blocks already allocated keep how they were allocated.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 10);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
    rustparquet_core::write::return_freed_memory_after_row_groups();
}
