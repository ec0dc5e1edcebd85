//! The C allocator's settings for the `rustparquet` process (the binary only: a library
//! loaded into a host process, the JVM or Python, leaves the host's allocator alone).
//!
//! glibc's malloc raises its mmap threshold to the size of each large block freed (up to
//! 32 MiB), after which such blocks come from the heap arenas, whose freed memory stays
//! resident: a conversion frees 8 MiB chunks and column buffers of every size, batch after
//! batch, on four threads. Setting the trim threshold (to its default, 128 KiB) turns that
//! adjustment off, so blocks of 128 KiB and more are mapped and unmapped on their own and
//! freed heap tops are given back. Measured (`convert`, peak RSS, one run each, the setting
//! given through the environment): heterogeneous 193 -> 159 MiB, three times heterogeneous
//! 241 -> 208, eventlog 213 -> 176; activedata about 4% slower for it alone (large blocks are
//! mapped anew), which the same commit's other changes made up.
//!
//! And after each row group, the memory its column writers freed is given back
//! ([`rustparquet_core::write::return_freed_memory_after_row_groups`]): each batch is encoded
//! on threads of its own, served from several arenas, and without it the peak grew with the
//! number of row groups (heterogeneous ×24: 195 -> 176 MiB, flat with ×6's 170).

/// Applies the settings; call once, first thing in `main`.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 10);
    }
    rustparquet_core::write::return_freed_memory_after_row_groups();
}
