//! `rustparquet schema --format X` for every form, and `convert --schema` reading what it
//! printed: the file written with the printed schema reads back (`cat`) as the input documents.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rustparquet"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs and expects success; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Issue 4's drifting `account_admin`, a renamed key (`ID`/`id`), null, a big integer, `{}`,
/// nested lists of mixed elements, a map-like object, and a nested union three deep.
const DOCS: &str = r#"{"account_admin": "james", "ID": 1, "m": {"k1": 1}}
{"account_admin": 12345, "id": 2, "deep": {"a": {"b": 1}}}
{"account_admin": [12345, 1000], "tags": {"a": 1}, "deep": {"a": {"b": "one"}}}
{"account_admin": ["Timothy", "Carl"], "nothing": null, "deep": {"a": [{"b": true}]}}
{"account_admin": {"primary": "jackie"}, "big": 123456789012345678901234567890}
{"account_admin": {"primary": 100001}, "f": 1.5, "e": {}, "l": [[1, "x", {"z": null}], []]}
{"sp ace.dot`tick": "q'uote", "é": [1.5, 2.5], "m": {"k2": 3}}
"#;

/// The documents with null members removed (`cat` prints missing keys as null).
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        v => v,
    }
}

fn documents(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| without_nulls(serde_json::from_str(l).unwrap()))
        .collect()
}

/// For each form: print the schema, convert with it (`--schema-format` given or detected), and
/// check that `cat` gives the documents and the same output as the inferred conversion.
fn round_trip(docs: &str, forms: &[&str], extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, docs).unwrap();
    let reference = dir.path().join("ref.parquet");
    let mut args = vec!["convert", p(&input), "-o", p(&reference), "-q"];
    args.extend(extra);
    ok(&args);
    let expected = ok(&["cat", p(&reference)]);
    if extra.is_empty() {
        assert_eq!(documents(&expected), documents(docs));
    }
    for (i, form) in forms.iter().enumerate() {
        let mut args = vec!["schema", p(&input), "--format", form];
        args.extend(extra);
        let schema = ok(&args);
        let schema_file = dir.path().join(format!("schema.{form}"));
        std::fs::write(&schema_file, &schema).unwrap();
        let out = dir.path().join(format!("{form}.parquet"));
        let mut args = vec!["convert", p(&input), "-o", p(&out), "-q"];
        args.extend(["--schema", p(&schema_file)]);
        // Every other run names the form; the others detect it.
        if i % 2 == 0 {
            args.extend(["--schema-format", form]);
        }
        ok(&args);
        assert_eq!(ok(&["cat", p(&out)]), expected, "{form}:\n{schema}");
        // The file's stored schema is the one the form described (the message type cannot
        // tell an always-null column from a string one).
        let stored = |f: &Path| ok(&["schema", p(f), "--format", "rustparquet"]);
        let (got, want) = (stored(&out), stored(&reference));
        if *form == "parquet" {
            assert_eq!(
                got,
                want.replace("\"type\": \"null\"", "\"type\": \"string\"")
            );
        } else {
            assert_eq!(got, want, "{form}");
        }
    }
}

#[test]
fn every_form_round_trips_through_convert_schema() {
    round_trip(
        DOCS,
        &["ddl", "spark-json", "json-schema", "rustparquet"],
        &[],
    );
}

#[test]
fn json_text_fields_round_trip_through_the_spark_forms() {
    round_trip(
        DOCS,
        &["ddl", "spark-json", "json-schema", "rustparquet"],
        &["--unions", "string"],
    );
}

#[test]
fn the_parquet_form_round_trips_unions_when_no_key_was_renamed() {
    // The message type has no JSON keys (leave out `ID`/`id`) and no quoting (names are
    // single words).
    let docs = DOCS.replace("\"ID\": 1, ", "").replace("\"id\": 2, ", "");
    let docs = docs.replace("sp ace.dot`tick", "plain");
    round_trip(&docs, &["parquet"], &[]);
}

