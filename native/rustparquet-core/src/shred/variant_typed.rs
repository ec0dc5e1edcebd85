//! Writing a shredded variant (parquet-format `VariantShredding.md`): one encoded value
//! walked against its compiled `typed_value` tree, each part to its columns with exact
//! definition and repetition levels.
//!
//! The rules, for a `{value, typed_value}` pair present at definition level `d`:
//! * a scalar `typed_value` takes a value of exactly its type (boolean; int8…int64 as INT64;
//!   double; string), `value` is null; any other value (a decimal, a JSON null, an object, …)
//!   goes whole to `value` and `typed_value` is null, so a type appearing late never fails;
//! * an object `typed_value` takes an object: each shredded field goes to its own pair (both
//!   null when the field is missing, a variant null in `value` when it is JSON null), the
//!   other fields stay in `value` as a partial object (null when there are none); a
//!   non-object goes whole to `value`;
//! * a list `typed_value` takes an array, element by element (an element is never missing);
//!   a non-array goes whole to `value`.
//!
//! Every `value` is re-encoded against one metadata dictionary per row, which holds the keys
//! of every object of the value, shredded or not, as the specification asks.

use crate::leaf::{LeafBuffer, LeafValues};
use crate::schema::{DataType, Field};
use crate::variant::Variant;
use parquet_variant::{ObjectBuilder, ParentState, ValueBuilder, WritableMetadataBuilder};

/// The compiled `typed_value` tree of one shredded variant: `pairs[0]` is the variant's own.
#[derive(Debug)]
pub(crate) struct Tree {
    pairs: Vec<Pair>,
}

/// One `{value, typed_value}` pair: its leaves are `value..end`.
#[derive(Debug)]
struct Pair {
    value: usize,
    typed: Typed,
    end: usize,
}

#[derive(Debug)]
enum Typed {
    /// No `typed_value`: a required `value` (an array element shredded as nothing).
    None,
    Scalar {
        leaf: usize,
        kind: Scalar,
    },
    /// Shredded fields by JSON key, sorted, each with its pair.
    Object {
        fields: Vec<(String, usize)>,
    },
    /// The element pair and the list's repetition level.
    List {
        element: usize,
        rep: i16,
    },
}

#[derive(Debug, Clone, Copy)]
enum Scalar {
    Boolean,
    Int64,
    Double,
    String,
}

/// Compiles shredding `typed` of a variant whose group is present at `def`, pushing the
/// leaves after `metadata` (the pair's `value`, then the typed columns) onto `leaves`.
pub(super) fn compile(typed: &Field, leaves: &mut Vec<LeafBuffer>, def: i16, rep: i16) -> Tree {
    let mut tree = Tree { pairs: Vec::new() };
    compile_pair(Some(typed), leaves, &mut tree.pairs, def, rep);
    tree
}

fn compile_pair(
    typed: Option<&Field>,
    leaves: &mut Vec<LeafBuffer>,
    pairs: &mut Vec<Pair>,
    def: i16,
    rep: i16,
) -> usize {
    let id = pairs.len();
    pairs.push(Pair {
        value: 0,
        typed: Typed::None,
        end: 0,
    });
    let bytes = DataType::Variant(None);
    let Some(typed) = typed else {
        leaves.push(LeafBuffer::new(def, rep, &bytes));
        let value = leaves.len() - 1;
        pairs[id] = Pair {
            value,
            typed: Typed::None,
            end: leaves.len(),
        };
        return id;
    };
    let d = def + 1;
    leaves.push(LeafBuffer::new(d, rep, &bytes));
    let value = leaves.len() - 1;
    let mut scalar = |kind| {
        leaves.push(LeafBuffer::new(d, rep, &typed.data_type));
        Typed::Scalar {
            leaf: leaves.len() - 1,
            kind,
        }
    };
    let t = match &typed.data_type {
        DataType::Boolean => scalar(Scalar::Boolean),
        DataType::Int64 => scalar(Scalar::Int64),
        DataType::Double => scalar(Scalar::Double),
        DataType::String => scalar(Scalar::String),
        DataType::Struct(fields) => {
            let mut shredded = Vec::new();
            for f in fields {
                let s = match &f.data_type {
                    DataType::Variant(s) => s.as_deref(),
                    _ => None,
                };
                let c = compile_pair(s, leaves, pairs, d, rep);
                shredded.push((f.json_key().to_string(), c));
            }
            shredded.sort_by(|a, b| a.0.cmp(&b.0));
            Typed::Object { fields: shredded }
        }
        DataType::List(element) => {
            let s = match &element.data_type {
                DataType::Variant(s) => s.as_deref(),
                _ => None,
            };
            // `repeated group list` sits between the list and its element.
            let element = compile_pair(s, leaves, pairs, d + 1, rep + 1);
            Typed::List {
                element,
                rep: rep + 1,
            }
        }
        // check_shredding refused every other type when the schema was read.
        _ => Typed::None,
    };
    pairs[id] = Pair {
        value,
        typed: t,
        end: leaves.len(),
    };
    id
}

