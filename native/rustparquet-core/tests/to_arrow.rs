//! JSON straight to Arrow (`to_arrow`), checked against the Parquet route as the oracle: the
//! same documents converted to a file and read back by the `parquet` crate's Arrow reader must
//! give equal columns, batch for batch; plus golden cases (the Dremel paper's records; empty,
//! null and missing; unions; maps) whose arrays are checked value by value.

use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rustparquet_core::convert::infer_schema;
use rustparquet_core::infer::MapRules;
use rustparquet_core::input::{expand_inputs, OnError};
use rustparquet_core::schema::Schema;
use rustparquet_core::to_arrow::{read_batches, BatchLimits};
use rustparquet_core::{convert, ConvertOptions};

fn testdata() -> PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("dremel").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        dir.display()
    );
    dir
}

/// Our batches of `input` (schema inferred unless `options.schema`).
fn ours(input: &Path, options: &ConvertOptions, rows: usize) -> Vec<RecordBatch> {
    let inputs = expand_inputs(&[input.display().to_string()]).unwrap();
    let schema = match &options.schema {
        Some(s) => s.clone(),
        None => infer_schema(&inputs, options).unwrap(),
    };
    let mut batches = Vec::new();
    let limits = BatchLimits {
        rows,
        ..BatchLimits::default()
    };
    read_batches(&inputs, &schema, options, limits, &mut |b| {
        batches.push(b);
        true
    })
    .unwrap();
    batches
}

/// The oracle: `input` converted to Parquet, read back in one batch by parquet's Arrow reader.
fn oracle(input: &Path, options: &ConvertOptions) -> RecordBatch {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("oracle.parquet");
    convert(&[input.display().to_string()], &out, options).unwrap();
    let file = std::fs::File::open(&out).unwrap();
    let mut reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .with_batch_size(1 << 20)
        .build()
        .unwrap();
    let batch = reader.next().unwrap().unwrap();
    assert!(reader.next().is_none(), "the oracle reads one batch");
    batch
}

/// Checks our batches of `input` against the oracle, `rows` documents per batch.
fn same_as_parquet(input: &Path, options: &ConvertOptions, rows: usize) -> Vec<RecordBatch> {
    let batches = ours(input, options, rows);
    let expected = oracle(input, options);
    let mut offset = 0;
    for batch in &batches {
        assert!(batch.num_rows() <= rows);
        let want = expected.slice(offset, batch.num_rows());
        assert_eq!(batch.num_columns(), want.num_columns());
        for (i, (got, want)) in batch.columns().iter().zip(want.columns()).enumerate() {
            let name = batch.schema().field(i).name().clone();
            assert_eq!(
                got.data_type(),
                want.data_type(),
                "{}: column {name}",
                input.display()
            );
            assert_eq!(
                got.to_data(),
                want.to_data(),
                "{}: column {name}, rows {offset}..",
                input.display()
            );
        }
        offset += batch.num_rows();
    }
    assert_eq!(offset, expected.num_rows(), "{}", input.display());
    batches
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn dremel_paper_records() {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("data/dremel/expected_levels.json")).unwrap();
    let schema = Schema::from_json_str(&golden["schema"].to_string(), Some("dremel")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text: String = golden["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{r}\n"))
        .collect();
    let input = write(dir.path(), "dremel.ndjson", &text);
    let options = ConvertOptions {
        schema: Some(schema),
        ..ConvertOptions::default()
    };
    let batches = same_as_parquet(&input, &options, 10);
    let batch = &batches[0];
    assert_eq!(batch.num_rows(), 2);
    // r1 has three Names, r2 one; Name.Language of r1's first Name has two entries.
    let names = batch.column_by_name("Name").unwrap().as_list::<i32>();
    assert_eq!(names.value_length(0), 3);
    assert_eq!(names.value_length(1), 1);
    let name = names.values().as_struct();
    let languages = name.column_by_name("Language").unwrap().as_list::<i32>();
    assert_eq!(
        (0..4)
            .map(|i| languages.value_length(i))
            .collect::<Vec<_>>(),
        [2, 0, 1, 0]
    );
    // The same through the shared copy of the paper's records, one per batch.
    let shared = testdata().join("dremel/records.ndjson");
    same_as_parquet(&shared, &options, 1);
}

