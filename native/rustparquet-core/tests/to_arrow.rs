//! JSON straight to Arrow (`to_arrow`), checked against the Parquet route as the oracle: the
//! same documents converted to a file and read back by the `parquet` crate's Arrow reader must
//! give equal columns, batch for batch; plus golden cases (the Dremel paper's records; empty,
//! null and missing; unions; maps) whose arrays are checked value by value.

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rustparquet_core::convert::infer_schema;
use rustparquet_core::infer::MapRules;
use rustparquet_core::input::{expand_inputs, OnError};
use rustparquet_core::schema::{DataType, Schema};
use rustparquet_core::to_arrow::{read_batches, read_table, BatchLimits};
use rustparquet_core::{convert, ConvertOptions};

fn testdata() -> PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("dremel").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        dir.display()
    );
    dir
}

/// Our batches of `input` (schema inferred unless `options.schema`).
fn ours(input: &Path, options: &ConvertOptions, rows: usize) -> Vec<RecordBatch> {
    let inputs = expand_inputs(&[input.display().to_string()]).unwrap();
    let schema = match &options.schema {
        Some(s) => s.clone(),
        None => infer_schema(&inputs, options).unwrap(),
    };
    let mut batches = Vec::new();
    let limits = BatchLimits {
        rows,
        ..BatchLimits::default()
    };
    read_batches(&inputs, &schema, options, limits, &mut |b| {
        batches.push(b);
        true
    })
    .unwrap();
    batches
}

/// The oracle: `input` converted to Parquet, read back in one batch by parquet's Arrow reader.
fn oracle(input: &Path, options: &ConvertOptions) -> RecordBatch {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("oracle.parquet");
    convert(&[input.display().to_string()], &out, options).unwrap();
    let file = std::fs::File::open(&out).unwrap();
    let mut reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .with_batch_size(1 << 20)
        .build()
        .unwrap();
    let batch = reader.next().unwrap().unwrap();
    assert!(reader.next().is_none(), "the oracle reads one batch");
    batch
}

/// Checks our batches of `input` against the oracle, `rows` documents per batch.
fn same_as_parquet(input: &Path, options: &ConvertOptions, rows: usize) -> Vec<RecordBatch> {
    let batches = ours(input, options, rows);
    let expected = oracle(input, options);
    let mut offset = 0;
    for batch in &batches {
        assert!(batch.num_rows() <= rows);
        let want = expected.slice(offset, batch.num_rows());
        assert_eq!(batch.num_columns(), want.num_columns());
        for (i, (got, want)) in batch.columns().iter().zip(want.columns()).enumerate() {
            let name = batch.schema().field(i).name().clone();
            assert_eq!(
                got.data_type(),
                want.data_type(),
                "{}: column {name}",
                input.display()
            );
            assert_eq!(
                got.to_data(),
                want.to_data(),
                "{}: column {name}, rows {offset}..",
                input.display()
            );
        }
        offset += batch.num_rows();
    }
    assert_eq!(offset, expected.num_rows(), "{}", input.display());
    batches
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn dremel_paper_records() {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("data/dremel/expected_levels.json")).unwrap();
    let schema = Schema::from_json_str(&golden["schema"].to_string(), Some("dremel")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text: String = golden["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{r}\n"))
        .collect();
    let input = write(dir.path(), "dremel.ndjson", &text);
    let options = ConvertOptions {
        schema: Some(schema),
        ..ConvertOptions::default()
    };
    let batches = same_as_parquet(&input, &options, 10);
    let batch = &batches[0];
    assert_eq!(batch.num_rows(), 2);
    // r1 has three Names, r2 one; Name.Language of r1's first Name has two entries.
    let names = batch.column_by_name("Name").unwrap().as_list::<i32>();
    assert_eq!(names.value_length(0), 3);
    assert_eq!(names.value_length(1), 1);
    let name = names.values().as_struct();
    let languages = name.column_by_name("Language").unwrap().as_list::<i32>();
    assert_eq!(
        (0..4)
            .map(|i| languages.value_length(i))
            .collect::<Vec<_>>(),
        [2, 0, 1, 0]
    );
    // The same through the shared copy of the paper's records, one per batch.
    let shared = testdata().join("dremel/records.ndjson");
    same_as_parquet(&shared, &options, 1);
}

