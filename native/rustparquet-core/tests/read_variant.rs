//! Reading `VARIANT` columns: the shared copies of apache/parquet-testing's `variant/` and
//! `shredded_variant/`, and the files Spark 4.3 wrote (`spark4-variant/`).
//!
//! * every `variant/` pair decodes, to the type its name says and the JSON of
//!   `data_dictionary.json` (temporal types in Spark's `to_json` form, spelled out below);
//! * every case of `shredded_variant/cases.json`: the variant we rebuild from `var` equals the
//!   one in the case's `.variant.bin` (types included), `cat` prints that variant's JSON, and
//!   each error case is refused with an error, never a panic;
//! * Spark's files through `cat` equal the expected JSON (or, where Spark's own `to_json` is
//!   the only reference, the same data in its unshredded and shredded layouts agree).
//!
//! Test data: `$RUSTPARQUET_TESTDATA`, else `$RUSTPARQUET_SHARED/testdata`, else
//! `../../../shared/testdata` from this crate.

use std::path::{Path, PathBuf};

use rustparquet_core::assemble::NonFinite;
use rustparquet_core::read::variant::read_variant_column;
use rustparquet_core::read::{self, ReadOptions};
use rustparquet_core::variant::to_json::to_json_string;
use rustparquet_core::variant::Variant;
use serde_json::Value;

fn testdata() -> PathBuf {
    let dir = match (
        std::env::var_os("RUSTPARQUET_TESTDATA"),
        std::env::var_os("RUSTPARQUET_SHARED"),
    ) {
        (Some(d), _) => PathBuf::from(d),
        (None, Some(s)) => PathBuf::from(s).join("testdata"),
        (None, None) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("parquet-testing").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        dir.display()
    );
    dir
}

/// A variant's text with its types, objects by key: two variants are equal when these are.
/// Short and long strings are one type (the spec's logical string).
fn typed(v: &Variant<'_, '_>) -> String {
    match v {
        Variant::Object(o) => {
            let mut fields: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", typed(&v)))
                .collect();
            fields.sort();
            format!("{{{}}}", fields.join(", "))
        }
        Variant::List(l) => format!(
            "[{}]",
            l.iter().map(|v| typed(&v)).collect::<Vec<_>>().join(", ")
        ),
        Variant::ShortString(s) => format!("String({:?})", s.as_str()),
        other => format!("{other:?}"),
    }
}

fn json(v: &Variant<'_, '_>) -> String {
    to_json_string(v, NonFinite::Null)
}

/// Splits a `.variant.bin` (metadata bytes, then value bytes) where the metadata ends.
fn split_variant_bin(bytes: &[u8]) -> (&[u8], &[u8]) {
    let header = bytes[0];
    let width = ((header >> 6) & 3) as usize + 1;
    let read = |at: usize| -> usize {
        let mut v = 0usize;
        for (i, b) in bytes[at..at + width].iter().enumerate() {
            v |= (*b as usize) << (8 * i);
        }
        v
    };
    let dict = read(1);
    let strings = read(1 + width + dict * width);
    let end = 1 + width + (dict + 1) * width + strings;
    bytes.split_at(end)
}