#[test]
fn empty_null_and_missing_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "e.ndjson",
        concat!(
            r#"{"a": [1, 2], "s": {"x": 1}, "t": "v"}"#,
            "\n",
            r#"{"a": [], "s": {}, "t": ""}"#,
            "\n",
            r#"{"a": null, "s": null, "t": null}"#,
            "\n",
            r#"{}"#,
            "\n",
            r#"{"a": [null], "s": {"x": null}}"#,
            "\n",
        ),
    );
    let batch = same_as_parquet(&input, &ConvertOptions::default(), 100).remove(0);
    let a = batch.column_by_name("a").unwrap().as_list::<i32>();
    assert_eq!(
        (0..5).map(|i| a.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, false, true]
    );
    assert_eq!(a.value_length(1), 0);
    assert_eq!(a.value_length(4), 1);
    assert!(a.value(4).is_null(0));
    let s = batch.column_by_name("s").unwrap().as_struct();
    assert_eq!(
        (0..5).map(|i| s.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, false, true]
    );
    let x = s.column_by_name("x").unwrap().as_primitive::<Int64Type>();
    assert_eq!(x.value(0), 1);
    assert!(x.is_null(1) && x.is_null(4));
    let t = batch.column_by_name("t").unwrap().as_string::<i32>();
    assert_eq!(t.value(1), "");
    assert!(t.is_valid(1) && t.is_null(2) && t.is_null(3));
}

#[test]
fn unions_and_maps() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "u.ndjson",
        concat!(
            r#"{"v": 1, "m": {"a": 1, "b": 2}}"#,
            "\n",
            r#"{"v": "x", "m": {}}"#,
            "\n",
            r#"{"v": [1, "y"], "m": null}"#,
            "\n",
            r#"{"v": {"k": true}, "m": {"c": null}}"#,
            "\n",
            r#"{"v": null}"#,
            "\n",
            r#"{"v": 123456789012345678901234567890, "m": {"d": 1.5}}"#,
            "\n",
        ),
    );
    let mut options = ConvertOptions::default();
    options.infer.maps = MapRules {
        paths: vec!["m".into()],
        ..MapRules::default()
    };
    let batch = same_as_parquet(&input, &options, 100).remove(0);
    let v = batch.column_by_name("v").unwrap().as_struct();
    let valid: Vec<bool> = (0..6).map(|i| v.is_valid(i)).collect();
    assert_eq!(valid, [true, true, true, true, false, true]);
    // Exactly one member is set per present value.
    for row in [0, 1, 2, 3, 5] {
        let set = v.columns().iter().filter(|c| c.is_valid(row)).count();
        assert_eq!(set, 1, "row {row}");
    }
    let m = batch.column_by_name("m").unwrap().as_map();
    assert_eq!(
        (0..6).map(|i| m.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false, true, false, true]
    );
    assert_eq!(m.value_length(0), 2);
    assert_eq!(m.value_length(1), 0);
    assert_eq!(m.keys().as_string::<i32>().value(2), "c");
    // Under unions=string the same field is one JSON-text column.
    let mut options = options.clone();
    options.infer.unions = "string".parse().unwrap();
    same_as_parquet(&input, &options, 2);
}

#[test]
fn real_corpora_batch_by_batch() {
    let dir = testdata().join("json-real");
    for name in [
        "github_events.ndjson",
        "twitter.ndjson",
        "citm_catalog.events.ndjson",
        "instruments.ndjson",
    ] {
        let input = dir.join(name);
        for rows in [7, 65_536] {
            same_as_parquet(&input, &ConvertOptions::default(), rows);
        }
    }
}

#[test]
fn nested_lists_of_objects_with_lists() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "n.ndjson",
        concat!(
            r#"{"runs": [{"tests": [{"name": "a", "t": [1, 2]}, {"name": "b", "t": []}]}, {"tests": []}, {"tests": null}, {}]}"#,
            "\n",
            r#"{"runs": []}"#,
            "\n",
            r#"{"runs": [[]], "deep": [[[1], []], [], null]}"#,
            "\n",
            r#"{"runs": [{"tests": [{"t": [null, 3]}]}], "deep": [[[null]]]}"#,
            "\n",
            r#"{"flag": true, "f": 1.25, "e": {}}"#,
            "\n",
        ),
    );
    for rows in [1, 2, 100] {
        same_as_parquet(&input, &ConvertOptions::default(), rows);
    }
}

#[test]
fn bad_documents_under_skip_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "b.ndjson", "{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n");
    let options = ConvertOptions {
        on_error: OnError::Skip,
        ..ConvertOptions::default()
    };
    let batches = same_as_parquet(&input, &options, 10);
    let a = batches[0].column(0).as_primitive::<Int64Type>();
    assert_eq!(a.values().to_vec(), [1, 3]);
}
