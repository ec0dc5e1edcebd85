//! End-to-end tests of the bad-document rule (`bad_document.rs`) and the layouts around it: a
//! document's first JSON fault is its reason in every layout and on both pipelines, a document
//! whose only fault is a number no column holds is skipped in every layout, an unclosed document
//! names the line it started on, and lines that each hold an array of documents convert.

use std::path::{Path, PathBuf};

use rustparquet_core::input::{InputFormat, OnError};
use rustparquet_core::{convert, ConvertOptions, ConvertSummary, Result};
use serde_json::{json, Value};

mod common;
use common::read_back;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn options(threads: usize, on_error: OnError) -> ConvertOptions {
    ConvertOptions {
        threads,
        on_error,
        ..ConvertOptions::default()
    }
}

/// Converts `text` (as file `name`) on one and on two threads; returns the file's name, the
/// summaries (or errors) and the documents written, which must agree between the two.
fn run(
    name: &str,
    text: &str,
    o: impl Fn(usize) -> ConvertOptions,
) -> (String, Result<ConvertSummary>, Vec<Value>) {
    let mut seen: Option<(String, Vec<Value>)> = None;
    let mut last = None;
    for threads in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let src = write(dir.path(), name, text);
        let out = dir.path().join("out.parquet");
        let result = convert(&[src.display().to_string()], &out, &o(threads));
        let docs = if out.exists() {
            read_back(&out)
        } else {
            Vec::new()
        };
        // Paths differ per run: compare the messages with the file name taken out.
        let file = src.display().to_string();
        let outcome = match &result {
            Ok(s) => format!("{} ok {:?}", s.documents, s.first_errors).replace(&file, "F"),
            Err(e) => e.to_string().replace(&file, "F"),
        };
        if let Some((before, before_docs)) = &seen {
            assert_eq!(&outcome, before, "1 and 2 threads disagree");
            assert_eq!(&docs, before_docs, "1 and 2 threads disagree");
        }
        seen = Some((outcome, docs));
        last = Some((file, result));
    }
    let (file, result) = last.unwrap();
    (file, result, seen.unwrap().1)
}

/// Issue 19, item 5: under skip, a document's first fault is its reason.
#[test]
fn skipped_documents_are_reported_by_their_first_fault() {
    let text = "{\"id\": 1, \"a\": 1}\n{\"id\": 6, \"big\": 1e999}\n{\"a\": [1, 2\n{\"id\": 7, \"a\": 2}\n{\"a\": [1, 2";
    let (file, summary, docs) = run("bad.ndjson", text, |t| options(t, OnError::Skip));
    let summary = summary.unwrap();
    assert_eq!((summary.documents, summary.bad_documents), (2, 3));
    assert_eq!(
        summary.first_errors,
        [
            // Not "`big` is not in the schema": the number is the fault (and bad documents
            // add nothing to the schema).
            format!("{file}:2:18: number 1e999 is beyond the range of a double"),
            // Not "`a` is an integer in the schema but an array here".
            format!("{file}:4:1: invalid JSON: expected ',' or ']' after an array element, found '{{' (in the document that starts at line 3)"),
            format!("{file}:5:12: invalid JSON: unexpected end of input inside a value"),
        ]
    );
    assert_eq!(docs, [json!({"id": 1, "a": 1}), json!({"id": 7, "a": 2})]);
}

/// Issue 19, item 7: an unclosed document is found out where the next one starts; the message
/// names the line it started on.
#[test]
fn an_unclosed_document_names_the_line_it_started_on() {
    let text = "{\"a\": 1}\n{\"a\": [1, 2\n{\"a\": 3}\n";
    let (file, err, _) = run("bad.ndjson", text, |t| options(t, OnError::Fail));
    assert_eq!(
        err.unwrap_err().to_string(),
        format!("{file}:3:1: invalid JSON: expected ',' or ']' after an array element, found '{{' (in the document that starts at line 2)")
    );
}

/// Issue 19, item 6: the same rule in the top-level-array layout.
#[test]
fn the_array_layout_judges_and_skips_like_ndjson() {
    // A syntax error is the reason (not "`<document>` is a string"), and it stops the run:
    // the next element cannot be found reliably.
    let (_, err, _) = run("a.json", "[\"bad \\x\", {\"a\": 1}]", |t| {
        options(t, OnError::Skip)
    });
    let err = err.unwrap_err().to_string();
    assert!(err.contains("invalid JSON: invalid escape"), "{err}");
    // A number no column holds is skipped, as in NDJSON, with or without a schema.
    for schema in [None, Some(r#"{"fields":[{"name":"a","type":"int64"}]}"#)] {
        let (file, summary, docs) = run("a.json", "[{\"a\": 1e+1111}, {\"a\": 1}]", |t| {
            let mut o = options(t, OnError::Skip);
            o.schema =
                schema.map(|s| rustparquet_core::schema::Schema::from_json_str(s, None).unwrap());
            o
        });
        let summary = summary.unwrap();
        assert_eq!(
            summary.first_errors,
            [format!(
                "{file}:1:8: number 1e+1111 is beyond the range of a double"
            )]
        );
        assert_eq!(docs, [json!({"a": 1})]);
    }
}

/// Issue 19, item 13: lines that each hold an array of documents (as Spark's and DuckDB's
/// readers take them) convert as those documents under `auto`.
#[test]
fn lines_of_arrays_of_documents_convert_under_auto() {
    let text = "[{\"a\": 1}, {\"a\": 2}]\n[{\"a\": 3}]\n[]\n[{\"a\": 4, \"b\": \"x\"}]\n";
    let (_, summary, docs) = run("lines.json", text, |t| options(t, OnError::Fail));
    assert_eq!(summary.unwrap().documents, 4);
    assert_eq!(
        docs,
        [
            json!({"a": 1}),
            json!({"a": 2}),
            json!({"a": 3}),
            json!({"a": 4, "b": "x"})
        ]
    );
    // The array layout named explicitly is one array.
    let (file, err, _) = run("lines.json", text, |t| ConvertOptions {
        input_format: InputFormat::Array,
        ..options(t, OnError::Fail)
    });
    assert_eq!(
        err.unwrap_err().to_string(),
        format!("{file}:2:1: invalid JSON: unexpected data after the top-level array")
    );
    // After an array of documents, another array: not a bare document.
    let (file, err, _) = run("mixed.json", "[{\"a\": 1}]\n{\"a\": 2}\n", |t| {
        options(t, OnError::Fail)
    });
    assert_eq!(
        err.unwrap_err().to_string(),
        format!("{file}:2:1: invalid JSON: expected another array of documents after a top-level array (docs/format.md, input)")
    );
}
