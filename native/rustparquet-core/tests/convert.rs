//! End-to-end tests of `convert`: JSON files in, Parquet out, read back with our reader and
//! compared value by value with the source documents (serde_json as the oracle). Covers the
//! parallel and sequential paths, input layouts and compression, bad documents under each
//! policy, atomic output, and the documented number and depth rules.

use std::io::Write;
use std::path::{Path, PathBuf};

use rustparquet_core::input::{InputFormat, OnError};
use rustparquet_core::read::{to_ndjson_string, ReadOptions};
use rustparquet_core::{convert, ConvertOptions, Error};
use serde_json::{json, Value};

mod common;
use common::{read_back, without_nulls};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Numbers compare by value (an int in a double column comes back as a float).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64() == y.as_f64() && (x.is_f64() || y.is_f64() || x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn assert_same_docs(got: &[Value], expected: &[Value]) {
    assert_eq!(got.len(), expected.len(), "document count");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            same(g, &without_nulls(e)),
            "document {i}:\n got {g}\nwant {}",
            without_nulls(e)
        );
    }
}

/// Nested documents with arrays of objects inside arrays of objects, empty and null arrays,
/// optional members and escapes: `n` of them, deterministic.
fn documents(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let steps: Vec<Value> = (0..i % 4)
                .map(|j| json!({"t": j, "ok": j % 2 == 0, "paths": [["a", format!("p{i}")], []], "v": if j == 1 { json!(null) } else { json!(i as f64 / 3.0) }}))
                .collect();
            let mut d = json!({
                "id": i,
                "name": format!("doc \"{i}\"\n\u{e9}"),
                "runs": [{"name": "r", "steps": steps}, {"name": null, "steps": []}],
                "tags": if i % 3 == 0 { json!([]) } else { json!(["x", null, format!("t{i}")]) },
            });
            if i % 5 == 0 {
                d["extra"] = json!({"deep": {"deeper": [1, 2, i]}});
            }
            d
        })
        .collect()
}

fn ndjson(docs: &[Value]) -> String {
    docs.iter().map(|d| d.to_string() + "\n").collect()
}

fn options(threads: usize) -> ConvertOptions {
    let mut o = ConvertOptions {
        threads,
        ..ConvertOptions::default()
    };
    // Small row groups, so that a few thousand documents span many of them (row counts cut
    // batches exactly; bytes cut at batch boundaries).
    o.writer.row_group_rows = 1000;
    o.writer.row_group_bytes = 1 << 20;
    o
}

#[test]
fn parallel_and_sequential_paths_write_the_same_documents_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(12_000);
    let src = write(dir.path(), "docs.ndjson", &ndjson(&docs));
    for threads in [1, 2, 3] {
        let out = dir.path().join(format!("t{threads}.parquet"));
        let summary = convert(&[src.display().to_string()], &out, &options(threads)).unwrap();
        assert_eq!(summary.documents, docs.len() as u64);
        assert!(
            summary.row_groups > 1,
            "{threads} threads: {} row groups",
            summary.row_groups
        );
        assert_same_docs(&read_back(&out), &docs);
    }
}

#[test]
fn pretty_printed_and_array_inputs_fall_back_to_one_parser() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(20_000);
    let pretty: String = docs
        .iter()
        .map(|d| serde_json::to_string_pretty(d).unwrap() + "\n")
        .collect();
    assert!(pretty.len() > 8 << 20, "bigger than a chunk");
    let src = write(dir.path(), "pretty.json", &pretty);
    let out = dir.path().join("pretty.parquet");
    let summary = convert(&[src.display().to_string()], &out, &options(2)).unwrap();
    assert!(
        !summary.parallel,
        "a document spanning lines sends the run to one parser"
    );
    assert_same_docs(&read_back(&out), &docs);

    let array = write(
        dir.path(),
        "array.json",
        &serde_json::to_string(&docs).unwrap(),
    );
    let out = dir.path().join("array.parquet");
    convert(&[array.display().to_string()], &out, &options(2)).unwrap();
    assert_same_docs(&read_back(&out), &docs);
}

