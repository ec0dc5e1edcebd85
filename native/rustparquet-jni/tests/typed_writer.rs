//! The native writer without a JVM: Arrow IPC messages in (as the Scala side sends them),
//! Parquet bytes out, checked against the contract Spark 3.5's parquet-mr 1.13.1 reads.

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder, MapBuilder, StringBuilder};
use arrow_array::{
    ArrayRef, Decimal128Array, Int64Array, Int8Array, RecordBatch, StringArray, StructArray,
    TimestampMicrosecondArray,
};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{DataType, Field, Fields, Schema, TimeUnit};
use bytes::Bytes;
use parquet::basic::{LogicalType, TimeUnit as ParquetTimeUnit, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_jni::{BackgroundWriter, Result, TypedWriter, WriterOptions};

/// The IPC stream of `batches`, cut as the Scala side cuts it: the schema message, then one
/// chunk per batch.
fn ipc_chunks(schema: &Schema, batches: &[RecordBatch]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut writer = StreamWriter::try_new(Vec::new(), schema).expect("ipc writer");
    let schema_len = writer.get_ref().len();
    let mut chunks = Vec::new();
    let mut seen = schema_len;
    for batch in batches {
        writer.write(batch).expect("ipc batch");
        let all = writer.get_ref();
        chunks.push(all[seen..].to_vec());
        seen = all.len();
    }
    let all = writer.into_inner().expect("ipc finish");
    (all[..schema_len].to_vec(), chunks)
}

fn options(json: &str) -> WriterOptions {
    WriterOptions::from_json(json.as_bytes()).expect("options")
}

fn sample() -> (Schema, RecordBatch) {
    let point = Fields::from(vec![
        Field::new("x", DataType::Int64, true),
        Field::new("label", DataType::Utf8, true),
    ]);
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value("a");
    tags.append(true);
    tags.append(true); // []
    tags.append(false); // null
    let mut map = MapBuilder::new(None, StringBuilder::new(), Int64Builder::new());
    map.keys().append_value("k");
    map.values().append_value(1);
    map.append(true).expect("map");
    map.append(true).expect("map");
    map.append(false).expect("map");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![1, 2, 3])),
        Arc::new(Int8Array::from(vec![Some(-1), None, Some(7)])),
        Arc::new(
            Decimal128Array::from(vec![Some(12345), None, Some(-1)])
                .with_precision_and_scale(30, 2)
                .expect("decimal"),
        ),
        Arc::new(
            TimestampMicrosecondArray::from(vec![Some(0), Some(1_700_000_000_000_000), None])
                .with_timezone("America/Los_Angeles"),
        ),
        Arc::new(TimestampMicrosecondArray::from(vec![
            Some(1),
            None,
            Some(2),
        ])),
        Arc::new(StructArray::new(
            point.clone(),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("p"), Some("q"), None])),
            ],
            None,
        )),
        Arc::new(tags.finish()),
        Arc::new(map.finish()),
    ];
    let fields: Vec<Field> = columns
        .iter()
        .zip(["id", "b", "dec", "ts", "ntz", "point", "tags", "m"])
        .map(|(c, name)| Field::new(name, c.data_type().clone(), name != "id"))
        .collect();
    let schema = Schema::new(fields);
    let batch = RecordBatch::try_new(Arc::new(schema.clone()), columns).expect("batch");
    (schema, batch)
}

