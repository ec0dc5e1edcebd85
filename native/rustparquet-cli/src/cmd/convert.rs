//! `rustparquet convert`: JSON documents in, one Parquet file out.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustparquet_core::input::{InputFormat, OnError, Progress};
use rustparquet_core::options::WriterOptions;
use rustparquet_core::words::noun;
use rustparquet_core::{ConvertOptions, ConvertSummary};

use super::{CliError, CliResult};

/// Arguments of `rustparquet convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// Input files: NDJSON, a top-level array of documents, or concatenated documents;
    /// gzip and zstd are decompressed (recognised by content). Globs are expanded
    /// ('logs/*.json.gz'); `-` reads standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// The Parquet file to write. It appears only when complete, and replaces an existing
    /// FILE then (see --no-clobber).
    #[arg(
        short,
        long,
        value_name = "FILE",
        required_unless_present = "dataset",
        conflicts_with = "dataset"
    )]
    pub output: Option<PathBuf>,

    /// Refuse to replace an existing output file (or quarantine file): exit 1 and leave it
    /// as it is. Checked before the run starts and again, atomically, when the file is put
    /// in place.
    #[arg(long, conflicts_with = "dataset")]
    pub no_clobber: bool,

    /// Append the documents to the dataset in directory DIR as a new part file; the
    /// dataset's schema evolves so that every part stays readable together (Spark's
    /// mergeSchema; docs/format.md, datasets).
    #[arg(long, value_name = "DIR")]
    pub dataset: Option<PathBuf>,

    /// Write with this schema instead of inferring one: any form `rustparquet schema
    /// --format` prints but tree (rustparquet, ddl, spark-json, parquet, json-schema).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// The form of the --schema file (default: recognised from its content).
    #[arg(long, value_name = "FORMAT", default_value = "auto", requires = "schema",
          value_parser = ["auto", "ddl", "spark-json", "parquet", "json-schema", "rustparquet"])]
    pub schema_format: String,

    /// Infer the schema from the first N documents only (default: all documents).
    #[arg(long, value_name = "N", conflicts_with = "schema")]
    pub sample: Option<u64>,

    #[command(flatten)]
    pub infer: super::InferArgs,

    /// How documents are laid out: auto (a top-level array if the input starts with `[`,
    /// otherwise whitespace-separated documents), ndjson (whitespace-separated documents:
    /// NDJSON, concatenated or pretty-printed), or array.
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = ["auto", "ndjson", "array"])]
    pub input_format: String,

    /// What to do with a bad document (invalid JSON, or not fitting the schema): fail (stop
    /// with file:line:column), skip (count and report), or quarantine=PATH (copy it verbatim
    /// to PATH, with the reasons in PATH.errors).
    #[arg(long, value_name = "MODE", default_value = "fail")]
    pub on_error: String,

    /// Deepest nesting of arrays and objects accepted (1..=1000).
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,

    /// Largest document accepted (a document is held whole while it is parsed): e.g. 64MiB,
    /// at most 1GiB. A longer document stops the run, whatever --on-error says.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = super::cat::parse_size)]
    pub max_document_size: u64,

    /// Most columns (leaf fields) in the file; a wider schema is refused before anything is
    /// written (each open column takes about 30 KB while writing).
    #[arg(long, value_name = "N", default_value_t = rustparquet_core::DEFAULT_MAX_COLUMNS)]
    pub max_columns: usize,

    /// Compression codec: snappy, zstd, zstd(LEVEL), gzip, gzip(LEVEL), lz4, none.
    #[arg(short, long, value_name = "CODEC", default_value_t = writer_default("compression"))]
    pub compression: String,

    /// Compression level for zstd (1..=22) or gzip (0..=9).
    #[arg(long, value_name = "LEVEL")]
    pub compression_level: Option<i32>,

    /// Target size of a row group, in shredded (unencoded) column data; it ends at the first
    /// batch boundary past it. Finished pages wait in a temporary file (in TMPDIR) until the
    /// row group closes, so memory does not grow with it.
    #[arg(long, value_name = "SIZE", default_value_t = writer_default("rowGroupSize"))]
    pub row_group_size: String,

    /// Most rows in a row group.
    #[arg(long, value_name = "N", default_value_t = writer_default("rowGroupRows"))]
    pub row_group_rows: String,

    /// Target size of a data page.
    #[arg(long, value_name = "SIZE", default_value_t = writer_default("pageSize"))]
    pub page_size: String,

    /// Dictionary encoding (true/false).
    #[arg(long, value_name = "BOOL", default_value_t = writer_default("dictionary"))]
    pub dictionary: String,

    /// Largest dictionary page; a column whose dictionary outgrows it falls back to plain.
    #[arg(long, value_name = "SIZE", default_value_t = writer_default("dictionaryPageSize"))]
    pub dictionary_page_size: String,

    /// Statistics to write: none, chunk (footer min/max/nulls), page (plus the page index).
    #[arg(long, value_name = "LEVEL", default_value_t = writer_default("statistics"))]
    pub statistics: String,

    /// Parquet writer version: 1.0 (data page v1, most compatible) or 2.0.
    #[arg(long, value_name = "VERSION", default_value_t = writer_default("writerVersion"))]
    pub writer_version: String,

    /// Write a bloom filter for these columns and the leaves below them (comma-separated or
    /// repeated): JSON paths (`payload.commits[].sha`) or Parquet paths
    /// (`payload.commits.list.element.sha`), see docs/format.md "Paths".
    #[arg(long, value_name = "COLUMNS")]
    pub bloom_filter: Vec<String>,

    /// False-positive probability of the bloom filters.
    #[arg(long, value_name = "P", default_value_t = writer_default("bloomFilterFpp"))]
    pub bloom_filter_fpp: String,

    /// Write the documents in the order of this column (ascending, nulls and missing last,
    /// equal values in input order), so that readers skip row groups and pages by its
    /// statistics: one scalar column outside arrays and maps, as a JSON or Parquet path.
    /// Documents are read one more time and copied to TMPDIR; memory holds one entry per
    /// document (about 48 bytes plus a string key). Parses on one thread (docs/format.md,
    /// "Sorted output").
    #[arg(long, value_name = "PATH")]
    pub sort_by: Option<String>,

    /// Threads. With 2 or more, newline-delimited files are cut into chunks that are parsed,
    /// shredded and encoded in parallel (row groups keep input order); other inputs (stdin
    /// with --schema, a top-level array, pretty-printed documents) parse on one thread and
    /// encode on the others. 1 does everything on one thread.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub threads: usize,

    /// Print nothing on success (no progress, no summary).
    #[arg(short, long)]
    pub quiet: bool,
}

