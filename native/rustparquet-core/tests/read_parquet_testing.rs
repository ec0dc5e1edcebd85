//! Reading other writers' files: the shared copy of apache/parquet-testing.
//!
//! * nested files against pyarrow's reading (`expected_pyarrow/`, maps compared as objects);
//! * every file of `data/` and `bad_data/` either gives its known row count or its known
//!   error: a new file without an entry fails the suite;
//! * values: INT96 from Spark, decimals, dates/timestamps, the delta-encoded `*_expect.csv`;
//! * hostile files end in a clear error or in output within the memory budget.
//!
//! Test data: `$RUSTPARQUET_TESTDATA`, else `../../../shared/testdata` from this crate.

use std::path::{Path, PathBuf};

use arrow_schema::DataType as ArrowType;
use rustparquet_core::read::{self, ParquetFile, ReadOptions};
use rustparquet_core::Error;
use serde_json::Value;

fn testdata() -> PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("parquet-testing").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder \
         (the one holding parquet-testing/)",
        dir.display()
    );
    dir
}

fn pt(rel: &str) -> PathBuf {
    testdata().join("parquet-testing").join(rel)
}

fn cat(rel: &str) -> Result<String, Error> {
    read::to_ndjson_string(pt(rel), &ReadOptions::default())
}

fn lines(rel: &str) -> Vec<Value> {
    cat(rel)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{rel}: {e}: {l}")))
        .collect()
}

/// pyarrow writes a MAP as `[[key, value], ...]`; we write an object with string keys.
fn normalise(v: Value, t: &ArrowType) -> Value {
    match (v, t) {
        (Value::Array(pairs), ArrowType::Map(entries, _)) => {
            let ArrowType::Struct(kv) = entries.data_type() else {
                panic!("map entries not a struct")
            };
            if kv.len() == 1 {
                // A key-only map: pyarrow reads a list of keys, and so do we.
                return Value::Array(
                    pairs
                        .into_iter()
                        .map(|k| normalise(k, kv[0].data_type()))
                        .collect(),
                );
            }
            let mut obj = serde_json::Map::new();
            for pair in pairs {
                let Value::Array(mut kvp) = pair else {
                    panic!("map entry not a pair")
                };
                let value = kvp.pop().unwrap();
                let key = match kvp.pop().unwrap() {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                obj.insert(key, normalise(value, kv[1].data_type()));
            }
            Value::Object(obj)
        }
        (Value::Array(items), ArrowType::List(f) | ArrowType::LargeList(f)) => Value::Array(
            items
                .into_iter()
                .map(|i| normalise(i, f.data_type()))
                .collect(),
        ),
        (Value::Object(m), ArrowType::Struct(fields)) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let f = fields.iter().find(|f| *f.name() == k).unwrap();
                    let v = normalise(v, f.data_type());
                    (k, v)
                })
                .collect(),
        ),
        (v, _) => v,
    }
}

