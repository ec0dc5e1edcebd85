//! Golden case: the Dremel paper's records r1 and r2 (Melnik et al., VLDB 2010, Figures 2
//! and 3), shredded against the paper's schema, must give the published (value, r, d) triplets
//! of every column. The paper uses bare repeated fields; `list_adds_one_definition_level`
//! checks what a 3-level LIST (what inference writes) does to the same data.
//! Data: tests/data/dremel/expected_levels.json, a copy of ../shared/testdata/dremel.

use rustparquet_core::json::Parser;
use rustparquet_core::schema::Schema;
use rustparquet_core::shred::Shredder;
use serde_json::Value;

fn golden() -> Value {
    let text = include_str!("data/dremel/expected_levels.json");
    serde_json::from_str(text).expect("golden file is JSON")
}

fn shred(schema: &Schema, records: &[Value]) -> Shredder {
    let mut shredder = Shredder::new(schema);
    for record in records {
        let text = record.to_string();
        shredder
            .shred_document(&mut Parser::new(text.as_bytes(), 0, 64))
            .expect("record fits the schema");
    }
    shredder
}

/// A triplet as the golden file writes it: [value or null, r, d].
fn as_json(value: &Option<String>, r: i16, d: i16, is_int: bool) -> Value {
    let v = match value {
        None => Value::Null,
        Some(s) if is_int => Value::from(s.parse::<i64>().expect("int column")),
        Some(s) => Value::String(s.clone()),
    };
    Value::Array(vec![v, Value::from(r), Value::from(d)])
}

#[test]
fn dremel_paper_r1_r2() {
    let golden = golden();
    let schema = Schema::from_json_str(&golden["schema"].to_string(), Some("dremel")).unwrap();
    let records = golden["records"].as_array().unwrap();
    let mut shredder = shred(&schema, records);
    let leaves = schema.leaves();
    let columns = golden["columns"].as_array().unwrap();
    assert_eq!(leaves.len(), columns.len());
    for ((leaf, buffer), expected) in leaves.iter().zip(shredder.leaves()).zip(columns) {
        assert_eq!(leaf.parquet_path, expected["path"].as_str().unwrap());
        assert_eq!(
            leaf.max_rep as i64,
            expected["max_rep"].as_i64().unwrap(),
            "{}",
            leaf.parquet_path
        );
        assert_eq!(
            leaf.max_def as i64,
            expected["max_def"].as_i64().unwrap(),
            "{}",
            leaf.parquet_path
        );
        let is_int = leaf.data_type == rustparquet_core::schema::DataType::Int64;
        let got: Vec<Value> = buffer
            .triplets()
            .iter()
            .map(|(v, r, d)| as_json(v, *r, *d, is_int))
            .collect();
        assert_eq!(
            &Value::Array(got),
            &expected["triplets"],
            "column {}",
            leaf.parquet_path
        );
    }
}

#[test]
fn list_adds_one_definition_level() {
    // Links.Forward as an inferred schema writes it: optional group Links { optional LIST Forward }.
    let golden = golden();
    let records = golden["records"].as_array().unwrap();
    let schema = Schema::from_json_str(
        r#"{"fields": [{"name": "Links", "fields": [
            {"name": "Backward", "type": "list", "element": {"type": "int64"}},
            {"name": "Forward", "type": "list", "element": {"type": "int64"}}]}]}"#,
        None,
    )
    .unwrap();
    let links_only: Vec<Value> = records
        .iter()
        .map(|r| serde_json::json!({"Links": r["Links"]}))
        .collect();
    let mut shredder = shred(&schema, &links_only);
    let backward: Vec<Value> = shredder.leaves()[0]
        .triplets()
        .iter()
        .map(|(v, r, d)| as_json(v, *r, *d, true))
        .collect();
    // r1 has no Backward: the paper's (NULL,0,1) stays at the Links level. r2: [10, 30].
    // Each present value gains two levels (the optional list and its repeated group) and
    // the element is optional: 1 + 1 + 1 + 1 = 4.
    assert_eq!(
        Value::Array(backward),
        serde_json::json!([[null, 0, 1], [10, 0, 4], [30, 1, 4]])
    );
    let forward: Vec<Value> = shredder.leaves()[1]
        .triplets()
        .iter()
        .map(|(v, r, d)| as_json(v, *r, *d, true))
        .collect();
    assert_eq!(
        Value::Array(forward),
        serde_json::json!([[20, 0, 4], [40, 1, 4], [60, 1, 4], [80, 0, 4]])
    );
}
