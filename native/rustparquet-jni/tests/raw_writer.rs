//! The raw-JSON path without a JVM: batches of documents (bytes + end offsets, as the Scala
//! side sends them) in, Parquet bytes out; malformed documents under each mode; inference and
//! the merge of partition schemas; the Spark schema written to the footer.

use bytes::Bytes;
use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_jni::raw::{merge_schema_json, Batch, JsonInferrer, JsonWriter, RawOptions};

/// `docs` as one batch: the bytes back to back and their end offsets.
fn batch(docs: &[&str]) -> (Vec<u8>, Vec<i32>) {
    let mut data = Vec::new();
    let mut ends = Vec::new();
    for d in docs {
        data.extend_from_slice(d.as_bytes());
        ends.push(data.len() as i32);
    }
    (data, ends)
}

const SCHEMA: &str = r#"{"fields":[{"name":"id","type":"int64"},{"name":"tags","type":"list","element":{"type":"string"}}]}"#;

fn options(mode: &str, schema: &str, keep_bad: bool) -> RawOptions {
    let schema = (schema != "null").then_some(schema);
    let doc = serde_json::json!({
        "writer": {"path": "part-0.parquet", "keyValueMetadata": {"org.apache.spark.version": "3.5.9"}},
        "schema": schema, "mode": mode, "keepBad": keep_bad, "partition": 3,
    });
    RawOptions::from_json(doc.to_string().as_bytes()).expect("options")
}

fn write(options: RawOptions, docs: &[&str]) -> rustparquet_jni::Result<(JsonWriter, Vec<u8>)> {
    let mut writer = JsonWriter::open(options)?;
    let (data, ends) = batch(docs);
    let mut out = writer.append(&Batch {
        data: &data,
        ends: &ends,
        first_row: 100,
    })?;
    out.extend(writer.finish()?);
    Ok((writer, out))
}

fn footer(bytes: Vec<u8>) -> (i64, Vec<(String, String)>) {
    let reader = SerializedFileReader::new(Bytes::from(bytes)).expect("parquet");
    let meta = reader.metadata().file_metadata();
    let kv = meta
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    (meta.num_rows(), kv)
}

const DOCS: [&str; 4] = [
    r#"{"id": 1, "tags": ["a"]}"#,
    "{\"id\": 2,\n \"tags\": [}",
    "",
    r#"{"id": 3, "tags": []}"#,
];

#[test]
fn failfast_names_partition_row_line_column_and_the_document() {
    let err = write(options("FAILFAST", SCHEMA, false), &DOCS)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("part-0.parquet: malformed JSON document at partition 3, row 101, line 2, column 11: invalid JSON: expected a value, found '}' (in the document that starts at line 1) (document: {\"id\": 2,\n \"tags\": [}); mode FAILFAST stops at the first one: use mode DROPMALFORMED or PERMISSIVE, with badRecordsPath to keep them")
    );
}

#[test]
fn dropmalformed_keeps_the_bad_document_for_bad_records_path() -> rustparquet_jni::Result<()> {
    let (mut writer, bytes) = write(options("DROPMALFORMED", SCHEMA, true), &DOCS)?;
    assert_eq!(writer.counts(), [2, 1, 1]);
    let records = String::from_utf8(writer.take_bad_records()).expect("utf-8");
    assert_eq!(
        records,
        "{\"partition\":3,\"row\":101,\"line\":2,\"column\":11,\"error\":\"invalid JSON: expected a value, found '}' (in the document that starts at line 1)\",\"document\":\"{\\\"id\\\": 2,\\n \\\"tags\\\": [}\"}\n"
    );
    let (rows, kv) = footer(bytes);
    assert_eq!(rows, 2);
    let spark = kv
        .iter()
        .find(|(k, _)| k == "org.apache.spark.sql.parquet.row.metadata")
        .map(|(_, v)| v.as_str());
    assert_eq!(
        spark,
        Some(
            r#"{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},{"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}}]}"#
        )
    );
    assert!(kv
        .iter()
        .any(|(k, v)| k == "org.apache.spark.version" && v == "3.5.9"));
    assert!(kv.iter().any(|(k, _)| k == "rustparquet.schema"));
    Ok(())
}

