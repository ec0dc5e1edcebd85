//! Reading files in our own layout, written here level by level with the `parquet` crate's
//! column writers (a [`Schema::to_parquet`] message and the `rustparquet.schema` metadata), so
//! that the reader is checked independently of our writer:
//!
//! * the Dremel paper's records r1 and r2 rebuilt from the paper's Figure 3 levels;
//! * the metadata-driven rules: JSON keys of renamed columns, `null` columns, big integers
//!   (DECIMAL(38,0)), empty objects, empty vs null arrays, NaN and -0.0, projection by JSON key.

use std::path::Path;
use std::sync::Arc;

use parquet::basic::Type as PhysicalType;
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DoubleType, FixedLenByteArray, FixedLenByteArrayType,
    Int64Type,
};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rustparquet_core::read::{self, ReadOptions};
use rustparquet_core::schema::{self, DataType, Field, Schema};
use serde_json::Value;

/// One leaf column: its non-null values and every level.
struct Column {
    values: Vec<Value>,
    rep: Vec<i16>,
    def: Vec<i16>,
}

/// Builds a [`Column`] from `[value, r, d]` triplets (values of null triplets are dropped).
fn from_triplets(triplets: &[(Value, i16, i16)], max_def: i16) -> Column {
    Column {
        values: triplets
            .iter()
            .filter(|t| t.2 == max_def)
            .map(|t| t.0.clone())
            .collect(),
        rep: triplets.iter().map(|t| t.1).collect(),
        def: triplets.iter().map(|t| t.2).collect(),
    }
}

fn write_file(path: &Path, schema: &Schema, columns: &[Column], with_metadata: bool) {
    let mut props = WriterProperties::builder();
    if with_metadata {
        props = props.set_key_value_metadata(Some(vec![KeyValue::new(
            schema::SCHEMA_KEY.to_string(),
            schema.to_json_string(),
        )]));
    }
    let file = std::fs::File::create(path).unwrap();
    let mut writer =
        SerializedFileWriter::new(file, schema.to_parquet().unwrap(), Arc::new(props.build()))
            .unwrap();
    let mut rg = writer.next_row_group().unwrap();
    let mut i = 0;
    while let Some(mut col) = rg.next_column().unwrap() {
        let c = &columns[i];
        let descr = schema.leaves();
        let max_rep = descr[i].max_rep;
        let rep = (max_rep > 0).then_some(&c.rep[..]);
        let def = Some(&c.def[..]);
        let physical = match descr[i].data_type {
            DataType::Int64 => PhysicalType::INT64,
            DataType::Double => PhysicalType::DOUBLE,
            DataType::Boolean => PhysicalType::BOOLEAN,
            DataType::Decimal => PhysicalType::FIXED_LEN_BYTE_ARRAY,
            _ => PhysicalType::BYTE_ARRAY,
        };
        match physical {
            PhysicalType::INT64 => {
                let v: Vec<i64> = c.values.iter().map(|v| v.as_i64().unwrap()).collect();
                col.typed::<Int64Type>().write_batch(&v, def, rep).unwrap();
            }
            PhysicalType::DOUBLE => {
                let v: Vec<f64> = c
                    .values
                    .iter()
                    .map(|v| match v {
                        Value::String(s) if s == "NaN" => f64::NAN,
                        v => v.as_f64().unwrap(),
                    })
                    .collect();
                col.typed::<DoubleType>().write_batch(&v, def, rep).unwrap();
            }
            PhysicalType::BOOLEAN => {
                let v: Vec<bool> = c.values.iter().map(|v| v.as_bool().unwrap()).collect();
                col.typed::<BoolType>().write_batch(&v, def, rep).unwrap();
            }
            PhysicalType::BYTE_ARRAY => {
                let v: Vec<ByteArray> = c
                    .values
                    .iter()
                    .map(|v| ByteArray::from(v.as_str().unwrap()))
                    .collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&v, def, rep)
                    .unwrap();
            }
            PhysicalType::FIXED_LEN_BYTE_ARRAY => {
                // Decimal(38,0) big integers, given as decimal strings.
                let v: Vec<FixedLenByteArray> = c
                    .values
                    .iter()
                    .map(|v| {
                        let n: i128 = v.as_str().unwrap().parse().unwrap();
                        FixedLenByteArray::from(n.to_be_bytes().to_vec())
                    })
                    .collect();
                col.typed::<FixedLenByteArrayType>()
                    .write_batch(&v, def, rep)
                    .unwrap();
            }
            other => panic!("no test writer for {other}"),
        }
        col.close().unwrap();
        i += 1;
    }
    rg.close().unwrap();
    writer.close().unwrap();
}

fn testdata() -> std::path::PathBuf {
    let dir = match std::env::var_os("RUSTPARQUET_TESTDATA") {
        Some(d) => std::path::PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata"),
    };
    assert!(
        dir.join("dremel").is_dir(),
        "test data not found at {}: set RUSTPARQUET_TESTDATA to the shared testdata folder",
        dir.display()
    );
    dir
}