/// A writer option's default, as the library's vocabulary states it (rustparquet_core::options).
fn writer_default(name: &str) -> String {
    WriterOptions::default().setting(name)
}

fn options(args: &ConvertArgs) -> Result<ConvertOptions, CliError> {
    let mut o = ConvertOptions::default();
    if let Some(path) = &args.schema {
        o.schema = Some(super::schema::read_schema_file(path, &args.schema_format)?);
    }
    o.sample = args.sample;
    o.infer = args.infer.options();
    o.input_format = match args.input_format.as_str() {
        "ndjson" => InputFormat::Stream,
        "array" => InputFormat::Array,
        _ => InputFormat::Auto,
    };
    o.on_error = match args.on_error.as_str() {
        "fail" => OnError::Fail,
        "skip" => OnError::Skip,
        other => match other.strip_prefix("quarantine=") {
            Some(path) if !path.is_empty() => OnError::Quarantine(PathBuf::from(path)),
            _ => {
                return Err(CliError::Usage(format!(
                    "--on-error: `{other}` (expected fail, skip or quarantine=PATH)"
                )))
            }
        },
    };
    o.max_depth = args.max_depth;
    o.max_document_bytes = usize::try_from(args.max_document_size).unwrap_or(usize::MAX);
    o.max_columns = args.max_columns;
    let w = &mut o.writer;
    // Writer options take the flag's own name, so that their messages name the flag.
    let mut set = |flag: &str, value: &str| {
        w.set(flag, value)
            .map_err(|e| CliError::Usage(format!("--{e}")))
    };
    set("compression", &args.compression)?;
    if let Some(level) = args.compression_level {
        set("compression-level", &level.to_string())?;
    }
    set("row-group-size", &args.row_group_size)?;
    set("row-group-rows", &args.row_group_rows)?;
    set("page-size", &args.page_size)?;
    set("dictionary", &args.dictionary)?;
    set("dictionary-page-size", &args.dictionary_page_size)?;
    set("statistics", &args.statistics)?;
    set("writer-version", &args.writer_version)?;
    set("bloom-filter-columns", &args.bloom_filter.join(","))?;
    set("bloom-filter-fpp", &args.bloom_filter_fpp)?;
    if args.threads == 0 {
        return Err(CliError::Usage("--threads: must be at least 1".into()));
    }
    o.threads = args.threads;
    o.sort_by = args.sort_by.clone();
    Ok(o)
}