#[test]
fn every_variant_primitive_decodes_to_its_type_and_json() {
    let dir = testdata().join("parquet-testing/variant");
    let dictionary = std::fs::read_to_string(dir.join("data_dictionary.json")).unwrap();
    // Upstream's file ends its object with a trailing comma.
    let dictionary = dictionary.trim_end().trim_end_matches('}').trim_end();
    let dictionary = format!("{}}}", dictionary.trim_end_matches(','));
    let expected: serde_json::Map<String, Value> = serde_json::from_str(&dictionary).unwrap();
    // Where the dictionary's text is not what `to_json` prints (Spark's form, in UTC).
    let spark_form = [
        ("primitive_timestamp", "\"2025-04-16 16:34:56.78+00:00\""),
        ("primitive_timestampntz", "\"2025-04-16 12:34:56.78\""),
        (
            "primitive_timestamp_nanos",
            "\"2024-11-07 12:33:54.123456789+00:00\"",
        ),
        (
            "primitive_timestampntz_nanos",
            "\"2024-11-07 12:33:54.123456789\"",
        ),
        ("primitive_time", "\"12:33:54.123456\""),
        // Spark's to_json strips a decimal's trailing fraction zeros (`.90` → `.9`).
        ("primitive_decimal16", "12345678912345678.9"),
    ];
    let types = [
        ("primitive_binary", "Binary"),
        ("primitive_boolean_false", "BooleanFalse"),
        ("primitive_boolean_true", "BooleanTrue"),
        ("primitive_date", "Date"),
        ("primitive_decimal4", "Decimal4"),
        ("primitive_decimal8", "Decimal8"),
        ("primitive_decimal16", "Decimal16"),
        ("primitive_double", "Double"),
        ("primitive_float", "Float"),
        ("primitive_int8", "Int8"),
        ("primitive_int16", "Int16"),
        ("primitive_int32", "Int32"),
        ("primitive_int64", "Int64"),
        ("primitive_null", "Null"),
        ("primitive_string", "String"),
        ("short_string", "String"),
        ("primitive_time", "Time"),
        ("primitive_timestamp", "TimestampMicros"),
        ("primitive_timestampntz", "TimestampNtzMicros"),
        ("primitive_timestamp_nanos", "TimestampNanos"),
        ("primitive_timestampntz_nanos", "TimestampNtzNanos"),
        ("primitive_uuid", "Uuid"),
        ("array_empty", "["),
        ("object_empty", "{"),
    ];
    let mut decoded = 0;
    for (name, want) in &expected {
        let metadata = std::fs::read(dir.join(format!("{name}.metadata"))).unwrap();
        let value = std::fs::read(dir.join(format!("{name}.value"))).unwrap();
        let v = Variant::try_new(&metadata, &value)
            .unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
        if let Some((_, t)) = types.iter().find(|(n, _)| n == name) {
            assert!(typed(&v).starts_with(t), "{name}: {}", typed(&v));
        }
        let got = json(&v);
        match spark_form.iter().find(|(n, _)| n == name) {
            Some((_, text)) => assert_eq!(got, *text, "{name}"),
            None => {
                let got: Value = serde_json::from_str(&got)
                    .unwrap_or_else(|e| panic!("{name}: invalid JSON {e}: {got}"));
                let same = match (&got, want) {
                    // The dictionary writes the float widened to a double.
                    (Value::Number(a), Value::Number(b)) if name == "primitive_float" => {
                        a.as_f64().map(|a| a as f32) == b.as_f64().map(|b| b as f32)
                    }
                    (a, b) => a == b,
                };
                assert!(same, "{name}: got {got}, expected {want}");
            }
        }
        decoded += 1;
    }
    let pairs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".metadata"))
        })
        .count();
    // The one pair the dictionary does not list.
    let metadata = std::fs::read(dir.join("long_string.metadata")).unwrap();
    let value = std::fs::read(dir.join("long_string.value")).unwrap();
    let v = Variant::try_new(&metadata, &value).unwrap();
    assert!(typed(&v).starts_with("String("), "{}", typed(&v));
    assert!(json(&v).len() > 64, "{}", json(&v));
    assert_eq!(
        decoded + 1,
        pairs,
        "a new pair in variant/ needs a check here"
    );
    assert_eq!(pairs, 29);
}

