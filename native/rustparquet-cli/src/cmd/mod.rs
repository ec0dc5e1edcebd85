//! The subcommands, one module each, and the CLI's one error type.

pub mod cat;
pub mod convert;
pub mod inspect;
mod interrupt;
mod no_clobber;
pub mod schema;

use std::process::ExitCode;

/// What a subcommand can fail with; `main` prints it once and maps it to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] rustparquet_core::Error),
    /// Bad flag values that clap cannot check.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Core(rustparquet_core::Error::Interrupted) => ExitCode::from(130),
            CliError::Core(rustparquet_core::Error::Options(_)) | CliError::Usage(_) => {
                ExitCode::from(2)
            }
            CliError::Core(_) => ExitCode::from(1),
        }
    }
}

pub type CliResult = Result<ExitCode, CliError>;

/// Writes a command's whole text output to stdout. A closed pipe (`rustparquet schema x | head`)
/// is the reader having had enough, not a failure: the command still succeeds, as `cat` does
/// when its reader stops.
fn print_text(text: &str) -> CliResult {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Core(rustparquet_core::Error::Io {
                path: "<stdout>".into(),
                source: e,
            }))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The inference flags `convert` and `schema` share.
#[derive(clap::Args, Debug, Clone)]
pub struct InferArgs {
    /// What a field with values of several JSON types becomes: union (a group with one
    /// member per type: `boolean`, `long`, `decimal`, `double`, `string`, `array`, `object`;
    /// lossless), string (one string column holding non-string values as JSON text, as Spark
    /// does), variant (a Parquet VARIANT column holding every value exactly, each with its own
    /// type), or error (stop, naming the field and where each type was seen).
    #[arg(long, value_name = "MODE", default_value = "union", value_parser = ["union", "string", "variant", "error"])]
    pub unions: String,

    /// Write the object at PATH as a map<string, T> (its keys are data, not field names).
    /// PATH as messages print it: `metrics.histograms`, `runs[].counters`. Repeatable.
    #[arg(long = "map", value_name = "PATH")]
    pub maps: Vec<String>,

    /// An object path with more distinct keys than N (over all documents) becomes a map
    /// whatever its values; 0 turns automatic maps off altogether.
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::infer::DEFAULT_MAP_THRESHOLD)]
    pub map_threshold: usize,

    /// Below N distinct keys an object path stays a struct. From N on it is a map when the
    /// values under its keys share one shape and its keys look like data (ids, UUIDs, hashes,
    /// dates, versions, dotted names), are sparse (--map-max-key-share) or are many
    /// (--map-min-named-keys). `schema --explain` says why each path got its form.
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::infer::DEFAULT_MAP_MIN_KEYS)]
    pub map_min_keys: usize,

    /// Keys are sparse (data, not names) when the typical key of an object path appears in at
    /// most this share (0 to 1) of the objects at that path.
    #[arg(long, value_name = "SHARE", default_value_t = rustparquet_core::infer::DEFAULT_MAP_MAX_KEY_SHARE, value_parser = share)]
    pub map_max_key_share: f64,

    /// From N distinct keys on, an object path whose values share one shape is a map even if
    /// its keys look like names.
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::infer::DEFAULT_MAP_MIN_NAMED_KEYS)]
    pub map_min_named_keys: usize,

    /// Write the value at PATH (any JSON, whatever its types) as a Parquet VARIANT column;
    /// PATH as `--map` takes it; `$` is the whole document, as one column named `document`.
    /// Repeatable.
    #[arg(long = "variant", value_name = "PATH")]
    pub variants: Vec<String>,

    /// How variant columns are written: auto (fields whose type is stable and that are present
    /// in at least --variant-shred-min-share of their object's values are also written as
    /// typed columns, `typed_value`, which engines scan like ordinary columns; booleans,
    /// integers, doubles written with an exponent, strings, objects and arrays of those; what
    /// does not fit stays in the binary `value`) or none (binary `metadata` and `value` only).
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = ["auto", "none"])]
    pub variant_shredding: String,

    /// With --variant-shredding auto: the share (0 to 1) of an object's values a field must be
    /// present (not null) in to be shredded.
    #[arg(long, value_name = "SHARE", default_value_t = rustparquet_core::infer::DEFAULT_MIN_SHARE, value_parser = share)]
    pub variant_shred_min_share: f64,

    /// With --variant-shredding auto: at most N fields of one object are shredded (the most
    /// frequent).
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::infer::DEFAULT_MAX_FIELDS)]
    pub variant_shred_max_fields: usize,
}

fn share(s: &str) -> Result<f64, String> {
    s.parse::<rustparquet_core::infer::Share>().map(|s| s.0)
}

impl InferArgs {
    /// The core's inference options.
    pub fn options(&self) -> rustparquet_core::infer::InferOptions {
        rustparquet_core::infer::InferOptions {
            unions: self.unions.parse().unwrap_or_default(),
            maps: rustparquet_core::infer::MapRules {
                threshold: self.map_threshold,
                paths: self.maps.clone(),
                min_keys: self.map_min_keys,
                max_key_share: self.map_max_key_share,
                min_named_keys: self.map_min_named_keys,
            },
            variants: rustparquet_core::infer::VariantRules {
                paths: self.variants.clone(),
                shredding: rustparquet_core::infer::Shredding {
                    mode: self.variant_shredding.parse().unwrap_or_default(),
                    min_share: rustparquet_core::infer::Share(self.variant_shred_min_share),
                    max_fields: self.variant_shred_max_fields,
                },
            },
        }
    }
}