#[test]
fn nested_files_match_pyarrow() {
    let dir = pt("expected_pyarrow");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ndjson") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let rel = format!("data/{stem}.parquet");
        let file = ParquetFile::open(pt(&rel)).unwrap();
        let schema = file.arrow_schema().clone();
        let ours = cat(&rel).unwrap();
        let expected = std::fs::read_to_string(&path).unwrap();
        let ours: Vec<&str> = ours.lines().collect();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(ours.len(), expected.len(), "{stem}: row count");
        for (i, (o, e)) in ours.iter().zip(&expected).enumerate() {
            let Value::Object(e) = serde_json::from_str::<Value>(e).unwrap() else {
                panic!("{stem}: expected line {i} is not an object")
            };
            let e: serde_json::Map<String, Value> = e
                .into_iter()
                .map(|(k, v)| {
                    let t = schema.field_with_name(&k).unwrap().data_type().clone();
                    (k, normalise(v, &t))
                })
                .collect();
            // Compare text, so that key order and number forms (2.0 vs 2) count too.
            let o: Value = serde_json::from_str(o).unwrap();
            assert_eq!(
                o.to_string(),
                Value::Object(e).to_string(),
                "{stem}, row {i}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 12);
}

/// What reading each shared file gives: a row count, or an error message (after the path).
const KNOWN_FILES: &[(&str, Result<usize, &str>)] = &[
    ("data/alltypes_dictionary.parquet", Ok(2)),
    ("data/alltypes_plain.parquet", Ok(8)),
    ("data/alltypes_plain.snappy.parquet", Ok(2)),
    ("data/alltypes_tiny_pages.parquet", Ok(7300)),
    ("data/alltypes_tiny_pages_plain.parquet", Ok(7300)),
    ("data/binary.parquet", Ok(12)),
    ("data/binary_truncated_min_max.parquet", Ok(12)),
    ("data/byte_array_decimal.parquet", Ok(24)),
    ("data/byte_stream_split.zstd.parquet", Ok(300)),
    ("data/byte_stream_split_extended.gzip.parquet", Ok(200)),
    ("data/column_chunk_key_value_metadata.parquet", Ok(0)),
    ("data/concatenated_gzip_members.parquet", Ok(513)),
    ("data/data_index_bloom_encoding_stats.parquet", Ok(14)),
    ("data/data_index_bloom_encoding_with_length.parquet", Ok(14)),
    // Page CRCs are not verified (the `parquet` crate's `crc` feature is off), as in pyarrow.
    ("data/datapage_v1-corrupt-checksum.parquet", Ok(5120)),
    ("data/datapage_v1-snappy-compressed-checksum.parquet", Ok(5120)),
    ("data/datapage_v1-uncompressed-checksum.parquet", Ok(5120)),
    ("data/datapage_v2.snappy.parquet", Ok(5)),
    ("data/datapage_v2_empty_datapage.snappy.parquet", Ok(1)),
    ("data/delta_binary_packed.parquet", Ok(200)),
    ("data/delta_byte_array.parquet", Ok(1000)),
    ("data/delta_encoding_optional_column.parquet", Ok(100)),
    ("data/delta_encoding_required_column.parquet", Ok(100)),
    ("data/delta_length_byte_array.parquet", Ok(1000)),
    // The footer decoder of parquet 60.1 rejects this parquet-mr footer (pyarrow reads 39 rows).
    (
        "data/dict-page-offset-zero.parquet",
        Err("cannot read the Parquet footer: Expected list element type of I64 but got I16"),
    ),
    ("data/fixed_length_byte_array.parquet", Ok(1000)),
    ("data/fixed_length_decimal.parquet", Ok(24)),
    ("data/fixed_length_decimal_legacy.parquet", Ok(24)),
    ("data/float16_nonzeros_and_nans.parquet", Ok(8)),
    ("data/float16_zeros_and_nans.parquet", Ok(3)),
    ("data/floating_orders_nan_count.parquet", Ok(50)),
    ("data/hadoop_lz4_compressed.parquet", Ok(4)),
    ("data/hadoop_lz4_compressed_larger.parquet", Ok(10000)),
    // Optional map keys (Presto/Trino) are tolerated; pyarrow refuses the file.
    ("data/incorrect_map_schema.parquet", Ok(1)),
    ("data/int32_decimal.parquet", Ok(24)),
    ("data/int32_with_null_pages.parquet", Ok(1000)),
    ("data/int64_decimal.parquet", Ok(24)),
    ("data/int96_from_spark.parquet", Ok(6)),
    // Tested on its own below: refused by the memory budget before anything is decoded.
    (
        "data/large_string_map.brotli.parquet",
        Err("row group 0, column `arr.key_value.key`: the column chunk is 2147483749 bytes uncompressed, more than the memory limit of 1073741824 bytes; raise max-memory to read it"),
    ),
    ("data/list_columns.parquet", Ok(3)),
    ("data/lz4_raw_compressed.parquet", Ok(4)),
    ("data/lz4_raw_compressed_larger.parquet", Ok(10000)),
    ("data/map_no_value.parquet", Ok(3)),
    ("data/nan_in_stats.parquet", Ok(2)),
    // A truncated data page: refused (parquet-java also fails; pyarrow reads 25 rows).
    (
        "data/nation.dict-malformed.parquet",
        Err("row group 0: EOF: Invalid page header"),
    ),
    ("data/nested_lists.snappy.parquet", Ok(3)),
    ("data/nested_maps.snappy.parquet", Ok(6)),
    ("data/nested_structs.rust.parquet", Ok(1)),
    ("data/non_hadoop_lz4_compressed.parquet", Ok(4)),
    ("data/nonnullable.impala.parquet", Ok(1)),
    ("data/null_list.parquet", Ok(1)),
    ("data/nullable.impala.parquet", Ok(7)),
    ("data/nulls.snappy.parquet", Ok(8)),
    ("data/old_list_structure.parquet", Ok(1)),
    ("data/overflow_i16_page_cnt.parquet", Ok(40000)),
    ("data/page_v2_empty_compressed.parquet", Ok(10)),
    ("data/plain-dict-uncompressed-checksum.parquet", Ok(1000)),
    // The footer says 0 rows; the row count is recovered from the `id` column.
    ("data/repeated_no_annotation.parquet", Ok(6)),
    ("data/repeated_primitive_no_list.parquet", Ok(4)),
    ("data/rle-dict-snappy-checksum.parquet", Ok(1000)),
    ("data/rle-dict-uncompressed-corrupt-checksum.parquet", Ok(1000)),
    ("data/rle_boolean_encoding.parquet", Ok(68)),
    ("data/single_nan.parquet", Ok(1)),
    ("data/sort_columns.parquet", Ok(6)),
    ("data/unknown-logical-type.parquet", Ok(3)),
    (
        "bad_data/ARROW-GH-41317.parquet",
        Err("cannot read the Parquet footer: Expected list element type of I32 but got I16"),
    ),
    (
        "bad_data/ARROW-GH-41321.parquet",
        Err("row group 0: Invalid or corrupted RLE bit width 254. Max allowed is 32"),
    ),
    // RLE with bit width 0 for dictionary indices: tolerated, as pyarrow does.
    ("bad_data/ARROW-GH-43605.parquet", Ok(21186)),
    (
        "bad_data/ARROW-GH-45185.parquet",
        Err("row group 0: first repetition level of batch must be 0"),
    ),
    (
        "bad_data/ARROW-GH-47662.parquet",
        Err("row group 0: Invalid FIXED_LEN_BYTE_ARRAY PLAIN data page payload length: expected 400 bytes (100 values of 4 bytes), got 364"),
    ),
    (
        "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet",
        Err("row group 0: Integer overflow: out of range integral type conversion attempted"),
    ),
    (
        "bad_data/ARROW-RS-GH-6229-LEVELS.parquet",
        Err("row group 0: Insufficient repetition levels read from column"),
    ),
    (
        "bad_data/PARQUET-1481.parquet",
        Err("cannot read the Parquet footer: Unexpected Type -7"),
    ),
];

#[test]
fn every_shared_file_reads_or_fails_with_its_known_error() {
    // A new file in data/ or bad_data/ without an entry fails here.
    for sub in ["data", "bad_data"] {
        for entry in std::fs::read_dir(pt(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".parquet") {
                let rel = format!("{sub}/{name}");
                assert!(
                    KNOWN_FILES.iter().any(|(f, _)| *f == rel),
                    "{rel} has no entry in KNOWN_FILES"
                );
            }
        }
    }
    for (rel, expected) in KNOWN_FILES {
        let got = cat(rel);
        match (expected, got) {
            (Ok(n), Ok(text)) => {
                assert_eq!(text.lines().count(), *n, "{rel}");
                for line in text.lines() {
                    let v: Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("{rel}: invalid JSON {e}: {line}"));
                    assert!(v.is_object(), "{rel}: {line}");
                }
            }
            (Err(msg), Err(e)) => {
                let path = pt(rel);
                assert_eq!(e.to_string(), format!("{}: {msg}", path.display()), "{rel}");
            }
            (want, got) => panic!("{rel}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn spark_int96_timestamps_cover_years_beyond_int64_nanoseconds() {
    // Microseconds from the README: 1704141296123456, 1704070800000000, 253402225200000000,
    // 1735599600000000, null, 9089380393200000000.
    let got: Vec<Value> = lines("data/int96_from_spark.parquet")
        .into_iter()
        .map(|v| v["a"].clone())
        .collect();
    assert_eq!(
        got,
        vec![
            Value::from("2024-01-01T20:34:56.123456Z"),
            Value::from("2024-01-01T01:00:00Z"),
            Value::from("9999-12-31T03:00:00Z"),
            Value::from("2024-12-30T23:00:00Z"),
            Value::Null,
            Value::from("+290000-12-30T23:00:00Z"),
        ]
    );
}

#[test]
fn decimals_are_exact_numbers_in_every_physical_form() {
    for rel in [
        "data/int32_decimal.parquet",
        "data/int64_decimal.parquet",
        "data/byte_array_decimal.parquet",
        "data/fixed_length_decimal.parquet",
        "data/fixed_length_decimal_legacy.parquet",
    ] {
        let text = cat(rel).unwrap();
        let values: Vec<&str> = text
            .lines()
            .map(|l| {
                l.strip_prefix("{\"value\":")
                    .and_then(|l| l.strip_suffix('}'))
                    .unwrap()
            })
            .collect();
        // Each file holds 1.00, 2.00, …, 24.00 with scale 2.
        let expected: Vec<String> = (1..=24).map(|i| format!("{i}.00")).collect();
        assert_eq!(values, expected, "{rel}");
    }
}

#[test]
fn alltypes_plain_types_dates_and_binary() {
    let rows = lines("data/alltypes_plain.parquet");
    assert_eq!(
        rows[0].to_string(),
        r#"{"id":4,"bool_col":true,"tinyint_col":0,"smallint_col":0,"int_col":0,"bigint_col":0,"float_col":0.0,"double_col":0.0,"date_string_col":"MDMvMDEvMDk=","string_col":"MA==","timestamp_col":"2009-03-01T00:00:00Z"}"#
    );
    // float_col 1.1 is an f32: written as 1.1, not 1.100000023841858.
    assert_eq!(rows[1]["float_col"], Value::from(1.1));
}

#[test]
fn nan_and_infinity_follow_the_option() {
    let text = cat("data/float16_nonzeros_and_nans.parquet").unwrap();
    assert_eq!(
        text,
        "{\"x\":null}\n{\"x\":1.0}\n{\"x\":-2.0}\n{\"x\":\"NaN\"}\n{\"x\":0.0}\n{\"x\":-1.0}\n{\"x\":-0.0}\n{\"x\":2.0}\n"
    );
    let mut options = ReadOptions::default();
    options.assemble.non_finite = rustparquet_core::assemble::NonFinite::Null;
    let text = read::to_ndjson_string(pt("data/single_nan.parquet"), &options).unwrap();
    assert_eq!(text, "{\"mycol\":null}\n");
}

/// A minimal CSV reader for the `*_expect.csv` files: quoted fields, `""` escapes.
fn csv_rows(text: &str) -> Vec<Vec<Option<String>>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', true) => quoted = false,
                ('"', false) => {
                    quoted = true;
                    was_quoted = true;
                }
                (',', false) => {
                    fields.push((was_quoted || !cur.is_empty()).then(|| std::mem::take(&mut cur)));
                    was_quoted = false;
                }
                (c, _) => cur.push(c),
            }
        }
        fields.push((was_quoted || !cur.is_empty()).then_some(cur));
        rows.push(fields);
    }
    rows
}

