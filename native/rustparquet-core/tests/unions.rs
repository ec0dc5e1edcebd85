//! End-to-end tests of drifting documents (docs/format.md, unions and maps): JSON with
//! conflicting types in, Parquet out; checked twice, with the `parquet` crate's own record
//! reader (the union group as other readers see it: exactly one member set per value) and with
//! our reader (every value back as it was).

use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_core::infer::{MapRules, UnionMode};
use rustparquet_core::{convert, ConvertOptions};
use serde_json::{json, Value};

mod common;
use common::{column_paths, read_back as ours, without_nulls};

fn write_docs(dir: &Path, name: &str, docs: &[Value]) -> PathBuf {
    let p = dir.join(name);
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&p, text).unwrap();
    p
}

fn convert_docs(docs: &[Value], options: &ConvertOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = write_docs(dir.path(), "in.ndjson", docs);
    let out = dir.path().join("out.parquet");
    convert(&[src.display().to_string()], &out, options).unwrap();
    (dir, out)
}

/// The rows as the `parquet` crate's record API gives them: groups as JSON objects.
fn rows(path: &Path) -> Vec<Value> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| row_json(&r.unwrap()))
        .collect()
}

fn row_json(row: &parquet::record::Row) -> Value {
    Value::Object(
        row.get_column_iter()
            .map(|(k, v)| (k.clone(), field_json(v)))
            .collect(),
    )
}

/// The record API's values as JSON (only the types these tests write).
fn field_json(f: &parquet::record::Field) -> Value {
    use parquet::record::Field as F;
    match f {
        F::Null => Value::Null,
        F::Bool(b) => json!(b),
        F::Long(v) => json!(v),
        F::Double(v) => json!(v),
        F::Str(s) => json!(s),
        F::Group(row) => row_json(row),
        F::ListInternal(list) => Value::Array(list.elements().iter().map(field_json).collect()),
        F::MapInternal(map) => Value::Object(
            map.entries()
                .iter()
                .map(|(k, v)| {
                    (
                        field_json(k).as_str().unwrap_or("?").to_string(),
                        field_json(v),
                    )
                })
                .collect(),
        ),
        other => panic!("unexpected record value {other:?}"),
    }
}

fn account_admin_docs() -> Vec<Value> {
    vec![
        json!({"account_admin": "james"}),
        json!({"account_admin": 12345}),
        json!({"account_admin": [12345, 1000]}),
        json!({"account_admin": ["Timothy", "Carl"]}),
        json!({"account_admin": {"primary": "jackie"}}),
        json!({"account_admin": {"primary": 100001}}),
        json!({"account_admin": null}),
        json!({}),
    ]
}

#[test]
fn account_admin_is_one_union_group_with_one_member_set_per_value() {
    let docs = account_admin_docs();
    let (_dir, out) = convert_docs(&docs, &ConvertOptions::default());
    let got = rows(&out);
    let members = |i: usize| -> Vec<(String, Value)> {
        let group = &got[i]["account_admin"];
        group
            .as_object()
            .unwrap_or_else(|| panic!("row {i}: {group}"))
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(members(0), [("string".into(), json!("james"))]);
    assert_eq!(members(1), [("long".into(), json!(12345))]);
    // The array's elements are themselves a union of long and string.
    assert_eq!(
        members(2),
        [(
            "array".into(),
            json!([{"long": 12345, "string": null}, {"long": 1000, "string": null}])
        )]
    );
    assert_eq!(
        members(3),
        [(
            "array".into(),
            json!([{"long": null, "string": "Timothy"}, {"long": null, "string": "Carl"}])
        )]
    );
    assert_eq!(
        members(4),
        [(
            "object".into(),
            json!({"primary": {"long": null, "string": "jackie"}})
        )]
    );
    assert_eq!(
        members(5),
        [(
            "object".into(),
            json!({"primary": {"long": 100001, "string": null}})
        )]
    );
    // JSON null and a missing key: the whole group is null.
    assert_eq!(got[6]["account_admin"], Value::Null);
    assert_eq!(got[7]["account_admin"], Value::Null);
    // Our reader gives every value back as it was.
    let back = ours(&out);
    let want: Vec<Value> = docs.iter().map(without_nulls).collect();
    assert_eq!(back, want);
}

#[test]
fn unions_nest_three_deep_and_arrays_mix_every_type() {
    let docs = vec![
        json!({"a": "s"}),
        json!({"a": {"b": {"c": 1}}}),
        json!({"a": {"b": {"c": "x"}}}),
        json!({"a": {"b": [{"c": true}, {"c": [1, "y", {"z": null}]}]}}),
        json!({"a": {"b": "flat"}}),
        json!({"mixed": [1, "two", {"three": 3}, [4], null, true, 2.5, [], {}]}),
        json!({"mixed": []}),
        json!({"mixed": [[["deep", 1]]]}),
    ];
    let (_dir, out) = convert_docs(&docs, &ConvertOptions::default());
    let back = ours(&out);
    // int + float in one array is a double (docs/format.md, numbers): 1 comes back as 1.0.
    let mut want: Vec<Value> = docs.iter().map(without_nulls).collect();
    want[5]["mixed"][0] = json!(1.0);
    assert_eq!(back, want);
    // Three unions deep: a → object.b → object.c → array element union.
    let columns = column_paths(&out);
    for expected in [
        "a.string",
        "a.object.b.string",
        "a.object.b.object.c.long",
        "a.object.b.object.c.string",
        "a.object.b.array.list.element.c.boolean",
        "a.object.b.array.list.element.c.array.list.element.long",
        "a.object.b.array.list.element.c.array.list.element.object.z",
        "mixed.list.element.boolean",
        "mixed.list.element.double",
        "mixed.list.element.object.three",
        "mixed.list.element.array.list.element.array.list.element.string",
    ] {
        assert!(
            columns.iter().any(|c| c == expected),
            "{expected} not in {columns:?}"
        );
    }
}

#[test]
fn parallel_and_sequential_unions_agree() {
    // Conflicts that only meet when chunks merge: the first half sees numbers, the second
    // strings and arrays.
    let docs: Vec<Value> = (0..40_000)
        .map(|i| {
            if i < 20_000 {
                json!({"v": i, "tags": [i], "pad": "x".repeat(200)})
            } else {
                json!({"v": format!("s{i}"), "tags": {"k": i}, "pad": "y".repeat(200)})
            }
        })
        .collect();
    let mut outs = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let src = write_docs(dir.path(), "in.ndjson", &docs);
    for threads in [1, 2] {
        let out = dir.path().join(format!("out{threads}.parquet"));
        let options = ConvertOptions {
            threads,
            ..ConvertOptions::default()
        };
        let summary = convert(&[src.display().to_string()], &out, &options).unwrap();
        assert_eq!(summary.parallel, threads > 1);
        outs.push(ours(&out));
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], docs);
}

