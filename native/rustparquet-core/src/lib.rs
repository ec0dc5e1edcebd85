//! rustparquet-core: JSON documents to Apache Parquet and back.
//!
//! Data flows one way: JSON bytes ([`input`]) → schema inference ([`infer`], unless a
//! [`schema::Schema`] is given) → Dremel shredding of each document against the schema
//! ([`shred`]: value, repetition level, definition level per leaf column, no document tree) →
//! column writers of the `parquet` crate ([`write`], settings from [`options`]) → a file that
//! appears only when complete. The drivers above ([`convert`], [`stream`], [`dataset`]) share
//! one row-group writer ([`write::RowGroupWriter`]) and one thread and stack policy
//! ([`threads`]); inference and conversion share one parse where the first documents' schema
//! is settled (`convert::try_one_parse`).
//! Reading goes back: Parquet → record assembly → JSON documents.
//!
//! ```no_run
//! use rustparquet_core::{convert, ConvertOptions};
//! let summary = convert(&["events.ndjson".into()], "events.parquet".as_ref(), &ConvertOptions::default())?;
//! println!("{} documents", summary.documents);
//! # Ok::<(), rustparquet_core::Error>(())
//! ```

pub mod assemble;
pub mod bad_document;
pub mod commit;
pub mod convert;
pub mod dataset;
pub mod error;
pub mod infer;
pub mod input;
pub mod json;
mod later_look;
pub mod leaf;
pub mod locator;
pub mod option_key;
pub mod options;
pub mod path;
pub mod read;
pub mod schema;
pub mod settings;
pub mod shred;
pub mod sort;
pub mod staged;
pub mod stream;
pub mod threads;
pub mod to_arrow;
pub mod variant;
pub mod words;
pub mod write;

/// The deepest nesting the max-depth option ([`option_key::OptionKey::MaxDepth`]) may allow:
/// deeper documents are refused, never walked (Spark itself cannot plan more than about 200
/// levels; see docs/format.md). It matches
/// [`schema::MAX_SCHEMA_DEPTH`], so every file written can be read back, and keeps schema
/// inference within a few hundred MB (its memory grows with the square of the depth: 3.6 GB at
/// 4,000 levels of objects).
pub const MAX_DEPTH_LIMIT: usize = 1_000;
/// The default nesting limit.
pub const DEFAULT_MAX_DEPTH: usize = 128;
/// The default for [`ConvertOptions::max_document_bytes`] (the max-document-size option): a
/// document is held whole while it is parsed, so this bounds the input buffer.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 256 << 20;
/// The largest max-document-size allowed (a Parquet page holds at most 2 GiB).
pub const MAX_DOCUMENT_LIMIT: usize = 1 << 30;
/// The default for [`ConvertOptions::max_columns`] (the max-columns option): each open column
/// holds about 30 KB of writer state before any data, so this bounds the writer's fixed memory.
pub const DEFAULT_MAX_COLUMNS: usize = 20_000;

pub use convert::{convert, ConvertOptions, ConvertSummary};
pub use error::{Error, Location, Result};
