//! `arrow-rs-convert FILE OUT`: the arrow-rs baseline for `scripts/bench`.
//!
//! Infers an Arrow schema from every line of FILE (`infer_json_schema_from_seekable`, no record
//! limit), rewinds, decodes it with `arrow_json::ReaderBuilder` and writes snappy Parquet with
//! `parquet::arrow::ArrowWriter` (all other writer properties at the crate's defaults).
//! Two passes over the input, one thread: what a user of the arrow-rs crates gets out of the box.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use arrow_json::reader::infer_json_schema_from_seekable;
use arrow_json::ReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

type BoxError = Box<dyn std::error::Error>;

fn run(input: &str, output: &str) -> Result<(u64, usize), BoxError> {
    let start = Instant::now();
    let bytes = std::fs::metadata(input)?.len();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(input)?);
    let (schema, _) = infer_json_schema_from_seekable(&mut reader, None)?;
    let schema = Arc::new(schema);

    let json = ReaderBuilder::new(schema.clone())
        .with_batch_size(8192)
        .build(reader)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let out = BufWriter::with_capacity(1 << 20, File::create(output)?);
    let mut writer = ArrowWriter::try_new(out, schema, Some(props))?;
    let mut rows = 0usize;
    for batch in json {
        let batch = batch?;
        rows += batch.num_rows();
        writer.write(&batch)?;
    }
    writer.close()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "arrow-rs-convert: {rows} rows, {:.1} MB in {secs:.2} s = {:.1} MB/s",
        bytes as f64 / 1e6,
        rustparquet_bench::mb_per_s(bytes, secs)
    );
    Ok((bytes, rows))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 || args[0].starts_with('-') {
        eprintln!("usage: arrow-rs-convert FILE.ndjson OUT.parquet");
        return ExitCode::from(2);
    }
    match run(&args[0], &args[1]) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("arrow-rs-convert: error: {e}");
            ExitCode::FAILURE
        }
    }
}
