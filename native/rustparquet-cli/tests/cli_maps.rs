//! Map or struct on a real document (issue 16): Firefox's main telemetry ping, whose
//! `payload.histograms` holds hundreds of histograms keyed by name and each histogram's
//! `values` is keyed by bucket. With the map rule (infer/maps.rs) the file has an order of
//! magnitude fewer columns than with key names as fields, reads back value for value through
//! `cat`, and `schema --explain` says why each path got its form.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rustparquet"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs and expects success; returns (stdout, stderr).
fn ok(args: &[&str]) -> (String, String) {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn main_ping() -> PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    let file = dir.join("json-real/mozilla-telemetry/telemetry/main.4.sample.pass.json");
    assert!(
        file.is_file(),
        "{} not found: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        file.display()
    );
    file
}

/// The column count of the summary line (`... · 1 row group · 107 columns · ...`).
fn columns(summary: &str) -> usize {
    let before = summary
        .split(" columns")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .unwrap_or_else(|| panic!("no column count in {summary:?}"));
    before.replace(',', "").parse().unwrap()
}

/// A document as `cat` gives it back: null members dropped (a missing key and a null are one
/// in Parquet), numbers compared as doubles (integers and floats under one map share a
/// `double` column).
fn normalized(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, normalized(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(normalized).collect()),
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        v => v,
    }
}

#[test]
fn a_telemetry_ping_has_maps_where_keys_are_data_and_reads_back() {
    let input = main_ping();
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("maps.parquet");
    let old = dir.path().join("fields.parquet");
    let i = input.to_str().unwrap();
    let (_, summary) = ok(&["convert", i, "-o", new.to_str().unwrap()]);
    // The old rule: only more than 1,000 distinct keys made a map.
    let (_, old_summary) = ok(&[
        "convert",
        i,
        "-o",
        old.to_str().unwrap(),
        "--map-min-keys",
        "1000000",
    ]);
    let (now, before) = (columns(&summary), columns(&old_summary));
    assert!(
        now * 10 <= before,
        "{now} columns with maps, {before} with key names as fields"
    );
    // Value for value.
    let (back, _) = ok(&["cat", new.to_str().unwrap()]);
    let source: Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    let lines: Vec<Value> = back
        .lines()
        .map(|l| normalized(serde_json::from_str(l).unwrap()))
        .collect();
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0] == normalized(source),
        "cat differs from the source document"
    );
}

#[test]
fn schema_explain_says_why_each_path_got_its_form() {
    let input = main_ping();
    let (table, _) = ok(&["schema", "--explain", input.to_str().unwrap()]);
    let line = |path: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(path))
            .unwrap_or_else(|| panic!("no line for {path} in\n{table}"))
            .to_string()
    };
    assert!(table.starts_with("PATH "), "{table}");
    let histograms = line("payload.histograms");
    assert!(
        histograms.contains(" map ") && histograms.contains("at least 200 distinct keys"),
        "{histograms}"
    );
    let buckets = line("payload.histograms.*.values");
    assert!(
        buckets.contains(" map ") && buckets.contains("of the keys look like data"),
        "{buckets}"
    );
    let info = line("payload.info");
    assert!(
        info.contains(" struct ") && info.contains("distinct keys, fewer than 20"),
        "{info}"
    );
    // Without --explain, the schema as before: a tree.
    let (tree, _) = ok(&["schema", input.to_str().unwrap()]);
    assert!(!tree.contains("WHY"));
    assert!(tree.contains("histograms"));
}
