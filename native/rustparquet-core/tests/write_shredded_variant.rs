//! Writing shredded `VARIANT` columns (`--variant-shredding auto`, the default): each row read
//! back equal to the unshredded encoding of its JSON (integer widths aside: a shredded integer
//! is an int64, the same exact number), whatever went to `typed_value` and whatever stayed in
//! `value` (late types, JSON null vs missing, nested objects, arrays of objects, residual
//! fields); the footer's layout; values that fit their typed column really land there; `none`
//! writes the unshredded layout; and a property test over random documents.

mod common;

use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use proptest::prelude::*;
use rustparquet_core::convert::{convert, ConvertOptions};
use rustparquet_core::infer::{InferOptions, Share, Shredding, ShreddingMode, VariantRules};
use rustparquet_core::json::Parser;
use rustparquet_core::read::variant::read_variant_column;
use rustparquet_core::variant::{from_json, Variant};

fn options(paths: &[&str], shredding: Shredding) -> ConvertOptions {
    ConvertOptions {
        infer: InferOptions {
            variants: VariantRules {
                paths: paths.iter().map(|p| p.to_string()).collect(),
                shredding,
            },
            ..InferOptions::default()
        },
        ..ConvertOptions::default()
    }
}

/// Shred everything stable, however rare.
fn eager() -> Shredding {
    Shredding {
        min_share: Share(0.0),
        ..Shredding::default()
    }
}

fn run(lines: &[&str], options: &ConvertOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out.parquet");
    convert(&[src.display().to_string()], &out, options).unwrap();
    (dir, out)
}