#[test]
fn a_top_level_array_longer_than_a_block_reads_whole_and_faults_at_their_column() {
    // One line of about 10 MB: blocks (8 MiB, and smaller ones first) end inside documents,
    // after the separator that led to them. A document cut there was once resumed past its
    // comma, which the array then refused ("expected ',' or ']'", at 1:1), and a fault in a
    // later block was placed by its column in the block, not in the line.
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<Value> = (0..70_000)
        .map(|i| json!({"id": i, "s": "x".repeat(100 + i % 7), "a": [{"k": i}, {}]}))
        .collect();
    let text = serde_json::to_string(&docs).unwrap();
    assert!(text.len() > 9 << 20, "longer than a block");
    let array = write(dir.path(), "array.json", &text);
    for threads in [1, 2] {
        let out = dir.path().join(format!("array-{threads}.parquet"));
        convert(&[array.display().to_string()], &out, &options(threads)).unwrap();
        assert_same_docs(&read_back(&out), &docs);
    }
    // A `;` for a `,` in the 65,001st document, past the first 8 MiB block.
    let at = text.find(r#""id":65000,"#).unwrap() + r#""id":65000"#.len();
    assert!(at > 8 << 20);
    let mut bad = text.clone();
    bad.replace_range(at..at + 1, ";");
    let bad = write(dir.path(), "bad.json", &bad);
    let out = dir.path().join("bad.parquet");
    let err = convert(&[bad.display().to_string()], &out, &options(1)).unwrap_err();
    match err {
        Error::Json { at: place, .. } => {
            assert_eq!((place.line, place.column), (1, at as u64 + 1), "{place}")
        }
        other => panic!("expected a JSON error, got {other}"),
    }
}

#[test]
fn whitespace_before_a_top_level_array_does_not_hide_it() {
    // The layout is told by the first byte that is not whitespace, past the first block read
    // (64 KiB) and past the 4 KiB the parallel reader once looked at.
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(50);
    let text = " \n".repeat(50_000) + &serde_json::to_string(&docs).unwrap();
    let array = write(dir.path(), "spaced.json", &text);
    for threads in [1, 2] {
        let out = dir.path().join(format!("spaced-{threads}.parquet"));
        convert(&[array.display().to_string()], &out, &options(threads)).unwrap();
        assert_same_docs(&read_back(&out), &docs);
    }
}

#[test]
fn compressed_inputs_and_globs_are_read_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(3_000);
    let (a, b) = docs.split_at(1_000);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(ndjson(a).as_bytes()).unwrap();
    std::fs::write(dir.path().join("part-1.json.gz"), gz.finish().unwrap()).unwrap();
    // zstd recognised by content even without the extension.
    let z = zstd::encode_all(ndjson(b).as_bytes(), 3).unwrap();
    std::fs::write(dir.path().join("part-2.data"), z).unwrap();
    let glob = format!("{}/part-*", dir.path().display());
    for threads in [1, 2] {
        let out = dir.path().join(format!("c{threads}.parquet"));
        convert(&[glob.clone()], &out, &options(threads)).unwrap();
        assert_same_docs(&read_back(&out), &docs);
    }
}

