//! The crate's one error type, [`Error`], and [`Location`], the `file:line:column` every input
//! problem is reported at. Each layer adds only what it knows: the JSON parser knows a byte
//! offset, the input reader turns it into a line and column and adds the file name, the shredder
//! adds the column path. Nobody formats twice.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::path::ColumnPath;

/// Where a problem is in the input, 1-based, printed `file:line:column` like a compiler does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user gave it (`-` is shown as `<stdin>`).
    pub file: Arc<str>,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Every error the library reports. Messages name the place (file, line, column, column path)
/// and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not valid JSON (or not valid UTF-8) at `at`.
    #[error("{at}: invalid JSON: {reason}")]
    Json { at: Location, reason: String },

    /// A well-formed document that does not fit the schema it is written with.
    #[error("{at}: `{path}` {reason}")]
    Mismatch {
        at: Location,
        path: ColumnPath,
        reason: String,
    },

    /// Two documents disagree on the JSON type of one field (schema inference).
    #[error("`{path}` is {a} at {a_at} but {b} at {b_at}; in the union mode `error` a field keeps one JSON type (the default mode, `union`, keeps both; docs/format.md, unions)")]
    Conflict {
        path: ColumnPath,
        a: String,
        a_at: Location,
        b: String,
        b_at: Location,
    },

    /// Valid JSON that no column type can hold exactly (a 39-digit integer, `1e400`).
    #[error("{at}: {reason}")]
    Unsupported { at: Location, reason: String },

    /// A document nests deeper than the configured limit.
    #[error("{at}: nested deeper than {limit} levels, the {} limit (which can be raised to {hard_limit})", crate::option_key::OptionKey::MaxDepth)]
    TooDeep {
        at: Location,
        limit: usize,
        hard_limit: usize,
    },

    /// A schema file or embedded schema that cannot be used.
    #[error("schema{}: {reason}", .source_name.as_ref().map(|s| format!(" {s}")).unwrap_or_default())]
    Schema {
        source_name: Option<String>,
        reason: String,
    },

    /// Invalid options (flags, option maps).
    #[error("{0}")]
    Options(String),

    /// An I/O error on a named file.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The parquet crate failed (encoding, writing, reading), with the column when known.
    #[error("{}{source}", .column.as_ref().map(|c| format!("column `{c}`: ")).unwrap_or_default())]
    Parquet {
        column: Option<ColumnPath>,
        #[source]
        source: parquet::errors::ParquetError,
    },

    /// A Parquet file that cannot be read back: not Parquet, corrupt, unsupported, or beyond a
    /// memory limit. `reason` says what is wrong and, where there is one, the fix.
    #[error("{}: {reason}", .path.display())]
    Read { path: PathBuf, reason: String },

    /// The user interrupted the run (Ctrl-C); nothing was left at the target path.
    #[error("interrupted")]
    Interrupted,

    /// Bad records were skipped or set aside but the caller asked to fail on any.
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The input location of the error, if it is about one place in the input.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Json { at, .. }
            | Error::Mismatch { at, .. }
            | Error::TooDeep { at, .. }
            | Error::Unsupported { at, .. } => Some(at),
            _ => None,
        }
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(source: parquet::errors::ParquetError) -> Self {
        Error::Parquet {
            column: None,
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