#[test]
fn empty_null_and_missing_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "e.ndjson",
        concat!(
            r#"{"a": [1, 2], "s": {"x": 1}, "t": "v"}"#,
            "\n",
            r#"{"a": [], "s": {}, "t": ""}"#,
            "\n",
            r#"{"a": null, "s": null, "t": null}"#,
            "\n",
            r#"{}"#,
            "\n",
            r#"{"a": [null], "s": {"x": null}}"#,
            "\n",
        ),
    );
    let batch = same_as_parquet(&input, &ConvertOptions::default(), 100).remove(0);
    let a = batch.column_by_name("a").unwrap().as_list::<i32>();
    assert_eq!(
        (0..5).map(|i| a.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, false, true]
    );
    assert_eq!(a.value_length(1), 0);
    assert_eq!(a.value_length(4), 1);
    assert!(a.value(4).is_null(0));
    let s = batch.column_by_name("s").unwrap().as_struct();
    assert_eq!(
        (0..5).map(|i| s.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, false, true]
    );
    let x = s.column_by_name("x").unwrap().as_primitive::<Int64Type>();
    assert_eq!(x.value(0), 1);
    assert!(x.is_null(1) && x.is_null(4));
    let t = batch.column_by_name("t").unwrap().as_string::<i32>();
    assert_eq!(t.value(1), "");
    assert!(t.is_valid(1) && t.is_null(2) && t.is_null(3));
}

#[test]
fn unions_and_maps() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "u.ndjson",
        concat!(
            r#"{"v": 1, "m": {"a": 1, "b": 2}}"#,
            "\n",
            r#"{"v": "x", "m": {}}"#,
            "\n",
            r#"{"v": [1, "y"], "m": null}"#,
            "\n",
            r#"{"v": {"k": true}, "m": {"c": null}}"#,
            "\n",
            r#"{"v": null}"#,
            "\n",
            r#"{"v": 123456789012345678901234567890, "m": {"d": 1.5}}"#,
            "\n",
        ),
    );
    let mut options = ConvertOptions::default();
    options.infer.maps = MapRules {
        paths: vec!["m".into()],
        ..MapRules::default()
    };
    let batch = same_as_parquet(&input, &options, 100).remove(0);
    let v = batch.column_by_name("v").unwrap().as_struct();
    let valid: Vec<bool> = (0..6).map(|i| v.is_valid(i)).collect();
    assert_eq!(valid, [true, true, true, true, false, true]);
    // Exactly one member is set per present value.
    for row in [0, 1, 2, 3, 5] {
        let set = v.columns().iter().filter(|c| c.is_valid(row)).count();
        assert_eq!(set, 1, "row {row}");
    }
    let m = batch.column_by_name("m").unwrap().as_map();
    assert_eq!(
        (0..6).map(|i| m.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, true, false, true]
    );
    assert_eq!(m.value_length(0), 2);
    assert_eq!(m.value_length(1), 0);
    assert_eq!(m.keys().as_string::<i32>().value(2), "c");
    // Under unions=string the same field is one JSON-text column.
    let mut options = options.clone();
    options.infer.unions = "string".parse().unwrap();
    same_as_parquet(&input, &options, 2);
}

#[test]
fn real_corpora_batch_by_batch() {
    let dir = testdata().join("json-real");
    for name in [
        "github_events.ndjson",
        "twitter.ndjson",
        "citm_catalog.events.ndjson",
        "instruments.ndjson",
    ] {
        let input = dir.join(name);
        for rows in [7, 65_536] {
            same_as_parquet(&input, &ConvertOptions::default(), rows);
        }
    }
}

