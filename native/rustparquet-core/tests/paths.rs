//! One path syntax for every option that names a place (docs/format.md, "Paths"): the JSON path
//! as messages print it (`payload.commits[].sha`, `[]` optional) and Parquet's dotted leaf path
//! (`payload.commits.list.element.sha`) name the same columns for the bloom filter, the
//! columns read back and the objects written as maps; a path that names nothing is an error.

use std::path::Path;

use rustparquet_core::read::ParquetFile;
use rustparquet_core::{convert, ConvertOptions};

const DOCS: &str = concat!(
    r#"{"payload": {"commits": [{"sha": "a1", "n": 1}]}, "runs": [{"counters": {"x": 1}}]}"#,
    "\n",
    r#"{"payload": {"commits": []}, "runs": [{"counters": {"y": 2}}]}"#,
    "\n",
);

fn convert_with(
    dir: &Path,
    name: &str,
    set: impl FnOnce(&mut ConvertOptions),
) -> rustparquet_core::Result<ParquetFile> {
    let input = dir.join("in.ndjson");
    std::fs::write(&input, DOCS).unwrap();
    let out = dir.join(format!("{name}.parquet"));
    let mut options = ConvertOptions::default();
    set(&mut options);
    convert(&[input.display().to_string()], &out, &options)?;
    ParquetFile::open(&out)
}

/// The Parquet paths of the columns the file has bloom filters for.
fn bloom_columns(f: &ParquetFile) -> Vec<String> {
    f.metadata()
        .row_group(0)
        .columns()
        .iter()
        .filter(|c| c.bloom_filter_offset().is_some())
        .map(|c| c.column_path().string())
        .collect()
}

#[test]
fn bloom_filter_columns_take_both_spellings() {
    let dir = tempfile::tempdir().unwrap();
    for (i, path) in [
        "payload.commits[].sha",
        "payload.commits.sha",
        "payload.commits.list.element.sha",
    ]
    .into_iter()
    .enumerate()
    {
        let f = convert_with(dir.path(), &format!("b{i}"), |o| {
            o.writer.bloom_filter_columns = vec![path.to_string()]
        })
        .unwrap();
        assert_eq!(
            bloom_columns(&f),
            ["payload.commits.list.element.sha"],
            "{path}"
        );
    }
    let err = convert_with(dir.path(), "bad", |o| {
        o.writer.bloom_filter_columns = vec!["payload.commit[].sha".into()]
    })
    .err()
    .expect("an unknown path is refused")
    .to_string();
    assert!(
        err.contains("bloom filter column `payload.commit[].sha` is not a column of the schema"),
        "{err}"
    );
}

#[test]
fn columns_read_back_take_both_spellings() {
    let dir = tempfile::tempdir().unwrap();
    let f = convert_with(dir.path(), "c", |_| {}).unwrap();
    let sha = f.select(&["payload.commits.sha".into()]).unwrap();
    assert_eq!(sha.len(), 1);
    for path in [
        "payload.commits[].sha",
        "payload.commits.list.element.sha",
        "`payload`.commits[].`sha`",
    ] {
        assert_eq!(f.select(&[path.into()]).unwrap(), sha, "{path}");
    }
    // A group selects the leaves below it, in either spelling.
    let commits = f.select(&["payload.commits[]".into()]).unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(f.select(&["payload.commits.list".into()]).unwrap(), commits);
    let err = f
        .select(&["payload.commit".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`payload.commit` is not a column of"), "{err}");
}

#[test]
fn map_paths_take_both_spellings() {
    let dir = tempfile::tempdir().unwrap();
    for (i, path) in [
        "runs[].counters",
        "runs.counters",
        "runs.list.element.counters",
    ]
    .into_iter()
    .enumerate()
    {
        let f = convert_with(dir.path(), &format!("m{i}"), |o| {
            o.infer.maps.paths = vec![path.to_string()]
        })
        .unwrap();
        let leaves: Vec<String> = f
            .our_schema()
            .unwrap()
            .leaves()
            .into_iter()
            .map(|l| l.parquet_path)
            .collect();
        assert!(
            leaves.contains(&"runs.list.element.counters.key_value.key".to_string()),
            "{path}: {leaves:?}"
        );
    }
}
