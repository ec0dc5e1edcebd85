//! Helpers the end-to-end tests share: reading a file back with our reader, the documents as
//! that reader gives them back (Parquet cannot tell a null member from a missing one), and the
//! leaf columns a file's footer lists.

#![allow(dead_code)]

use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use rustparquet_core::read::{to_ndjson_string, ReadOptions};
use serde_json::Value;

/// Our reader's documents, null members left out (`cat --omit-nulls`).
pub fn read_back(path: &Path) -> Vec<Value> {
    let mut o = ReadOptions::default();
    o.assemble.omit_nulls = true;
    to_ndjson_string(path, &o)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The document as [`read_back`] gives it: null members dropped, at every depth.
pub fn without_nulls(v: &Value) -> Value {
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

/// The Parquet paths of the file's leaf columns (`a.object.b.list.element`), in footer order.
pub fn column_paths(path: &Path) -> Vec<String> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.path().string())
        .collect()
}