/// A variant as text with its types, integers of any width as one exact integer.
fn canon(v: &Variant<'_, '_>) -> String {
    match v {
        Variant::Int8(i) => format!("int({i})"),
        Variant::Int16(i) => format!("int({i})"),
        Variant::Int32(i) => format!("int({i})"),
        Variant::Int64(i) => format!("int({i})"),
        Variant::ShortString(s) => format!("str({:?})", s.as_str()),
        Variant::String(s) => format!("str({s:?})"),
        Variant::Object(o) => {
            let fields: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", canon(&v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Variant::List(l) => {
            let items: Vec<String> = l.iter().map(|v| canon(&v)).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// The variant JSON text encodes to (unshredded), as [`canon`] prints it.
fn encoded(json: &str) -> String {
    let (m, v) = from_json::encode(&mut Parser::new(json.as_bytes(), 0, 64)).unwrap();
    canon(&Variant::try_new(&m, &v).unwrap())
}

/// Each row of variant column `column`, as [`canon`] prints it (`None` where it is null).
fn column(path: &Path, column: &str) -> Vec<Option<String>> {
    read_variant_column(path, column)
        .unwrap()
        .into_iter()
        .map(|row| row.map(|(m, v)| canon(&Variant::try_new(&m, &v).unwrap())))
        .collect()
}

/// Null count of each leaf column (first row group), by Parquet path.
fn nulls(path: &Path) -> Vec<(String, i64)> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let rg = reader.metadata().row_group(0);
    rg.columns()
        .iter()
        .map(|c| {
            let n = c
                .statistics()
                .and_then(|s| s.null_count_opt())
                .map(|n| n as i64)
                .unwrap_or(-1);
            (c.column_path().string(), n)
        })
        .collect()
}

fn nulls_of(path: &Path, column: &str) -> i64 {
    nulls(path)
        .into_iter()
        .find(|(c, _)| c == column)
        .unwrap_or_else(|| panic!("no column {column}: {:?}", nulls(path)))
        .1
}

#[test]
fn objects_shred_their_stable_fields_and_keep_the_rest_in_value() {
    let docs = [
        r#"{"id": 1, "p": {"a": 1, "b": "x", "c": 1.5, "n": {"x": true, "y": [1, "two"]}}}"#,
        r#"{"id": 2, "p": {"a": 2, "b": "y", "extra": {"deep": [null]}, "n": {"x": false}}}"#,
        r#"{"id": 3, "p": {"a": null, "b": "z"}}"#,
        r#"{"id": 4, "p": {}}"#,
        r#"{"id": 5, "p": null}"#,
        r#"{"id": 6}"#,
        r#"{"id": 7, "p": {"a": 3000000000, "n": {}}}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["p"], eager()));
    assert_eq!(
        common::column_paths(&out),
        [
            "id",
            "p.metadata",
            "p.value",
            "p.typed_value.a.value",
            "p.typed_value.a.typed_value",
            "p.typed_value.b.value",
            "p.typed_value.b.typed_value",
            "p.typed_value.n.value",
            "p.typed_value.n.typed_value.x.value",
            "p.typed_value.n.typed_value.x.typed_value",
        ]
    );
    let mut want: Vec<Option<String>> = docs[..5]
        .iter()
        .map(|d| {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            Some(encoded(&v["p"].to_string()))
        })
        .collect();
    want.push(None);
    want.push(Some(encoded(r#"{"a": 3000000000, "n": {}}"#)));
    assert_eq!(column(&out, "p"), want);
    // Every `a` and `b` that is an integer or a string is in its typed column: `a`'s value
    // holds only the JSON null (row 3); `b`'s value nothing.
    assert_eq!(nulls_of(&out, "p.typed_value.a.value"), 7 - 1);
    assert_eq!(nulls_of(&out, "p.typed_value.b.value"), 7);
    // `a` is missing in rows 4, 5 (null p), 6 (missing p): both columns null.
    assert_eq!(nulls_of(&out, "p.typed_value.a.typed_value"), 4);
    // The residual: `c`, `extra` (rows 1, 2) and p = null (row 5) only.
    assert_eq!(nulls_of(&out, "p.value"), 7 - 3);
    // Back to JSON, as the documents were: inside a variant a null member stays (and a
    // null variant is a variant null), unlike in typed columns.
    let back = common::read_back(&out);
    let want: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(back, want);
}

#[test]
fn a_type_appearing_late_goes_to_value() {
    // Inferred from the first two documents: `a` int64, `s` string, `o` an object of `k`.
    let values = [
        r#"{"a": 1, "s": "x", "o": {"k": 1}, "l": [1, 2]}"#,
        r#"{"a": 2, "s": "y", "o": {"k": 2}, "l": []}"#,
        r#"{"a": "late", "s": 3, "o": [1], "l": {"no": "list"}}"#,
        r#"{"a": 1.25, "s": null, "o": {"k": 1e3, "m": 1}, "l": [1, "x", null, 2.5]}"#,
        r#"{"a": 9223372036854775808, "o": "text", "l": null}"#,
        r#"[1, 2]"#,
        r#""not an object""#,
    ];
    let docs: Vec<String> = values.iter().map(|v| format!(r#"{{"p": {v}}}"#)).collect();
    let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let mut o = options(&["p"], eager());
    o.sample = Some(2);
    let (_dir, out) = run(&docs, &o);
    assert!(common::column_paths(&out)
        .contains(&"p.typed_value.l.typed_value.list.element.typed_value".to_string()));
    let want: Vec<Option<String>> = values.iter().map(|v| Some(encoded(v))).collect();
    assert_eq!(column(&out, "p"), want);
}

#[test]
fn arrays_of_objects_shred_element_wise() {
    let docs = [
        r#"{"runs": [{"n": 1, "tag": "a"}, {"n": 2, "x": [true]}, {"n": null}, {}]}"#,
        r#"{"runs": []}"#,
        r#"{"runs": null}"#,
        r#"{}"#,
        r#"{"runs": [{"n": 3, "tag": "b", "more": {"z": 1}}]}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["runs"], eager()));
    let paths = common::column_paths(&out);
    for p in [
        "runs.typed_value.list.element.typed_value.n.typed_value",
        "runs.typed_value.list.element.typed_value.tag.typed_value",
        "runs.typed_value.list.element.typed_value.x.typed_value.list.element.typed_value",
    ] {
        assert!(paths.contains(&p.to_string()), "{p} in {paths:?}");
    }
    let want: Vec<Option<String>> = docs
        .iter()
        .map(|d| {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            v.get("runs").map(|r| encoded(&r.to_string()))
        })
        .collect();
    assert_eq!(column(&out, "runs"), want);
}

#[test]
fn the_whole_document_shreds_and_none_does_not() {
    let docs = [
        r#"{"a": 1, "b": {"c": [1, "x", null]}, "d": "x"}"#,
        r#"{"a": 2, "z": 2.25, "d": "y"}"#,
        r#"{}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["$"], Shredding::default()));
    let paths = common::column_paths(&out);
    assert!(
        paths.contains(&"document.typed_value.a.typed_value".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"document.typed_value.d.typed_value".to_string()),
        "{paths:?}"
    );
    let want: Vec<Option<String>> = docs.iter().map(|d| Some(encoded(d))).collect();
    assert_eq!(column(&out, "document"), want);
    let back = common::read_back(&out);
    let want: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(back, want);

    let none = Shredding {
        mode: ShreddingMode::None,
        ..Shredding::default()
    };
    let (_dir, out) = run(&docs, &options(&["$"], none));
    assert_eq!(
        common::column_paths(&out),
        ["document.metadata", "document.value"]
    );
}

#[test]
fn rare_fields_stay_in_value() {
    let mut docs = vec![r#"{"p": {"common": 1, "rare": 2}}"#.to_string()];
    docs.extend((0..19).map(|i| format!(r#"{{"p": {{"common": {i}}}}}"#)));
    let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let (_dir, out) = run(&docs, &options(&["p"], Shredding::default()));
    let paths = common::column_paths(&out);
    assert!(paths.contains(&"p.typed_value.common.typed_value".to_string()));
    assert!(!paths.iter().any(|p| p.contains("rare")), "{paths:?}");
    let want: Vec<Option<String>> = docs
        .iter()
        .map(|d| {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            Some(encoded(&v["p"].to_string()))
        })
        .collect();
    assert_eq!(column(&out, "p"), want);
}

/// Random JSON values of a few shapes that shred and drift.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        (-1000i32..1000, 0u32..3).prop_map(|(i, s)| format!("{i}.{}", "5".repeat(s as usize + 1))),
        (1i32..100).prop_map(|i| format!("{i}e2")),
        "[a-c]{0,3}".prop_map(|s| format!("\"{s}\"")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-d]", inner), 0..4).prop_map(|kv| {
                let fields: Vec<String> = kv
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_documents_read_back_as_encoded(
        values in prop::collection::vec(json(), 1..12),
        sample in 1u64..6,
    ) {
        let docs: Vec<String> = values.iter().map(|v| format!("{{\"p\": {v}}}")).collect();
        let lines: Vec<&str> = docs.iter().map(String::as_str).collect();
        let mut o = options(&["p"], eager());
        o.sample = Some(sample);
        let (_dir, out) = run(&lines, &o);
        let want: Vec<Option<String>> = values.iter().map(|v| Some(encoded(v))).collect();
        prop_assert_eq!(column(&out, "p"), want);
    }
}