const MIXED: &str = r#"{"id": 1, "v": [1, 2]}
{"id": 2, "v": [3
{"id": 3, "v": "not a list"}
[4]
{"id": 5, "v": [5.5]}
{"id": 6, "v": [1e400]}
{"id": 7, "v": [123456789012345678901234567890123456789012]}
{"id": 8}
"#;

fn schema_id_v() -> rustparquet_core::schema::Schema {
    rustparquet_core::schema::Schema::from_json_str(
        r#"{"fields": [{"name": "id", "type": "int64"}, {"name": "v", "type": "list", "element": {"type": "double"}}]}"#,
        None,
    )
    .unwrap()
}

#[test]
fn quarantine_keeps_every_bad_line_verbatim_with_its_place() {
    for threads in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let src = write(dir.path(), "mixed.ndjson", MIXED);
        let quarantine = dir.path().join("bad.ndjson");
        let mut o = options(threads);
        o.schema = Some(schema_id_v());
        o.on_error = OnError::Quarantine(quarantine.clone());
        let out = dir.path().join("out.parquet");
        let summary = convert(&[src.display().to_string()], &out, &o).unwrap();
        assert_eq!(
            (summary.documents, summary.bad_documents),
            (3, 5),
            "{threads} threads"
        );
        let ids: Vec<i64> = read_back(&out)
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [1, 5, 8]);
        // Nothing lost: lines in = documents written + lines quarantined, verbatim.
        let lines_in: Vec<&str> = MIXED.lines().collect();
        let quarantined = std::fs::read_to_string(&quarantine).unwrap();
        assert_eq!(
            quarantined.lines().collect::<Vec<_>>(),
            [
                lines_in[1],
                lines_in[2],
                lines_in[3],
                lines_in[5],
                lines_in[6]
            ]
        );
        let errors =
            std::fs::read_to_string(rustparquet_core::input::errors_path(&quarantine)).unwrap();
        let errors: Vec<&str> = errors.lines().collect();
        let at = |line_col: &str| format!("{}:{line_col}: ", src.display());
        let expected = [
            format!("{}invalid JSON: expected ',' or ']' after an array element, found '{{' (in the document that starts at line 2)", at("3:1")),
            format!("{}`v` is an array in the schema but a string here", at("3:16")),
            format!("{}`<document>` is an array; each document must be a JSON object (see docs/format.md, top-level values)", at("4:1")),
            format!("{}number 1e400 is beyond the range of a double", at("6:17")),
            format!("{}integer with 42 digits is beyond decimal(38,0), the widest integer column", at("7:17")),
        ];
        assert_eq!(errors, expected);
    }
}

#[test]
fn skip_counts_and_fail_names_the_place_and_leaves_nothing_behind() {
    for threads in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let src = write(dir.path(), "mixed.ndjson", MIXED);
        let out = dir.path().join("out.parquet");
        let mut o = options(threads);
        o.schema = Some(schema_id_v());
        o.on_error = OnError::Skip;
        let summary = convert(&[src.display().to_string()], &out, &o).unwrap();
        assert_eq!(
            (
                summary.documents,
                summary.bad_documents,
                summary.first_errors.len()
            ),
            (3, 5, 5)
        );

        std::fs::remove_file(&out).unwrap();
        o.on_error = OnError::Fail;
        let err = convert(&[src.display().to_string()], &out, &o).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}:3:1: invalid JSON: expected ',' or ']' after an array element, found '{{' (in the document that starts at line 2)",
                src.display()
            )
        );
        // Neither the target nor a temporary file is left in the directory.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("mixed.ndjson")],
            "{threads} threads"
        );
    }
}

#[test]
fn inference_failure_leaves_no_file_and_conflicts_name_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "c.ndjson", "{\"a\": 1}\n{\"a\": {\"b\": 1}}\n");
    let out = dir.path().join("c.parquet");
    let mut o = options(2);
    o.infer.unions = rustparquet_core::infer::UnionMode::Error;
    let err = convert(&[src.display().to_string()], &out, &o).unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }));
    assert_eq!(
        err.to_string(),
        format!("`a` is an integer at {0}:1:7 but an object at {0}:2:7; in the union mode `error` a field keeps one JSON type (the default mode, `union`, keeps both; docs/format.md, unions)", src.display())
    );
    assert!(!out.exists());
}

#[test]
fn documents_deeper_than_the_limit_are_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{{\"d\": {}1{}}}", "[".repeat(300), "]".repeat(300));
    let src = write(
        dir.path(),
        "deep.ndjson",
        &format!("{{\"x\": 1}}\n{deep}\n"),
    );
    let out = dir.path().join("deep.parquet");
    let err = convert(&[src.display().to_string()], &out, &options(2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:2:134: nested deeper than 128 levels, the max-depth limit (which can be raised to 1000)",
            src.display()
        )
    );
    // A limit high enough converts it (arrays of arrays, 300 deep).
    let mut o = options(2);
    o.max_depth = 400;
    convert(&[src.display().to_string()], &out, &o).unwrap();
    // Reading back is checked 40 deep: the reader's decoding thread has a default stack
    // (deep reads are the hardening issue's).
    let deep = format!("{{\"d\": {}1{}}}", "[".repeat(40), "]".repeat(40));
    let src = write(
        dir.path(),
        "deep.ndjson",
        &format!("{{\"x\": 1}}\n{deep}\n"),
    );
    convert(&[src.display().to_string()], &out, &o).unwrap();
    // Read back on a thread with room for 300 levels of (debug-build) recursion.
    let text = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || to_ndjson_string(&out, &ReadOptions::default()).unwrap())
        .unwrap()
        .join()
        .unwrap();
    let expected = deep.replace(' ', "").replacen('{', "{\"x\":null,", 1);
    assert_eq!(text.lines().nth(1).unwrap(), expected);
}