#[test]
fn delta_encodings_match_their_expected_csv() {
    for stem in [
        "delta_binary_packed",
        "delta_byte_array",
        "delta_encoding_optional_column",
        "delta_encoding_required_column",
    ] {
        let csv = std::fs::read_to_string(pt(&format!("data/{stem}_expect.csv"))).unwrap();
        let expected = csv_rows(&csv);
        let rows = lines(&format!("data/{stem}.parquet"));
        assert_eq!(rows.len() + 1, expected.len(), "{stem}: rows");
        for (i, (row, want)) in rows.iter().zip(&expected[1..]).enumerate() {
            let Value::Object(m) = row else { panic!() };
            let got: Vec<Option<String>> = m
                .values()
                .map(|v| match v {
                    Value::Null => None,
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
                .collect();
            // An empty unquoted CSV field is a null; an empty string is written `""`.
            let want: Vec<Option<String>> = want.clone();
            assert_eq!(got, want, "{stem}, row {i}");
        }
    }
}

#[test]
fn projection_reads_only_the_asked_columns_and_keeps_their_nesting() {
    let mut options = ReadOptions {
        columns: Some(vec!["nested_struct.C".into(), "id".into()]),
        ..ReadOptions::default()
    };
    let text = read::to_ndjson_string(pt("data/nullable.impala.parquet"), &options).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        r#"{"id":1,"nested_struct":{"C":{"d":[[{"E":10,"F":"aaa"},{"E":-10,"F":"bbb"}],[{"E":11,"F":"c"}]]}}}"#
    );
    options.columns = Some(vec!["nested_struct.nope".into()]);
    let err = read::to_ndjson_string(pt("data/nullable.impala.parquet"), &options)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("columns: `nested_struct.nope` is not a column of ")
            && err.ends_with(
                "; it has: id, int_array, int_array_Array, int_map, int_Map_Array, nested_struct.A, nested_struct.b, nested_struct.C.d.E, nested_struct.C.d.F, nested_struct.g"
            ),
        "{err}"
    );
    assert!(matches!(
        read::to_ndjson_string(pt("data/nullable.impala.parquet"), &options),
        Err(Error::Options(_))
    ));
}