/// Why a value could not be written.
pub(super) enum WriteError {
    /// A byte-array batch would pass 4 GiB.
    TooBig,
    Other(String),
}

/// Writes `variant` (present, at levels `r`, `d`) into the typed tree's leaves and returns
/// the row's metadata bytes, for the caller to append to the `metadata` column.
pub(super) fn write(
    tree: &Tree,
    leaves: &mut [LeafBuffer],
    variant: &Variant<'_, '_>,
    r: i16,
    d: i16,
) -> Result<Vec<u8>, WriteError> {
    let mut w = Writer {
        tree,
        leaves,
        metadata: WritableMetadataBuilder::default(),
    };
    w.pair(0, variant, r, d)?;
    w.metadata.finish();
    Ok(w.metadata.into_inner())
}

struct Writer<'a> {
    tree: &'a Tree,
    leaves: &'a mut [LeafBuffer],
    metadata: WritableMetadataBuilder,
}

fn other(e: impl std::fmt::Display) -> WriteError {
    WriteError::Other(format!("cannot be written as a shredded variant: {e}"))
}

impl Writer<'_> {
    /// A present value of pair `id`, whose group is present at `d`.
    fn pair(&mut self, id: usize, v: &Variant<'_, '_>, r: i16, d: i16) -> Result<(), WriteError> {
        let tree = self.tree;
        let pair = &tree.pairs[id];
        let typed = pair.value + 1..pair.end;
        match &pair.typed {
            Typed::None => {
                let bytes = self.encode(v)?;
                self.bytes(pair.value, &bytes, r, d)
            }
            Typed::Scalar { leaf, kind } => {
                if self.scalar(*leaf, *kind, v, r, d + 1) {
                    self.nulls(pair.value..pair.value + 1, r, d);
                    Ok(())
                } else {
                    self.residual(pair.value, typed, v, r, d)
                }
            }
            Typed::Object { fields } => {
                let Variant::Object(object) = v else {
                    return self.residual(pair.value, typed, v, r, d);
                };
                for (key, child) in fields {
                    match object.get(key) {
                        Some(field) => {
                            self.metadata.upsert_field_name(key);
                            self.pair(*child, &field, r, d + 1)?;
                        }
                        None => self.missing(*child, r, d + 1)?,
                    }
                }
                let shredded =
                    |k: &str| fields.binary_search_by(|(f, _)| f.as_str().cmp(k)).is_ok();
                if object.iter().all(|(k, _)| shredded(k)) {
                    self.nulls(pair.value..pair.value + 1, r, d);
                    return Ok(());
                }
                let mut out = ValueBuilder::new();
                {
                    let state = ParentState::variant(&mut out, &mut self.metadata);
                    let mut rest = ObjectBuilder::new(state, false);
                    for (k, field) in object.iter().filter(|(k, _)| !shredded(k)) {
                        rest.try_insert(k, field).map_err(other)?;
                    }
                    rest.finish();
                }
                self.bytes(pair.value, &out.into_inner(), r, d + 1)
            }
            Typed::List { element, rep } => {
                let Variant::List(list) = v else {
                    return self.residual(pair.value, typed, v, r, d);
                };
                self.nulls(pair.value..pair.value + 1, r, d);
                if list.is_empty() {
                    // The list is present (d + 1) and has no element.
                    self.nulls(typed, r, d + 1);
                    return Ok(());
                }
                let mut r_item = r;
                for item in list.iter_try() {
                    let item = item.map_err(other)?;
                    self.pair(*element, &item, r_item, d + 2)?;
                    r_item = *rep;
                }
                Ok(())
            }
        }
    }

    /// A shredded object field absent from its object (its group present at `d`): `value`
    /// and `typed_value` both null.
    fn missing(&mut self, id: usize, r: i16, d: i16) -> Result<(), WriteError> {
        let pair = &self.tree.pairs[id];
        if let Typed::None = pair.typed {
            return Err(other(
                "a shredded field without typed_value cannot be missing",
            ));
        }
        let leaves = pair.value..pair.end;
        self.nulls(leaves, r, d);
        Ok(())
    }

    /// `v` whole in the pair's `value` (at `d + 1`), its typed columns null.
    fn residual(
        &mut self,
        value: usize,
        typed: std::ops::Range<usize>,
        v: &Variant<'_, '_>,
        r: i16,
        d: i16,
    ) -> Result<(), WriteError> {
        let bytes = self.encode(v)?;
        self.bytes(value, &bytes, r, d + 1)?;
        self.nulls(typed, r, d);
        Ok(())
    }

    /// `v` encoded against the row's metadata (its keys added to it).
    fn encode(&mut self, v: &Variant<'_, '_>) -> Result<Vec<u8>, WriteError> {
        let mut out = ValueBuilder::new();
        let state = ParentState::variant(&mut out, &mut self.metadata);
        ValueBuilder::try_append_variant(state, v.clone()).map_err(other)?;
        Ok(out.into_inner())
    }

    /// Appends `v` to scalar leaf `leaf` at `d` if it has the leaf's type.
    fn scalar(&mut self, leaf: usize, kind: Scalar, v: &Variant<'_, '_>, r: i16, d: i16) -> bool {
        let buffer = &mut self.leaves[leaf];
        match (kind, v, &mut buffer.values) {
            (Scalar::Boolean, Variant::BooleanTrue, LeafValues::Boolean(out)) => out.push(true),
            (Scalar::Boolean, Variant::BooleanFalse, LeafValues::Boolean(out)) => out.push(false),
            (Scalar::Int64, v, LeafValues::Int64(out)) => match v {
                Variant::Int8(i) => out.push(*i as i64),
                Variant::Int16(i) => out.push(*i as i64),
                Variant::Int32(i) => out.push(*i as i64),
                Variant::Int64(i) => out.push(*i),
                _ => return false,
            },
            (Scalar::Double, Variant::Double(f), LeafValues::Double(out)) => out.push(*f),
            (Scalar::String, v, LeafValues::Bytes { .. }) => {
                let s = match v {
                    Variant::String(s) => *s,
                    Variant::ShortString(s) => s.as_str(),
                    _ => return false,
                };
                if !fits(buffer, s.len()) {
                    return false;
                }
                push_bytes(buffer, s.as_bytes(), r, d);
                return true;
            }
            _ => return false,
        }
        buffer.levels(r, d);
        true
    }

    fn bytes(&mut self, leaf: usize, bytes: &[u8], r: i16, d: i16) -> Result<(), WriteError> {
        if !fits(&self.leaves[leaf], bytes.len()) {
            return Err(WriteError::TooBig);
        }
        push_bytes(&mut self.leaves[leaf], bytes, r, d);
        Ok(())
    }

    fn nulls(&mut self, leaves: std::ops::Range<usize>, r: i16, d: i16) {
        for leaf in &mut self.leaves[leaves] {
            leaf.levels(r, d);
        }
    }
}

/// Whether `len` more bytes fit byte-array leaf `leaf`'s batch (its offsets say 4 GiB).
pub(super) fn fits(leaf: &LeafBuffer, len: usize) -> bool {
    match &leaf.values {
        LeafValues::Bytes { data, .. } => data.len() + len <= u32::MAX as usize,
        _ => false,
    }
}

/// Appends `bytes` as the next value of byte-array leaf `leaf` (which [`fits`] them), at
/// levels `r`, `d`.
pub(super) fn push_bytes(leaf: &mut LeafBuffer, bytes: &[u8], r: i16, d: i16) {
    if let LeafValues::Bytes { data, ends } = &mut leaf.values {
        data.extend_from_slice(bytes);
        ends.push(data.len() as u32);
    }
    leaf.levels(r, d);
}