#[test]
fn schema_and_footer_follow_what_spark_writes() -> Result<()> {
    let (schema, batch) = sample();
    let (schema_msg, chunks) = ipc_chunks(&schema, &[batch.clone(), batch]);
    let mut writer = TypedWriter::open(
        options(r#"{"path":"t.parquet","keyValueMetadata":{"org.apache.spark.version":"3.5.9"}}"#),
        schema_msg,
    )?;
    let mut file = Vec::new();
    for chunk in chunks {
        file.extend(writer.append_owned(chunk)?);
    }
    file.extend(writer.finish()?);

    let reader = SerializedFileReader::new(Bytes::from(file)).expect("readable parquet");
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows(), 6);
    let kv = meta.key_value_metadata().expect("key-value metadata");
    let keys: Vec<&str> = kv.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["org.apache.spark.version"]);

    let columns = meta.schema_descr();
    let leaf = |path: &str| {
        columns
            .columns()
            .iter()
            .find(|c| c.path().string() == path)
            .unwrap_or_else(|| panic!("no column {path}"))
            .clone()
    };
    assert_eq!(leaf("b").physical_type(), PhysicalType::INT32);
    assert_eq!(
        leaf("b").logical_type_ref(),
        Some(&LogicalType::integer(8, true))
    );
    assert_eq!(
        leaf("dec").physical_type(),
        PhysicalType::FIXED_LEN_BYTE_ARRAY
    );
    assert_eq!(leaf("dec").type_length(), 13);
    let micros = |utc| LogicalType::timestamp(utc, ParquetTimeUnit::MICROS);
    assert_eq!(leaf("ts").logical_type_ref(), Some(&micros(true)));
    assert_eq!(leaf("ntz").logical_type_ref(), Some(&micros(false)));
    assert_eq!(
        leaf("point.label").logical_type_ref(),
        Some(&LogicalType::String)
    );
    leaf("tags.list.element");
    leaf("m.key_value.key");
    leaf("m.key_value.value");
    Ok(())
}

#[test]
fn row_groups_stream_out_while_appending() -> Result<()> {
    let (schema, batch) = sample();
    let batches = vec![batch; 10000];
    let (schema_msg, chunks) = ipc_chunks(&schema, &batches);
    // A tiny row group size: bytes must come back while appending, not only at the end.
    let mut writer = TypedWriter::open(options(r#"{"rowGroupBytes":2048}"#), schema_msg)?;
    let mut streamed = 0;
    let mut file = Vec::new();
    for chunk in chunks {
        let out = writer.append_owned(chunk)?;
        streamed += out.len();
        file.extend(out);
    }
    file.extend(writer.finish()?);
    // (parquet buffers 8 KiB before its sink sees anything, hence the many small row groups)
    assert!(streamed > 0, "no row group was flushed before finish");
    let reader = SerializedFileReader::new(Bytes::from(file)).expect("readable parquet");
    assert!(reader.metadata().num_row_groups() > 10);
    assert_eq!(reader.metadata().file_metadata().num_rows(), 30000);
    Ok(())
}

#[test]
fn names_equal_after_case_folding_are_refused() {
    let inner = Fields::from(vec![
        Field::new("Name", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, true),
    ]);
    let schema = Schema::new(vec![Field::new("s", DataType::Struct(inner), true)]);
    let (schema_msg, _) = ipc_chunks(&schema, &[]);
    let err = TypedWriter::open(options(r#"{"path":"f.parquet"}"#), schema_msg)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("f.parquet: fields `Name` and `name` under `s` differ only in case; Spark cannot read such a file in a case-insensitive session (rename one, or set spark.sql.caseSensitive)")
    );
}

#[test]
fn a_case_sensitive_session_writes_names_equal_after_case_folding() {
    let schema = Schema::new(vec![
        Field::new("Name", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, true),
    ]);
    let (schema_msg, _) = ipc_chunks(&schema, &[]);
    let writer = TypedWriter::open(
        options(r#"{"path":"f.parquet","caseSensitive":true}"#),
        schema_msg,
    )
    .expect("a case-sensitive session takes both names");
    let bytes = writer.finish().expect("footer");
    let reader = SerializedFileReader::new(Bytes::from(bytes)).expect("a readable file");
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    assert_eq!(names, ["Name", "name"]);
}

#[test]
fn bloom_filters_name_existing_columns() {
    let schema = Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
    ]);
    let (schema_msg, _) = ipc_chunks(&schema, &[]);
    let err = TypedWriter::open(
        options(r#"{"path":"f.parquet","bloomFilterColumns":["id","nope"]}"#),
        schema_msg,
    )
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("f.parquet: option `bloomFilterColumns`: no column `nope`; leaf columns are: id, ts")
    );
}

/// Whether each column chunk of `file`'s first row group has a dictionary page, by leaf path.
fn dictionary_pages(file: Vec<u8>) -> Vec<(String, bool)> {
    let reader = SerializedFileReader::new(Bytes::from(file)).expect("readable parquet");
    let group = reader.metadata().row_group(0);
    group
        .columns()
        .iter()
        .map(|c| {
            let has = c.dictionary_page_offset().is_some()
                || c.encodings()
                    .any(|e| e == parquet::basic::Encoding::RLE_DICTIONARY);
            (c.column_path().string(), has)
        })
        .collect()
}

/// `rows` rows in batches of 4,096: `id` all distinct (a shuffled long), `os` one of four
/// strings, `ids` a list of two distinct strings per row.
fn cardinality_batches(rows: usize) -> (Schema, Vec<RecordBatch>) {
    let fields = vec![
        Field::new("id", DataType::Int64, false),
        Field::new("os", DataType::Utf8, true),
        Field::new(
            "ids",
            DataType::List(Arc::new(Field::new("element", DataType::Utf8, true))),
            true,
        ),
    ];
    let schema = Schema::new(fields);
    let mut batches = Vec::new();
    let mut start = 0;
    while start < rows {
        let end = (start + 4096).min(rows);
        let ids = Int64Array::from_iter_values(
            (start..end).map(|i| (i as i64).wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64)),
        );
        let os = StringArray::from_iter_values(
            (start..end).map(|i| ["linux", "windows", "mac", "android"][i % 4]),
        );
        let mut list = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
            "element",
            DataType::Utf8,
            true,
        )));
        for i in start..end {
            list.values().append_value(format!("task-{i:010}-a"));
            list.values().append_value(format!("task-{i:010}-b"));
            list.append(true);
        }
        let columns: Vec<ArrayRef> = vec![Arc::new(ids), Arc::new(os), Arc::new(list.finish())];
        batches.push(RecordBatch::try_new(Arc::new(schema.clone()), columns).expect("batch"));
        start = end;
    }
    (schema, batches)
}

