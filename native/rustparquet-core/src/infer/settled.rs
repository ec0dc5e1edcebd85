//! Settled schemas: when a schema inferred from the first documents of an input is already the
//! schema of the whole input, so that the documents can be shredded against it while they are
//! read, in one parse, instead of after a full inference pass ([`crate::to_arrow::read_table`]).
//!
//! The argument: let `S` be inferred from a prefix and every later document shred into `S`
//! strictly (no key `S` lacks, no value of a type its column cannot hold; the shredder checks
//! both). Then the later documents bring no new path and no new JSON type at any path, beyond
//! integers where `S` has a double or a decimal, which inference widens to the same. Every
//! merge rule of [`super`] that depends only on the set of types and keys seen therefore gives
//! `S` back. The rules that also count (how many objects hold each key, whether the values
//! under the keys share a shape) are the map rules, and the variant shredding shares; they can
//! change their answer as counts grow. [`settled`] accepts only schemas where they cannot: no
//! map and no variant anywhere, and every object below the document root (which is never a
//! map) a struct whatever its counts: with fewer distinct keys than
//! [`MapRules::min_keys`](super::MapRules::min_keys), or with values that differ in kind
//! already (a map's values must share one shape, and fitting documents add no key and only add
//! kinds).

use super::InferOptions;
use crate::schema::{DataType, Field, Schema};

/// Whether `schema`, inferred from a prefix of an input under `rules`, is the whole input's
/// schema as soon as every other document shreds into it strictly (see the module docs).
pub fn settled(schema: &Schema, rules: &InferOptions) -> bool {
    schema.fields.iter().all(|f| field_settled(f, rules))
}

fn field_settled(field: &Field, rules: &InferOptions) -> bool {
    match &field.data_type {
        DataType::Null
        | DataType::Boolean
        | DataType::Int64
        | DataType::Decimal
        | DataType::Double
        | DataType::String
        | DataType::Json => true,
        DataType::List(element) => field_settled(element, rules),
        DataType::Union(members) => members.iter().all(|m| field_settled(m, rules)),
        DataType::Struct(fields) => {
            // An object below the root: a struct for good with few keys, with values that can
            // never share one shape, or with maps off.
            (rules.maps.threshold == 0
                || fields.len() < rules.maps.min_keys
                || values_differ_for_good(fields))
                && fields.iter().all(|f| field_settled(f, rules))
        }
        DataType::Map(_) | DataType::Variant(_) => false,
    }
}

/// Whether an object's values differ in shape whatever else is seen (then no count makes it
/// a map): a member of several JSON types (a union), or members of two or more kinds among
/// boolean, number, string, array and object. Later documents that fit only add kinds. Null
/// members and JSON-text columns are left out, and all numbers count as one kind, so the
/// answer errs towards "may still become a map".
fn values_differ_for_good(fields: &[Field]) -> bool {
    let mut kinds = 0u8;
    for field in fields {
        kinds |= match field.data_type {
            DataType::Union(_) => return true,
            DataType::Boolean => 1,
            DataType::Int64 | DataType::Double | DataType::Decimal => 2,
            DataType::String => 4,
            DataType::List(_) => 8,
            DataType::Struct(_) => 16,
            DataType::Null | DataType::Json | DataType::Map(_) | DataType::Variant(_) => 0,
        };
    }
    kinds.count_ones() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infer::MapRules;

    fn object(keys: usize) -> DataType {
        DataType::Struct(
            (0..keys)
                .map(|i| Field::optional(format!("k{i}"), DataType::Int64))
                .collect(),
        )
    }

    #[test]
    fn scalars_lists_unions_and_small_objects_are_settled() {
        let schema = Schema::new(vec![
            Field::optional("a", DataType::String),
            Field::optional(
                "b",
                DataType::List(Box::new(Field::optional("element", object(19)))),
            ),
            Field::optional(
                "c",
                DataType::Union(vec![
                    Field::optional("long", DataType::Int64),
                    Field::optional("object", object(3)),
                ]),
            ),
        ]);
        assert!(settled(&schema, &InferOptions::default()));
    }

    #[test]
    fn a_nested_object_with_enough_keys_to_become_a_map_is_not() {
        let nested = Schema::new(vec![Field::optional("o", object(20))]);
        assert!(!settled(&nested, &InferOptions::default()));
        // Unless its values already differ in kind (a map's values share one shape).
        let DataType::Struct(mut fields) = object(20) else {
            unreachable!()
        };
        let mixed = |fields: &[Field]| {
            Schema::new(vec![Field::optional(
                "o",
                DataType::Struct(fields.to_vec()),
            )])
        };
        fields[3].data_type = DataType::Double;
        assert!(!settled(&mixed(&fields), &InferOptions::default()));
        fields[3].data_type = DataType::String;
        assert!(settled(&mixed(&fields), &InferOptions::default()));
        fields[3].data_type = DataType::Union(vec![
            Field::optional("long", DataType::Int64),
            Field::optional("double", DataType::Double),
        ]);
        assert!(settled(&mixed(&fields), &InferOptions::default()));
        // The document root is never a map, whatever its keys.
        let root = Schema::new(
            (0..50)
                .map(|i| Field::optional(format!("k{i}"), DataType::Int64))
                .collect(),
        );
        assert!(settled(&root, &InferOptions::default()));
        // With automatic maps off, any object is a struct for good.
        let off = InferOptions {
            maps: MapRules {
                threshold: 0,
                ..MapRules::default()
            },
            ..InferOptions::default()
        };
        assert!(settled(&nested, &off));
    }

    #[test]
    fn maps_and_variants_are_not() {
        let map = Schema::new(vec![Field::optional(
            "m",
            DataType::Map(Box::new(Field::optional("value", DataType::Int64))),
        )]);
        assert!(!settled(&map, &InferOptions::default()));
        let variant = Schema::new(vec![Field::optional("v", DataType::Variant(None))]);
        assert!(!settled(&variant, &InferOptions::default()));
    }
}
