//! `rustparquet inspect`: a Parquet file's footer (schema tree with max repetition/definition
//! levels, row groups, column chunks, key-value metadata) as text or `--json`. No page is
//! decoded, so it works on files too big or too broken to `cat`.

use std::path::PathBuf;

use rustparquet_core::read::inspect::inspect;

use super::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// The Parquet file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Print the report as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: InspectArgs) -> CliResult {
    super::cat::quiet_caught_panics();
    let report = inspect(&args.file)?;
    let text = if args.json {
        let mut t = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Core(rustparquet_core::Error::Other(e.to_string())))?;
        t.push('\n');
        t
    } else {
        report.to_text()
    };
    super::print_text(&text)
}
