//! The fuzz harness: what each libFuzzer target does with its bytes, and what must hold.
//!
//! Three targets: [`json_convert`] (JSON bytes through `convert`, with an inferred or a given
//! schema, and back through the reader), [`infer_merge`] (schema inference of two halves of a
//! document set, merged, against inference of the whole) and [`parquet_cat`] (arbitrary bytes as
//! a Parquet file through `cat` and `inspect`). A finding is a panic, an abort, a hang, or a
//! broken property (the assertions below). The core crate's test `fuzz_regressions` compiles
//! this file too and replays every input kept in `regressions/<target>/`, so a fixed crash stays
//! fixed without the nightly toolchain.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Once, OnceLock};

use rustparquet_core::convert::infer_schema;
use rustparquet_core::infer::{merge_schemas, InferOptions, SchemaInferrer, UnionMode};
use rustparquet_core::input::{expand_inputs, InputFormat, OnError};
use rustparquet_core::json::Parser;
use rustparquet_core::read::{self, ReadOptions};
use rustparquet_core::schema::Schema;
use rustparquet_core::shred::Shredder;
use rustparquet_core::{convert, ConvertOptions, Error, Location};
use serde_json::Value;

/// Nesting allowed in the JSON targets: below serde_json's recursion limit (128), which the
/// round-trip check reads with.
const DEPTH: usize = 64;

/// A directory for the targets' files: in memory (/dev/shm) when there is one.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let builder = || {
            let mut b = tempfile::Builder::new();
            b.prefix("rustparquet-fuzz-");
            b
        };
        if shm.is_dir() {
            if let Ok(d) = builder().tempdir_in(shm) {
                return d;
            }
        }
        builder().tempdir().expect("a scratch directory")
    })
    .path()
}

/// A fresh file name in the scratch directory (tests replay inputs on several threads).
fn scratch_file(stem: &str, ext: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    scratch().join(format!("{stem}-{}-{n}.{ext}", std::process::id()))
}

/// Errors that mean a bug rather than bad input: a thread of ours panicked. (A panic inside
/// the Parquet decoder on corrupt data is caught and reported as "internal error while
/// decoding (corrupt data, ...)": that is the documented handling, not a finding.)
fn assert_not_internal(e: &Error) {
    let text = e.to_string();
    assert!(
        !text.contains("internal error") || text.contains("internal error while decoding"),
        "internal error: {text}"
    );
}

