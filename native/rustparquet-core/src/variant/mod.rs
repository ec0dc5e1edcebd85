//! The Parquet Variant binary format (parquet-format `VariantEncoding.md`): what a `VARIANT`
//! column's `metadata` and `value` bytes mean, how JSON text becomes them ([`from_json`]) and
//! how they become JSON text again ([`to_json`]).
//!
//! **The binary format itself is the `parquet-variant` crate's** (arrow-rs, the same release
//! train as our `parquet` and `arrow` 60.1): its [`VariantBuilder`] writes the metadata
//! dictionary (header, sorted flag, offset widths) and every value (primitives, short strings,
//! objects with field ids sorted by name and the narrowest id/offset widths, arrays, the
//! `is_large` forms), and [`Variant::try_new`] validates and decodes bytes from any writer
//! (bounds, offsets, UTF-8, nesting at most [`parquet_variant::MAX_NESTING_DEPTH`]) without
//! panicking. It is well kept, tested against the parquet-testing interop files, and sits
//! next to the reader we already use; writing a second codec of the same spec would only add
//! bugs. Its price is `rust-version` 1.88 and two small dependencies (`uuid`, `indexmap`).
//! What stays ours is what the crate does not do, or does not do the way this project
//! needs: the JSON side (numbers kept exact in the narrowest Variant type, straight from
//! [`crate::json::Parser`] events with no `serde_json::Value` tree; JSON text printed the way
//! Spark 4's `to_json` prints a variant), reassembling shredded `typed_value` columns
//! ([`crate::assemble::variant`]) and inferring which paths to shred ([`crate::infer`]).

pub mod from_json;
pub mod to_json;

pub use parquet_variant::{Variant, VariantBuilder, VariantMetadata};
