//! `rustparquet cat` and `rustparquet inspect`, run as a user runs them: the binary, its
//! stdout, stderr and exit code.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rustparquet"))
}

fn testdata() -> PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("parquet-testing").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        dir.display()
    );
    dir
}

fn pt(rel: &str) -> String {
    testdata()
        .join("parquet-testing")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn cat_prints_ndjson() {
    let (code, out, err) = run(&["cat", &pt("data/list_columns.parquet")]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "{\"int64_list\":[1,2,3],\"utf8_list\":[\"abc\",\"efg\",\"hij\"]}\n\
         {\"int64_list\":[null,1],\"utf8_list\":null}\n\
         {\"int64_list\":[4],\"utf8_list\":[\"efg\",null,\"hij\",\"xyz\"]}\n"
    );
}

#[test]
fn cat_columns_limit_and_globs() {
    let (code, out, _) = run(&[
        "cat",
        &pt("data/nullable.impala.parquet"),
        "--columns",
        "id,nested_struct.A",
        "--limit",
        "2",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"id\":1,\"nested_struct\":{\"A\":1}}\n{\"id\":2,\"nested_struct\":{\"A\":null}}\n"
    );
    // A glob over several files, the limit counted over all of them.
    let pattern = pt("data/alltypes_plain*.parquet");
    let (code, out, _) = run(&["cat", &pattern, "--columns", "id", "--limit", "9"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 9);
    let (code, out, _) = run(&["cat", &pattern, "--columns", "id"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 8 + 2);
}

#[test]
fn cat_omit_nulls_and_nan_options() {
    let (_, out, _) = run(&[
        "cat",
        &pt("data/nulls.snappy.parquet"),
        "--omit-nulls",
        "--limit",
        "1",
    ]);
    assert_eq!(out, "{\"b_struct\":{}}\n");
    let (_, out, _) = run(&["cat", &pt("data/single_nan.parquet")]);
    assert_eq!(out, "{\"mycol\":null}\n");
    let (_, out, _) = run(&[
        "cat",
        &pt("data/float16_zeros_and_nans.parquet"),
        "--nan",
        "null",
    ]);
    assert!(!out.contains("NaN"), "{out}");
    let (_, out, _) = run(&["cat", &pt("data/float16_zeros_and_nans.parquet")]);
    assert!(out.contains("\"NaN\""), "{out}");
}

#[test]
fn bad_files_exit_1_with_path_and_reason() {
    let file = pt("bad_data/ARROW-GH-45185.parquet");
    let (code, out, err) = run(&["cat", &file]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        format!("rustparquet: {file}: row group 0: first repetition level of batch must be 0\n")
    );
    let missing = pt("data/no-such-file.parquet");
    let (code, _, err) = run(&["cat", &missing]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("rustparquet: {missing}: No such file or directory (os error 2)\n")
    );
}

#[test]
fn unknown_column_and_bad_size_are_usage_errors() {
    let (code, _, err) = run(&["cat", &pt("data/list_columns.parquet"), "--columns", "nope"]);
    assert_eq!(code, 2);
    assert!(
        err.ends_with("list_columns.parquet; it has: int64_list, utf8_list\n"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "cat",
        &pt("data/list_columns.parquet"),
        "--max-memory",
        "lots",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("`lots` is not a size"), "{err}");
    let (code, _, err) = run(&["cat", "no/match/*.parquet"]);
    assert_eq!(code, 2);
    assert_eq!(err, "rustparquet: `no/match/*.parquet` matches no file\n");
}

#[test]
fn broken_pipe_exits_0() {
    // 40000 rows; the reader goes away after the first line.
    let mut child = bin()
        .args(["cat", &pt("data/overflow_i16_page_cnt.parquet")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn dictionary_bomb_streams_under_a_1_gib_address_space_limit() {
    // 2.2 GB of output from a 287-byte file, with the process's virtual memory capped at
    // 1 GiB: it must neither be killed nor fail. The output is counted, not kept.
    let script = format!(
        "ulimit -v 1048576 && exec {} cat {} --max-memory 256MiB",
        env!("CARGO_BIN_EXE_rustparquet"),
        pt("heavy/dictionary_bomb.parquet")
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let (mut total, mut lines) = (0u64, 0u64);
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
    assert_eq!(lines, 2100);
    assert_eq!(total, 2100 * (1_048_576 + "{\"s\":\"\"}\n".len() as u64));
}

#[test]
fn hostile_chunk_is_refused_before_decoding() {
    let file = pt("data/large_string_map.brotli.parquet");
    let (code, out, err) = run(&["cat", &file]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        format!("rustparquet: {file}: row group 0, column `arr.key_value.key`: the column chunk is 2147483749 bytes uncompressed, more than the memory limit of 1073741824 bytes; raise --max-memory to read it\n")
    );
}

#[test]
fn inspect_shows_levels_chunks_and_metadata() {
    let (code, out, err) = run(&["inspect", &pt("data/nested_lists.snappy.parquet")]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("optional byte_array element (UTF8);  R:3 D:7"),
        "{out}"
    );
    assert!(out.contains("row group 0: 3 rows"), "{out}");
    assert!(
        out.contains("a.list.element.list.element.list.element: "),
        "{out}"
    );

    let (code, out, _) = run(&["inspect", "--json", &pt("data/int96_from_spark.parquet")]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["num_rows"], 6);
    assert_eq!(v["columns"][0]["physical_type"], "INT96");
    assert_eq!(v["columns"][0]["max_definition_level"], 1);
    let chunk = &v["row_groups"][0]["columns"][0];
    assert_eq!(chunk["codec"], "SNAPPY");
    assert_eq!(chunk["null_count"], 1);
    assert_eq!(
        chunk["encodings"],
        serde_json::json!(["PLAIN_DICTIONARY", "RLE", "BIT_PACKED"])
    );
    assert_eq!(
        v["key_value_metadata"][0]["key"],
        "org.apache.spark.version"
    );

    // The bomb's footer tells its decoded size without decoding.
    let (_, out, _) = run(&["inspect", "--json", &pt("heavy/dictionary_bomb.parquet")]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["row_groups"][0]["columns"][0]["unencoded_byte_array_data_bytes"],
        2_202_009_600u64
    );

    let file = pt("bad_data/PARQUET-1481.parquet");
    let (code, _, err) = run(&["inspect", &file]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("rustparquet: {file}: cannot read the Parquet footer: Unexpected Type -7\n")
    );
}

#[test]
fn a_decoder_panic_on_corrupt_data_is_one_error_line() {
    // binary.parquet with six bytes changed (found by byte flipping): the `parquet` crate
    // panics on a negative column chunk range; the user sees one line and exit code 1.
    let mut bytes = std::fs::read(pt("data/binary.parquet")).unwrap();
    for (i, b) in [
        (10, 124),
        (51, 47),
        (125, 112),
        (157, 21),
        (162, 155),
        (167, 95),
    ] {
        bytes[i] = b;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flipped.parquet");
    std::fs::write(&file, &bytes).unwrap();
    let file = file.to_string_lossy().into_owned();
    let (code, _, err) = run(&["cat", &file]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("rustparquet: {file}: internal error while decoding (corrupt data, or a bug to report): column start and length should not be negative\n")
    );
}

/// Writes `docs` (NDJSON) as a Parquet file at `path` with the binary.
fn parquet_at(path: &Path, docs: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let src = path.with_extension("ndjson.src");
    std::fs::write(&src, docs).unwrap();
    let (code, _, err) = run(&[
        "convert",
        src.to_str().unwrap(),
        "-o",
        path.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(src).unwrap();
}

#[test]
fn cat_dir_reads_hive_partitions_recursively_as_spark_does() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("table");
    parquet_at(
        &t.join("date=2026-12-01/n=1/part-0.parquet"),
        "{\"a\":1}\n{\"a\":2}\n",
    );
    parquet_at(
        &t.join("date=2026-12-02/n=3000000000/part-0.parquet"),
        "{\"a\":3}\n",
    );
    parquet_at(
        &t.join("date=__HIVE_DEFAULT_PARTITION__/n=7/part-0.parquet"),
        "{\"a\":null}\n",
    );
    std::fs::write(t.join("_SUCCESS"), b"").unwrap();
    std::fs::write(t.join("date=2026-12-01/n=1/.part-0.parquet.crc"), b"x").unwrap();
    std::fs::create_dir_all(t.join("_temporary/0")).unwrap();
    std::fs::write(t.join("_temporary/0/part-9.parquet"), b"junk").unwrap();
    let table = t.to_str().unwrap();
    let (code, out, err) = run(&["cat", table]);
    assert_eq!((code, err.as_str()), (0, ""));
    // `n` holds an int and a long: the column is a long; the null directory is null.
    assert_eq!(
        out,
        "{\"a\":1,\"date\":\"2026-12-01\",\"n\":1}\n\
         {\"a\":2,\"date\":\"2026-12-01\",\"n\":1}\n\
         {\"a\":3,\"date\":\"2026-12-02\",\"n\":3000000000}\n\
         {\"a\":null,\"date\":null,\"n\":7}\n"
    );
    // --columns selects partition columns too, alone or with the file's.
    let (code, out, err) = run(&["cat", table, "--columns", "n", "--limit", "2"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "{\"n\":1}\n{\"n\":1}\n");
    let (_, out, _) = run(&["cat", table, "--columns", "date,a", "--omit-nulls"]);
    assert_eq!(
        out,
        "{\"a\":1,\"date\":\"2026-12-01\"}\n{\"a\":2,\"date\":\"2026-12-01\"}\n\
         {\"a\":3,\"date\":\"2026-12-02\"}\n{}\n"
    );
    // Files that disagree on their partition directories are refused, as Spark refuses them.
    parquet_at(&t.join("date=2026-12-03/part-0.parquet"), "{\"a\":4}\n");
    let (code, _, err) = run(&["cat", table]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("disagree on their partition directories"),
        "{err}"
    );
}

#[test]
fn a_mistyped_column_of_a_wide_file_gets_suggestions_not_every_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.parquet");
    let doc: Vec<String> = (0..300).map(|i| format!("\"metric_{i}\":{i}")).collect();
    parquet_at(
        &file,
        &format!("{{{},\"build\":{{\"branch\":\"main\"}}}}\n", doc.join(",")),
    );
    let (code, out, err) = run(&["cat", file.to_str().unwrap(), "--columns", "build.brnch"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err.trim_end(),
        format!(
            "rustparquet: --columns: `build.brnch` is not a column of {f}; did you mean `build.branch`? (301 columns; `rustparquet inspect {f}` lists them)",
            f = file.display()
        )
    );
}

#[test]
fn inspect_counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.parquet");
    parquet_at(&file, "{\"a\":1}\n");
    let (code, out, err) = run(&["inspect", file.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.contains("row group 0: 1 row, "), "{out}");
    assert!(out.contains("  a: 1 value, "), "{out}");
}

/// `rustparquet schema x | head` and the like: a reader that stops early is not an error, and
/// nothing panics. The pipe's reading end is closed before the command starts, so every write
/// fails with a broken pipe, whatever the machine's timing.
#[test]
fn a_closed_stdout_pipe_ends_every_printing_command_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("docs.json");
    std::fs::write(&json, "{\"a\":1,\"b\":[{\"c\":\"x\"}]}\n{\"a\":2}\n").expect("write");
    let parquet = dir.path().join("docs.parquet");
    let status = bin()
        .args(["convert", "-q"])
        .arg(&json)
        .arg("-o")
        .arg(&parquet)
        .status()
        .expect("convert runs");
    assert!(status.success());
    let json = json.to_string_lossy().into_owned();
    let parquet = parquet.to_string_lossy().into_owned();
    let commands: [&[&str]; 5] = [
        &["schema", &json],
        &["schema", "--format", "ddl", &parquet],
        &["cat", &parquet],
        &["inspect", &parquet],
        &["inspect", "--json", &parquet],
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = bin()
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