#[test]
fn every_shredded_variant_case_reads_as_expected() {
    let dir = testdata().join("parquet-testing/shredded_variant");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let (mut passed, mut total, mut refused) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let number = case["case_number"].as_u64().unwrap();
        let Some(file) = case["parquet_file"].as_str() else {
            continue; // Upstream lists a number without a case.
        };
        total += 1;
        let path = dir.join(file);
        let rows = read_variant_column(&path, "var");
        let text = read::to_ndjson_string(&path, &ReadOptions::default());
        if let Some(message) = case["error_message"].as_str() {
            match (rows, text) {
                (Err(a), Err(b)) => {
                    assert!(
                        a.to_string().contains(file) && b.to_string().contains(file),
                        "case {number}: the error names the file: {a} / {b}"
                    );
                    refused += 1;
                    passed += 1;
                }
                (a, b) => failures.push(format!(
                    "case {number} ({}): expected an error like {message:?}, got {:?} / {:?}",
                    case["test"],
                    a.map(|r| r.len()),
                    b.map(|t| t.len())
                )),
            }
            continue;
        }
        let files: Vec<Option<String>> = match (&case["variant_file"], &case["variant_files"]) {
            (Value::String(f), _) => vec![Some(f.clone())],
            (_, Value::Array(fs)) => fs.iter().map(|f| f.as_str().map(String::from)).collect(),
            _ => panic!("case {number}: no expected variant"),
        };
        let (rows, text) = match (rows, text) {
            (Ok(r), Ok(t)) => (r, t),
            (r, t) => {
                failures.push(format!(
                    "case {number} ({}): {:?} / {:?}",
                    case["test"],
                    r.err().map(|e| e.to_string()),
                    t.err().map(|e| e.to_string())
                ));
                continue;
            }
        };
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut ok = rows.len() == files.len() && lines.len() == files.len();
        if !ok {
            failures.push(format!(
                "case {number}: {} rows read, {} expected",
                rows.len(),
                files.len()
            ));
            continue;
        }
        for (i, (expected_file, row)) in files.iter().zip(&rows).enumerate() {
            let expected_bytes = expected_file
                .as_ref()
                .map(|f| std::fs::read(dir.join(f)).unwrap());
            let expected = expected_bytes.as_ref().map(|b| {
                let (m, v) = split_variant_bin(b);
                Variant::try_new(m, v).unwrap_or_else(|e| panic!("case {number}: {e}"))
            });
            let got = row.as_ref().map(|(m, v)| Variant::try_new(m, v).unwrap());
            let (want_typed, got_typed) = (expected.as_ref().map(typed), got.as_ref().map(typed));
            // `cat` prints the same variant as JSON (a null column as null).
            let want_json: Value = match &expected {
                Some(v) => serde_json::from_str(&json(v)).unwrap(),
                None => Value::Null,
            };
            if want_typed != got_typed || lines[i]["var"] != want_json {
                ok = false;
                failures.push(format!(
                    "case {number} ({}) row {i}: expected {want_typed:?}, rebuilt {got_typed:?}, cat {}",
                    case["test"], lines[i]["var"]
                ));
            }
        }
        if ok {
            passed += 1;
        }
    }
    eprintln!("shredded_variant conformance: {passed} / {total} cases passed ({refused} refused as invalid)");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!((passed, total, refused), (137, 137, 6));
}

fn spark4(name: &str) -> PathBuf {
    testdata().join("spark4-variant").join(name)
}

fn cat_lines(path: &Path) -> Vec<Value> {
    read::to_ndjson_string(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn spark4_shredded_variant_reads_as_its_json() {
    let got = cat_lines(&spark4("shredded-default-spark430.parquet"));
    let expected: Vec<Value> =
        std::fs::read_to_string(spark4("shredded-default-spark430.expected.ndjson"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(got.len(), 1000);
    // The expected file was computed from the expression, where `c.d` is a double (`3.0`);
    // in the variant it is a decimal, which Spark's to_json (and cat) print as `3`: compare
    // numbers by value.
    assert_eq!(numbers_as_f64(&got), numbers_as_f64(&expected));
}

fn numbers_as_f64(rows: &[Value]) -> Vec<Value> {
    fn walk(v: &Value) -> Value {
        match v {
            Value::Number(n) => serde_json::json!(n.as_f64()),
            Value::Array(a) => Value::Array(a.iter().map(walk).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), walk(v))).collect())
            }
            other => other.clone(),
        }
    }
    rows.iter().map(walk).collect()
}

#[test]
fn spark4_unshredded_and_force_shredded_layouts_give_the_same_json() {
    let plain = cat_lines(&spark4("unshredded-mixed-spark430.parquet"));
    let shredded = cat_lines(&spark4("forced-schema-a-int-b-string-spark430.parquet"));
    assert_eq!(plain.len(), 8);
    assert_eq!(plain, shredded);
    for row in &plain {
        // The same variant at the top and inside a struct.
        assert_eq!(row["v"], row["st"]["nested_v"], "{row}");
        assert!(
            !row["v"].is_object() || !row["v"].get("metadata").is_some(),
            "{row}"
        );
    }
}