#[test]
fn documents_with_only_empty_objects_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "e.ndjson", "{}\n{}\n{}\n");
    let out = dir.path().join("e.parquet");
    let summary = convert(&[src.display().to_string()], &out, &options(1)).unwrap();
    assert_eq!((summary.documents, summary.columns), (3, 1));
    assert_eq!(read_back(&out), vec![json!({}), json!({}), json!({})]);
}

#[test]
fn sampled_schema_turns_later_new_fields_into_bad_documents() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(
        dir.path(),
        "s.ndjson",
        "{\"a\": 1}\n{\"a\": 2, \"b\": true}\n{\"a\": 3}\n",
    );
    let out = dir.path().join("s.parquet");
    let mut o = options(1);
    o.sample = Some(1);
    let err = convert(&[src.display().to_string()], &out, &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}:2:10: `b` is not in the schema", src.display())
    );
    o.on_error = OnError::Skip;
    let summary = convert(&[src.display().to_string()], &out, &o).unwrap();
    assert_eq!((summary.documents, summary.bad_documents), (2, 1));
}

#[test]
fn input_format_ndjson_reads_top_level_arrays_as_bad_documents() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "a.json", "[{\"a\": 1}]\n");
    let out = dir.path().join("a.parquet");
    // auto: the array's elements are the documents.
    convert(&[src.display().to_string()], &out, &options(2)).unwrap();
    assert_eq!(read_back(&out), vec![json!({"a": 1})]);
    let o = ConvertOptions {
        input_format: InputFormat::Stream,
        ..options(2)
    };
    let err = convert(&[src.display().to_string()], &out, &o).unwrap_err();
    assert!(
        err.to_string()
            .contains("each document must be a JSON object"),
        "{err}"
    );
}

#[test]
fn dremel_schema_given_writes_the_paper_records_back() {
    let golden: Value =
        serde_json::from_str(include_str!("data/dremel/expected_levels.json")).unwrap();
    let schema =
        rustparquet_core::schema::Schema::from_json_str(&golden["schema"].to_string(), None)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let records = golden["records"].as_array().unwrap().clone();
    let src = write(dir.path(), "r.ndjson", &ndjson(&records));
    let out = dir.path().join("r.parquet");
    let o = ConvertOptions {
        schema: Some(schema),
        ..options(1)
    };
    convert(&[src.display().to_string()], &out, &o).unwrap();
    // A bare repeated field that is absent reads back as [] (docs/reading.md).
    let mut r1 = records[0].clone();
    r1["Links"]["Backward"] = json!([]);
    r1["Name"][1]["Language"] = json!([]);
    let mut r2 = records[1].clone();
    r2["Name"][0]["Language"] = json!([]);
    assert_same_docs(&read_back(&out), &[r1, r2]);
}

