//! Input: from the names the user gave to documents, each with a [`Location`] for messages.
//!
//! Which files ([`files`]: globs, `-` for standard input, gzip and zstd recognised by their
//! magic bytes whatever the file is called; [`stdin`]: standard input copied aside when it
//! must be read twice); how the bytes are cut into documents ([`layout`]: newline-delimited or
//! concatenated documents, top-level arrays of documents); how an input is read ([`blocks`]: in
//! blocks, one parser, any layout) or cut for parallel parsing ([`chunks`]: at line ends); and
//! what happens to a bad document ([`policy`]: fail, skip, or quarantine; what its fault is, is
//! [`crate::bad_document`]'s rule). The stages that take documents ([`DocumentSink`]: the
//! inferrer and the shredder) sit above this module; it knows them only through that trait.

use std::sync::atomic::{AtomicBool, AtomicU64};

use crate::bad_document::BadDocument;
use crate::error::{Error, Location, Result};
use crate::json::Parser;
use crate::option_key::OptionKey;

pub mod blocks;
pub mod chunks;
pub mod files;
pub mod layout;
pub mod policy;
pub mod stdin;

pub use blocks::read_documents;
pub(crate) use blocks::read_documents_from;
pub(crate) use chunks::{chunkable, Chunk, Chunker, SpareBuffers};
pub use files::{expand_inputs, open_inputs, Input, Passes, Source};
pub(crate) use layout::{parse_window, WindowEnd};
pub use policy::{errors_path, BadRecordPolicy, OnError};

/// How documents are laid out in an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Top-level arrays of documents if the first byte is `[` (one array, or one per line),
    /// otherwise a stream of documents.
    #[default]
    Auto,
    /// Documents separated by whitespace: NDJSON, concatenated or pretty-printed.
    Stream,
    /// One top-level JSON array whose elements are the documents.
    Array,
}

/// Counters a progress display can read while a conversion runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Input bytes consumed (decompressed).
    pub bytes: AtomicU64,
    /// Documents read.
    pub documents: AtomicU64,
}

/// Something that takes documents one at a time: the inferrer or the shredder.
pub trait DocumentSink {
    /// Parses one document at the parser's position (the parser stops after it). On error,
    /// the sink must leave no trace of the document.
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument>;
    /// Called after each document taken, with the reader's progress; `Ok(false)` stops reading.
    fn after_document(&mut self) -> Result<bool> {
        Ok(true)
    }
}

/// Settings of a [`read_documents`] run.
pub struct ReadSettings<'a> {
    pub format: InputFormat,
    pub max_depth: usize,
    /// Bytes read per block.
    pub block_bytes: usize,
    /// The largest document accepted, in bytes.
    pub max_document_bytes: usize,
    pub progress: Option<&'a Progress>,
    pub cancel: Option<&'a AtomicBool>,
}

impl Default for ReadSettings<'_> {
    fn default() -> Self {
        ReadSettings {
            format: InputFormat::Auto,
            max_depth: crate::DEFAULT_MAX_DEPTH,
            block_bytes: 8 << 20,
            max_document_bytes: crate::DEFAULT_MAX_DOCUMENT_BYTES,
            progress: None,
            cancel: None,
        }
    }
}

/// The error for a document (or a line, in the parallel reader) longer than the limit.
pub(crate) fn too_large(at: Location, limit: usize) -> Error {
    Error::Unsupported {
        at,
        reason: format!(
            "a document larger than {limit} bytes, the {} limit (which can be raised to {})",
            OptionKey::MaxDocumentSize,
            crate::MAX_DOCUMENT_LIMIT
        ),
    }
}
