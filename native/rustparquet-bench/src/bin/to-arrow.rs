//! `to-arrow FILE [THREADS]`: JSON → Arrow record batches as `rustparquet.read_json` reads them
//! ([`rustparquet_core::to_arrow::read_table`]), then dropped. Prints the time and whether
//! inference and batches shared one parse, so the Python path can be profiled without Python.

use std::process::ExitCode;
use std::time::Instant;

use rustparquet_core::convert::ConvertOptions;
use rustparquet_core::input::{open_inputs, Passes};
use rustparquet_core::to_arrow::{read_table, BatchLimits};

fn run(input: &str, threads: Option<usize>) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = ConvertOptions::default();
    if let Some(threads) = threads {
        options.threads = threads;
    }
    let start = Instant::now();
    let inputs = open_inputs(&[input.to_string()], Passes::Twice)?;
    let table = read_table(&inputs, None, &options, BatchLimits::default())?;
    let secs = start.elapsed().as_secs_f64();
    let rows: usize = table.batches.iter().map(|b| b.num_rows()).sum();
    let arrays: usize = table
        .batches
        .iter()
        .map(|b| b.get_array_memory_size())
        .sum();
    println!(
        "to-arrow: {} documents in {} batches ({rows} rows, {:.1} MB of arrays), {} in {secs:.3} s",
        table.summary.documents,
        table.summary.batches,
        arrays as f64 / 1e6,
        if table.one_parse {
            "one parse"
        } else {
            "inferred, then read"
        },
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(input) = args.first() else {
        eprintln!("usage: to-arrow FILE [THREADS]");
        return ExitCode::from(2);
    };
    let threads = match args.get(1).map(|t| t.parse::<usize>()) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            eprintln!("to-arrow: THREADS: {e}");
            return ExitCode::from(2);
        }
    };
    match run(input, threads) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("to-arrow: {e}");
            ExitCode::FAILURE
        }
    }
}