#[test]
fn nested_lists_of_objects_with_lists() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "n.ndjson",
        concat!(
            r#"{"runs": [{"tests": [{"name": "a", "t": [1, 2]}, {"name": "b", "t": []}]}, {"tests": []}, {"tests": null}, {}]}"#,
            "\n",
            r#"{"runs": []}"#,
            "\n",
            r#"{"runs": [[]], "deep": [[[1], []], [], null]}"#,
            "\n",
            r#"{"runs": [{"tests": [{"t": [null, 3]}]}], "deep": [[[null]]]}"#,
            "\n",
            r#"{"flag": true, "f": 1.25, "e": {}}"#,
            "\n",
        ),
    );
    for rows in [1, 2, 100] {
        same_as_parquet(&input, &ConvertOptions::default(), rows);
    }
}

#[test]
fn bad_documents_under_skip_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "b.ndjson", "{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n");
    let options = ConvertOptions {
        on_error: OnError::Skip,
        ..ConvertOptions::default()
    };
    let batches = same_as_parquet(&input, &options, 10);
    let a = batches[0].column(0).as_primitive::<Int64Type>();
    assert_eq!(a.values().to_vec(), [1, 3]);
}

// The parallel reader (2+ threads, chunks of 8 MB) against the sequential one (1 thread).

