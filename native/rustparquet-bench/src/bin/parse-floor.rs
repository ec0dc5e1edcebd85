//! `parse-floor FILE`: the JSON parse floor for `scripts/bench`.
//!
//! Reads FILE line by line and parses every non-blank line with `serde_json` into
//! `serde::de::IgnoredAny` on one thread, building nothing. No JSON→Parquet converter that uses
//! `serde_json` for parsing can be faster per core than this. Prints documents and MB/s.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;
use std::time::Instant;

use serde::de::IgnoredAny;

fn run(input: &str) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(input)?);
    let mut line = Vec::with_capacity(1 << 16);
    let (mut docs, mut bytes, mut lineno) = (0u64, 0u64, 0u64);
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        lineno += 1;
        bytes += n as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        serde_json::from_slice::<IgnoredAny>(&line).map_err(|e| format!("line {lineno}: {e}"))?;
        docs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "parse-floor: {docs} docs, {:.1} MB in {secs:.2} s = {:.1} MB/s",
        bytes as f64 / 1e6,
        rustparquet_bench::mb_per_s(bytes, secs)
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 1 || args[0].starts_with('-') {
        eprintln!("usage: parse-floor FILE.ndjson");
        return ExitCode::from(2);
    }
    match run(&args[0]) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse-floor: error: {e}");
            ExitCode::FAILURE
        }
    }
}