/// A bad document's valid prefix (here a string `a`, an object `b`, a key `z`) must not reach
/// the schema: with `skip` the schema is the good documents' alone, on every reading path.
#[test]
fn bad_documents_add_nothing_to_the_inferred_schema() {
    use rustparquet_core::convert::infer_schema;
    use rustparquet_core::input::expand_inputs;
    let good = "{\"id\": 1, \"a\": 5}\n{\"id\": 3, \"a\": 7, \"t\": [1]}\n";
    let bad_then_good = concat!(
        "{\"id\": 1, \"a\": 5}\n",
        "{\"id\": 2, \"a\": \"text\", \"b\": {\"c\": tru}}\n",
        "{\"id\": 3, \"a\": 7, \"t\": [1]}\n",
        "{\"id\": 4, \"t\": [\"x\", {\"z\": 1}], \"a\": [}\n",
        "{\"z\": 1, \"a\": 9"
    );
    // Pretty-printed (documents span lines): the one-parser path.
    let pretty = bad_then_good.replace(", \"a\"", ",\n \"a\"");
    let dir = tempfile::tempdir().unwrap();
    let expected = {
        let src = write(dir.path(), "good.ndjson", good);
        infer_schema(
            &expand_inputs(&[src.display().to_string()]).unwrap(),
            &options(2),
        )
        .unwrap()
        .to_json_string()
    };
    assert!(expected.contains("\"t\""), "{expected}");
    for (name, text) in [
        ("bad.ndjson", bad_then_good),
        ("pretty.json", pretty.as_str()),
    ] {
        let src = write(dir.path(), name, text);
        for threads in [1, 2] {
            let mut o = options(threads);
            o.on_error = OnError::Skip;
            let inputs = expand_inputs(&[src.display().to_string()]).unwrap();
            let got = infer_schema(&inputs, &o).unwrap().to_json_string();
            assert_eq!(got, expected, "{name}, {threads} threads");
            // And the conversion writes the good documents, counting the bad ones.
            let out = dir.path().join("out.parquet");
            let summary = convert(&[src.display().to_string()], &out, &o).unwrap();
            // (A bad pretty-printed document is skipped line by line: each of its lines
            // counts as a bad document.)
            let bad = if name == "bad.ndjson" { 3 } else { 9 };
            assert_eq!(
                (summary.documents, summary.bad_documents),
                (2, bad),
                "{name}, {threads} threads"
            );
        }
    }
}

/// `documents(n)` with `late` (JSON text) put in after the first 2,500.
fn with_late_line(n: usize, late: &str) -> String {
    let mut lines: Vec<String> = documents(n).iter().map(Value::to_string).collect();
    lines.insert(2_500, late.to_string());
    lines.join("\n") + "\n"
}

#[test]
fn settled_input_is_converted_in_one_parse_to_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(6_000);
    let src = write(dir.path(), "docs.ndjson", &ndjson(&docs));
    let inputs = [src.display().to_string()];
    for threads in [1, 2] {
        let one = dir.path().join(format!("one{threads}.parquet"));
        let summary = convert(&inputs, &one, &options(threads)).unwrap();
        assert!(summary.one_parse, "{threads} threads");
        // A sample as large as the input: full inference, then the conversion pass.
        let two = dir.path().join(format!("two{threads}.parquet"));
        let full = ConvertOptions {
            sample: Some(u64::MAX),
            ..options(threads)
        };
        let summary = convert(&inputs, &two, &full).unwrap();
        assert!(!summary.one_parse);
        assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
        assert_same_docs(&read_back(&one), &docs);
    }
}

#[test]
fn a_late_document_that_does_not_fit_falls_back_to_two_passes() {
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(6_000);
    // A new key, and a bad line under skip and under quarantine: the two-pass results.
    let src = write(
        dir.path(),
        "key.ndjson",
        &with_late_line(6_000, r#"{"id": -1, "late": {"x": [1]}}"#),
    );
    let out = dir.path().join("key.parquet");
    let summary = convert(&[src.display().to_string()], &out, &options(2)).unwrap();
    assert!(!summary.one_parse);
    assert_eq!(summary.documents, 6_001);
    let back = read_back(&out);
    assert_eq!(back[2_500], json!({"id": -1, "late": {"x": [1]}}));
    let src = write(
        dir.path(),
        "bad.ndjson",
        &with_late_line(6_000, r#"{"id": tru}"#),
    );
    let quarantine = dir.path().join("q.ndjson");
    for on_error in [OnError::Skip, OnError::Quarantine(quarantine.clone())] {
        let summary = convert(
            &[src.display().to_string()],
            &out,
            &ConvertOptions {
                on_error,
                ..options(2)
            },
        )
        .unwrap();
        assert!(!summary.one_parse);
        assert_eq!(summary.bad_documents, 1);
        assert_same_docs(&read_back(&out), &docs);
    }
    assert_eq!(
        std::fs::read_to_string(&quarantine).unwrap(),
        "{\"id\": tru}\n"
    );
    // Failing: the error names the bad line, as the two-pass run does, and no file is left.
    let failed = dir.path().join("failed.parquet");
    let error = convert(&[src.display().to_string()], &failed, &options(2)).unwrap_err();
    assert!(error.to_string().contains("bad.ndjson:2501:"), "{error}");
    assert!(!failed.exists());
}
