//! Units of the level-to-array rules on hand-made shredded buffers; the oracle comparisons
//! with the Parquet route are in `tests/to_arrow.rs`.

use arrow_array::cast::AsArray;
use arrow_array::Array;

use super::BatchBuilder;
use crate::json::Parser;
use crate::schema::{DataType, Field, Schema};
use crate::shred::Shredder;

fn shred(schema: &Schema, docs: &[&str]) -> Shredder {
    let mut shredder = Shredder::new(schema);
    for doc in docs {
        shredder
            .shred_document(&mut Parser::new(doc.as_bytes(), 0, 64))
            .unwrap();
    }
    shredder
}

#[test]
fn list_offsets_and_validity_from_levels() {
    // Levels (a,0,3) (null,1,2) | (null,0,1) | (null,0,0): ["a", null], [], null.
    let schema = Schema::new(vec![Field::list("tags", DataType::String)]);
    let mut shredder = shred(
        &schema,
        &[r#"{"tags": ["a", null]}"#, r#"{"tags": []}"#, r#"{}"#],
    );
    let rows = shredder.buffered_rows();
    let batch = BatchBuilder::new(&schema)
        .unwrap()
        .build(shredder.leaves_mut(), rows)
        .unwrap();
    let tags = batch.column(0).as_list::<i32>();
    assert_eq!(tags.value_offsets(), [0, 2, 2, 2]);
    assert_eq!(
        (0..3).map(|i| tags.is_valid(i)).collect::<Vec<_>>(),
        [true, true, false]
    );
    let values = tags.values().as_string::<i32>();
    assert_eq!(values.value(0), "a");
    assert!(values.is_null(1));
}

#[test]
fn a_batch_of_the_wrong_width_is_refused() {
    let schema = Schema::new(vec![Field::list("tags", DataType::String)]);
    let builder = BatchBuilder::new(&schema).unwrap();
    assert!(builder.build(&mut [], 0).is_err());
}
