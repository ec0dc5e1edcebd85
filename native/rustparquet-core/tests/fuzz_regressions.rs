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