#[test]
fn dremel_paper_records_assemble_from_their_levels() {
    // Melnik et al. 2010, Figures 2 and 3 (shared/testdata/dremel): bare repeated fields.
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(testdata().join("dremel/expected_levels.json")).unwrap(),
    )
    .unwrap();
    let schema = Schema::from_json_str(&golden["schema"].to_string(), None).unwrap();
    let columns: Vec<Column> = golden["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let triplets: Vec<(Value, i16, i16)> = c["triplets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t[0].clone(),
                        t[1].as_i64().unwrap() as i16,
                        t[2].as_i64().unwrap() as i16,
                    )
                })
                .collect();
            from_triplets(&triplets, c["max_def"].as_i64().unwrap() as i16)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dremel.parquet");
    write_file(&path, &schema, &columns, true);

    // A repeated field that is absent reads back as [] (a bare repeated field cannot be
    // null); an absent optional field as null, or left out with omit_nulls.
    let text = read::to_ndjson_string(&path, &ReadOptions::default()).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"{"DocId":10,"Links":{"Backward":[],"Forward":[20,40,60]},"Name":[{"Language":[{"Code":"en-us","Country":"us"},{"Code":"en","Country":null}],"Url":"http://A"},{"Language":[],"Url":"http://B"},{"Language":[{"Code":"en-gb","Country":"gb"}],"Url":null}]}"#,
            "\n",
            r#"{"DocId":20,"Links":{"Backward":[10,30],"Forward":[80]},"Name":[{"Language":[],"Url":"http://C"}]}"#,
            "\n"
        )
    );
    let mut options = ReadOptions::default();
    options.assemble.omit_nulls = true;
    let text = read::to_ndjson_string(&path, &options).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // With nulls left out, r2 is the paper's record plus its empty arrays.
    assert_eq!(
        records[1],
        serde_json::json!({"DocId": 20, "Links": {"Backward": [10, 30], "Forward": [80]}, "Name": [{"Language": [], "Url": "http://C"}]})
    );

    // Projection keeps the nesting: Name.Language.Code alone.
    options.columns = Some(vec!["Name.Language.Code".into()]);
    let text = read::to_ndjson_string(&path, &options).unwrap();
    assert_eq!(
        text,
        "{\"Name\":[{\"Language\":[{\"Code\":\"en-us\"},{\"Code\":\"en\"}]},{\"Language\":[]},{\"Language\":[{\"Code\":\"en-gb\"}]}]}\n\
         {\"Name\":[{\"Language\":[]}]}\n"
    );
}

fn ours_schema() -> Schema {
    let mut renamed = Field::optional("id_2", DataType::Int64);
    renamed.key = Some("id".into());
    Schema::new(vec![
        Field::optional("ID", DataType::Int64),
        renamed,
        Field::optional("n", DataType::Null),
        Field::optional("big", DataType::Decimal),
        Field::optional("e", DataType::Struct(vec![])),
        Field::list("tags", DataType::String),
        Field::optional("d", DataType::Double),
    ])
}

fn ours_columns() -> Vec<Column> {
    use serde_json::json;
    let col = |values: Value, rep: Vec<i16>, def: Vec<i16>| Column {
        values: values.as_array().unwrap().clone(),
        rep,
        def,
    };
    vec![
        col(json!([1, 3]), vec![], vec![1, 1, 0]),
        col(json!([2]), vec![], vec![1, 0, 0]),
        col(json!([]), vec![], vec![0, 0, 0]),
        col(
            json!([
                "123456789012345678901234567890",
                "-99999999999999999999999999999999999999"
            ]),
            vec![],
            vec![1, 0, 1],
        ),
        // e._empty_object: present (def 1, placeholder null) in row 0 only.
        col(json!([]), vec![], vec![1, 0, 0]),
        // tags: ["a", null], [], null.
        col(json!(["a"]), vec![0, 1, 0, 0], vec![3, 2, 1, 0]),
        col(json!([1.5, "NaN", -0.0]), vec![], vec![1, 1, 1]),
    ]
}

#[test]
fn our_files_come_back_by_the_metadata_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ours.parquet");
    write_file(&path, &ours_schema(), &ours_columns(), true);
    let text = read::to_ndjson_string(&path, &ReadOptions::default()).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"{"ID":1,"id":2,"n":null,"big":123456789012345678901234567890,"e":{},"tags":["a",null],"d":1.5}"#,
            "\n",
            r#"{"ID":3,"id":null,"n":null,"big":null,"e":null,"tags":[],"d":"NaN"}"#,
            "\n",
            r#"{"ID":null,"id":null,"n":null,"big":-99999999999999999999999999999999999999,"e":null,"tags":null,"d":-0.0}"#,
            "\n"
        )
    );

    // Projection by JSON key (`id`, not the column name `id_2`), and of an empty object.
    let options = ReadOptions {
        columns: Some(vec!["id".into(), "e".into()]),
        ..ReadOptions::default()
    };
    let text = read::to_ndjson_string(&path, &options).unwrap();
    assert_eq!(
        text,
        "{\"id\":2,\"e\":{}}\n{\"id\":null,\"e\":null}\n{\"id\":null,\"e\":null}\n"
    );

    let mut options = ReadOptions::default();
    options.assemble.omit_nulls = true;
    let text = read::to_ndjson_string(&path, &options).unwrap();
    assert_eq!(
        text.lines().nth(1).unwrap(),
        r#"{"ID":3,"tags":[],"d":"NaN"}"#
    );
}

#[test]
fn without_our_metadata_the_columns_are_read_as_any_writers() {
    // The same file without `rustparquet.schema`: Parquet names, the placeholder is a column.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.parquet");
    write_file(&path, &ours_schema(), &ours_columns(), false);
    let text = read::to_ndjson_string(&path, &ReadOptions::default()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        r#"{"ID":1,"id_2":2,"n":null,"big":123456789012345678901234567890,"e":{"_empty_object":null},"tags":["a",null],"d":1.5}"#
    );
}
