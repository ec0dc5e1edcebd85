//! JSON conformance: every file of JSONTestSuite's `test_parsing/` (318: `y_` must be accepted,
//! `n_` rejected, `i_` either) goes through `convert` on both pipelines (one thread, and the
//! parallel one), and what converts is read back with our reader and compared with serde_json's
//! reading of the same bytes. Each file is also tried wrapped as the value of a member,
//! `{"v": <file>}`, because a document must be an object (docs/format.md, "top-level values")
//! and most of the suite's files are scalars or arrays: the wrapping is what puts their strings
//! and numbers through the parser. The outcome of every `i_` file is the table [`I_OUTCOMES`]
//! (also in docs/errors.md). Data: tests/data/jsontestsuite, a copy of
//! ../shared/testdata/jsontestsuite (MIT, nst/JSONTestSuite @ 1ef36fa0).

use std::path::{Path, PathBuf};

use rustparquet_core::json::Parser;
use rustparquet_core::read::{to_ndjson_string, ReadOptions};
use rustparquet_core::{convert, ConvertOptions, Error};
use serde_json::Value;

fn suite() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/jsontestsuite/test_parsing");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 318, "the suite has 318 files");
    files
}

fn of_kind<'a>(files: &'a [(String, Vec<u8>)], prefix: &str) -> Vec<&'a (String, Vec<u8>)> {
    files
        .iter()
        .filter(|(n, _)| n.starts_with(prefix))
        .collect()
}

/// `{"v":<bytes>}` and a newline.
fn wrapped(bytes: &[u8]) -> Vec<u8> {
    let mut w = b"{\"v\":".to_vec();
    w.extend_from_slice(bytes);
    w.extend_from_slice(b"}\n");
    w
}

/// Converts `bytes` (written to `dir/name.json`) with `threads` threads; on success returns the
/// documents read back.
fn run(dir: &Path, name: &str, bytes: &[u8], threads: usize) -> Result<Vec<Value>, Error> {
    let src = dir.join(format!("{name}.json"));
    std::fs::write(&src, bytes).unwrap();
    let out = dir.join(format!("{name}.{threads}.parquet"));
    let options = ConvertOptions {
        threads,
        ..ConvertOptions::default()
    };
    match convert(&[src.display().to_string()], &out, &options) {
        Ok(summary) => {
            let text = to_ndjson_string(&out, &ReadOptions::default()).unwrap();
            let docs: Vec<Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(docs.len() as u64, summary.documents, "{name}");
            Ok(docs)
        }
        Err(e) => {
            assert!(!out.exists(), "{name}: a failed run left {}", out.display());
            Err(e)
        }
    }
}

/// Converts with one thread and with two; both pipelines must agree.
fn run_both(dir: &Path, name: &str, bytes: &[u8]) -> Result<Vec<Value>, Error> {
    let one = run(dir, name, bytes, 1);
    let two = run(dir, name, bytes, 2);
    match (&one, &two) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}: the pipelines disagree"),
        (Err(a), Err(b)) => assert_eq!(
            a.to_string(),
            b.to_string(),
            "{name}: the pipelines disagree"
        ),
        _ => panic!("{name}: one thread gives {one:?}, two give {two:?}"),
    }
    two
}

/// The error names the file, a line and a column, and its message starts with them.
fn assert_located(name: &str, dir: &Path, err: &Error) {
    let at = err
        .location()
        .unwrap_or_else(|| panic!("{name}: no location in `{err}`"));
    let file = dir.join(format!("{name}.json")).display().to_string();
    assert_eq!(&*at.file, file, "{name}");
    assert!(at.line >= 1 && at.column >= 1, "{name}: {at}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{file}:{}:{}: ", at.line, at.column)),
        "{name}: `{text}`"
    );
}

/// Numbers compare by value (`-0` is an integer to us and a float to serde_json; a 30-digit
/// integer is exact to us and a double to serde_json); everything else exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What serde_json (the oracle) reads from the file: one value, a leading BOM allowed as our
/// input layer allows it.
fn oracle(bytes: &[u8]) -> Option<Value> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(body).ok()
}

