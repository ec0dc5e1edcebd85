//! Which parts of a variant are shredded into typed columns (`--variant-shredding auto`),
//! inferred from the same observations as the rest of the schema: per path, the JSON kinds
//! seen and how many values (and objects) were seen there.
//!
//! The rule: a path is shredded when its kind is stable — one scalar kind (boolean; integer,
//! every one within int64; double, when every number had an exponent: a number with a
//! fraction is exact only as a decimal, which a double column would round; string), or
//! object, or array whose elements shred — nulls aside (a JSON null stays in `value` as a
//! variant null). An object field must also be present (not null) in at least
//! [`Shredding::min_share`] of its object's values, and an object shreds at most
//! [`Shredding::max_fields`] fields, the most frequent first. An object with no field to
//! shred, an object the map rule makes a map ([`super::maps`]: keys that are data, such as
//! hundreds of plugin or histogram names, are not a typed column each), a number mixing
//! integers with fractions, and any path seen with several kinds stay in `value`. Since the writer sends
//! every value that does not have its column's type to `value`, the rule only decides what
//! is fast to read: no value can fail to be written because of it.

use super::{Node, ObjectNode, BOOLEAN, DOUBLE, INT, LIST, OBJECT, STRING};
use crate::path::{ColumnPath, PathStep};
use crate::schema::variant::TYPED_VALUE;
use crate::schema::{DataType, Field, Repetition};

/// Whether variants are shredded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShreddingMode {
    /// Shred what the data says is stable (the module docs).
    #[default]
    Auto,
    /// `metadata` and `value` only.
    None,
}

impl std::str::FromStr for ShreddingMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(ShreddingMode::Auto),
            "none" => Ok(ShreddingMode::None),
            other => Err(format!(
                "unknown variant shredding `{other}` (expected auto or none)"
            )),
        }
    }
}

/// A share between 0 and 1 (compared by value; never NaN once parsed).
#[derive(Debug, Clone, Copy)]
pub struct Share(pub f64);

impl PartialEq for Share {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for Share {}

impl std::str::FromStr for Share {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(Share(v)),
            _ => Err(format!("`{s}` is not a share between 0 and 1")),
        }
    }
}

/// The default [`Shredding::min_share`].
pub const DEFAULT_MIN_SHARE: f64 = 0.1;
/// The default [`Shredding::max_fields`].
pub const DEFAULT_MAX_FIELDS: usize = 256;

/// How variants are shredded: the rule of the module docs and its thresholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shredding {
    pub mode: ShreddingMode,
    /// An object field is shredded only if present in at least this share of its object's
    /// values (`--variant-shred-min-share`).
    pub min_share: Share,
    /// At most this many fields of one object are shredded (`--variant-shred-max-fields`).
    pub max_fields: usize,
}

impl Default for Shredding {
    fn default() -> Self {
        Shredding {
            mode: ShreddingMode::Auto,
            min_share: Share(DEFAULT_MIN_SHARE),
            max_fields: DEFAULT_MAX_FIELDS,
        }
    }
}

/// The `typed_value` field of a shredding type.
pub(super) fn typed_value(t: DataType) -> Field {
    Field {
        name: TYPED_VALUE.into(),
        key: None,
        repetition: Repetition::Optional,
        data_type: t,
    }
}

/// A shredded object field or array element: a required variant.
fn pair(name: &str, typed: DataType) -> Field {
    Field {
        name: name.into(),
        key: None,
        repetition: Repetition::Required,
        data_type: DataType::Variant(Some(Box::new(typed_value(typed)))),
    }
}

impl Shredding {
    /// The `typed_value` field of a variant whose values were observed as `node`.
    pub(super) fn typed(&self, node: &Node) -> Option<Field> {
        self.node(node).map(typed_value)
    }

    /// The shredding type of values observed as `node`, if they shred.
    fn node(&self, node: &Node) -> Option<DataType> {
        if self.mode == ShreddingMode::None {
            return None;
        }
        match node.kinds {
            BOOLEAN => Some(DataType::Boolean),
            INT => Some(DataType::Int64),
            DOUBLE if !node.fraction => Some(DataType::Double),
            STRING => Some(DataType::String),
            LIST => {
                let element = self.node(node.list.as_deref()?)?;
                Some(DataType::List(Box::new(pair("element", element))))
            }
            OBJECT => self.object(node.object.as_deref()?, node.objects),
            _ => None,
        }
    }