#[test]
fn string_mode_stores_conflicts_as_json_text_like_spark() {
    let options = ConvertOptions {
        infer: rustparquet_core::infer::InferOptions {
            unions: UnionMode::String,
            ..Default::default()
        },
        ..ConvertOptions::default()
    };
    let (_dir, out) = convert_docs(&account_admin_docs(), &options);
    let got: Vec<Value> = rows(&out)
        .into_iter()
        .map(|r| r["account_admin"].clone())
        .collect();
    assert_eq!(
        got,
        [
            json!("james"),
            json!("12345"),
            json!("[12345,1000]"),
            json!("[\"Timothy\",\"Carl\"]"),
            json!("{\"primary\":\"jackie\"}"),
            json!("{\"primary\":100001}"),
            Value::Null,
            Value::Null,
        ]
    );
}

#[test]
fn error_mode_names_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let src = write_docs(dir.path(), "in.ndjson", &account_admin_docs());
    let out = dir.path().join("out.parquet");
    let options = ConvertOptions {
        infer: rustparquet_core::infer::InferOptions {
            unions: UnionMode::Error,
            ..Default::default()
        },
        ..ConvertOptions::default()
    };
    let err = convert(&[src.display().to_string()], &out, &options).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "`account_admin` is a string at {0}:1:18 but an integer at {0}:2:18",
            src.display()
        )),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn objects_keyed_by_data_become_maps() {
    // 1,500 distinct histogram ids over the documents: more than the default threshold.
    let docs: Vec<Value> = (0..300)
        .map(|i| {
            let mut h = serde_json::Map::new();
            for j in 0..5 {
                h.insert(format!("hist_{}", i * 5 + j), json!(j));
            }
            if i % 50 == 0 {
                h.insert("odd".into(), json!({"sum": 1.5}));
            }
            json!({"id": i, "histograms": h, "config": {"fixed": i}})
        })
        .collect();
    let (_dir, out) = convert_docs(&docs, &ConvertOptions::default());
    let columns = column_paths(&out);
    assert_eq!(
        columns,
        [
            "id",
            "histograms.key_value.key",
            "histograms.key_value.value.long",
            "histograms.key_value.value.object.sum",
            "config.fixed",
        ]
    );
    assert_eq!(ours(&out), docs);
    // --map forces it below the threshold; --map-threshold 0 turns detection off.
    let options = ConvertOptions {
        infer: rustparquet_core::infer::InferOptions {
            maps: MapRules {
                threshold: 0,
                paths: vec!["config".into()],
                ..MapRules::default()
            },
            ..Default::default()
        },
        ..ConvertOptions::default()
    };
    let (_dir2, out) = convert_docs(&docs[..3], &options);
    let reader = SerializedFileReader::new(std::fs::File::open(&out).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr();
    let names: Vec<String> = schema.columns().iter().map(|c| c.path().string()).collect();
    assert!(
        names.contains(&"config.key_value.key".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"histograms.hist_0.long".to_string())
            || names.contains(&"histograms.hist_0".to_string()),
        "{names:?}"
    );
    assert_eq!(ours(&out), docs[..3].to_vec());
}