/// Whether some array in `v` holds values of more than one JSON type (numbers are one type):
/// schema inference reports those as a type conflict (docs/format.md), unless it has a union
/// for them.
fn has_mixed_array(v: &Value) -> bool {
    let kind = |v: &Value| match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    };
    match v {
        Value::Array(a) => {
            let kinds: std::collections::BTreeSet<_> =
                a.iter().filter(|v| !v.is_null()).map(kind).collect();
            kinds.len() > 1 || a.iter().any(has_mixed_array)
        }
        Value::Object(m) => m.values().any(has_mixed_array),
        _ => false,
    }
}

/// Whether `bytes` is one JSON text to the pull parser alone (after whitespace, one value, then
/// only whitespace).
fn parser_accepts(bytes: &[u8]) -> bool {
    let mut p = Parser::new(bytes, 0, 128);
    p.skip_whitespace();
    p.skip_value().is_ok() && p.at_end()
}

/// `n_` files that are an empty stream of documents (nothing, a space, a BOM): as NDJSON they
/// hold zero documents and convert to a file of zero rows (docs/errors.md). Wrapped, or to the
/// parser as one JSON text, they are rejected.
const EMPTY_STREAMS: &[&str] = &[
    "n_single_space",
    "n_structure_UTF8_BOM_no_data",
    "n_structure_no_data",
    // Two empty arrays of documents, one after the other: lines of arrays (docs/format.md).
    "n_structure_double_array",
];

#[test]
fn every_n_file_is_rejected_naming_file_line_and_column() {
    let files = suite();
    let n = of_kind(&files, "n_");
    assert_eq!(n.len(), 188);
    let dir = tempfile::tempdir().unwrap();
    let mut rejected = 0;
    for (name, bytes) in n {
        assert!(!parser_accepts(bytes), "{name}: the parser accepts it");
        assert!(oracle(bytes).is_none(), "{name}: serde_json accepts it");
        match run_both(dir.path(), name, bytes) {
            Ok(docs) => {
                assert!(
                    EMPTY_STREAMS.contains(&name.as_str()) && docs.is_empty(),
                    "{name} was accepted: {docs:?}"
                );
            }
            Err(e) => {
                assert!(!EMPTY_STREAMS.contains(&name.as_str()), "{name}: {e}");
                assert_located(name, dir.path(), &e);
                rejected += 1;
            }
        }
        let wname = format!("wrapped_{name}");
        let e = run_both(dir.path(), &wname, &wrapped(bytes))
            .expect_err(&format!("{wname} was accepted"));
        assert_located(&wname, dir.path(), &e);
    }
    assert_eq!(rejected, 188 - EMPTY_STREAMS.len());
}

#[test]
fn every_y_file_converts_or_is_refused_as_a_non_object_and_round_trips_wrapped() {
    let files = suite();
    let y = of_kind(&files, "y_");
    assert_eq!(y.len(), 95);
    let dir = tempfile::tempdir().unwrap();
    let (mut objects, mut arrays_of_objects, mut refused, mut conflicts) = (0, 0, 0, 0);
    for (name, bytes) in y {
        assert!(parser_accepts(bytes), "{name}: the parser rejects it");
        let expected = oracle(bytes).unwrap_or_else(|| panic!("{name}: serde_json rejects it"));
        // As a file of documents.
        let got = run_both(dir.path(), name, bytes);
        match &expected {
            Value::Object(_) => {
                let docs = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(docs.len(), 1, "{name}");
                assert!(same(&docs[0], &expected), "{name}: {docs:?} != {expected}");
                objects += 1;
            }
            // `auto` reads a file starting with `[` as an array of documents.
            Value::Array(elements) if elements.iter().all(Value::is_object) => {
                let docs = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(docs.len(), elements.len(), "{name}");
                for (d, e) in docs.iter().zip(elements) {
                    assert!(same(d, e), "{name}: {d} != {e}");
                }
                arrays_of_objects += 1;
            }
            _ => {
                let e = got.expect_err(&format!("{name}: a non-object was accepted"));
                assert_located(name, dir.path(), &e);
                assert!(
                    e.to_string()
                        .contains("each document must be a JSON object"),
                    "{name}: {e}"
                );
                refused += 1;
            }
        }
        // Wrapped: every value comes back as it was.
        let wname = format!("wrapped_{name}");
        let want = serde_json::json!({ "v": expected });
        match run_both(dir.path(), &wname, &wrapped(bytes)) {
            Ok(docs) => {
                assert_eq!(docs.len(), 1, "{wname}");
                assert!(same(&docs[0], &want), "{wname}: {} != {want}", docs[0]);
            }
            Err(e @ Error::Conflict { .. }) if has_mixed_array(&expected) => {
                assert!(e.to_string().contains("`v[]`"), "{wname}: {e}");
                conflicts += 1;
            }
            Err(e) => panic!("{wname}: {e}"),
        }
    }
    assert_eq!(objects + arrays_of_objects + refused, 95);
    assert!(objects >= 12, "{objects} objects");
    assert!(conflicts <= 1, "{conflicts} conflicts");
}