/// Numbers compare by value (an integer can come back from a double column, a 30-digit
/// integer is exact to us and a double to serde_json); everything else exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The value without null object members (the reader is run with `omit_nulls`, since Parquet
/// does not record whether a member was null or missing).
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// JSON bytes → `convert` → reader. The first byte picks the options: bit 0 threads (1 or 2),
/// bits 1-2 the input layout, bit 3 skip bad documents, bits 4-5 the union mode, bit 6 tiny
/// row groups, bit 7 a given schema (inferred from the first line alone, so later lines may
/// not fit it). Must hold: no panic; a failed run leaves no file and no temporary; a finished
/// file reads back with as many documents as were written; with every option at its default
/// but the threads, NDJSON documents read back with the values serde_json reads.
pub fn json_convert(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let src = scratch_file("in", "json");
    let out = scratch_file("out", "parquet");
    std::fs::write(&src, body).expect("scratch write");
    let mut o = ConvertOptions {
        threads: if flags & 1 == 0 { 1 } else { 2 },
        max_depth: DEPTH,
        ..ConvertOptions::default()
    };
    o.input_format = match (flags >> 1) & 3 {
        1 => InputFormat::Stream,
        2 => InputFormat::Array,
        _ => InputFormat::Auto,
    };
    if flags & 8 != 0 {
        o.on_error = OnError::Skip;
    }
    o.infer.unions = match (flags >> 4) & 3 {
        1 => UnionMode::String,
        2 => UnionMode::Error,
        _ => UnionMode::Union,
    };
    if flags & 64 != 0 {
        o.writer.row_group_rows = 3;
    }
    let src_name = src.display().to_string();
    if flags & 128 != 0 {
        let first = body.split(|&b| b == b'\n').next().unwrap_or_default();
        let schema_src = scratch_file("schema", "json");
        std::fs::write(&schema_src, first).expect("scratch write");
        let inputs = expand_inputs(&[schema_src.display().to_string()]).expect("scratch input");
        let infer_options = ConvertOptions {
            on_error: OnError::Skip,
            ..o.clone()
        };
        if let Ok(schema) = infer_schema(&inputs, &infer_options) {
            o.schema = Some(schema);
        }
        let _ = std::fs::remove_file(&schema_src);
    }
    match convert(&[src_name], &out, &o) {
        Ok(summary) => {
            let mut ro = ReadOptions::default();
            ro.assemble.omit_nulls = true;
            let text = read::to_ndjson_string(&out, &ro)
                .unwrap_or_else(|e| panic!("a file we wrote does not read back: {e}"));
            let docs: Vec<Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).expect("the reader writes JSON"))
                .collect();
            assert_eq!(docs.len() as u64, summary.documents);
            let plain = flags & 0b1111_1110 == 0b0000_0010; // NDJSON, fail, unions, inferred
            if plain {
                let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
                let expected: Result<Vec<Value>, _> = serde_json::Deserializer::from_slice(body)
                    .into_iter::<Value>()
                    .collect();
                if let Ok(expected) = expected {
                    assert_eq!(expected.len(), docs.len(), "documents read back");
                    for (e, d) in expected.iter().zip(&docs) {
                        assert!(same(&without_nulls(e), d), "{e} came back as {d}");
                    }
                }
            }
        }
        Err(e) => {
            assert_not_internal(&e);
            assert!(!out.exists(), "a failed run left its output: {e}");
            if matches!(
                e,
                Error::Json { .. } | Error::Mismatch { .. } | Error::TooDeep { .. }
            ) {
                assert!(e.location().is_some(), "{e}");
            }
        }
    }
    let _ = std::fs::remove_file(&src);
    let _ = std::fs::remove_file(&out);
    let leftovers: Vec<_> = std::fs::read_dir(scratch())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with(".rustparquet-tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporaries left: {leftovers:?}");
}

/// Folds the documents of `lines` that inference accepts on their own into `inferrer`;
/// returns them, and whether one of them failed in `inferrer` (a type conflict with an
/// earlier document, in error mode).
fn fold<'a>(
    inferrer: &mut SchemaInferrer,
    lines: &[&'a [u8]],
    options: &InferOptions,
) -> (Vec<&'a [u8]>, bool) {
    let locate = |off: usize| Location {
        file: "fuzz".into(),
        line: 1,
        column: off as u64 + 1,
    };
    let mut good = Vec::new();
    let mut failed = false;
    for line in lines {
        // A document that fails may have been folded in partly: try it on a scratch inferrer.
        let mut probe = SchemaInferrer::with_options(DEPTH, options.clone());
        let mut p = Parser::new(line, 0, DEPTH);
        if probe.add_document(&mut p, &locate).is_ok() && {
            p.skip_whitespace();
            p.at_end()
        } {
            let mut p = Parser::new(line, 0, DEPTH);
            match inferrer.add_document(&mut p, &locate) {
                Ok(()) => good.push(*line),
                Err(Error::Conflict { .. }) if options.unions == UnionMode::Error => failed = true,
                Err(e) => panic!("a document accepted alone fails after others: {e}"),
            }
        }
    }
    (good, failed)
}

/// Whether every document shreds into `schema` without a mismatch.
fn all_fit(schema: &Schema, docs: &[&[u8]]) -> Result<(), String> {
    let mut shredder = Shredder::new(schema);
    for d in docs {
        let mut p = Parser::new(d, 0, DEPTH);
        if let Err(e) = shredder.shred_document(&mut p) {
            return Err(format!(
                "{} does not fit {}: {e:?}",
                String::from_utf8_lossy(d),
                schema.to_json_string()
            ));
        }
    }
    Ok(())
}

