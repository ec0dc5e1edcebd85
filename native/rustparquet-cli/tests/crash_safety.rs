//! Crash safety of `rustparquet convert`, as a user meets it: `kill -9` at many points of a
//! run, and a full disk (a 2 MiB tmpfs). Neither may leave a file at the target path unless it
//! is complete, nor anything unreadable where a reader would pick it up: the writer's
//! temporaries are hidden (`.NAME.XXXXXX.rustparquet-tmp`, docs/errors.md), and this checks
//! that our `cat DIR`, and pyarrow's and DuckDB's dataset readers when the project venv has
//! them, skip them. With `--on-error quarantine`, a run that finishes accounts for every input
//! line: lines in = documents written + lines quarantined.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rustparquet"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A deterministic NDJSON corpus of `docs` lines: nested documents with pseudo-random strings
/// (so the Parquet output does not compress away), every 997th line invalid JSON and every
/// 1499th a non-object. Returns (bytes, good documents, bad lines).
fn corpus(docs: usize) -> (Vec<u8>, u64, u64) {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = Vec::with_capacity(docs * 160);
    let (mut good, mut bad) = (0, 0);
    for i in 0..docs {
        if i % 997 == 996 {
            writeln!(out, "{{\"id\": {i}, \"broken\": ").unwrap();
            bad += 1;
        } else if i % 1499 == 1498 {
            writeln!(out, "[{i}]").unwrap();
            bad += 1;
        } else {
            writeln!(
                out,
                "{{\"id\":{i},\"name\":\"{:016x}{:016x}\",\"v\":{},\"tags\":[\"{:x}\",\"{:x}\"],\"nested\":{{\"a\":{},\"b\":[{},{}]}}}}",
                next(),
                next(),
                (next() % 1_000_000) as f64 / 7.0,
                next() % 4096,
                next(),
                next() % 1000,
                next() % 100,
                next() % 100
            )
            .unwrap();
            good += 1;
        }
    }
    (out, good, bad)
}

fn lines(path: &Path) -> u64 {
    std::fs::read(path)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64)
        .unwrap_or(0)
}

/// Documents in a Parquet file, by reading it back with `cat`.
fn documents(path: &Path) -> u64 {
    let out = bin().arg("cat").arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        text(&out.stderr)
    );
    out.stdout.iter().filter(|&&c| c == b'\n').count() as u64
}

fn convert_args<'a>(src: &'a str, target: &'a str, quarantine: &'a str) -> Vec<&'a str> {
    vec!["convert", "-q", src, "-o", target, "--on-error", quarantine]
}