/// Appends about `bytes` of generated documents to `out`: nested lists and objects, missing
/// and null fields, a duplicate key every 1,000th document and, when `bad`, a broken line
/// every 997th. Returns the bad lines' positions among all lines written (first line 0).
fn generate(out: &mut String, bytes: usize, bad: bool, first: u64) -> Vec<u64> {
    let mut bad_lines = Vec::new();
    let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ first;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let start = out.len();
    let mut i = first;
    while out.len() - start < bytes {
        if bad && i % 997 == 5 {
            out.push_str("{\"id\": \n");
            bad_lines.push(i);
            i += 1;
            continue;
        }
        let r = next();
        let tags: Vec<String> = (0..r % 4)
            .map(|k| format!("\"t{}\"", (r >> k) % 50))
            .collect();
        let nested = match r % 5 {
            0 => String::new(),
            1 => ", \"nested\": null".to_string(),
            _ => format!(
                ", \"nested\": {{\"x\": {}, \"ys\": [{}]}}",
                (r % 1000) as f64 / 8.0,
                (0..(r >> 8) % 3)
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let dup = if i % 1000 == 7 { "\"id\": -1, " } else { "" };
        out.push_str(&format!(
            "{{{dup}\"id\": {i}, \"name\": \"n{}\", \"tags\": [{}]{nested}}}\n",
            r % 10_000,
            tags.join(", ")
        ));
        i += 1;
    }
    bad_lines
}

/// Batches and summary of `inputs` read on `threads` threads.
fn read_with(
    inputs: &[String],
    options: &ConvertOptions,
    threads: usize,
    limits: BatchLimits,
    stop_after: Option<usize>,
) -> (Vec<RecordBatch>, rustparquet_core::to_arrow::ReadSummary) {
    let inputs = expand_inputs(inputs).unwrap();
    let schema = infer_schema(&inputs, options).unwrap();
    let options = ConvertOptions {
        threads,
        ..options.clone()
    };
    let mut batches = Vec::new();
    let summary = read_batches(&inputs, &schema, &options, limits, &mut |b| {
        batches.push(b);
        stop_after.is_none_or(|n| batches.len() < n)
    })
    .unwrap();
    (batches, summary)
}

/// Whether two runs' batches hold the same rows in the same order.
fn same_rows(a: &[RecordBatch], b: &[RecordBatch]) {
    let rows = |x: &[RecordBatch]| x.iter().map(RecordBatch::num_rows).sum::<usize>();
    assert_eq!(rows(a), rows(b));
    let (mut i, mut j, mut at_a, mut at_b, mut row) = (0, 0, 0, 0, 0);
    while i < a.len() && j < b.len() {
        let n = (a[i].num_rows() - at_a).min(b[j].num_rows() - at_b);
        let (x, y) = (a[i].slice(at_a, n), b[j].slice(at_b, n));
        assert_eq!(x.schema(), y.schema());
        for (c, (p, q)) in x.columns().iter().zip(y.columns()).enumerate() {
            assert_eq!(
                p.to_data(),
                q.to_data(),
                "column {c}, rows {row}..{}",
                row + n
            );
        }
        (at_a, at_b, row) = (at_a + n, at_b + n, row + n);
        if at_a == a[i].num_rows() {
            (i, at_a) = (i + 1, 0);
        }
        if at_b == b[j].num_rows() {
            (j, at_b) = (j + 1, 0);
        }
    }
}

fn assert_same_findings(
    a: &rustparquet_core::to_arrow::ReadSummary,
    b: &rustparquet_core::to_arrow::ReadSummary,
) {
    assert_eq!(a.documents, b.documents);
    assert_eq!(a.bad_documents, b.bad_documents);
    assert_eq!(a.first_errors, b.first_errors);
    assert_eq!(a.duplicate_keys, b.duplicate_keys);
}

/// About 20 MB of generated documents (three 8 MB chunks) with bad lines: the file, its text
/// and the bad lines' positions.
fn big_input_with_bad_lines(dir: &Path) -> (PathBuf, String, Vec<u64>) {
    let mut text = String::new();
    let bad = generate(&mut text, 20 << 20, true, 0);
    (write(dir, "big.ndjson", &text), text, bad)
}

fn skipping() -> ConvertOptions {
    ConvertOptions {
        on_error: OnError::Skip,
        ..ConvertOptions::default()
    }
}

#[test]
fn parallel_and_sequential_readers_agree_on_many_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let (input, text, bad) = big_input_with_bad_lines(dir.path());
    let inputs = [input.display().to_string()];
    let options = skipping();
    let lines = text.lines().count() as u64;
    for limits in [
        BatchLimits::default(),
        BatchLimits {
            rows: 5_000,
            bytes: 256 << 10,
        },
    ] {
        let (one, s1) = read_with(&inputs, &options, 1, limits, None);
        for threads in [2, 3] {
            let (many, s) = read_with(&inputs, &options, threads, limits, None);
            same_rows(&one, &many);
            assert_same_findings(&s1, &s);
            assert_eq!(s.batches, many.len() as u64);
            assert!(many.iter().all(|b| b.num_rows() <= limits.rows));
            // At least one batch per 8 MB chunk.
            assert!(many.len() >= 3, "{} batches", many.len());
        }
        assert_eq!(s1.bad_documents, bad.len() as u64);
        assert_eq!(s1.documents, lines - bad.len() as u64);
        assert_eq!(s1.duplicate_keys, s1.documents.div_ceil(1000));
    }
    // And both equal the Parquet route.
    let options = ConvertOptions {
        threads: 3,
        ..options
    };
    same_as_parquet(&input, &options, 65_536);
}

#[test]
fn a_stopping_consumer_gets_findings_up_to_its_last_row() {
    let dir = tempfile::tempdir().unwrap();
    let (input, _, bad) = big_input_with_bad_lines(dir.path());
    let inputs = [input.display().to_string()];
    let options = skipping();
    let limits = BatchLimits {
        rows: 30_000,
        ..BatchLimits::default()
    };
    // Stopping inside the first chunk's batches and at its last one.
    for (threads, stop) in [(1, 2), (2, 2), (3, 2), (1, 4), (2, 4)] {
        let (batches, summary) = read_with(&inputs, &options, threads, limits, Some(stop));
        assert_eq!(batches.len(), stop, "threads {threads}");
        assert_eq!(summary.batches, stop as u64);
        let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
        assert_eq!(summary.documents, rows);
        // The bad lines before the last row handed out: line k holds document k - (bad
        // lines before it).
        let mut good = 0;
        let mut bad_before = 0;
        let mut dups = 0;
        for line in 0.. {
            if bad.binary_search(&line).is_ok() {
                bad_before += 1;
                continue;
            }
            if line % 1000 == 7 {
                dups += 1;
            }
            good += 1;
            if good == rows {
                break;
            }
        }
        assert_eq!(summary.bad_documents, bad_before, "threads {threads}");
        assert_eq!(summary.duplicate_keys, dups, "threads {threads}");
    }
}

#[test]
fn a_document_across_a_chunk_end_goes_on_with_one_parser() {
    // Two inputs; the second is newline-delimited for 12 MB, then a pretty-printed document
    // of about 8 MB (so it crosses the end of the second 8 MB chunk), then more lines with a
    // bad one.
    let dir = tempfile::tempdir().unwrap();
    let mut first = String::new();
    generate(&mut first, 1 << 20, false, 0);
    let mut second = String::new();
    generate(&mut second, 12 << 20, false, 1_000_000);
    second.push_str("{\"id\": 5,\n \"tags\": [\n");
    for k in 0..900_000 {
        second.push_str(&format!("  \"p{}\",\n", k % 100));
    }
    second.push_str("  \"end\"\n ]\n}\n");
    let lines_before = second.lines().count() as u64;
    let bad = generate(&mut second, 2 << 20, true, 2_000_000);
    let inputs = [
        write(dir.path(), "a.ndjson", &first).display().to_string(),
        write(dir.path(), "b.ndjson", &second).display().to_string(),
    ];
    let options = ConvertOptions {
        on_error: OnError::Skip,
        ..ConvertOptions::default()
    };
    let (one, s1) = read_with(&inputs, &options, 1, BatchLimits::default(), None);
    let (many, s) = read_with(&inputs, &options, 2, BatchLimits::default(), None);
    same_rows(&one, &many);
    assert_same_findings(&s1, &s);
    assert_eq!(s.bad_documents, bad.len() as u64);
    // The parallel reader handed out the first input's chunk on its own (one parser would
    // have filled a batch across both inputs) before it met the long document.
    assert_eq!(many[0].num_rows(), first.lines().count());
    assert!(one[0].num_rows() > first.lines().count());
    // The error names the right line after the switch to one parser.
    let line = lines_before + (bad[0] - 2_000_000) + 1;
    assert!(
        s.first_errors[0].contains(&format!("starts at line {line})")),
        "{:?}",
        s.first_errors
    );
}

#[test]
fn failing_and_cancelled_runs_end_alike_on_both_readers() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    generate(&mut text, 18 << 20, false, 0);
    text.push_str("{\"id\": 1, \"name\": tru}\n");
    generate(&mut text, 1 << 20, false, 5_000_000);
    let input = write(dir.path(), "f.ndjson", &text);
    let inputs = expand_inputs(&[input.display().to_string()]).unwrap();
    let schema = infer_schema(
        &inputs,
        &ConvertOptions {
            on_error: OnError::Skip,
            ..ConvertOptions::default()
        },
    )
    .unwrap();
    let run = |threads, cancel: bool| {
        let options = ConvertOptions {
            threads,
            cancel: Some(std::sync::Arc::new(cancel.into())),
            ..ConvertOptions::default()
        };
        read_batches(
            &inputs,
            &schema,
            &options,
            BatchLimits::default(),
            &mut |_| true,
        )
        .unwrap_err()
        .to_string()
    };
    let error = run(1, false);
    assert!(error.contains("f.ndjson:"), "{error}");
    assert_eq!(run(2, false), error);
    assert_eq!(run(3, false), error);
    let interrupted = run(1, true);
    assert_eq!(run(2, true), interrupted);
}