/// Runs `convert`.
pub fn run(args: ConvertArgs) -> CliResult {
    let mut opts = options(&args)?;
    if args.no_clobber {
        if let Some(output) = &args.output {
            super::no_clobber::refuse_existing(output, &opts.on_error)?;
        }
    }
    let progress = Arc::new(Progress::default());
    opts.progress = Some(progress.clone());
    let cancel = Arc::new(AtomicBool::new(false));
    let target = args.dataset.clone().or_else(|| args.output.clone());
    if let Some(target) = target {
        super::interrupt::on_ctrl_c(cancel.clone(), target);
    }
    opts.cancel = Some(cancel);
    let started = Instant::now();
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let done = Arc::new(AtomicBool::new(false));
    let bar = show_progress.then(|| {
        let progress = progress.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            while !done.load(Ordering::Relaxed) {
                let docs = progress.documents.load(Ordering::Relaxed);
                let bytes = progress.bytes.load(Ordering::Relaxed);
                let secs = started.elapsed().as_secs_f64().max(1e-3);
                bar.set_message(format!(
                    "{} {} · {:.1} MB · {:.0} MB/s",
                    group(docs),
                    noun(docs, "document", "documents"),
                    bytes as f64 / 1e6,
                    bytes as f64 / 1e6 / secs
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(120));
            }
            bar.finish_and_clear();
        })
    });
    let result = match (&args.dataset, &args.output) {
        (Some(dir), _) => rustparquet_core::dataset::append(&args.inputs, dir, &opts)
            .map(|a| (a.convert, a.part, a.added_columns)),
        (None, Some(output)) => rustparquet_core::convert(&args.inputs, output, &opts)
            .map(|s| (s, output.clone(), Vec::new())),
        (None, None) => Err(rustparquet_core::Error::Options(
            "give --output FILE or --dataset DIR".into(),
        )),
    };
    done.store(true, Ordering::Relaxed);
    if let Some(bar) = bar {
        let _ = bar.join();
    }
    let (summary, written, added_columns) = result?;
    if !args.quiet {
        eprintln!("{}", summary_line(&summary, &written, started.elapsed()));
        if !added_columns.is_empty() {
            eprintln!(
                "rustparquet: the dataset gained {} {}: {}",
                added_columns.len(),
                noun(added_columns.len() as u64, "column", "columns"),
                added_columns.join(", ")
            );
        }
        if summary.bad_documents > 0 {
            let what = match &opts.on_error {
                OnError::Quarantine(p) => format!(
                    "quarantined to {} (reasons in {}.errors)",
                    p.display(),
                    p.display()
                ),
                _ => "skipped".to_string(),
            };
            eprintln!(
                "rustparquet: {} bad {} {what}; first:",
                group(summary.bad_documents),
                noun(summary.bad_documents, "document", "documents")
            );
            for e in &summary.first_errors {
                eprintln!("  {e}");
            }
        }
        if summary.duplicate_keys > 0 {
            eprintln!(
                "rustparquet: {} {} replaced by a later duplicate key in the same object (the last value wins){}",
                group(summary.duplicate_keys),
                noun(summary.duplicate_keys, "value was", "values were"),
                summary
                    .first_duplicate
                    .as_deref()
                    .map(|at| format!("; the first at {at}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `1204331` → `1,204,331`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} kB", b / 1e3)
    }
}

fn summary_line(s: &ConvertSummary, output: &std::path::Path, elapsed: Duration) -> String {
    format!(
        "{}: {} {} · {} {} · {} {} · {} → {} · {:.1} s",
        output.display(),
        group(s.documents),
        noun(s.documents, "document", "documents"),
        group(s.row_groups as u64),
        noun(s.row_groups as u64, "row group", "row groups"),
        group(s.columns as u64),
        noun(s.columns as u64, "column", "columns"),
        size(s.input_bytes),
        size(s.output_bytes),
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1204331), "1,204,331");
    }
}
