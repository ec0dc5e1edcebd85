//! End-to-end tests of sorted output (`ConvertOptions::sort_by`, the CLI's `--sort-by`): the
//! rows come out in key order (numbers by value, strings by UTF-8 bytes, nulls and missing
//! last, ties in input order) with the same documents as an unsorted run; row groups then
//! hold disjoint key ranges in their statistics; paths that name no single scalar column are
//! refused; bad documents keep their places in the input under every policy; any input layout
//! and compression.

use std::io::Write;
use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::statistics::Statistics;
use rustparquet_core::input::OnError;
use rustparquet_core::schema::Schema;
use rustparquet_core::{convert, ConvertOptions, Error};
use serde_json::{json, Value};

mod common;
use common::read_back;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn ndjson(docs: &[Value]) -> String {
    docs.iter().map(|d| format!("{d}\n")).collect()
}

fn sorted_by(path: &str) -> ConvertOptions {
    ConvertOptions {
        sort_by: Some(path.into()),
        ..ConvertOptions::default()
    }
}

fn run(input: &Path, out: &Path, options: &ConvertOptions) -> Vec<Value> {
    convert(&[input.display().to_string()], out, options).unwrap();
    read_back(out)
}

/// A pseudo-random permutation of 0..n (deterministic).
fn shuffled(n: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..v.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v.swap(i, (state % (i as u64 + 1)) as usize);
    }
    v
}

#[test]
fn numbers_sort_by_value_with_nulls_and_missing_last_and_ties_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let docs = vec![
        json!({"seq": 0, "m": {"k": 10}}),
        json!({"seq": 1, "m": {"k": -2.5}}),
        json!({"seq": 2, "m": null}),
        json!({"seq": 3, "m": {"k": 3}}),
        json!({"seq": 4}),
        json!({"seq": 5, "m": {"k": 3, "other": true}}),
        json!({"seq": 6, "m": {"k": 1e300}}),
        json!({"seq": 7, "m": {"k": null}}),
        json!({"seq": 8, "m": {"k": 3}}),
    ];
    let input = write(dir.path(), "in.ndjson", &ndjson(&docs));
    let out = dir.path().join("out.parquet");
    // On one thread and on two (sorting takes one parser either way).
    for threads in [1, 2] {
        let options = ConvertOptions {
            threads,
            ..sorted_by("m.k")
        };
        let back = run(&input, &out, &options);
        let order: Vec<i64> = back.iter().map(|d| d["seq"].as_i64().unwrap()).collect();
        assert_eq!(order, [1, 3, 5, 8, 0, 6, 2, 4, 7], "threads {threads}");
    }
    // The same documents as without sorting.
    let unsorted = run(
        &input,
        &dir.path().join("plain.parquet"),
        &ConvertOptions::default(),
    );
    let mut back = read_back(&out);
    back.sort_by_key(|d| d["seq"].as_i64());
    assert_eq!(back, unsorted);
}

#[test]
fn strings_sort_by_their_utf8_bytes_after_escapes_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"s\":\"z\"}\n{\"s\":\"\\u00e9\"}\n{\"s\":\"Z\"}\n{\"s\":\"a\\\"b\"}\n{\"s\":\"\"}\n{\"s\":\"\u{1F600}\"}\n";
    let input = write(dir.path(), "in.ndjson", text);
    let back = run(&input, &dir.path().join("o.parquet"), &sorted_by("s"));
    let got: Vec<&str> = back.iter().map(|d| d["s"].as_str().unwrap()).collect();
    assert_eq!(got, ["", "Z", "a\"b", "z", "\u{e9}", "\u{1F600}"]);
}

#[test]
fn row_groups_of_sorted_output_hold_disjoint_key_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<Value> = shuffled(5_000)
        .into_iter()
        .map(|k| json!({"user": {"id": format!("u{k:05}")}, "n": k, "pad": "x".repeat((k % 50) as usize)}))
        .collect();
    let input = write(dir.path(), "in.ndjson", &ndjson(&docs));
    let ranges = |options: &mut ConvertOptions| -> Vec<(Vec<u8>, Vec<u8>)> {
        options.writer.set("row-group-rows", "500").unwrap();
        let out = dir.path().join("o.parquet");
        convert(&[input.display().to_string()], &out, options).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&out).unwrap()).unwrap();
        let groups = reader.metadata().row_groups();
        assert_eq!(groups.len(), 10);
        groups
            .iter()
            .map(|g| {
                let column = g
                    .columns()
                    .iter()
                    .find(|c| c.column_path().string() == "user.id")
                    .unwrap();
                match column.statistics() {
                    Some(Statistics::ByteArray(s)) => (
                        s.min_opt().unwrap().data().to_vec(),
                        s.max_opt().unwrap().data().to_vec(),
                    ),
                    other => panic!("statistics of user.id: {other:?}"),
                }
            })
            .collect()
    };
    let sorted = ranges(&mut sorted_by("user.id"));
    for (i, pair) in sorted.windows(2).enumerate() {
        assert!(
            pair[0].1 < pair[1].0,
            "row groups {i} and {}: {pair:?}",
            i + 1
        );
    }
    assert_eq!(sorted[0].0, b"u00000");
    assert_eq!(sorted[9].1, b"u04999");
    // Unsorted, every row group spans nearly the whole range.
    let unsorted = ranges(&mut ConvertOptions::default());
    let (low, high) = (b"u00100".as_slice(), b"u04900".as_slice());
    assert!(unsorted
        .iter()
        .all(|(min, max)| min.as_slice() < low && max.as_slice() > high));
}