// `read_table`: inference and batches in one parse when the first documents' schema is
// settled; always the two-pass reader's schema, batches and findings.

/// The two-pass reader's schema, batches and summary (or error) for `input`.
fn two_pass(
    input: &Path,
    options: &ConvertOptions,
) -> Result<
    (
        Schema,
        Vec<RecordBatch>,
        rustparquet_core::to_arrow::ReadSummary,
    ),
    String,
> {
    let inputs = expand_inputs(&[input.display().to_string()]).unwrap();
    let schema = infer_schema(&inputs, options).map_err(|e| e.to_string())?;
    let mut batches = Vec::new();
    let summary = read_batches(
        &inputs,
        &schema,
        options,
        BatchLimits::default(),
        &mut |b| {
            batches.push(b);
            true
        },
    )
    .map_err(|e| e.to_string())?;
    Ok((schema, batches, summary))
}

/// Checks `read_table` on `input` against the two-pass reader; returns whether it read in one
/// parse.
fn table_as_two_pass(input: &Path, options: &ConvertOptions) -> bool {
    let inputs = expand_inputs(&[input.display().to_string()]).unwrap();
    let got = read_table(&inputs, None, options, BatchLimits::default());
    let want = two_pass(input, options);
    match (got, want) {
        (Ok(table), Ok((schema, batches, summary))) => {
            assert_eq!(table.schema, schema, "{}", input.display());
            same_rows(&table.batches, &batches);
            assert_eq!(table.batches.len(), batches.len());
            assert_same_findings(&table.summary, &summary);
            table.one_parse
        }
        (Err(got), Err(want)) => {
            assert_eq!(got.to_string(), want, "{}", input.display());
            false
        }
        (got, want) => panic!(
            "{}: read_table gave {:?}, the two-pass reader {:?}",
            input.display(),
            got.map(|t| t.summary),
            want.map(|w| w.2)
        ),
    }
}

