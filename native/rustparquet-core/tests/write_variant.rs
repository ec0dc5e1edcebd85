//! Writing `VARIANT` columns (`--variant PATH`, `--variant '$'`, `--unions variant`): the
//! footer's layout, each row's variant equal to what the JSON encodes to (types included: an
//! integer and a decimal stay apart, a null member differs from a missing one), the schema
//! forms, and datasets whose variant column takes every later type.

mod common;

use std::path::{Path, PathBuf};

use parquet::basic::LogicalType;
use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_core::convert::{convert, ConvertOptions};
use rustparquet_core::infer::{InferOptions, Shredding, ShreddingMode, UnionMode, VariantRules};
use rustparquet_core::json::Parser;
use rustparquet_core::read::variant::read_variant_column;
use rustparquet_core::schema::{self, DataType, SchemaFormat};
use rustparquet_core::variant::{from_json, Variant};

fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

fn options(paths: &[&str], unions: UnionMode) -> ConvertOptions {
    ConvertOptions {
        infer: InferOptions {
            unions,
            variants: VariantRules {
                paths: paths.iter().map(|p| p.to_string()).collect(),
                // The unshredded layout (tests/write_shredded_variant.rs has the shredded one).
                shredding: Shredding {
                    mode: ShreddingMode::None,
                    ..Shredding::default()
                },
            },
            ..InferOptions::default()
        },
        ..ConvertOptions::default()
    }
}

fn run(lines: &[&str], options: &ConvertOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = write(dir.path(), "in.ndjson", lines);
    let out = dir.path().join("out.parquet");
    convert(&[src.display().to_string()], &out, options).unwrap();
    (dir, out)
}

/// The variant JSON text encodes to, as `Debug` (types included).
fn encoded(json: &str) -> String {
    let (m, v) = from_json::encode(&mut Parser::new(json.as_bytes(), 0, 64)).unwrap();
    format!("{:?}", Variant::try_new(&m, &v).unwrap())
}

/// Each row of variant column `column`, as `Debug` (`None` where the column is null).
fn column(path: &Path, column: &str) -> Vec<Option<String>> {
    read_variant_column(path, column)
        .unwrap()
        .into_iter()
        .map(|row| row.map(|(m, v)| format!("{:?}", Variant::try_new(&m, &v).unwrap())))
        .collect()
}