/// Schema inference and merging. The first byte picks the union mode; the rest is split into
/// lines, one document each, and at the first line starting with `#` into two halves. Must
/// hold: no panic; merging the halves' inferrers gives the schema of inferring the whole;
/// every accepted document fits the whole's schema and the merge of the halves' schemas; a
/// schema survives its JSON form.
pub fn infer_merge(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let mode = match flags & 3 {
        1 => UnionMode::String,
        2 => UnionMode::Error,
        _ => UnionMode::Union,
    };
    let options = InferOptions {
        unions: mode,
        ..InferOptions::default()
    };
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let cut = lines
        .iter()
        .position(|l| l.starts_with(b"#"))
        .unwrap_or(lines.len() / 2);
    let (first, second) = lines.split_at(cut);
    let new = || SchemaInferrer::with_options(DEPTH, options.clone());
    let (mut a, mut b, mut whole) = (new(), new(), new());
    let (mut good, failed_a) = fold(&mut a, first, &options);
    let (good_b, failed_b) = fold(&mut b, second, &options);
    good.extend(good_b);
    // The whole set, document by document (some may fail only in the whole, as a conflict
    // in error mode).
    let mut whole_failed = failed_a || failed_b;
    for d in &good {
        let mut p = Parser::new(d, 0, DEPTH);
        let locate = |off: usize| Location {
            file: "fuzz".into(),
            line: 1,
            column: off as u64 + 1,
        };
        if let Err(e) = whole.add_document(&mut p, &locate) {
            assert_not_internal(&e);
            whole_failed = true;
        }
    }
    let (sa, sb) = (a.finish(), b.finish());
    let merged = a.merge(&b).and_then(|_| a.finish());
    let whole_schema = whole.finish();
    if let (Ok(merged), Ok(w), false) = (&merged, &whole_schema, whole_failed) {
        assert_eq!(
            merged.to_json_string(),
            w.to_json_string(),
            "merged inferrers differ from inferring the whole"
        );
        all_fit(w, &good).unwrap_or_else(|e| panic!("whole schema: {e}"));
    }
    for s in [&sa, &sb, &whole_schema].into_iter().flatten() {
        let text = s.to_json_string();
        let back = Schema::from_json_str(&text, None)
            .unwrap_or_else(|e| panic!("a schema we made does not parse back: {e}: {text}"));
        assert_eq!(back.to_json_string(), text);
    }
    if let (Ok(sa), Ok(sb)) = (&sa, &sb) {
        match merge_schemas(sa, sb, mode) {
            Ok(m) => {
                if mode != UnionMode::Error && !whole_failed {
                    all_fit(&m, &good).unwrap_or_else(|e| panic!("merged schemas: {e}"));
                }
            }
            Err(e) => assert_not_internal(&e),
        }
    }
}

/// Installs (once) a panic hook that stays quiet for panics the reader catches itself and
/// passes every other panic to the hook before it (libFuzzer's aborts, which is a finding).
fn quiet_caught_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !read::panic_is_caught() {
                previous(info)
            }
        }));
    });
}

/// Counts bytes and drops them.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes as a Parquet file → `cat` (64 MiB memory budget, at most 10,000 documents) and
/// `inspect`. Must hold: no panic outside the decoder's guard, no abort, and an error (if any)
/// that is not one of our threads failing.
pub fn parquet_cat(data: &[u8]) {
    quiet_caught_panics();
    let path = scratch_file("in", "parquet");
    std::fs::write(&path, data).expect("scratch write");
    let options = ReadOptions {
        max_memory: 64 << 20,
        limit: Some(10_000),
        ..ReadOptions::default()
    };
    let mut sink = Counter(0);
    if let Err(e) = read::cat(std::slice::from_ref(&path), &options, &mut sink) {
        assert_not_internal(&e);
    }
    if let Ok(report) = read::inspect::inspect(&path) {
        let _ = report.to_text();
    }
    let _ = std::fs::remove_file(&path);
}
