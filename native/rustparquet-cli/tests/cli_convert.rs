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
            "{}: 2 documents · 1 row group · 2 columns · ",
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
        text(&o.stderr).contains("rustparquet: 1 bad document skipped; first:"),
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
        "--map-threshold",
        "--map-min-keys",
        "--map-max-key-share",
        "--map-min-named-keys",
    ] {
        assert!(help.contains(flag), "{flag} missing from convert --help");
    }
    let o = rustparquet(&["--help"], None);
    assert!(text(&o.stdout).contains("Exit codes:"));
}

/// Starts `convert -` from a standard input the test holds open, writing into a fresh
/// directory `out/` (which then holds only the run's files).
fn convert_from_open_stdin(dir: &std::path::Path) -> (std::process::Child, std::path::PathBuf) {
    let schema = dir.join("s.json");
    std::fs::write(&schema, r#"{"fields": [{"name": "a", "type": "int64"}]}"#).unwrap();
    let out_dir = dir.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("out.parquet");
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
            started.elapsed().as_secs() < 60,
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child, out)
}

/// Whether a thread of process `pid` is inside `read(0, …)`, per /proc/PID/task/*/syscall
/// (syscall number 0 on x86-64, first argument the descriptor). `None` where /proc cannot
/// say (another architecture or kernel).
fn reading_stdin(pid: u32) -> Option<bool> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return None;
    }
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut readable = false;
    for task in tasks.flatten() {
        let Ok(line) = std::fs::read_to_string(task.path().join("syscall")) else {
            continue;
        };
        readable = true;
        if line.starts_with("0 0x0 ") {
            return Some(true);
        }
    }
    readable.then_some(false)
}

fn send_sigint(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for `child` to exit, within `limit`, without touching its standard input.
fn wait_within(child: &mut std::process::Child, limit: std::time::Duration) -> Output {
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the run did not exit within {limit:?} of Ctrl-C");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    let read_all = |r: Option<&mut dyn std::io::Read>| {
        let mut v = Vec::new();
        if let Some(r) = r {
            r.read_to_end(&mut v).unwrap();
        }
        v
    };
    let stdout = read_all(child.stdout.as_mut().map(|r| r as &mut dyn std::io::Read));
    let stderr = read_all(child.stderr.as_mut().map(|r| r as &mut dyn std::io::Read));
    Output {
        status,
        stdout,
        stderr,
    }
}

#[test]
fn ctrl_c_leaves_no_file_even_when_blocked_on_input() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, out) = convert_from_open_stdin(dir.path());
    let out_dir = out.parent().unwrap().to_path_buf();
    // Standard input stays open and silent: the run cannot finish. Make sure it is waiting
    // in read(0) (where /proc can tell), so the signal finds it blocked on input.
    let started = std::time::Instant::now();
    while reading_stdin(child.id()) == Some(false) {
        assert!(
            started.elapsed().as_secs() < 60,
            "the run never blocked on its input"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    send_sigint(child.id());
    // Standard input is still open (dropped only after the exit): the only way out is the
    // handler's, after its grace period.
    let output = wait_within(&mut child, std::time::Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("rustparquet: interrupted"),
        "{}",
        text(&output.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Ctrl-C racing the end of the input: the run either commits its file before the signal
/// counts (exit 0, the complete file) or never commits it (exit 130, nothing left); never
/// 130 with a file, never a partial file.
#[test]
fn ctrl_c_at_the_end_of_the_input_is_all_or_nothing() {
    for round in 0..10u64 {
        let dir = tempfile::tempdir().unwrap();
        let (mut child, out) = convert_from_open_stdin(dir.path());
        let out_dir = out.parent().unwrap().to_path_buf();
        let stdin = child.stdin.take().unwrap();
        // Close the input and send the signal a varying moment apart, on two threads.
        let closer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_micros(round * 300));
            drop(stdin);
        });
        send_sigint(child.id());
        closer.join().unwrap();
        let output = wait_within(&mut child, std::time::Duration::from_secs(60));
        let stderr = text(&output.stderr);
        let mut left: Vec<String> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        match output.status.code() {
            Some(130) => {
                assert!(stderr.contains("rustparquet: interrupted"), "{stderr}");
                assert!(left.is_empty(), "exit 130 but files left: {left:?}");
            }
            Some(0) => {
                assert_eq!(left, ["out.parquet"], "{stderr}");
                let cat = rustparquet(&["cat", out.to_str().unwrap()], None);
                assert_eq!(text(&cat.stdout), "{\"a\":1}\n");
            }
            other => panic!("exit {other:?}: {stderr}"),
        }
    }
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{\"a\": 1, \"a\": 2}\n{oops\n").unwrap();
    let out = dir.path().join("out.parquet");
    // Both pipelines: parallel chunks (2 threads) and one thread.
    for threads in ["2", "1"] {
        let o = rustparquet(
            &[
                "convert",
                src.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--on-error",
                "skip",
                "--threads",
                threads,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let stderr = text(&o.stderr);
        assert!(
            stderr.starts_with(&format!(
                "{}: 1 document · 1 row group · 1 column · ",
                out.display()
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("rustparquet: 1 bad document skipped; first:"),
            "{stderr}"
        );
        assert!(
        stderr.contains(&format!(
            "rustparquet: 1 value was replaced by a later duplicate key in the same object (the last value wins); the first at {}:1:10: `a`",
            src.display()
        )),
        "{stderr}"
    );
    }
}

#[test]
fn output_into_a_missing_directory_names_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{\"a\": 1}\n").unwrap();
    let out = dir.path().join("out").join("x.parquet");
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
        text(&o.stderr).trim_end(),
        format!(
            "rustparquet: {}: directory {} does not exist",
            out.display(),
            dir.path().join("out").display()
        )
    );
}

#[test]
fn no_clobber_keeps_an_existing_output_and_without_it_the_output_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, "{\"a\": 1}\n").unwrap();
    let out = dir.path().join("out.parquet");
    std::fs::write(&out, b"precious").unwrap();
    let args = [
        "convert",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let o = rustparquet(&[&args[..], &["--no-clobber"]].concat(), None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr).trim_end(),
        format!(
            "rustparquet: {}: already exists, and --no-clobber leaves it as it is",
            out.display()
        )
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    let names = || {
        let mut v: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(), ["in.ndjson", "out.parquet"]);
    // A file appearing at the target while the run works is kept too: the rename at the end
    // does not replace. The run waits on its standard input while the file appears.
    let late = dir.path().join("late.parquet");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustparquet"))
        .args(["convert", "-", "-o", late.to_str().unwrap(), "--no-clobber"])
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
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&late, b"late").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("already exists, and --no-clobber leaves it as it is"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read(&late).unwrap(), b"late");
    assert_eq!(names(), ["in.ndjson", "late.parquet", "out.parquet"]);
    // Without --no-clobber the output is replaced, as documented.
    let o = rustparquet(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let cat = rustparquet(&["cat", out.to_str().unwrap()], None);
    assert_eq!(text(&cat.stdout), "{\"a\":1}\n");
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
