//! The crate's one error type. Every message names the output file it concerns (the task's
//! Spark path) and, where it helps, the batch or option; it reaches the JVM as the message of a
//! `RustParquetException` (see [`crate::guard`]).

use arrow_schema::ArrowError;
use parquet::errors::ParquetError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option value the writer cannot honour; `allowed` says what would work.
    #[error("option `{option}`: {value:?} is not supported; use {allowed}")]
    BadOption {
        option: &'static str,
        value: String,
        allowed: &'static str,
    },
    /// The options document sent by the JVM side is malformed (a bug in the Scala bridge).
    #[error("writer options are not valid: {0}")]
    OptionsJson(#[from] serde_json::Error),
    /// A bloom filter was asked for a column the schema does not have.
    #[error(
        "{file}: option `bloomFilterColumns`: no column `{column}`; leaf columns are: {known}"
    )]
    UnknownBloomColumn {
        file: String,
        column: String,
        known: String,
    },
    /// Two sibling names equal after case folding in a case-insensitive session: Spark could
    /// not read the file back.
    #[error("{file}: fields `{a}` and `{b}` under `{parent}` differ only in case; Spark cannot read such a file in a case-insensitive session (rename one, or set spark.sql.caseSensitive)")]
    CaseCollision {
        file: String,
        parent: String,
        a: String,
        b: String,
    },
    #[error("{file}: batch {batch}: cannot decode the Arrow IPC bytes: {source}")]
    Ipc {
        file: String,
        batch: u64,
        #[source]
        source: ArrowError,
    },
    #[error("{file}: batch {batch}: {source}")]
    Parquet {
        file: String,
        batch: u64,
        #[source]
        source: ParquetError,
    },
    /// The Arrow schema has no faithful Parquet form (or one Spark 3.5 cannot read).
    #[error("{file}: {source}")]
    Schema {
        file: String,
        #[source]
        source: ParquetError,
    },
    #[error("{file}: writing the footer: {source}")]
    Finish {
        file: String,
        #[source]
        source: ParquetError,
    },
    /// The JVM announced more bytes (or documents) than the array it passed holds (a bug).
    #[error("the array holds {capacity} elements but {len} were announced")]
    BadLength { capacity: usize, len: i64 },
    /// A bug on our side, e.g. a panic on the typed writer's thread.
    #[error("internal error (a bug, please report): {0}")]
    Internal(String),
    #[error("cannot start a native worker thread: {0}")]
    Thread(#[source] std::io::Error),
    /// A handle passed by the JVM that is not a live object of the kind the call needs (a bug).
    #[error("native handle {handle} is not a usable {expected}: {problem}")]
    Handle {
        handle: i64,
        expected: &'static str,
        problem: String,
    },
    /// A malformed JSON document under mode FAILFAST, or a mode that cannot be honoured.
    #[error("{0}")]
    Malformed(String),
    /// The core library (schema, shredding, encoding), message as it gives it.
    #[error("{0}")]
    Core(#[from] rustparquet_core::Error),
    #[error("JNI: {0}")]
    Jni(#[from] jni::errors::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