/// How an `i_` file (implementation-defined) ends.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// Converted; the value reads back as serde_json reads it (or as stated in docs/errors.md).
    Accept,
    /// Refused with an error naming file, line and column whose message contains this.
    Reject(&'static str),
}
use Outcome::{Accept, Reject};

const NOT_OBJECT: &str = "each document must be a JSON object";
const LONE_SURROGATE: &str = "invalid JSON: lone surrogate in a \\u escape";
const BAD_UTF8: &str = "invalid JSON: invalid UTF-8";
const NOT_JSON: &str = "invalid JSON: expected a value";
const BEYOND_DOUBLE: &str = "is beyond the range of a double";

/// Every `i_` file: (name, as a file of documents, wrapped as `{"v": ...}`). Also in
/// docs/errors.md, "JSON conformance".
const I_OUTCOMES: &[(&str, Outcome, Outcome)] = &[
    // Underflow rounds to the nearest double (0.0); overflow is refused, never infinity. A
    // document's first fault is its reason (docs/errors.md): an unreadable number comes before
    // the document not being an object.
    ("i_number_double_huge_neg_exp", Reject(NOT_OBJECT), Accept),
    (
        "i_number_huge_exp",
        Reject(BEYOND_DOUBLE),
        Reject(BEYOND_DOUBLE),
    ),
    (
        "i_number_neg_int_huge_exp",
        Reject(BEYOND_DOUBLE),
        Reject(BEYOND_DOUBLE),
    ),
    (
        "i_number_pos_double_huge_exp",
        Reject(BEYOND_DOUBLE),
        Reject(BEYOND_DOUBLE),
    ),
    (
        "i_number_real_neg_overflow",
        Reject(BEYOND_DOUBLE),
        Reject(BEYOND_DOUBLE),
    ),
    (
        "i_number_real_pos_overflow",
        Reject(BEYOND_DOUBLE),
        Reject(BEYOND_DOUBLE),
    ),
    ("i_number_real_underflow", Reject(NOT_OBJECT), Accept),
    // Integers beyond int64 are exact up to 38 digits (DECIMAL(38,0)), refused beyond.
    ("i_number_too_big_neg_int", Reject(NOT_OBJECT), Accept),
    ("i_number_too_big_pos_int", Reject(NOT_OBJECT), Accept),
    (
        "i_number_very_big_negative_int",
        Reject("is beyond decimal(38,0)"),
        Reject("is beyond decimal(38,0)"),
    ),
    // A Parquet STRING must be valid UTF-8: lone surrogates and invalid bytes are refused.
    (
        "i_object_key_lone_2nd_surrogate",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_1st_surrogate_but_2nd_missing",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_1st_valid_surrogate_2nd_invalid",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    // UTF-16 input is not read (RFC 8259: JSON exchanged between systems is UTF-8).
    (
        "i_string_UTF-16LE_with_BOM",
        Reject(NOT_JSON),
        Reject(NOT_JSON),
    ),
    (
        "i_string_UTF-8_invalid_sequence",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_UTF8_surrogate_U+D800",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_incomplete_surrogate_and_escape_valid",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_incomplete_surrogate_pair",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_incomplete_surrogates_escape_valid",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_invalid_lonely_surrogate",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_invalid_surrogate",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    ("i_string_invalid_utf-8", Reject(BAD_UTF8), Reject(BAD_UTF8)),
    (
        "i_string_inverted_surrogates_U+1D11E",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    ("i_string_iso_latin_1", Reject(BAD_UTF8), Reject(BAD_UTF8)),
    (
        "i_string_lone_second_surrogate",
        Reject(LONE_SURROGATE),
        Reject(LONE_SURROGATE),
    ),
    (
        "i_string_lone_utf8_continuation_byte",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_not_in_unicode_range",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_overlong_sequence_2_bytes",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_overlong_sequence_6_bytes",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_overlong_sequence_6_bytes_null",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_truncated-utf-8",
        Reject(BAD_UTF8),
        Reject(BAD_UTF8),
    ),
    (
        "i_string_utf16BE_no_BOM",
        Reject(NOT_JSON),
        Reject(NOT_JSON),
    ),
    (
        "i_string_utf16LE_no_BOM",
        Reject(NOT_JSON),
        Reject(NOT_JSON),
    ),
    // 500 levels: beyond the default --max-depth of 128 (it converts with --max-depth 501,
    // see `i_structure_500_nested_arrays_converts_with_a_higher_max_depth`).
    (
        "i_structure_500_nested_arrays",
        Reject("nested deeper than 128 levels"),
        Reject("nested deeper than 128 levels"),
    ),
    // A leading byte order mark is skipped; inside a document it is not JSON.
    (
        "i_structure_UTF-8_BOM_empty_object",
        Accept,
        Reject(NOT_JSON),
    ),
];

fn check_outcome(dir: &Path, name: &str, bytes: &[u8], want: Outcome, expected: Option<Value>) {
    match (want, run_both(dir, name, bytes)) {
        (Accept, Ok(docs)) => {
            let expected = expected.unwrap_or_else(|| panic!("{name}: serde_json rejects it"));
            assert_eq!(docs.len(), 1, "{name}");
            assert!(
                same(&docs[0], &expected),
                "{name}: {} != {expected}",
                docs[0]
            );
        }
        (Reject(reason), Err(e)) => {
            assert_located(name, dir, &e);
            assert!(
                e.to_string().contains(reason),
                "{name}: `{e}` lacks `{reason}`"
            );
        }
        (want, got) => panic!("{name}: expected {want:?}, got {got:?}"),
    }
}

#[test]
fn every_i_file_has_its_documented_outcome() {
    let files = suite();
    let i = of_kind(&files, "i_");
    assert_eq!(i.len(), 35);
    assert_eq!(I_OUTCOMES.len(), 35);
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in i {
        let &(_, raw, wrap) = I_OUTCOMES
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is not in I_OUTCOMES"));
        check_outcome(dir.path(), name, bytes, raw, oracle(bytes));
        let expected = oracle(bytes).map(|v| serde_json::json!({ "v": v }));
        check_outcome(
            dir.path(),
            &format!("wrapped_{name}"),
            &wrapped(bytes),
            wrap,
            expected,
        );
    }
}

#[test]
fn i_structure_500_nested_arrays_converts_with_a_higher_max_depth() {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/jsontestsuite/test_parsing/i_structure_500_nested_arrays.json");
    let bytes = std::fs::read(path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("deep.json");
    std::fs::write(&src, wrapped(&bytes)).unwrap();
    let out = dir.path().join("deep.parquet");
    let options = ConvertOptions {
        max_depth: 501,
        ..ConvertOptions::default()
    };
    convert(&[src.display().to_string()], &out, &options).unwrap();
    // Read back on threads sized for its 1,003 Parquet levels (a 2 MiB stack overflowed).
    let text = to_ndjson_string(&out, &ReadOptions::default()).unwrap();
    // (Deeper than serde_json's recursion limit: compared as text, the file has no spaces.)
    let inner = String::from_utf8(bytes).unwrap();
    assert_eq!(inner.trim().len(), 1000);
    assert_eq!(text, format!("{{\"v\":{}}}\n", inner.trim()));
}
