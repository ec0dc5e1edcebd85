//! Replays the fuzz targets' kept inputs on the stable toolchain: every file in
//! `fuzz/regressions/<target>/` (inputs that once crashed or broke a property, kept after the
//! fix) and `fuzz/seeds/<target>/` goes through the same harness libFuzzer runs
//! (`fuzz/src/lib.rs`, compiled into this test), whose assertions must hold.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::path::Path;

/// Runs `target` over every file of `fuzz/{regressions,seeds}/<name>/`; returns how many.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["regressions", "seeds"] {
        let dir = root.join(kind).join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            if file
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            let data = std::fs::read(&file).unwrap();
            eprintln!("replaying {}", file.display());
            target(&data);
            count += 1;
        }
    }
    count
}

#[test]
fn json_convert_inputs_replay() {
    assert!(replay("json_convert", harness::json_convert) >= 5);
}

#[test]
fn infer_merge_inputs_replay() {
    assert!(replay("infer_merge", harness::infer_merge) >= 2);
}

#[test]
fn parquet_cat_inputs_replay() {
    assert!(replay("parquet_cat", harness::parquet_cat) >= 2);
}

/// A page header whose unknown list field runs past the end of the file: the decoder's Thrift
/// reader skipped its values there without an error (one system call each, 37 s for a 10 KB
/// file), until our reader made the end of the file an error.
#[test]
fn a_page_header_that_skips_past_the_end_fails_at_the_end() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/parquet_cat/page-header-endless-skips.parquet");
    let mut out = Vec::new();
    let error = rustparquet_core::read::cat(
        &[path],
        &rustparquet_core::read::ReadOptions::default(),
        &mut out,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("the file ends inside a page"), "{error}");
}