#[test]
fn limit_stops_early_across_row_groups() {
    let options = ReadOptions {
        limit: Some(3),
        batch_rows: 2,
        ..ReadOptions::default()
    };
    let text = read::to_ndjson_string(pt("data/sort_columns.parquet"), &options).unwrap();
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn not_parquet_and_missing_files_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.parquet");
    std::fs::write(&p, b"{\"a\":1}\n").unwrap();
    let err = read::to_ndjson_string(&p, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a Parquet file: 8 bytes, less than the 12 of an empty one",
            p.display()
        )
    );
    std::fs::write(&p, b"{\"a\":1, \"b\": [1, 2, 3]}\n").unwrap();
    let err = read::to_ndjson_string(&p, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a Parquet file: it does not end with the magic bytes PAR1 (another format, or a truncated file)",
            p.display()
        )
    );
    // Cut short: the tail is gone.
    let bytes = std::fs::read(pt("data/alltypes_plain.parquet")).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    assert!(read::to_ndjson_string(&p, &ReadOptions::default())
        .unwrap_err()
        .to_string()
        .ends_with("not a Parquet file: it does not end with the magic bytes PAR1 (another format, or a truncated file)"));
    // A footer length pointing past the start of the file.
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&p, &bad).unwrap();
    let err = read::to_ndjson_string(&p, &ReadOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("cannot read the Parquet footer"),
        "{err}"
    );
    let missing = dir.path().join("missing.parquet");
    let err = read::to_ndjson_string(&missing, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with(&format!("{}: ", missing.display())));
}

