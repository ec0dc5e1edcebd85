//! The `rustparquet` command: `convert` JSON to Parquet, print a `schema`, `cat`, `inspect`.
//!
//! A library so that the same command runs from `src/main.rs` and from the Python wheel's
//! `rustparquet` entry point ([`run`] takes the argument list). [`run`] alone prints errors
//! (once, prefixed `rustparquet: `) and picks exit codes; each subcommand lives in `cmd/` and
//! returns a `Result`. Data goes to stdout, everything else to stderr.

pub mod allocator;
mod cmd;

/// What the Python wheel shares with the command: `--max-document-size` style sizes, and the
/// panic hook that keeps panics the Parquet reader reports as errors off stderr.
pub use cmd::cat::{parse_size, quiet_caught_panics};

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  a bad document (invalid JSON, or not fitting the schema) stopped the run under
     --on-error fail, or a file could not be read or written
  2  usage error (bad flags or option values)
130  interrupted (Ctrl-C); no file was left at the target path";

/// JSON documents to Apache Parquet that Spark, pyarrow and DuckDB read, and back.
#[derive(Parser)]
#[command(name = "rustparquet", version, after_help = EXIT_CODES, propagate_version = true)]
enum Cli {
    /// Convert JSON documents (NDJSON, a top-level array, concatenated documents; .gz/.zst;
    /// globs; `-` for stdin) into one Parquet file.
    Convert(cmd::convert::ConvertArgs),
    /// Print the schema inferred from JSON documents (or stored in a Parquet file we wrote).
    Schema(cmd::schema::SchemaArgs),
    /// Print Parquet files as NDJSON, one document per line (columns, limit, memory budget).
    Cat(cmd::cat::CatArgs),
    /// Show a Parquet file's schema with max repetition/definition levels, row groups,
    /// column chunks and key-value metadata.
    Inspect(cmd::inspect::InspectArgs),
}

/// Runs the command line `args` (the program name first, as `std::env::args_os` gives it) and
/// returns the exit status; usage errors, `--help` and `--version` print and exit as clap does.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Core messages name options as flags here: `--max-depth`.
    rustparquet_core::option_key::use_spelling(rustparquet_core::option_key::Spelling::Cli);
    let cli = Cli::parse_from(args);
    let result = match cli {
        Cli::Convert(args) => cmd::convert::run(args),
        Cli::Schema(args) => cmd::schema::run(args),
        Cli::Cat(args) => cmd::cat::run(args),
        Cli::Inspect(args) => cmd::inspect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rustparquet: {err}");
            err.exit_code()
        }
    }
}
