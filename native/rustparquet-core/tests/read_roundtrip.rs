//! Round trip through our own writer: generated nested documents → `convert` → `cat` → the
//! same documents, by the documented rules (docs/reading.md):
//!
//! * with `omit_nulls`, a null member and a missing one both read back as missing, so the
//!   input is compared with its null members removed (array elements that are null stay);
//! * numbers of a field that held both integers and floats come back as doubles (equal as
//!   numbers); every other value comes back identical;
//! * empty arrays stay empty arrays, null arrays stay null, `{}` stays `{}`;
//! * a field whose values differ in JSON type (a union) gives every value back as it was.

use proptest::prelude::*;
use rustparquet_core::read::{self, ReadOptions};
use rustparquet_core::{convert, ConvertOptions};
use serde_json::{json, Map, Value};

/// The shape documents are generated from: one JSON type per field, or several ([`Template::Any`]).
#[derive(Debug, Clone)]
enum Template {
    Int,
    /// Floats, sometimes written as integers (the writer widens the field to double).
    Number,
    Str,
    Bool,
    List(Box<Template>),
    Object(Vec<(String, Template)>),
    /// Each value takes one of these shapes: the field becomes a union.
    Any(Vec<Template>),
}

fn template() -> impl Strategy<Value = Template> {
    let leaf = prop_oneof![
        Just(Template::Int),
        Just(Template::Number),
        Just(Template::Str),
        Just(Template::Bool),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Template::List(Box::new(t))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Template::Any),
            prop::collection::vec(inner, 0..4).prop_map(|fields| {
                Template::Object(
                    fields
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| (KEYS[i % KEYS.len()].to_string(), t))
                        .collect(),
                )
            }),
        ]
    })
}

/// Keys, including ones that need escaping and a non-ASCII one.
const KEYS: [&str; 5] = ["a", "b c", "quo\"te", "ключ", "e"];

/// A small deterministic generator (xorshift), seeded by proptest.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const STRINGS: [&str; 7] = [
    "",
    "x",
    "tab\there",
    "q\"uote\\",
    "línea\nnueva",
    "😀 emoji",
    "\u{1}\u{1f}",
];

/// A value of shape `t`. Below a union (`exact`), integers stay within ±2^53: a union's
/// integers and floats share one double member, which refuses integers it cannot hold exactly.
fn value(t: &Template, rng: &mut Rng, exact: bool) -> Value {
    if rng.below(6) == 0 {
        return Value::Null;
    }
    match t {
        Template::Int if exact => json!(rng.next() as i64 >> (11 + rng.below(50))),
        Template::Int => {
            let v = match rng.below(4) {
                0 => i64::MAX,
                1 => i64::MIN,
                _ => rng.next() as i64 >> rng.below(60),
            };
            json!(v)
        }
        Template::Any(alternatives) => {
            let pick = &alternatives[rng.below(alternatives.len() as u64) as usize];
            value(pick, rng, true)
        }
        Template::Number => {
            if rng.below(3) == 0 {
                json!(rng.below(1000) as i64 - 500)
            } else {
                let v = (rng.next() as i64 >> 11) as f64 / (1u64 << rng.below(40)) as f64;
                json!(v)
            }
        }
        Template::Str => json!(STRINGS[rng.below(STRINGS.len() as u64) as usize]),
        Template::Bool => json!(rng.below(2) == 0),
        Template::List(e) => {
            let n = rng.below(4);
            Value::Array((0..n).map(|_| value(e, rng, exact)).collect())
        }
        Template::Object(fields) => {
            let mut m = Map::new();
            for (k, f) in fields {
                if rng.below(5) != 0 {
                    m.insert(k.clone(), value(f, rng, exact));
                }
            }
            Value::Object(m)
        }
    }
}

/// The document as `cat --omit-nulls` gives it back: null members removed.
fn without_null_members(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_null_members(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_null_members).collect()),
        v => v.clone(),
    }
}

/// Equal as documents: members in any order, numbers equal by value when one side was widened.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                x.as_f64() == y.as_f64()
            } else {
                x == y
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (a, b) => a == b,
    }
}

fn round_trip(docs: &[Value]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    let output = dir.path().join("out.parquet");
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&input, text).unwrap();
    convert(
        &[input.to_string_lossy().into_owned()],
        &output,
        &ConvertOptions::default(),
    )
    .unwrap();
    let mut options = ReadOptions::default();
    options.assemble.omit_nulls = true;
    read::to_ndjson_string(&output, &options)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn convert_then_cat_gives_the_documents_back(
        fields in prop::collection::vec(template(), 1..5),
        seed in 1u64..u64::MAX,
        n in 1usize..12,
    ) {
        let top = Template::Object(
            fields.into_iter().enumerate().map(|(i, t)| (format!("f{i}"), t)).collect(),
        );
        let mut rng = Rng(seed);
        // Every document has an `id`: the writer refuses a schema without any field.
        let docs: Vec<Value> = (0..n)
            .map(|i| {
                let mut doc = Map::new();
                doc.insert("id".into(), json!(i));
                if let Value::Object(m) = value(&top, &mut rng, false) {
                    doc.extend(m);
                }
                Value::Object(doc)
            })
            .collect();
        let back = round_trip(&docs);
        prop_assert_eq!(back.len(), docs.len());
        for (d, b) in docs.iter().zip(&back) {
            let want = without_null_members(d);
            prop_assert!(same(&want, b), "sent {}\nwant {}\n got {}", d, want, b);
        }
    }
}

#[test]
fn empty_arrays_nulls_and_empty_objects_survive_without_omit_nulls() {
    let docs = vec![
        json!({"a": [], "o": {}, "n": null, "l": [[], null, [1]]}),
        json!({"a": null, "o": null, "l": []}),
        json!({"a": [1.5, 2], "l": null}),
    ];
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    let output = dir.path().join("out.parquet");
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&input, text).unwrap();
    convert(
        &[input.to_string_lossy().into_owned()],
        &output,
        &ConvertOptions::default(),
    )
    .unwrap();
    let text = read::to_ndjson_string(&output, &ReadOptions::default()).unwrap();
    // Every field of the schema is written, null when absent; `[]`, `null` and `{}` stay
    // distinct; a field that held 1.5 and 2 is a double, so 2 reads back as 2.0.
    assert_eq!(
        text,
        concat!(
            r#"{"a":[],"o":{},"n":null,"l":[[],null,[1]]}"#,
            "\n",
            r#"{"a":null,"o":null,"n":null,"l":[]}"#,
            "\n",
            r#"{"a":[1.5,2.0],"o":null,"n":null,"l":null}"#,
            "\n"
        )
    );
}