fn write_all(json: &str, schema: &Schema, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let (schema_msg, chunks) = ipc_chunks(schema, batches);
    let mut writer = TypedWriter::open(options(json), schema_msg)?;
    let mut file = Vec::new();
    for chunk in chunks {
        file.extend(writer.append_owned(chunk)?);
    }
    file.extend(writer.finish()?);
    Ok(file)
}

/// Spark's parquet-mr keeps a dictionary only where the first page pays for it; so does the
/// typed path: distinct numbers and identifiers PLAIN, a few repeated strings a dictionary.
#[test]
fn dictionaries_only_where_the_first_page_pays() -> Result<()> {
    let expected = [
        ("id".to_owned(), false),
        ("os".to_owned(), true),
        ("ids.list.element".to_owned(), false),
    ];
    // More rows than are held, fewer (judged at close), and a tiny row group size (judged on
    // the rows held within it).
    for (rows, json) in [
        (50_000, r#"{"path":"big.parquet"}"#),
        (3_000, r#"{"path":"small.parquet"}"#),
        (
            30_000,
            r#"{"path":"groups.parquet","rowGroupBytes":"256k"}"#,
        ),
    ] {
        let (schema, batches) = cardinality_batches(rows);
        let file = write_all(json, &schema, &batches)?;
        let reader = SerializedFileReader::new(Bytes::from(file.clone())).expect("parquet");
        assert_eq!(
            reader.metadata().file_metadata().num_rows(),
            rows as i64,
            "{json}"
        );
        assert_eq!(dictionary_pages(file), expected, "{json}");
    }
    // The `dictionary` option off still turns every dictionary off.
    let (schema, batches) = cardinality_batches(1_000);
    let file = write_all(r#"{"dictionary":false}"#, &schema, &batches)?;
    assert!(dictionary_pages(file).iter().all(|(_, has)| !has));
    Ok(())
}

/// The zstd frames of a file's data pages, found through the offset index: each page is its
/// header, then the frame (which starts with zstd's magic number).
fn data_page_frames(file: &Bytes) -> Vec<Bytes> {
    use parquet::file::reader::SerializedFileReader as Reader;
    use parquet::file::serialized_reader::ReadOptionsBuilder;
    let options = ReadOptionsBuilder::new().with_page_index().build();
    let reader = Reader::new_with_options(file.clone(), options).expect("readable parquet");
    let metadata = reader.metadata();
    let mut frames = Vec::new();
    for (g, group) in metadata.row_groups().iter().enumerate() {
        let index = metadata.page_index_for_row_group(g);
        for c in 0..group.num_columns() {
            let column = index.offset_index(c).expect("an offset index");
            for page in &column.page_locations {
                let start = page.offset as usize;
                let bytes = file.slice(start..start + page.compressed_page_size as usize);
                let magic = bytes
                    .windows(4)
                    .position(|w| w == [0x28, 0xB5, 0x2F, 0xFD])
                    .expect("a zstd frame in the page");
                frames.push(bytes.slice(magic..));
            }
        }
    }
    frames
}

/// ZSTD pages are compressed as parquet-mr compresses them, one streamed frame each (no
/// content size in the frame header: zstd chose its parameters without knowing the page's
/// size), and the file reads back as the Snappy one does; row groups are cut at the row limit
/// exactly.
#[test]
fn zstd_pages_are_streamed_frames_and_row_groups_cut_at_the_row_limit() -> Result<()> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let (schema, batches) = cardinality_batches(60_000);
    let read = |file: Vec<u8>| -> (Vec<RecordBatch>, Vec<i64>) {
        let file = Bytes::from(file);
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("readable parquet");
        let rows = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        let batches = builder
            .build()
            .expect("reader")
            .collect::<std::result::Result<Vec<_>, _>>()
            .expect("batches");
        (batches, rows)
    };
    let settings = r#""pageSize":"64k","rowGroupRows":25000"#;
    let zstd = write_all(
        &format!(r#"{{"compression":"zstd",{settings}}}"#),
        &schema,
        &batches,
    )?;
    let snappy = write_all(
        &format!(r#"{{"compression":"snappy",{settings}}}"#),
        &schema,
        &batches,
    )?;

    let reader = SerializedFileReader::new(Bytes::from(zstd.clone())).expect("readable parquet");
    for group in reader.metadata().row_groups() {
        for column in group.columns() {
            assert!(matches!(
                column.compression(),
                parquet::basic::Compression::ZSTD(_)
            ));
        }
    }
    let frames = data_page_frames(&Bytes::from(zstd.clone()));
    assert!(frames.len() > 10, "{} pages", frames.len());
    for frame in &frames {
        assert_eq!(
            zstd::zstd_safe::get_frame_content_size(frame).ok(),
            Some(None)
        );
    }
    let (zstd_batches, zstd_rows) = read(zstd);
    let (snappy_batches, snappy_rows) = read(snappy);
    assert_eq!(zstd_rows, [25000, 25000, 10000]);
    assert_eq!(zstd_rows, snappy_rows);
    assert_eq!(zstd_batches, snappy_batches);
    Ok(())
}

/// The JNI entry points run the typed writer on a thread of its own, one batch behind: the
/// file is the same bytes, row groups still come back while appending, and a batch that cannot
/// be written is reported by a later call with its batch number.
#[test]
fn the_background_writer_writes_the_same_file_and_reports_a_bad_batch_later() -> Result<()> {
    let (schema, batches) = cardinality_batches(60_000);
    let json = r#"{"rowGroupRows":25000}"#;
    let direct = write_all(json, &schema, &batches)?;
    let (schema_msg, chunks) = ipc_chunks(&schema, &batches);
    let mut writer = BackgroundWriter::start(TypedWriter::open(options(json), schema_msg)?)?;
    let mut file = Vec::new();
    for chunk in chunks {
        file.extend(writer.append(chunk)?);
    }
    let streamed = file.len();
    file.extend(writer.finish()?);
    assert!(streamed > 0, "no row group came back before finish");
    assert!(file == direct, "the background writer's file differs");

    let (schema_msg, mut chunks) = ipc_chunks(&schema, &batches[..3]);
    let half = chunks[1].len() / 2;
    chunks[1].truncate(half);
    let mut writer = BackgroundWriter::start(TypedWriter::open(options(json), schema_msg)?)?;
    let mut failure = None;
    for chunk in chunks {
        if let Err(e) = writer.append(chunk) {
            failure = Some(e);
            break;
        }
    }
    let failure = match failure {
        Some(e) => e,
        None => writer
            .finish()
            .expect_err("a truncated batch cannot be written"),
    };
    let message = failure.to_string();
    assert!(message.contains("batch 2"), "{message}");
    assert!(message.contains("truncated"), "{message}");
    Ok(())
}

/// Abandoning a file (Spark's `abort`) drops the writer: its thread ends, nothing is written.
#[test]
fn dropping_the_background_writer_ends_its_thread() -> Result<()> {
    let (schema, batches) = cardinality_batches(10_000);
    let (schema_msg, chunks) = ipc_chunks(&schema, &batches);
    let mut writer = BackgroundWriter::start(TypedWriter::open(options("{}"), schema_msg)?)?;
    for chunk in chunks {
        writer.append(chunk)?;
    }
    drop(writer);
    Ok(())
}

/// What a file says about its size statistics and page index, per row group and column:
/// (footer size statistics present, offset index's unencoded sizes present, column index's
/// level histograms present, the column index's pages without histograms as text).
fn size_statistics_and_bounds(file: &Bytes) -> Vec<(bool, bool, bool, String)> {
    use parquet::file::serialized_reader::ReadOptionsBuilder;
    let options = ReadOptionsBuilder::new().with_page_index().build();
    let reader = SerializedFileReader::new_with_options(file.clone(), options).expect("parquet");
    let metadata = reader.metadata();
    let mut out = Vec::new();
    for (g, group) in metadata.row_groups().iter().enumerate() {
        let index = metadata.page_index_for_row_group(g);
        for (c, column) in group.columns().iter().enumerate() {
            let footer = column.unencoded_byte_array_data_bytes().is_some()
                || column.repetition_level_histogram().is_some()
                || column.definition_level_histogram().is_some();
            let offsets = index.offset_index(c).expect("an offset index");
            let pages = index.column_index(c).expect("a column index");
            let histograms = (0..pages.num_pages() as usize).any(|p| {
                pages.definition_level_histogram(p).is_some()
                    || pages.repetition_level_histogram(p).is_some()
            });
            let bounds = (0..pages.num_pages() as usize)
                .map(|p| format!("{}:{:?}", pages.is_null_page(p), pages.null_count(p)))
                .collect::<Vec<_>>()
                .join(",");
            let values = format!("{bounds} {:?}", column.statistics());
            out.push((
                footer,
                offsets.unencoded_byte_array_data_bytes().is_some(),
                histograms,
                values,
            ));
        }
    }
    out
}

/// `sizeStatistics` false (Spark 3.5's default: its parquet-mr neither writes nor reads them)
/// leaves Parquet's size statistics out of the footer, the offset index and the column index;
/// statistics, null counts and page bounds stay, and the file gets smaller.
#[test]
fn size_statistics_are_left_out_when_the_spark_line_writes_none() -> Result<()> {
    let (schema, batches) = cardinality_batches(30_000);
    for codec in ["snappy", "zstd"] {
        let with = write_all(
            &format!(r#"{{"compression":"{codec}"}}"#),
            &schema,
            &batches,
        )?;
        let without = write_all(
            &format!(r#"{{"compression":"{codec}","sizeStatistics":false}}"#),
            &schema,
            &batches,
        )?;
        assert!(
            without.len() < with.len(),
            "{codec}: {} vs {}",
            without.len(),
            with.len()
        );
        let with = size_statistics_and_bounds(&Bytes::from(with));
        let without = size_statistics_and_bounds(&Bytes::from(without));
        assert_eq!(with.len(), without.len());
        assert!(
            with.iter().any(|c| c.0),
            "{codec}: the crate writes them by default"
        );
        assert!(with.iter().any(|c| c.1 && c.2), "{codec}");
        for (a, b) in with.iter().zip(&without) {
            assert_eq!((b.0, b.1, b.2), (false, false, false), "{codec}");
            assert_eq!(a.3, b.3, "{codec}: statistics and page bounds stay");
        }
    }
    Ok(())
}