#[test]
fn tree_is_the_default_and_shows_unions_keys_and_json_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, DOCS).unwrap();
    let tree = ok(&["schema", p(&input)]);
    assert_eq!(
        tree,
        "account_admin: union<long | string | array | object>
  long: int64
  string: string
  array: array<union<long | string>>
    long: int64
    string: string
  object: object
    primary: union<long | string>
      long: int64
      string: string
ID: int64
m: object
  k1: int64
  k2: int64
id_2 (JSON key \"id\"): int64
deep: object
  a: union<array | object>
    array: array<object>
      b: boolean
    object: object
      b: union<long | string>
        long: int64
        string: string
tags: object
  a: int64
nothing: null (always null)
big: decimal(38,0)
f: double
e: object {}
l: array<array<union<long | string | object>>>
  long: int64
  string: string
  object: object
    z: null (always null)
sp ace.dot`tick: string
é: array<double>
"
    );
    let text = ok(&["schema", p(&input), "--unions", "string", "--map", "m"]);
    assert!(
        text.starts_with("account_admin: json (JSON text)\n"),
        "{text}"
    );
    assert!(text.contains("\nm: map<string, int64>\n"), "{text}");
}

#[test]
fn schema_of_parquet_files_is_their_stored_schema_merged() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.ndjson"), dir.path().join("b.ndjson"));
    std::fs::write(&a, "{\"x\": 1, \"y\": \"s\"}\n").unwrap();
    std::fs::write(&b, "{\"x\": \"one\"}\n").unwrap();
    let (pa, pb) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
    ok(&["convert", p(&a), "-o", p(&pa), "-q"]);
    ok(&["convert", p(&b), "-o", p(&pb), "-q"]);
    assert_eq!(
        ok(&["schema", p(&pa), "--format", "ddl"]),
        "x BIGINT,\ny STRING\n"
    );
    assert_eq!(
        ok(&["schema", p(&pa), p(&pb), "--format", "ddl"]),
        "x STRUCT<`long`: BIGINT, `string`: STRING> COMMENT '{\"rustparquet.type\":\"union\"}',\ny STRING\n"
    );
    // A dataset directory stands for its schema (what Spark's mergeSchema reads), not for the
    // merge of its parts.
    let ds = dir.path().join("ds");
    ok(&["convert", p(&a), "--dataset", p(&ds), "-q"]);
    ok(&["convert", p(&b), "--dataset", p(&ds), "-q"]);
    assert_eq!(
        ok(&["schema", p(&ds), "--format", "ddl"]),
        "x BIGINT,\nx__string STRING COMMENT '{\"rustparquet.key\":\"x\"}',\ny STRING\n"
    );
    let o = run(&["schema", p(&pa), p(&a)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "rustparquet: give either JSON inputs or Parquet files and datasets, not both\n"
    );
}

#[test]
fn a_schema_file_converts_between_forms() {
    let dir = tempfile::tempdir().unwrap();
    let ddl = dir.path().join("s.ddl");
    std::fs::write(
        &ddl,
        "id BIGINT NOT NULL, `a b` ARRAY<STRUCT<c: DOUBLE>>, m MAP<STRING, INT>",
    )
    .unwrap();
    let json_schema = ok(&["schema", "--schema", p(&ddl), "--format", "json-schema"]);
    let v: Value = serde_json::from_str(&json_schema).unwrap();
    assert_eq!(v["required"], serde_json::json!(["id"]));
    assert_eq!(
        v["properties"]["a b"]["items"]["properties"]["c"],
        serde_json::json!({"type": ["number", "null"]})
    );
    assert_eq!(
        v["properties"]["m"]["additionalProperties"],
        serde_json::json!({"type": ["integer", "null"]})
    );
    let js = dir.path().join("s.json");
    std::fs::write(&js, &json_schema).unwrap();
    assert_eq!(
        ok(&["schema", "--schema", p(&js), "--format", "ddl"]),
        "id BIGINT NOT NULL,\n`a b` ARRAY<STRUCT<c: DOUBLE>>,\nm MAP<STRING, BIGINT>\n"
    );
}

#[test]
fn bad_schema_files_name_the_file_and_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, "{\"a\": 1}\n").unwrap();
    let out = dir.path().join("out.parquet");
    // What `schema` prints by default, the tree form, is for reading: refused by name.
    let tree = ok(&["schema", p(&input)]);
    let cases = [
        (
            "schema.txt",
            tree.as_str(),
            "this is the tree form (what `rustparquet schema` prints by default), which is for reading only; write the schema with `rustparquet schema --format rustparquet`",
        ),
        (
            "bad.ddl",
            "a BIGINT,\nb STRUCT<c BIGINT",
            "ddl form: line 2, column 18: expected `>`, found the end",
        ),
        (
            "ts.ddl",
            "a TIMESTAMP",
            "ddl form: `a`: Spark type `timestamp` has no rustparquet equivalent",
        ),
        (
            "bad.json",
            r#"{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"not": {}}}}"#,
            "json-schema form: at /properties/b/not: `not` cannot map to a Parquet column",
        ),
        (
            "bad.spark.json",
            r#"{"type": "struct", "fields": [{"name": "a", "type": "binary"}]}"#,
            "spark-json form: `a`: Spark type `binary` has no rustparquet equivalent",
        ),
    ];
    for (name, text, reason) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let o = run(&["convert", p(&input), "-o", p(&out), "--schema", p(&file)]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        let prefix = format!("rustparquet: schema {}: {reason}", file.display());
        assert!(stderr.starts_with(&prefix), "{stderr}\nexpected: {prefix}");
        assert!(!out.exists());
    }
    // The tree is not a schema file.
    let o = run(&[
        "convert",
        p(&input),
        "-o",
        p(&out),
        "--schema",
        p(&input),
        "--schema-format",
        "tree",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