#[test]
fn paths_that_name_no_single_scalar_column_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"id\":1,\"tags\":[\"a\"],\"u\":{\"a\":1,\"b\":2},\"x\":1,\"m\":{\"k\":[1]},\"g\":{\"only\":1}}\n{\"id\":2,\"x\":\"s\"}\n";
    let input = write(dir.path(), "in.ndjson", text);
    let out = dir.path().join("o.parquet");
    for (path, says) in [
        ("tags", "inside an array"),
        ("u", "names 2 columns"),
        ("g", "names 1 column (g.only), a group"),
        ("x", "a group or a union"),
        ("nope", "no column of the schema"),
        ("m.k", "inside an array"),
    ] {
        let e = convert(&[input.display().to_string()], &out, &sorted_by(path)).unwrap_err();
        assert!(matches!(e, Error::Options(_)), "{path}: {e}");
        assert!(
            e.to_string().contains(&format!("--sort-by `{path}`")),
            "{e}"
        );
        assert!(e.to_string().contains(says), "{path}: {e}");
        assert!(!out.exists());
    }
    // A Parquet path names the column too.
    let back = run(&input, &out, &sorted_by("u.b"));
    assert_eq!(back.len(), 2);
}

#[test]
fn bad_documents_keep_their_places_in_the_input() {
    let dir = tempfile::tempdir().unwrap();
    // Line 3 does not fit the given schema; line 5 is not JSON; the document on lines 6-7
    // fails on its second line.
    let text = "{\"id\": 3, \"v\": 1}\n{\"id\": 1, \"v\": 2}\n{\"id\": 2, \"v\": \"x\"}\n{\"id\": 9, \"v\": 5}\n{\"id\": 0, bad}\n{\"id\": 7,\n  \"v\": [1]}\n";
    let input = write(dir.path(), "in.ndjson", text);
    let schema = Schema::from_spark_ddl("id BIGINT, v BIGINT", None).unwrap();
    let out = dir.path().join("o.parquet");
    let quarantine = dir.path().join("bad.ndjson");
    let options = ConvertOptions {
        schema: Some(schema.clone()),
        on_error: OnError::Quarantine(quarantine.clone()),
        ..sorted_by("id")
    };
    let summary = convert(&[input.display().to_string()], &out, &options).unwrap();
    assert_eq!((summary.documents, summary.bad_documents), (3, 3));
    let ids: Vec<i64> = read_back(&out)
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3, 9]);
    let name = input.display().to_string();
    let errors = std::fs::read_to_string(dir.path().join("bad.ndjson.errors")).unwrap();
    // The JSON fault from the key pass, then the schema's faults in key order.
    let places: Vec<&str> = errors
        .lines()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            format!("{name}:5:11"),
            format!("{name}:3:16"),
            format!("{name}:7:8")
        ]
    );
    let kept = std::fs::read_to_string(&quarantine).unwrap();
    assert_eq!(
        kept,
        "{\"id\": 0, bad}\n{\"id\": 2, \"v\": \"x\"}\n{\"id\": 7,\n  \"v\": [1]}\n"
    );
    // Under fail, no file.
    std::fs::remove_file(&out).unwrap();
    let options = ConvertOptions {
        schema: Some(schema),
        ..sorted_by("id")
    };
    let e = convert(&[input.display().to_string()], &out, &options).unwrap_err();
    assert!(e.to_string().starts_with(&format!("{name}:5:11")), "{e}");
    assert!(!out.exists());
}

#[test]
fn any_layout_and_compression_sorts_alike() {
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<Value> = shuffled(300)
        .into_iter()
        .map(|k| json!({"k": k, "s": {"t": [k]}}))
        .collect();
    let lines = ndjson(&docs);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines.as_bytes()).unwrap();
    let gz_path = dir.path().join("in.ndjson.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let array = write(
        dir.path(),
        "in.json",
        &serde_json::to_string_pretty(&Value::Array(docs.clone())).unwrap(),
    );
    let plain = write(dir.path(), "in.ndjson", &lines);
    let expected: Vec<u64> = (0..300).collect();
    for input in [&plain, &gz_path, &array] {
        let back = run(input, &dir.path().join("o.parquet"), &sorted_by("k"));
        let keys: Vec<u64> = back.iter().map(|d| d["k"].as_u64().unwrap()).collect();
        assert_eq!(keys, expected, "{}", input.display());
        assert_eq!(back[7], json!({"k": 7, "s": {"t": [7]}}));
    }
}
