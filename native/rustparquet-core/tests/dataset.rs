//! End-to-end tests of `convert --dataset`: an evolving dataset written in batches (a new
//! field; a field that changes type; a field that becomes an array), read back part by part
//! with our reader (every document as it was) and with the `parquet` crate (no column ever
//! changes its Parquet type between parts, which is what keeps Spark's mergeSchema working).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_core::dataset::{self, SCHEMA_FILE};
use rustparquet_core::schema::Schema;
use rustparquet_core::ConvertOptions;
use serde_json::{json, Value};

mod common;
use common::{read_back as ours, without_nulls};

fn batches() -> Vec<Vec<Value>> {
    vec![
        vec![
            json!({"id": 1, "name": "a", "owner": "james", "tags": [1, 2], "run": {"ms": 10}}),
            json!({"id": 2, "name": "b", "owner": "carl", "tags": [], "run": null}),
        ],
        // A new field, and a new nested field.
        vec![
            json!({"id": 3, "name": "c", "owner": "tim", "tags": [3], "run": {"ms": 11, "ok": true}, "added": 1.5}),
        ],
        // `owner` changes type (number, then object), `name` holds a number, the elements of
        // `tags` turn into strings, `run.ms` into a string; `owner` becomes an array.
        vec![
            json!({"id": 4, "name": 44, "owner": 12345, "tags": ["s"], "run": {"ms": "slow"}}),
            json!({"id": 5, "name": "e", "owner": [1, 2], "tags": null}),
            json!({"id": 6, "owner": {"primary": "jackie"}}),
        ],
    ]
}

/// Each leaf column's Parquet path and physical/logical type, as the footer says.
fn column_types(path: &Path) -> HashMap<String, String> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| {
            (
                c.path().string(),
                format!("{:?}/{:?}", c.physical_type(), c.logical_type_ref()),
            )
        })
        .collect()
}

fn parts(dir: &Path) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    parts.sort();
    parts
}

#[test]
fn an_evolving_dataset_keeps_every_value_and_every_column_type() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ds");
    for (i, batch) in batches().iter().enumerate() {
        let src = tmp.path().join(format!("b{i}.ndjson"));
        let text: String = batch.iter().map(|d| format!("{d}\n")).collect();
        std::fs::write(&src, text).unwrap();
        let summary = dataset::append(
            &[src.display().to_string()],
            &dir,
            &ConvertOptions::default(),
        )
        .unwrap();
        assert_eq!(summary.previous_parts, i);
        assert_eq!(summary.convert.documents, batch.len() as u64);
        if i == 1 {
            assert_eq!(summary.added_columns, ["run.ok", "added"]);
        }
    }
    let parts = parts(&dir);
    assert_eq!(parts.len(), 3);
    // Every part reads back as the documents of its batch.
    for (part, batch) in parts.iter().zip(batches()) {
        let want: Vec<Value> = batch.iter().map(without_nulls).collect();
        assert_eq!(ours(part), want, "{}", part.display());
    }
    // A column keeps its type in every part that has it.
    let mut seen: HashMap<String, String> = HashMap::new();
    for part in &parts {
        for (column, t) in column_types(part) {
            if let Some(before) = seen.insert(column.clone(), t.clone()) {
                assert_eq!(before, t, "{column} changed type in {}", part.display());
            }
        }
    }
    // The evolved columns: siblings named by JSON type, a new member list for `tags`.
    let last = column_types(parts.last().unwrap());
    for column in [
        "name",
        "name__long",
        "owner",
        "owner__long",
        "owner__array.list.element",
        "owner__object.primary",
        "tags.list.element",
        "tags__array.list.element.long",
        "tags__array.list.element.string",
        "run.ms",
        "run.ms__string",
        "run.ok",
        "added",
    ] {
        assert!(last.contains_key(column), "{column} missing: {last:?}");
    }
    // The schema file is the last part's schema and a valid schema.
    let text = std::fs::read_to_string(dir.join(SCHEMA_FILE)).unwrap();
    let schema = Schema::from_json_str(&text, None).unwrap();
    let footer = rustparquet_core::read::ParquetFile::open(parts.last().unwrap()).unwrap();
    assert_eq!(Some(&schema), footer.our_schema());
}

#[test]
fn a_part_missing_from_the_schema_file_is_folded_back_in() {
    // A crash between the part's rename and the schema file's: the next append reads the
    // footers and still evolves from every part.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ds");
    let b = batches();
    for (i, batch) in b.iter().take(2).enumerate() {
        let src = tmp.path().join(format!("b{i}.ndjson"));
        let text: String = batch.iter().map(|d| format!("{d}\n")).collect();
        std::fs::write(&src, text).unwrap();
        if i == 1 {
            // Keep the first schema file: as if the second append died before writing it.
            let kept = std::fs::read(dir.join(SCHEMA_FILE)).unwrap();
            dataset::append(
                &[src.display().to_string()],
                &dir,
                &ConvertOptions::default(),
            )
            .unwrap();
            std::fs::write(dir.join(SCHEMA_FILE), kept).unwrap();
        } else {
            dataset::append(
                &[src.display().to_string()],
                &dir,
                &ConvertOptions::default(),
            )
            .unwrap();
        }
    }
    let src = tmp.path().join("b2.ndjson");
    std::fs::write(&src, "{\"id\": 7, \"added\": 2.5}\n").unwrap();
    let summary = dataset::append(
        &[src.display().to_string()],
        &dir,
        &ConvertOptions::default(),
    )
    .unwrap();
    // `added` and `run.ok` came from the second part's footer, not from this batch.
    assert!(
        summary.added_columns.is_empty(),
        "{:?}",
        summary.added_columns
    );
    let text = std::fs::read_to_string(dir.join(SCHEMA_FILE)).unwrap();
    assert!(text.contains("\"added\""), "{text}");
    assert!(text.contains("\"ok\""), "{text}");
}

#[test]
fn foreign_files_and_concurrent_appends_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ds");
    std::fs::create_dir(&dir).unwrap();
    let src = tmp.path().join("b.ndjson");
    std::fs::write(&src, "{\"id\": 1}\n").unwrap();
    // The lock is held: a second append says so instead of interleaving.
    let lock = std::fs::File::create(dir.join(dataset::LOCK_FILE)).unwrap();
    lock.lock().unwrap();
    let err = dataset::append(
        &[src.display().to_string()],
        &dir,
        &ConvertOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("another append to this dataset is running"),
        "{err}"
    );
    drop(lock);
    dataset::append(
        &[src.display().to_string()],
        &dir,
        &ConvertOptions::default(),
    )
    .unwrap();
    // A Parquet file we did not write.
    let foreign = "../../../shared/testdata/parquet-testing/data/alltypes_plain.parquet";
    let foreign = Path::new(env!("CARGO_MANIFEST_DIR")).join(foreign);
    if foreign.exists() {
        std::fs::copy(&foreign, dir.join("zz-foreign.parquet")).unwrap();
        let err = dataset::append(
            &[src.display().to_string()],
            &dir,
            &ConvertOptions::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("was not written by rustparquet"),
            "{err}"
        );
    }
}