#[test]
fn permissive_writes_the_text_in_the_corrupt_record_column() -> rustparquet_jni::Result<()> {
    let with_corrupt = r#"{"fields":[{"name":"id","type":"int64"},{"name":"tags","type":"list","element":{"type":"string"}},{"name":"_corrupt_record","type":"string"}]}"#;
    let (writer, bytes) = write(options("PERMISSIVE", with_corrupt, false), &DOCS)?;
    assert_eq!(writer.counts(), [2, 1, 1]);
    assert_eq!(footer(bytes).0, 3);
    let missing = write(options("PERMISSIVE", SCHEMA, false), &DOCS)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        missing.as_deref(),
        Some("part-0.parquet: malformed JSON document at partition 3, row 101, line 2, column 11: mode PERMISSIVE needs a string column `_corrupt_record` in the schema to keep it in")
    );
    Ok(())
}

/// One partition's inference: `{"schema", "documents", "bad", "blank"}`.
fn infer_partition(
    options: &RawOptions,
    docs: &[&str],
) -> rustparquet_jni::Result<serde_json::Value> {
    let mut inferrer = JsonInferrer::open(options)?;
    let (data, ends) = batch(docs);
    inferrer.add(&Batch {
        data: &data,
        ends: &ends,
        first_row: 0,
    })?;
    Ok(serde_json::from_str(&inferrer.finish()?).expect("json"))
}

