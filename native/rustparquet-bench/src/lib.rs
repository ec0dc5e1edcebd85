//! Comparison binaries used by `scripts/bench`; they are not part of rustparquet itself.
//!
//! * `arrow-rs-convert FILE OUT` — the plain arrow-rs path: `arrow_json` schema inference over
//!   the whole file, then `arrow_json::ReaderBuilder` batches into `parquet::arrow::ArrowWriter`
//!   with snappy and otherwise default writer properties.
//! * `parse-floor FILE` — parses every line with `serde_json` into `serde::de::IgnoredAny` on one
//!   thread: the speed no JSON→Parquet converter built on `serde_json` can beat.
//!
//! Both print one line to stdout that the harness does not rely on (it times the process).

/// Input size in MB (10^6 bytes) per second, as the benchmark reports it.
pub fn mb_per_s(bytes: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        bytes as f64 / 1e6 / secs
    } else {
        f64::INFINITY
    }
}
