//! Hostile inputs, run as a user runs them: the `rustparquet` binary under `ulimit -v` (a cap
//! on its address space), fed inputs generated into a temporary directory or streamed through
//! a pipe. Each must end in a clear error (exit 1, one `rustparquet: ...` line naming the
//! place) or in correct output, and never in an abort, a signal or the OOM killer. The memory
//! caps are documented in docs/errors.md ("Memory caps").
//!
//! The full-size cases that take minutes (a million keys, a 1 GB document accepted) run only
//! with `RUSTPARQUET_HOSTILE_FULL=1`; CI runs the smaller versions next to them.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const GIB: u64 = 1 << 20; // in KiB, as `ulimit -v` counts

fn full() -> bool {
    std::env::var_os("RUSTPARQUET_HOSTILE_FULL").is_some_and(|v| v == "1")
}

/// The binary under an address-space limit of `kib` KiB.
fn limited(kib: u64, args: &[&str]) -> Command {
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rustparquet"))
        .args(args);
    c
}

fn run_limited(kib: u64, args: &[&str]) -> Output {
    limited(kib, args).stdin(Stdio::null()).output().unwrap()
}

/// Runs the binary with `feed` writing its standard input (a pipe); the writer stops quietly
/// when the process stops reading.
fn run_fed(
    kib: u64,
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send,
) -> Output {
    let mut child = limited(kib, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ = feed(&mut stdin);
        });
        child.wait_with_output().unwrap()
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit 1 (not a signal, not an abort), no output file, and one error line containing `want`.
fn assert_clear_error(out: &Output, target: &Path, want: &str) {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "status {:?}, stderr: {err}",
        out.status
    );
    assert!(
        err.starts_with("rustparquet: ") && err.contains(want),
        "stderr: {err}"
    );
    assert_eq!(err.lines().count(), 1, "stderr: {err}");
    assert!(!target.exists(), "{} was left", target.display());
}

fn assert_ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "status {:?}, stderr: {}",
        out.status,
        text(&out.stderr)
    );
}

fn write_file(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `{"a":[[[...1...]]]}` or `{"a":{"a":{...1...}}}` with `depth` levels below the document.
fn deep(depth: usize, arrays: bool) -> Vec<u8> {
    let mut v = b"{\"a\":".to_vec();
    for _ in 0..depth {
        v.extend_from_slice(if arrays { b"[" } else { b"{\"a\":" });
    }
    v.push(b'1');
    for _ in 0..depth {
        v.push(if arrays { b']' } else { b'}' });
    }
    v.extend_from_slice(b"}\n");
    v
}

#[test]
fn nesting_100000_deep_is_refused_at_the_depth_limit() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.parquet");
    for arrays in [true, false] {
        let src = write_file(dir.path(), "deep.json", &deep(100_000, arrays));
        let src = s(&src);
        for (flags, limit) in [
            (vec!["--threads", "1"], 128),
            (vec!["--threads", "2"], 128),
            (vec!["--max-depth", "1000"], 1000),
        ] {
            let mut args = vec!["convert", src, "-o", s(&target)];
            args.extend(flags);
            let out = run_limited(GIB, &args);
            // The opening that goes one level past the limit (the document's `{` is level 1).
            let column = if arrays { 5 + limit } else { 1 + 5 * limit };
            let want = format!("{src}:1:{column}: nested deeper than {limit} levels");
            assert_clear_error(&out, &target, &want);
        }
        let out = run_limited(GIB, &["schema", src]);
        assert_clear_error(&out, &target, "nested deeper than 128 levels");
        // From a pipe, with a schema (no spill to disk, one parser).
        let schema = write_file(
            dir.path(),
            "schema.json",
            br#"{"name":"schema","fields":[{"name":"a","repetition":"optional","type":"string"}]}"#,
        );
        let doc = deep(100_000, arrays);
        let out = run_fed(
            GIB,
            &["convert", "--schema", s(&schema), "-", "-o", s(&target)],
            move |w| w.write_all(&doc),
        );
        assert_clear_error(&out, &target, "<stdin>:1:");
    }
    // A bare array of arrays, 100,000 deep: the array layout's element is not an object.
    let mut bare = vec![b'['; 100_000];
    bare.extend(vec![b']'; 100_000]);
    let src = write_file(dir.path(), "bare.json", &bare);
    let out = run_limited(GIB, &["convert", s(&src), "-o", s(&target)]);
    assert_clear_error(&out, &target, &format!("{}:1:", s(&src)));
}

#[test]
fn nesting_at_the_1000_limit_converts_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    for arrays in [true, false] {
        // 999 levels below the document's own object: 1,000 in all.
        let doc = deep(999, arrays);
        let src = write_file(dir.path(), "deep.json", &doc);
        let target = dir.path().join("deep.parquet");
        let out = run_limited(
            2 * GIB,
            &[
                "convert",
                "-q",
                "--max-depth",
                "1000",
                s(&src),
                "-o",
                s(&target),
            ],
        );
        assert_ok(&out);
        // Read back on threads sized for the file's depth (about 2,000 Parquet levels).
        let out = run_limited(GIB, &["cat", s(&target)]);
        assert_ok(&out);
        assert_eq!(text(&out.stdout), text(&doc));
    }
}