#[test]
fn dictionary_bomb_streams_in_a_few_megabytes() {
    // 2100 rows of the same 1 MiB string: 2.2 GB when decoded densely. Kept as a dictionary,
    // each batch renders the value once and copies it per row; the output is counted, not kept.
    struct Count(u64, usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len() as u64;
            self.1 = self.1.max(b.len());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut sink = Count(0, 0);
    let options = ReadOptions {
        max_memory: 64 << 20,
        ..ReadOptions::default()
    };
    let summary = read::cat(&[pt("heavy/dictionary_bomb.parquet")], &options, &mut sink).unwrap();
    assert_eq!(summary.documents, 2100);
    assert_eq!(sink.0, 2100 * (1_048_576 + "{\"s\":\"\"}\n".len() as u64));
    // Output leaves in chunks of about 1 MiB, never a whole batch at once.
    assert!(sink.1 < 3 << 20, "largest write {}", sink.1);

    // Below the dictionary's own size the file is refused before decoding.
    let options = ReadOptions {
        max_memory: 512 << 10,
        ..ReadOptions::default()
    };
    let err = read::to_ndjson_string(pt("heavy/dictionary_bomb.parquet"), &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: row group 0, column `s`: the column chunk is 1048628 bytes uncompressed, more than the memory limit of 524288 bytes; raise max-memory to read it",
            pt("heavy/dictionary_bomb.parquet").display()
        )
    );
}

#[test]
fn corrupted_files_end_in_errors_not_panics() {
    // Seeded byte flips in the shared files (a poor man's fuzzer; 1,200 such cases were run
    // against the release binary under `ulimit -v 4 GiB` with no abort: a few decoder panics,
    // all caught and reported as errors). A panic escaping `cat` fails this test.
    let mut files: Vec<PathBuf> = std::fs::read_dir(pt("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".parquet") && !name.starts_with("large_string_map")
        })
        .collect();
    files.sort();
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut failed) = (0, 0);
    for case in 0..150 {
        let src = &files[next() as usize % files.len()];
        let mut bytes = std::fs::read(src).unwrap();
        for _ in 0..1 + next() % 8 {
            let i = next() as usize % bytes.len();
            bytes[i] = next() as u8;
        }
        let p = dir.path().join(format!("case{case}.parquet"));
        std::fs::write(&p, &bytes).unwrap();
        let mut sink = std::io::sink();
        match read::cat(&[p], &ReadOptions::default(), &mut sink) {
            Ok(_) => ok += 1,
            Err(_) => failed += 1,
        }
    }
    assert_eq!(ok + failed, 150);
}