    /// The shredding type of an object observed `objects` times as `object`: its stable,
    /// frequent fields, or `None` when none is.
    pub(super) fn object(&self, object: &ObjectNode, objects: u64) -> Option<DataType> {
        if self.mode == ShreddingMode::None || object.map_value.is_some() || objects == 0 {
            return None;
        }
        let mut fields: Vec<(usize, u64, DataType)> = Vec::new();
        for (i, (key, child)) in object.keys.iter().zip(&object.nodes).enumerate() {
            let share = child.values as f64 / objects as f64;
            if key.is_empty() || std::str::from_utf8(key).is_err() || share < self.min_share.0 {
                continue;
            }
            if let Some(t) = self.node(child) {
                fields.push((i, child.values, t));
            }
        }
        if fields.len() > self.max_fields {
            // The most frequent, first seen first among equals; then back in first-seen order.
            fields.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            fields.truncate(self.max_fields);
            fields.sort_by_key(|f| f.0);
        }
        if fields.is_empty() {
            return None;
        }
        let fields = fields
            .into_iter()
            .map(|(i, _, t)| pair(&String::from_utf8_lossy(&object.keys[i]), t))
            .collect();
        Some(DataType::Struct(fields))
    }
}

/// The observations at `path` under the document's `root`.
pub(super) fn node_at<'a>(root: &'a ObjectNode, path: &ColumnPath) -> Option<&'a Node> {
    let mut object = root;
    let mut node: Option<&Node> = None;
    for step in &path.0 {
        if let Some(n) = node {
            match step {
                PathStep::Element => {
                    node = Some(n.list.as_deref()?);
                    continue;
                }
                _ => object = n.object.as_deref()?,
            }
        }
        node = Some(match step {
            PathStep::Key(k) => {
                if object.map_value.is_some() {
                    return None;
                }
                let i = *object.index.get(k.as_bytes())?;
                &object.nodes[i]
            }
            PathStep::MapValue => object.map_value.as_deref()?,
            PathStep::Element => return None,
        });
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infer::{InferOptions, SchemaInferrer, VariantRules};
    use crate::json::Parser;

    fn shredding(paths: &[&str], docs: &[&str], rules: Shredding) -> String {
        let options = InferOptions {
            variants: VariantRules {
                paths: paths.iter().map(|p| p.to_string()).collect(),
                shredding: rules,
            },
            ..InferOptions::default()
        };
        let mut inferrer = SchemaInferrer::with_options(64, options);
        for doc in docs {
            inferrer
                .add_document(&mut Parser::new(doc.as_bytes(), 0, 64), &|_| {
                    crate::Location {
                        file: "t".into(),
                        line: 1,
                        column: 1,
                    }
                })
                .unwrap();
        }
        crate::schema::to_tree(&inferrer.finish().unwrap())
    }

    #[test]
    fn stable_frequent_paths_shred() {
        let docs = [
            r#"{"p": {"a": 1, "b": "x", "c": 1.5, "d": [{"e": true}], "f": 1e3, "g": null}}"#,
            r#"{"p": {"a": 2, "b": 3, "c": 2, "d": [], "f": 2E1, "g": 1}}"#,
        ];
        let tree = shredding(&["p"], &docs, Shredding::default());
        assert!(tree.contains("a: int64"), "{tree}");
        assert!(!tree.contains("b: "), "{tree}");
        assert!(!tree.contains("c: "), "{tree}");
        assert!(tree.contains("d: array<object {e: boolean}>"), "{tree}");
        assert!(tree.contains("f: double"), "{tree}");
        assert!(tree.contains("g: int64"), "{tree}");
    }

    #[test]
    fn objects_the_map_rule_makes_maps_stay_in_value() {
        // 250 named keys whose values share one shape: a map by the map rule (infer/maps.rs),
        // so no typed column per key; the stable field beside it still shreds.
        let plugins: Vec<String> = (0..250)
            .map(|i| format!(r#""plugin_name_{i}": {{"version": {i}, "enabled": true}}"#))
            .collect();
        let doc = format!(r#"{{"a": 1, "plugins": {{{}}}}}"#, plugins.join(", "));
        let tree = shredding(&["$"], &[doc.as_str()], Shredding::default());
        assert!(tree.contains("a: int64"), "{tree}");
        assert!(!tree.contains("plugin_name_0"), "{tree}");
        assert!(!tree.contains("plugins"), "{tree}");
    }

    #[test]
    fn rare_fields_and_the_cap() {
        let mut docs = vec![r#"{"a": 1, "b": 2, "c": 3}"#.to_string()];
        for _ in 0..20 {
            docs.push(r#"{"a": 1, "c": 3}"#.into());
        }
        let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let tree = shredding(&["$"], &docs, Shredding::default());
        assert!(tree.contains("object {a: int64, c: int64}"), "{tree}");
        let capped = Shredding {
            max_fields: 1,
            min_share: Share(0.0),
            ..Shredding::default()
        };
        assert!(shredding(&["$"], &docs, capped).contains("object {a: int64}"));
        let none = Shredding {
            mode: ShreddingMode::None,
            ..Shredding::default()
        };
        assert!(!shredding(&["$"], &docs, none).contains("shredded"));
    }
}
