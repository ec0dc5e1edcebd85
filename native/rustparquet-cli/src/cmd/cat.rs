//! `rustparquet cat`: Parquet files back to NDJSON on stdout, one document per line, streamed
//! one batch at a time within `--max-memory`. A closed pipe (`| head`) ends the run with 0.

use std::process::ExitCode;

use rustparquet_core::assemble::{AssembleOptions, NonFinite};
use rustparquet_core::read::{self, ReadOptions, DEFAULT_BATCH_ROWS};

use super::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct CatArgs {
    /// Parquet files, directories or glob patterns ('data/*.parquet'). A directory is read
    /// recursively as Spark reads a table: its *.parquet files, skipping `_`/`.` names, with
    /// the `key=value` directories above each file (`date=2026-12-01/`) added as partition
    /// columns after the file's own, typed as Spark infers them.
    #[arg(required = true, value_name = "FILE|GLOB")]
    pub inputs: Vec<String>,

    /// Read only these columns, as JSON paths (`build.branch,runs[].status`) or Parquet paths
    /// (`runs.list.element.status`), see docs/format.md "Paths"; a path selects everything
    /// below it and the output keeps the nesting. Only the selected columns are read from disk.
    #[arg(long, value_delimiter = ',', value_name = "PATHS")]
    pub columns: Option<Vec<String>>,

    /// Stop after N documents (over all files).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// Memory budget for decoded data, e.g. 512MiB, 2GiB or a number of bytes. Row groups
    /// that cannot be read within it are refused with an error naming the column.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub max_memory: u64,

    /// Leave out object members that are null instead of writing `"key":null` (Parquet does
    /// not record whether a key was missing or null).
    #[arg(long)]
    pub omit_nulls: bool,

    /// What NaN and ±infinity become: `string` ("NaN", "Infinity", "-Infinity") or `null`.
    #[arg(long, value_name = "MODE", default_value = "string", value_parser = ["string", "null"])]
    pub nan: String,
}

/// Reads a size flag (`1024`, `64KiB`, `512MiB`, `2g`) with the library's one size parser.
pub fn parse_size(s: &str) -> Result<u64, String> {
    rustparquet_core::options::parse_size(s).map_err(|e| e.to_string())
}

/// Keeps Rust's panic report off stderr for panics the reader catches and reports itself
/// (corrupt input tripping an assertion in the decoder); any other panic is reported as usual.
pub fn quiet_caught_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !read::panic_is_caught() {
            default(info)
        }
    }));
}

pub fn run(args: CatArgs) -> CliResult {
    quiet_caught_panics();
    let inputs = read::files::expand(&args.inputs)?;
    let options = ReadOptions {
        columns: args.columns,
        limit: args.limit,
        max_memory: args.max_memory,
        batch_rows: DEFAULT_BATCH_ROWS,
        assemble: AssembleOptions {
            omit_nulls: args.omit_nulls,
            non_finite: if args.nan == "null" {
                NonFinite::Null
            } else {
                NonFinite::String
            },
        },
    };
    let stdout = std::io::stdout();
    let mut sink = stdout.lock();
    match read::files::cat(&inputs, &options, &mut sink) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(rustparquet_core::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(CliError::Core(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(
            parse_size("12 parsecs"),
            Err("unknown unit in `12 parsecs` (use B, KiB, MiB, GiB or TiB)".to_string())
        );
        assert!(parse_size("0").is_err());
        assert!(parse_size("MiB").is_err());
    }
}