/// `sample` documents of `{"id": i, "a": first}`, then one with `last` (JSON text of the
/// document's members after `id`), then 10 more like the first ones.
fn drifting(dir: &Path, name: &str, first: &str, last: &str) -> PathBuf {
    let sample = rustparquet_core::convert::SETTLE_SAMPLE_DOCUMENTS + 500;
    let mut text = String::new();
    for i in 0..sample {
        text.push_str(&format!("{{\"id\": {i}, {first}}}\n"));
    }
    text.push_str(&format!("{{\"id\": -1, {last}}}\n"));
    for i in 0..10 {
        text.push_str(&format!("{{\"id\": {i}, {first}}}\n"));
    }
    write(dir, name, &text)
}

#[test]
fn read_table_reads_settled_input_in_one_parse() {
    let dir = tempfile::tempdir().unwrap();
    // Three 8 MB chunks, nothing new after the first documents: one parse, on the parallel
    // reader and on one thread.
    let mut text = String::new();
    generate(&mut text, 20 << 20, false, 0);
    let big = write(dir.path(), "big.ndjson", &text);
    for threads in [1, 2] {
        let options = ConvertOptions {
            threads,
            ..ConvertOptions::default()
        };
        assert!(table_as_two_pass(&big, &options));
    }
    // An object with many keys whose values differ in kind can never be a map: settled.
    let keys: Vec<String> = (0..25)
        .map(|k| match k % 3 {
            0 => format!("\"k{k}\": {k}"),
            1 => format!("\"k{k}\": \"s{k}\""),
            _ => format!("\"k{k}\": [true]"),
        })
        .collect();
    let mixed = drifting(
        dir.path(),
        "mixed.ndjson",
        &format!("\"o\": {{{}}}", keys.join(", ")),
        r#""o": {"k0": 1}"#,
    );
    assert!(table_as_two_pass(&mixed, &ConvertOptions::default()));
    // Integers where the first documents had floats widen to the same double column.
    let ints = drifting(dir.path(), "ints.ndjson", r#""a": 1.5"#, r#""a": 2"#);
    assert!(table_as_two_pass(&ints, &ConvertOptions::default()));
    // Under quarantine, a clean one-parse run leaves the same (empty) files as the two-pass.
    let quarantine = dir.path().join("q.ndjson");
    let options = ConvertOptions {
        on_error: OnError::Quarantine(quarantine.clone()),
        ..ConvertOptions::default()
    };
    assert!(table_as_two_pass(&ints, &options));
    assert_eq!(std::fs::read(&quarantine).unwrap(), b"");
}

#[test]
fn read_table_falls_back_when_later_documents_change_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    for (name, first, last) in [
        ("key.ndjson", r#""a": 1"#, r#""a": 1, "b": "new""#),
        ("union.ndjson", r#""a": 1"#, r#""a": "text""#),
        ("double.ndjson", r#""a": 1"#, r#""a": 1.5"#),
        (
            "big.ndjson",
            r#""a": 1"#,
            r#""a": 123456789012345678901234"#,
        ),
        ("element.ndjson", r#""a": []"#, r#""a": [{"x": 1}]"#),
        ("object.ndjson", r#""a": {}"#, r#""a": {"x": null}"#),
        ("null.ndjson", r#""a": null"#, r#""a": false"#),
    ] {
        let input = drifting(dir.path(), name, first, last);
        assert!(
            !table_as_two_pass(&input, &ConvertOptions::default()),
            "{name}"
        );
    }
}

#[test]
fn read_table_falls_back_on_bad_documents_and_maps() {
    let dir = tempfile::tempdir().unwrap();
    let bad = drifting(dir.path(), "bad.ndjson", r#""a": 1"#, r#""a": tru"#);
    // Failing: the two-pass reader's error, naming the line; skipping: the same findings.
    assert!(!table_as_two_pass(&bad, &ConvertOptions::default()));
    assert!(!table_as_two_pass(&bad, &skipping()));
    // An object with enough keys to become a map: the counts decide, so no one parse. Its
    // keys are in every object of the first documents (a struct there) and in few of the
    // later ones, which makes it a map over the whole input.
    let mut text = String::new();
    let keys: Vec<String> = (0..25).map(|k| format!("\"k{k}\": {k}")).collect();
    for i in 0..rustparquet_core::convert::SETTLE_SAMPLE_DOCUMENTS + 100 {
        text.push_str(&format!(
            "{{\"id\": {i}, \"o\": {{{}}}}}\n",
            keys.join(", ")
        ));
    }
    for i in 0..5_000 {
        text.push_str(&format!("{{\"id\": {i}, \"o\": {{\"k1\": {i}}}}}\n"));
    }
    let maps = write(dir.path(), "maps.ndjson", &text);
    assert!(!table_as_two_pass(&maps, &ConvertOptions::default()));
    let inputs = expand_inputs(&[maps.display().to_string()]).unwrap();
    let schema = infer_schema(&inputs, &ConvertOptions::default()).unwrap();
    assert!(
        matches!(schema.fields[1].data_type, DataType::Map(_)),
        "{schema:?}"
    );
    // A schema given: read as it is.
    let inputs = expand_inputs(&[bad.display().to_string()]).unwrap();
    let schema = infer_schema(&inputs, &skipping()).unwrap();
    let table = read_table(&inputs, Some(&schema), &skipping(), BatchLimits::default()).unwrap();
    assert!(!table.one_parse);
    assert_eq!(table.summary.bad_documents, 1);
}

#[test]
fn read_table_on_real_corpora() {
    let dir = testdata().join("json-real");
    let mut one_parse = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "ndjson" || e == "json")
        {
            if table_as_two_pass(&path, &ConvertOptions::default()) {
                one_parse.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
            table_as_two_pass(&path, &skipping());
        }
    }
    eprintln!("one parse: {one_parse:?}");
}