#[test]
fn a_variant_path_keeps_every_value_with_its_type() {
    let docs = [
        r#"{"id": 1, "p": {"b": [1, 2.50, "x"], "a": 1}}"#,
        r#"{"id": 2, "p": "text"}"#,
        r#"{"id": 3, "p": null}"#,
        r#"{"id": 4}"#,
        r#"{"id": 5, "p": 1.0}"#,
        r#"{"id": 6, "p": 1}"#,
        r#"{"id": 7, "p": 1e3}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["p"], UnionMode::Union));
    let rows = column(&out, "p");
    let expected = [
        Some(encoded(r#"{"a": 1, "b": [1, 2.50, "x"]}"#)),
        Some(encoded(r#""text""#)),
        // A JSON null is a variant null; a missing key is a null group.
        Some(encoded("null")),
        None,
        Some(encoded("1.0")),
        Some(encoded("1")),
        Some(encoded("1e3")),
    ];
    assert_eq!(rows, expected);
    assert_ne!(rows[4], rows[5], "1.0 and 1 stay distinct");
    // The layout: VARIANT(1), required binary metadata and value.
    let reader = SerializedFileReader::new(std::fs::File::open(&out).unwrap()).unwrap();
    let root = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema_ptr();
    let p = root.get_fields().iter().find(|f| f.name() == "p").unwrap();
    assert!(matches!(
        p.get_basic_info().logical_type_ref(),
        Some(LogicalType::Variant(v)) if v.specification_version == Some(1)
    ));
    let names: Vec<&str> = p.get_fields().iter().map(|f| f.name()).collect();
    assert_eq!(names, ["metadata", "value"]);
    assert_eq!(
        common::column_paths(&out),
        ["id", "p.metadata", "p.value"],
        "nothing of p's inner types became a column"
    );
}

#[test]
fn a_variant_inside_arrays_and_objects() {
    let docs = [
        r#"{"runs": [{"n": 1, "extra": {"k": [true]}}, {"n": 2, "extra": 5}]}"#,
        r#"{"runs": [{"n": 3}]}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["runs.extra"], UnionMode::Union));
    assert_eq!(
        common::column_paths(&out),
        [
            "runs.list.element.n",
            "runs.list.element.extra.metadata",
            "runs.list.element.extra.value"
        ]
    );
    // Back to JSON: the same documents (key order aside, missing members aside).
    let back = common::read_back(&out);
    let want: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| common::without_nulls(&serde_json::from_str(d).unwrap()))
        .collect();
    assert_eq!(back, want);
}

#[test]
fn the_whole_document_is_one_column_named_document() {
    let docs = [
        r#"{"a": 1, "b": {"c": [1, "x", null]}}"#,
        r#"{"a": "one", "z": 2.25}"#,
        r#"{}"#,
    ];
    let (_dir, out) = run(&docs, &options(&["$"], UnionMode::Union));
    assert_eq!(
        common::column_paths(&out),
        ["document.metadata", "document.value"]
    );
    let rows = column(&out, "document");
    let expected: Vec<Option<String>> = docs.iter().map(|d| Some(encoded(d))).collect();
    assert_eq!(rows, expected);
    let file = rustparquet_core::read::ParquetFile::open(&out).unwrap();
    let stored = file.our_schema().unwrap().to_json_string();
    assert!(
        stored.contains(r#""name":"document","key":"$","repetition":"required","type":"variant""#),
        "{stored}"
    );
    // Back to JSON: each row is the document itself, not `{"$": document}`.
    let back = common::read_back(&out);
    let want: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(back, want);
}

#[test]
fn unions_variant_turns_only_conflicting_fields_into_variants() {
    let docs = [
        r#"{"x": 1, "y": "a", "z": [1]}"#,
        r#"{"x": "one", "y": "b", "z": {"k": 1}}"#,
    ];
    let (_dir, out) = run(&docs, &options(&[], UnionMode::Variant));
    assert_eq!(
        common::column_paths(&out),
        ["x.metadata", "x.value", "y", "z.metadata", "z.value"]
    );
    assert_eq!(
        column(&out, "x"),
        [Some(encoded("1")), Some(encoded(r#""one""#))]
    );
    assert_eq!(
        column(&out, "z"),
        [Some(encoded("[1]")), Some(encoded(r#"{"k": 1}"#))]
    );
}

#[test]
fn every_schema_form_knows_variant() {
    let mut s = schema::Schema::new(vec![
        schema::Field::optional("id", DataType::Int64),
        schema::Field::optional("v", DataType::Variant(None)),
        schema::Field::list("vs", DataType::Variant(None)),
    ]);
    s.name = "schema".into();
    for form in SchemaFormat::ALL {
        let text = schema::render(&s, form).unwrap();
        match form {
            SchemaFormat::Ddl => assert!(text.contains("v VARIANT"), "{text}"),
            SchemaFormat::SparkJson => assert!(text.contains(r#""variant""#), "{text}"),
            SchemaFormat::Parquet => assert!(text.contains("group v (VARIANT(1))"), "{text}"),
            SchemaFormat::Tree => assert!(text.contains("v: variant"), "{text}"),
            _ => {}
        }
        if form == SchemaFormat::Tree {
            continue; // output only
        }
        let back = schema::parse(&text, form, None).unwrap();
        assert_eq!(
            back.fields[1].data_type,
            DataType::Variant(None),
            "{}",
            form.name()
        );
        assert_eq!(
            back.fields[2].data_type,
            s.fields[2].data_type,
            "{}",
            form.name()
        );
    }
}

#[test]
fn a_dataset_variant_column_takes_later_types() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let opts = options(&["p"], UnionMode::Union);
    let a = write(dir.path(), "a.json", &[r#"{"p": 1}"#]);
    rustparquet_core::dataset::append(&[a.display().to_string()], &ds, &opts).unwrap();
    // Without --variant the batch would infer p as a string or an object: the variant takes
    // both, no sibling column appears.
    let plain = ConvertOptions::default();
    let b = write(
        dir.path(),
        "b.json",
        &[r#"{"p": "two"}"#, r#"{"p": {"q": [3]}}"#],
    );
    let summary =
        rustparquet_core::dataset::append(&[b.display().to_string()], &ds, &plain).unwrap();
    let fields: Vec<_> = summary
        .convert
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.data_type.name()))
        .collect();
    assert_eq!(fields, [("p", "variant")]);
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&ds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    let rows: Vec<Option<String>> = parts.iter().flat_map(|p| column(p, "p")).collect();
    let mut want = vec![
        Some(encoded("1")),
        Some(encoded(r#""two""#)),
        Some(encoded(r#"{"q": [3]}"#)),
    ];
    let mut got = rows.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}
