//! Runs the `rustparquet` binary: `convert` and `schema` from the command line, their exit
//! codes (docs: README "Exit codes"), messages, standard input, and the summary line.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn rustparquet(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustparquet"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn convert_from_stdin_prints_one_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let docs = b"{\"a\": 1, \"b\": [\"x\"]}\n{\"a\": 2, \"b\": []}\n";
    let o = rustparquet(&["convert", "-", "-o", out.to_str().unwrap()], Some(docs));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    let line = stderr.lines().next().unwrap();
    assert!(
        line.starts_with(&format!(
            "{}: 2 documents · 1 row groups · 2 columns · ",
            out.display()
        )),
        "{line}"
    );
    assert!(o.stdout.is_empty());
    let cat = rustparquet(&["cat", out.to_str().unwrap()], None);
    assert_eq!(
        text(&cat.stdout),
        "{\"a\":1,\"b\":[\"x\"]}\n{\"a\":2,\"b\":[]}\n"
    );
}

#[test]
fn quiet_prints_nothing_and_schema_prints_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(
        &src,
        "{\"id\": 1, \"r\": {\"s\": [{\"n\": 1.5}]}, \"ID\": 2}\n",
    )
    .unwrap();
    let out = dir.path().join("out.parquet");
    let o = rustparquet(
        &[
            "convert",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        None,
    );
    assert_eq!(
        (o.status.code(), o.stderr.len(), o.stdout.len()),
        (Some(0), 0, 0)
    );
    let o = rustparquet(&["schema", src.to_str().unwrap()], None);
    assert_eq!(
        text(&o.stdout),
        "id: int64\nr: object\n  s: array<object>\n    n: double\nID_2 (JSON key \"ID\"): int64\n"
    );
    let o = rustparquet(
        &["schema", src.to_str().unwrap(), "--format", "parquet"],
        None,
    );
    assert!(
        text(&o.stdout).contains("OPTIONAL group s (LIST) {"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn schema_file_round_trips_through_convert() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{\"a\": [1, 2], \"b\": {\"c\": \"x\"}}\n").unwrap();
    let o = rustparquet(
        &["schema", src.to_str().unwrap(), "--format", "rustparquet"],
        None,
    );
    let schema = dir.path().join("s.json");
    std::fs::write(&schema, &o.stdout).unwrap();
    let out = dir.path().join("out.parquet");
    let o = rustparquet(
        &[
            "convert",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--schema",
            schema.to_str().unwrap(),
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let cat = rustparquet(&["cat", out.to_str().unwrap()], None);
    assert_eq!(text(&cat.stdout), "{\"a\":[1,2],\"b\":{\"c\":\"x\"}}\n");
}

#[test]
fn bad_input_exits_1_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bad.ndjson");
    std::fs::write(&src, "{\"a\": 1}\n{\"a\": tru}\n").unwrap();
    let out = dir.path().join("out.parquet");
    let o = rustparquet(
        &[
            "convert",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        format!(
            "rustparquet: {}:2:7: invalid JSON: invalid literal: expected `true`\n",
            src.display()
        )
    );
    assert!(!out.exists());
    // skip: exit 0, the bad document reported.
    let o = rustparquet(
        &[
            "convert",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--on-error",
            "skip",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("rustparquet: 1 bad documents skipped; first:"),
        "{}",
        text(&o.stderr)
    );
    assert!(out.exists());
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{}\n").unwrap();
    let out = dir.path().join("out.parquet");
    for (flag, value, message) in [
        (
            "--compression",
            "brotli",
            "--compression: brotli is not offered: Spark 3.5 cannot read it",
        ),
        (
            "--row-group-size",
            "12 parsecs",
            "--row-group-size: unknown unit in `12 parsecs`",
        ),
        (
            "--on-error",
            "maybe",
            "--on-error: `maybe` (expected fail, skip or quarantine=PATH)",
        ),
    ] {
        let o = rustparquet(
            &[
                "convert",
                src.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                flag,
                value,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(
            text(&o.stderr).starts_with(&format!("rustparquet: {message}")),
            "{}",
            text(&o.stderr)
        );
    }
    let o = rustparquet(
        &["convert", "no/such/file.json", "-o", out.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "rustparquet: no/such/file.json: no such file\n"
    );
    let o = rustparquet(
        &["convert", "nothing-*.json", "-o", out.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = rustparquet(&["convert"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_documents_every_convert_flag_and_the_exit_codes() {
    let o = rustparquet(&["convert", "--help"], None);
    let help = text(&o.stdout);
    for flag in [
        "--output",
        "--schema",
        "--sample",
        "--input-format",
        "--on-error",
        "--max-depth",
        "--compression",
        "--compression-level",
        "--row-group-size",
        "--row-group-rows",
        "--page-size",
        "--dictionary",
        "--dictionary-page-size",
        "--statistics",
        "--writer-version",
        "--bloom-filter",
        "--bloom-filter-fpp",
        "--threads",
        "--quiet",
    ] {
        assert!(help.contains(flag), "{flag} missing from convert --help");
    }
    let o = rustparquet(&["--help"], None);
    assert!(text(&o.stdout).contains("Exit codes:"));
}

#[test]
fn ctrl_c_leaves_no_file_even_when_blocked_on_input() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("s.json");
    std::fs::write(&schema, r#"{"fields": [{"name": "a", "type": "int64"}]}"#).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("out.parquet");
    // Standard input stays open and silent: the run waits for it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustparquet"))
        .args([
            "convert",
            "-",
            "-o",
            out.to_str().unwrap(),
            "--schema",
            schema.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"{\"a\": 1}\n")
        .unwrap();
    // Wait for the temporary file: the writer is open.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out_dir).unwrap().next().is_none() {
        assert!(
            started.elapsed().as_secs() < 20,
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(
        text(&output.stderr).contains("rustparquet: interrupted"),
        "{}",
        text(&output.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn compression_levels_out_of_range_name_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{\"a\": 1}\n").unwrap();
    let out = dir.path().join("out.parquet");
    let convert = |args: &[&str]| {
        let mut all = vec![
            "convert",
            src.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ];
        all.extend_from_slice(args);
        rustparquet(&all, None)
    };
    for (args, message) in [
        (
            &["-c", "zstd", "--compression-level", "99"][..],
            "rustparquet: --compression-level: zstd levels are 1..22, not 99\n",
        ),
        (
            &["-c", "gzip", "--compression-level", "10"][..],
            "rustparquet: --compression-level: gzip levels are 0..9, not 10\n",
        ),
        (
            &["-c", "zstd(0)"][..],
            "rustparquet: --compression: zstd levels are 1..22, not 0\n",
        ),
        (
            &["-c", "snappy", "--compression-level", "3"][..],
            "rustparquet: --compression-level: only zstd and gzip take a level\n",
        ),
    ] {
        let o = convert(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&o.stderr), message, "{args:?}");
        assert!(!out.exists());
    }
    let o = convert(&["-c", "zstd", "--compression-level", "22"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.exists());
}