/// Runs the command and sends it SIGKILL after `at`.
fn run_killed_after(args: &[&str], at: std::time::Duration) -> std::process::ExitStatus {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(at);
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap()
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn is_temporary(name: &str, target: &str) -> bool {
    name.starts_with(&format!(".{target}.")) && name.ends_with(".rustparquet-tmp")
}

/// The project venv's Python, if it has pyarrow and duckdb.
fn venv_python() -> Option<PathBuf> {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    let ok = Command::new(&py)
        .args(["-c", "import pyarrow.dataset, duckdb"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(py)
}

#[test]
fn kill_9_at_many_points_leaves_no_partial_file_and_loses_no_line() {
    let dir = tempfile::tempdir().unwrap();
    let (data, good, bad) = corpus(150_000);
    let total = good + bad;
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, &data).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("data.parquet");
    let quarantine = dir.path().join("bad.ndjson");
    let quarantine_errors = dir.path().join("bad.ndjson.errors");
    let q = format!("quarantine={}", quarantine.display());
    let args = convert_args(src.to_str().unwrap(), target.to_str().unwrap(), &q);

    // A whole run: how long it takes, and the accounting.
    let started = Instant::now();
    let out = bin().args(&args).output().unwrap();
    let duration = started.elapsed();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(documents(&target), good);
    assert_eq!(lines(&quarantine), bad);
    assert_eq!(lines(&src), total);
    std::fs::remove_file(&target).unwrap();

    // Kill points spread over the run and a little past it (the file is then complete).
    let points = 48;
    let (mut killed_before, mut finished) = (0, 0);
    for i in 0..points {
        let at = duration.mul_f64(1.1 * i as f64 / points as f64);
        let status = run_killed_after(&args, at);
        // The quarantine files appear whole or not at all, and before the output.
        for q in [&quarantine, &quarantine_errors] {
            if q.exists() {
                assert_eq!(lines(q), bad, "kill point {i}: {} is partial", q.display());
            } else {
                assert!(
                    !target.exists(),
                    "kill point {i}: output without {}",
                    q.display()
                );
            }
        }
        if target.exists() {
            // Renamed into place before the kill: it must be complete.
            assert_eq!(
                documents(&target),
                good,
                "kill point {i} ({at:?}): {status:?}"
            );
            finished += 1;
            std::fs::remove_file(&target).unwrap();
        } else {
            killed_before += 1;
        }
        for q in [&quarantine, &quarantine_errors] {
            let _ = std::fs::remove_file(q);
        }
        // Each run sweeps the temporaries of killed earlier runs: at most this run's is left.
        let left = names(&out_dir);
        assert!(left.len() <= 1, "kill point {i}: {left:?}");
        for name in &left {
            assert!(
                is_temporary(name, "data.parquet"),
                "kill point {i}: {name} left"
            );
        }
        for name in names(dir.path()) {
            assert!(
                ["in.ndjson", "out"].contains(&name.as_str())
                    || is_temporary(&name, "bad.ndjson")
                    || is_temporary(&name, "bad.ndjson.errors"),
                "kill point {i}: {name} left beside the quarantine"
            );
        }
        // The rerun after a kill loses nothing (every 8th point, to keep the test short).
        if i % 8 == 0 {
            let out = bin().args(&args).output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(documents(&target) + lines(&quarantine), total, "lines lost");
            std::fs::remove_file(&target).unwrap();
        }
    }
    // One more kill halfway, to leave a temporary for the readers below (the loop's last
    // points fall after the rename, and each run sweeps the previous one's temporary).
    for _ in 0..5 {
        run_killed_after(&args, duration / 2);
        let _ = std::fs::remove_file(&target);
        if !names(&out_dir).is_empty() {
            break;
        }
    }
    let leftovers = names(&out_dir).len();
    eprintln!(
        "{points} kill points over {duration:?}: {killed_before} before the rename, {finished} after; {leftovers} temporaries left by the kills"
    );
    assert!(
        killed_before >= points / 4,
        "too few kills landed inside the run"
    );

    // What readers see of a directory holding a temporary of a killed run and one complete
    // file (written under another name, so its run does not sweep the temporary): the
    // complete file only.
    let complete = out_dir.join("complete.parquet");
    let other = convert_args(src.to_str().unwrap(), complete.to_str().unwrap(), &q);
    let out = bin().args(&other).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = bin().arg("cat").arg(&out_dir).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        out.stdout.iter().filter(|&&c| c == b'\n').count() as u64,
        good
    );
    match venv_python() {
        Some(py) if leftovers > 0 => {
            let script = format!(
                "import pyarrow.dataset as ds, duckdb\n\
                 d = ds.dataset({dir:?}, format='parquet')\n\
                 print(len(d.files), d.count_rows())\n\
                 print(duckdb.sql(\"select count(*) from read_parquet('{dir}/*.parquet')\").fetchall()[0][0])\n",
                dir = out_dir.display()
            );
            let out = Command::new(py).args(["-c", &script]).output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(text(&out.stdout), format!("1 {good}\n{good}\n"));
        }
        Some(_) => eprintln!("no temporary was left by the kills; the reader check is moot"),
        None => eprintln!("skipped the pyarrow/DuckDB check: no .venv with pyarrow and duckdb"),
    }
    // The next run of the killed target sweeps its temporary; nothing else is left anywhere.
    let out = bin().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(names(&out_dir), ["complete.parquet", "data.parquet"]);
    assert_eq!(
        names(dir.path()),
        ["bad.ndjson", "bad.ndjson.errors", "in.ndjson", "out"]
    );
    assert_eq!(documents(&target) + lines(&quarantine), total, "lines lost");
}

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Creates `dir` and mounts a tmpfs of `size` on it, or says why the test is skipped.
    fn mount_for_test(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir(dir).unwrap();
        Tmpfs::mount(dir, size)
            .map_err(|e| {
                eprintln!("skipped: cannot mount a tmpfs ({e}); run as root to test a full disk")
            })
            .ok()
    }

    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(text(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

#[test]
fn a_full_disk_gives_a_clear_error_and_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    let Some(_mounted) = Tmpfs::mount_for_test(&small, "2m") else {
        return;
    };
    let (data, good, bad) = corpus(60_000);
    let total = good + bad;
    let src = dir.path().join("in.ndjson");
    std::fs::write(&src, &data).unwrap();
    let (src, small_s) = (src.to_str().unwrap(), small.to_str().unwrap());

    // The output does not fit in 2 MiB.
    for threads in ["1", "2"] {
        let target = format!("{small_s}/out.parquet");
        let out = run(&[
            "convert",
            src,
            "-o",
            &target,
            "--threads",
            threads,
            "--on-error",
            "skip",
        ]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.starts_with(&format!("rustparquet: {small_s}/"))
                && err.contains("No space left on device"),
            "{err}"
        );
        assert_eq!(
            names(&small),
            Vec::<String>::new(),
            "files left on the full disk"
        );
    }

    // The quarantine file on the full disk, the output elsewhere: the run stops, no output.
    let filler = small.join("filler");
    let room = 2 * 1024 * 1024 - 8 * 1024;
    std::fs::write(&filler, vec![b'x'; room]).unwrap();
    let target = dir.path().join("out.parquet");
    let quarantine = small.join("bad.ndjson");
    let q = format!("quarantine={}", quarantine.display());
    let out = run(&convert_args(src, target.to_str().unwrap(), &q));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!target.exists());
    std::fs::remove_file(&filler).unwrap();

    // With room again, the same run accounts for every line.
    let out = run(&convert_args(src, target.to_str().unwrap(), &q));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(documents(&target) + lines(&quarantine), total);
    assert_eq!(lines(&quarantine), bad);

    // Output and quarantine both on a disk that fills during the run.
    let target = format!("{small_s}/out.parquet");
    let quarantine = small.join("bad2.ndjson");
    let q = format!("quarantine={}", quarantine.display());
    let out = run(&convert_args(src, &target, &q));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!Path::new(&target).exists());
    assert!(names(&small)
        .iter()
        .all(|n| !n.ends_with(".parquet") && !n.ends_with(".rustparquet-tmp")));
}