/// `{"s":"xxx...x"}` with `n` x's, written in 1 MiB blocks.
fn long_line(w: &mut dyn Write, n: usize) -> std::io::Result<()> {
    w.write_all(b"{\"s\":\"")?;
    let block = vec![b'x'; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len());
        w.write_all(&block[..k])?;
        left -= k;
    }
    w.write_all(b"\"}\n")
}

const STRING_SCHEMA: &[u8] =
    br#"{"name":"schema","fields":[{"name":"s","repetition":"optional","type":"string"}]}"#;

#[test]
fn a_1_gb_line_through_a_pipe_stops_at_the_document_limit() {
    let dir = tempfile::tempdir().unwrap();
    let schema = write_file(dir.path(), "schema.json", STRING_SCHEMA);
    let target = dir.path().join("out.parquet");
    // The default limit (256 MiB): the run stops after reading a little more than that.
    let out = run_fed(
        GIB,
        &["convert", "--schema", s(&schema), "-", "-o", s(&target)],
        |w| long_line(w, 1_000_000_000),
    );
    assert_clear_error(
        &out,
        &target,
        "<stdin>:1:1: a document larger than 268435456 bytes, the --max-document-size limit (which can be raised to 1073741824)",
    );
    // Whatever --on-error says, and in a file read by the parallel reader.
    let mut f = std::fs::File::create(dir.path().join("long.json")).unwrap();
    f.write_all(b"{\"s\":\"short\"}\n").unwrap();
    long_line(&mut f, 40 << 20).unwrap();
    drop(f);
    let src = dir.path().join("long.json");
    for threads in ["1", "2"] {
        let out = run_limited(
            GIB,
            &[
                "convert",
                s(&src),
                "-o",
                s(&target),
                "--max-document-size",
                "16MiB",
                "--on-error",
                "skip",
                "--threads",
                threads,
            ],
        );
        assert_clear_error(
            &out,
            &target,
            &format!("{}:2:1: a document larger than 16777216 bytes", s(&src)),
        );
    }
    // Above the hard limit is a usage error.
    let out = run_limited(
        GIB,
        &[
            "convert",
            s(&src),
            "-o",
            s(&target),
            "--max-document-size",
            "2GiB",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn a_1_gb_line_converts_when_the_limit_allows_it() {
    if !full() {
        eprintln!("skipped: set RUSTPARQUET_HOSTILE_FULL=1 (about 40 s, 4 GB of memory)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema = write_file(dir.path(), "schema.json", STRING_SCHEMA);
    let target = dir.path().join("big.parquet");
    let out = run_fed(
        8 * GIB,
        &[
            "convert",
            "-q",
            "--max-document-size",
            "1GiB",
            "--schema",
            s(&schema),
            "-",
            "-o",
            s(&target),
        ],
        |w| long_line(w, 1_000_000_000),
    );
    assert_ok(&out);
    let mut child = limited(8 * GIB, &["cat", s(&target)])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (mut total, mut buf) = (0u64, vec![0u8; 1 << 20]);
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(total, 1_000_000_000 + "{\"s\":\"\"}\n".len() as u64);
}

/// One document with `n` distinct keys, or `n` documents with one distinct key each, or one
/// document whose member `m` has `n` distinct keys.
fn many_keys(n: usize, layout: &str) -> Vec<u8> {
    let mut v = Vec::new();
    match layout {
        "one" => {
            v.push(b'{');
            for i in 0..n {
                if i > 0 {
                    v.push(b',');
                }
                write!(v, "\"k{i}\":{i}").unwrap();
            }
            v.extend_from_slice(b"}\n");
        }
        "across" => {
            for i in 0..n {
                writeln!(v, "{{\"k{i}\":{i}}}").unwrap();
            }
        }
        _ => {
            v.extend_from_slice(b"{\"m\":{");
            for i in 0..n {
                if i > 0 {
                    v.push(b',');
                }
                write!(v, "\"k{i}\":{i}").unwrap();
            }
            v.extend_from_slice(b"}}\n");
        }
    }
    v
}

fn distinct_keys(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.parquet");
    for layout in ["one", "across"] {
        let src = write_file(dir.path(), "keys.json", &many_keys(n, layout));
        let out = run_limited(2 * GIB, &["convert", s(&src), "-o", s(&target)]);
        assert_clear_error(
            &out,
            &target,
            &format!("schema: {n} columns, more than the limit of 20000"),
        );
    }
    // Keys that are data, below the document: a map column, converted and read back.
    let src = write_file(dir.path(), "keys.json", &many_keys(n, "nested"));
    let out = run_limited(2 * GIB, &["convert", "-q", s(&src), "-o", s(&target)]);
    assert_ok(&out);
    let out = run_limited(2 * GIB, &["cat", s(&target)]);
    assert_ok(&out);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = doc["m"].as_object().unwrap();
    assert_eq!(m.len(), n);
    assert_eq!(m[&format!("k{}", n - 1)], serde_json::json!(n - 1));
}

#[test]
fn distinct_keys_100000_are_refused_as_columns_or_stored_as_a_map() {
    distinct_keys(100_000);
}

#[test]
fn distinct_keys_1000000_are_refused_as_columns_or_stored_as_a_map() {
    if !full() {
        eprintln!("skipped: set RUSTPARQUET_HOSTILE_FULL=1 (about 90 s)");
        return;
    }
    distinct_keys(1_000_000);
}

#[test]
fn huge_numbers_and_strings_end_in_a_value_or_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.parquet");
    let refused: Vec<(Vec<u8>, &str)> = vec![
        (
            format!("{{\"n\":{}}}\n", "9".repeat(100_000)).into_bytes(),
            "integer with 100000 digits is beyond decimal(38,0)",
        ),
        (
            b"{\"n\":1e999999999999999999}\n".to_vec(),
            "is beyond the range of a double",
        ),
        (
            format!("{{\"n\":-{}.5e300}}\n", "1".repeat(50_000)).into_bytes(),
            "is beyond the range of a double",
        ),
    ];
    for (doc, want) in refused {
        let src = write_file(dir.path(), "n.json", &doc);
        let out = run_limited(GIB, &["convert", s(&src), "-o", s(&target)]);
        assert_clear_error(&out, &target, &format!("{}:1:6: ", s(&src)));
        assert!(text(&out.stderr).contains(want), "{}", text(&out.stderr));
    }
    // Accepted: long mantissas round to the nearest double, underflow to 0.
    let src = write_file(
        dir.path(),
        "n.json",
        format!(
            "{{\"n\":0.{}1}}\n{{\"n\":1.{}}}\n{{\"n\":1e-99999}}\n",
            "0".repeat(100_000),
            "0".repeat(100_000)
        )
        .as_bytes(),
    );
    let out = run_limited(GIB, &["convert", "-q", s(&src), "-o", s(&target)]);
    assert_ok(&out);
    let out = run_limited(GIB, &["cat", s(&target)]);
    assert_eq!(text(&out.stdout), "{\"n\":0.0}\n{\"n\":1.0}\n{\"n\":0.0}\n");
    // A 100 MB string and 10 million escapes come back byte for byte.
    let mut doc = b"{\"s\":\"".to_vec();
    doc.extend(std::iter::repeat_n(b'y', 100 << 20));
    doc.extend_from_slice(b"\"}\n{\"s\":\"");
    for _ in 0..10_000_000 {
        doc.extend_from_slice(b"\\u00e9");
    }
    doc.extend_from_slice(b"\"}\n");
    let src = write_file(dir.path(), "s.json", &doc);
    drop(doc);
    let out = run_limited(2 * GIB, &["convert", "-q", s(&src), "-o", s(&target)]);
    assert_ok(&out);
    let out = run_limited(2 * GIB, &["cat", s(&target)]);
    assert_ok(&out);
    let lines: Vec<&[u8]> = out.stdout.split(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0].len(), (100 << 20) + 8);
    assert!(lines[0][6..6 + (100 << 20)].iter().all(|&b| b == b'y'));
    let second: serde_json::Value = serde_json::from_slice(lines[1]).unwrap();
    assert_eq!(second["s"].as_str().unwrap(), "é".repeat(10_000_000));
}

fn testdata() -> Option<PathBuf> {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    dir.join("parquet-testing").is_dir().then_some(dir)
}

#[test]
fn hostile_parquet_files_stay_within_the_memory_budget() {
    let Some(data) = testdata() else {
        panic!("../shared/testdata not found: set RUSTPARQUET_TESTDATA");
    };
    let pt = |rel: &str| data.join("parquet-testing").join(rel);
    // A 2 GB column chunk: refused before decoding, whatever the address space.
    let map = pt("data/large_string_map.brotli.parquet");
    let out = run_limited(GIB, &["cat", s(&map)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(
        "row group 0, column `arr.key_value.key`: the column chunk is 2147483749 bytes uncompressed, more than the memory limit of 1073741824 bytes"
    ));
    let out = run_limited(GIB, &["inspect", s(&map)]);
    assert_ok(&out);
    // The dictionary bomb (2.2 GB decoded densely) under the default budget of 1 GiB, with
    // the address space at 1.5 GiB: streamed, its first rows checked, the rest counted.
    let bomb = pt("heavy/dictionary_bomb.parquet");
    let mut child = limited(3 * GIB / 2, &["cat", s(&bomb)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (mut total, mut lines, mut buf) = (0u64, 0u64, vec![0u8; 1 << 20]);
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let out = child.wait_with_output().unwrap();
    assert_ok(&out);
    assert_eq!(lines, 2100);
    assert_eq!(total, 2100 * (1_048_576 + "{\"s\":\"\"}\n".len() as u64));
}