#[test]
fn partitions_infer_and_merge_into_unions() -> rustparquet_jni::Result<()> {
    let infer = |docs: &[&str]| infer_partition(&options("DROPMALFORMED", "null", false), docs);
    // `{"y": [1, }` fails after `y` was seen: it must not leave `y` in the schema.
    let a = infer(&[r#"{"x": 1, "o": {"k": true}}"#, r#"{"y": [1, }"#, "  "])?;
    let b = infer(&[r#"{"x": "one"}"#])?;
    assert_eq!(
        (&a["documents"], &a["bad"], &a["blank"]),
        (&1.into(), &1.into(), &1.into())
    );
    let merged = merge_schema_json(
        &a["schema"].to_string(),
        &b["schema"].to_string(),
        &options("DROPMALFORMED", "null", false),
    )?;
    assert_eq!(
        merged,
        r#"{"name":"schema","fields":[{"name":"x","repetition":"optional","type":"union","members":[{"name":"long","repetition":"optional","type":"int64"},{"name":"string","repetition":"optional","type":"string"}]},{"name":"o","repetition":"optional","fields":[{"name":"k","repetition":"optional","type":"boolean"}]}]}"#
    );
    let schema = rustparquet_core::schema::Schema::from_json_str(&merged, None)?;
    assert_eq!(
        rustparquet_jni::raw::spark_schema_json(&schema),
        r#"{"type":"struct","fields":[{"name":"x","type":{"type":"struct","fields":[{"name":"long","type":"long","nullable":true,"metadata":{}},{"name":"string","type":"string","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},{"name":"o","type":{"type":"struct","fields":[{"name":"k","type":"boolean","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]}"#
    );
    let failfast = JsonInferrer::open(&options("FAILFAST", "null", false))?
        .add(&Batch {
            data: b"[{\"x\":1}, 2]",
            ends: &[12],
            first_row: 7,
        })
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        failfast.as_deref(),
        Some("schema inference: malformed JSON document at partition 3, row 7, line 1, column 11: `<document>` is an array holding a number; a row that is an array must hold JSON objects only (each one row, as Spark's JSON reader reads it) (document: [{\"x\":1}, 2]); mode FAILFAST stops at the first one: use mode DROPMALFORMED or PERMISSIVE, with badRecordsPath to keep them")
    );
    Ok(())
}

/// Raw options with `unionMode` and `variantPaths` (as `RawJsonOptions.nativeJson` sends them).
fn variant_options(union_mode: &str, paths: &[&str]) -> RawOptions {
    let doc = serde_json::json!({
        "writer": {"path": "part-0.parquet"},
        "mode": "FAILFAST", "partition": 0, "unionMode": union_mode, "variantPaths": paths,
    });
    RawOptions::from_json(doc.to_string().as_bytes()).expect("options")
}

/// One partition's inferred schema (rustparquet JSON) under `options`.
fn inferred(options: &RawOptions, docs: &[&str]) -> rustparquet_jni::Result<String> {
    Ok(infer_partition(options, docs)?["schema"].to_string())
}

/// The Spark types of a schema's top-level fields, as its files' footer gives them.
fn spark_types(schema: &str) -> Vec<String> {
    let schema = rustparquet_core::schema::Schema::from_json_str(schema, None).expect("schema");
    let spark: serde_json::Value =
        serde_json::from_str(&rustparquet_jni::raw::spark_schema_json(&schema)).expect("json");
    spark["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| format!("{}:{}", f["name"].as_str().unwrap_or(""), f["type"]))
        .collect()
}

#[test]
fn variant_paths_and_union_mode_variant_survive_the_partition_merge() -> rustparquet_jni::Result<()>
{
    // `p` is a variant path; `x` drifts (int in one partition, string in the other).
    let opts = variant_options("variant", &["p"]);
    let a = inferred(&opts, &[r#"{"x": 1, "p": {"k": 1}}"#])?;
    let b = inferred(&opts, &[r#"{"x": "one", "q": true}"#])?;
    let merged = merge_schema_json(&a, &b, &opts)?;
    assert_eq!(
        spark_types(&merged),
        ["x:\"variant\"", "p:\"variant\"", "q:\"boolean\""]
    );
    // The other order: the partition that never saw `p` first.
    let merged = merge_schema_json(&b, &a, &opts)?;
    assert_eq!(
        spark_types(&merged),
        ["x:\"variant\"", "q:\"boolean\"", "p:\"variant\""]
    );
    // The whole document stays one column `document`, however the partitions' schemas merge.
    let whole = variant_options("union", &["$"]);
    let a = inferred(&whole, &[r#"{"x": 1}"#])?;
    let b = inferred(&whole, &[r#"{"z": [1, 2]}"#, r#"{"y": "s"}"#])?;
    let merged = merge_schema_json(&a, &b, &whole)?;
    assert_eq!(spark_types(&merged), ["document:\"variant\""]);
    assert!(rustparquet_core::schema::variant::is_whole_document(
        &rustparquet_core::schema::Schema::from_json_str(&merged, None)?.fields
    ));
    // The raw writer writes such a schema as VARIANT-annotated groups.
    let doc = serde_json::json!({
        "writer": {"path": "part-0.parquet"}, "schema": merged, "mode": "FAILFAST",
    });
    let (_, bytes) = write(
        RawOptions::from_json(doc.to_string().as_bytes())?,
        &[r#"{"x": 1}"#, r#"{"y": [1.5, null]}"#],
    )?;
    let reader = SerializedFileReader::new(Bytes::from(bytes)).expect("parquet");
    let root = reader.metadata().file_metadata().schema();
    let group = &root.get_fields()[0];
    assert_eq!(group.name(), "document");
    assert!(matches!(
        group.get_basic_info().logical_type_ref(),
        Some(parquet::basic::LogicalType::Variant(_))
    ));
    Ok(())
}

#[test]
fn an_unknown_union_mode_names_the_modes() {
    let err = JsonInferrer::open(&variant_options("struct", &[]))
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(
            |e| e.contains("unionMode") && e.contains("union, string, variant or error")
        ),
        "{err:?}"
    );
}