#[test]
fn standard_input_spilled_to_a_full_tmpdir_gives_a_clear_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("tmp");
    let Some(_mounted) = Tmpfs::mount_for_test(&small, "1m") else {
        return;
    };
    let target = dir.path().join("out.parquet");
    let convert_stdin = |data: &[u8]| {
        let mut child = bin()
            .args(["convert", "-q", "-", "-o", target.to_str().unwrap()])
            .env("TMPDIR", &small)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A writer thread: the child may stop reading at the error.
        let mut stdin = child.stdin.take().unwrap();
        let data = data.to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&data);
        });
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        out
    };
    // Without --schema, standard input is copied to TMPDIR to be read twice: 3 MB do not fit.
    let (data, _, _) = corpus(20_000);
    assert!(data.len() > 2 << 20);
    let out = convert_stdin(&data);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(err.contains(".rustparquet-stdin."), "{err}");
    assert!(!target.exists());
    assert_eq!(names(&small), Vec::<String>::new());

    // A spill left by a killed run (nobody holds its lock) is swept by the next one.
    let stale = small.join(".rustparquet-stdin.AAAAAA.rustparquet-tmp");
    std::fs::write(&stale, vec![b' '; 900 * 1024]).unwrap();
    let out = convert_stdin(b"{\"a\": 1}\n{\"a\": [2]}\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(documents(&target), 2);
    assert_eq!(names(&small), Vec::<String>::new());
}
