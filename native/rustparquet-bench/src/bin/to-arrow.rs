//! `to-arrow FILE [THREADS]`: JSON → Arrow record batches as `rustparquet.read_json` runs it
//! (schema inferred, then [`rustparquet_core::to_arrow::read_batches`]), the batches dropped.
//! Prints the time of each pass, so the Python path can be profiled and timed without Python.

use std::process::ExitCode;
use std::time::Instant;

use rustparquet_core::convert::{infer_schema, ConvertOptions};
use rustparquet_core::input::{open_inputs, Passes};
use rustparquet_core::to_arrow::{read_batches, BatchLimits};

fn run(input: &str, threads: Option<usize>) -> Result<(), Box<dyn std::error::Error>> {
    let mut options = ConvertOptions::default();
    if let Some(threads) = threads {
        options.threads = threads;
    }
    let start = Instant::now();
    let inputs = open_inputs(&[input.to_string()], Passes::Twice)?;
    let schema = infer_schema(&inputs, &options)?;
    let inferred = start.elapsed().as_secs_f64();
    let (mut rows, mut arrays) = (0usize, 0usize);
    let summary = read_batches(
        &inputs,
        &schema,
        &options,
        BatchLimits::default(),
        &mut |b| {
            rows += b.num_rows();
            arrays += b.get_array_memory_size();
            true
        },
    )?;
    let total = start.elapsed().as_secs_f64();
    println!(
        "to-arrow: {} documents in {} batches ({rows} rows, {:.1} MB of arrays): infer {inferred:.3} s, batches {:.3} s, total {total:.3} s",
        summary.documents,
        summary.batches,
        arrays as f64 / 1e6,
        total - inferred
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
