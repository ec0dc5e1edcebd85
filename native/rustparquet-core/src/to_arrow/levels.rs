//! Levels to Arrow arrays, one plan node at a time: a node's slots are picked from the levels
//! of its first leaf ([`super::plan`]); a nullable node's validity bitmap is "definition level
//! ≥ its own"; a list's (or map's) offsets count the item slots between two slots of the list;
//! a leaf's values fill its non-null slots in order (null slots hold a zero value, as Arrow
//! leaves them undefined).

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::types::{Decimal128Type, Float64Type, Int64Type};
use arrow_array::{
    ArrayRef, ArrowPrimitiveType, BooleanArray, ListArray, MapArray, PrimitiveArray, StringArray,
    StructArray,
};
use arrow_buffer::{
    ArrowNativeType, BooleanBuffer, BooleanBufferBuilder, Buffer, NullBuffer, OffsetBuffer,
    ScalarBuffer,
};
use arrow_schema::DataType as ArrowType;

use super::plan::{Kind, Levels, Plan};
use crate::error::{Error, Result};
use crate::leaf::{LeafBuffer, LeafValues};

/// The Arrow array of `plan`'s slots in `leaves` (taking the value buffers an array holds
/// whole: see [`leaf_array`]).
pub(super) fn build(plan: &Plan, leaves: &mut [LeafBuffer]) -> Result<ArrayRef> {
    let levels = &plan.levels;
    match &plan.kind {
        Kind::Leaf { leaf } => leaf_array(plan, &mut leaves[*leaf]),
        Kind::Struct { fields, children } => {
            let (nulls, len) = {
                let defs = slot_defs(&leaves[levels.first_leaf], levels);
                (validity(&defs, levels), defs.len())
            };
            let arrays = children
                .iter()
                .map(|c| build(c, leaves))
                .collect::<Result<Vec<_>>>()?;
            let array = StructArray::try_new_with_length(fields.clone(), arrays, nulls, len)
                .map_err(internal)?;
            Ok(Arc::new(array))
        }
        Kind::Repeated {
            field,
            map_sorted,
            entries,
            item_rep,
            item_def,
        } => {
            let leaf = &leaves[levels.first_leaf];
            let mut offsets: Vec<i32> = Vec::new();
            let mut valid = BooleanBufferBuilder::new(0);
            let mut items: i32 = 0;
            for i in 0..leaf.entries() {
                let (r, d) = (rep(leaf, i), def(leaf, i));
                if r <= levels.slot_rep && d >= levels.slot_def {
                    offsets.push(items);
                    valid.append(d >= levels.def);
                }
                if r <= *item_rep && d >= *item_def {
                    items = items.checked_add(1).ok_or_else(too_many)?;
                }
            }
            offsets.push(items);
            let nulls = nulls_of(valid.finish(), levels.nullable);
            let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
            let values = build(entries, leaves)?;
            Ok(match map_sorted {
                None => Arc::new(
                    ListArray::try_new(field.clone(), offsets, values, nulls).map_err(internal)?,
                ),
                Some(sorted) => {
                    let Some(entries) = values.as_any().downcast_ref::<StructArray>() else {
                        return Err(internal("a map's entries are not a struct"));
                    };
                    Arc::new(
                        MapArray::try_new(field.clone(), offsets, entries.clone(), nulls, *sorted)
                            .map_err(internal)?,
                    )
                }
            })
        }
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("internal error: building Arrow arrays: {e}"))
}

fn too_many() -> Error {
    Error::Other(
        "a batch holds more than 2^31 list items or string bytes; lower batch_rows or batch_bytes"
            .into(),
    )
}

#[inline]
fn rep(leaf: &LeafBuffer, i: usize) -> i16 {
    if leaf.max_rep > 0 {
        leaf.rep_levels[i]
    } else {
        0
    }
}

#[inline]
fn def(leaf: &LeafBuffer, i: usize) -> i16 {
    if leaf.max_def > 0 {
        leaf.def_levels[i]
    } else {
        0
    }
}

/// The definition level of each slot of a node placed by `levels`. Without a list above,
/// every entry is a slot: the leaf's own levels are lent rather than copied (this runs for
/// every struct and leaf of every batch, and wide sparse documents have millions of entries).
fn slot_defs<'a>(leaf: &'a LeafBuffer, levels: &Levels) -> Cow<'a, [i16]> {
    if leaf.max_rep == 0 {
        return if leaf.max_def > 0 {
            Cow::Borrowed(&leaf.def_levels)
        } else {
            Cow::Owned(vec![0; leaf.entries()])
        };
    }
    Cow::Owned(
        (0..leaf.entries())
            .filter_map(|i| {
                let d = def(leaf, i);
                (rep(leaf, i) <= levels.slot_rep && d >= levels.slot_def).then_some(d)
            })
            .collect(),
    )
}

/// The validity of slots with definition levels `defs`: valid from `levels.def` on.
fn validity(defs: &[i16], levels: &Levels) -> Option<NullBuffer> {
    if !levels.nullable {
        return None;
    }
    let def = levels.def;
    nulls_of(
        BooleanBuffer::collect_bool(defs.len(), |i| defs[i] >= def),
        true,
    )
}

/// A validity bitmap, or none when every slot is valid (or the node cannot be null).
fn nulls_of(valid: BooleanBuffer, nullable: bool) -> Option<NullBuffer> {
    if !nullable {
        return None;
    }
    let nulls = NullBuffer::new(valid);
    (nulls.null_count() > 0).then_some(nulls)
}

/// A leaf's array: its slots, the non-null ones filled with its values in order. A buffer
/// the array holds as it is (string bytes; numbers when every slot has one) is moved into the
/// array rather than copied: a batch is tens of MB, most of it such buffers. The leaf keeps an
/// empty buffer of the same capacity, so that the next batch grows no more than this one did.
fn leaf_array(plan: &Plan, leaf: &mut LeafBuffer) -> Result<ArrayRef> {
    let levels = &plan.levels;
    if levels.def != leaf.max_def {
        return Err(internal(format!(
            "leaf {} has definition level {} in the schema but {} in its buffer",
            levels.first_leaf, levels.def, leaf.max_def
        )));
    }
    // The values come out for the array; what the array does not take goes back below.
    let emptied = leaf.values.emptied();
    let mut values = std::mem::replace(&mut leaf.values, emptied);
    let defs = slot_defs(leaf, levels);
    // A slot holds a value when its definition level is the leaf's maximum (the nulls of a
    // required leaf are slots under a null parent). As a leaf's `def` is that maximum, the
    // validity bitmap is exactly the presence of values.
    let present = Present {
        defs: &defs,
        max_def: leaf.max_def,
    };
    let nulls = validity(&defs, levels);
    let array: ArrayRef = match (&mut values, &plan.data_type) {
        (LeafValues::Boolean(v), ArrowType::Boolean) => {
            let mut next = 0;
            let values = BooleanBuffer::collect_bool(defs.len(), |i| {
                let value = present.at(i) && v.get(next).copied().unwrap_or_default();
                next += usize::from(present.at(i));
                value
            });
            Arc::new(BooleanArray::new(values, nulls))
        }
        (LeafValues::Int64(v), ArrowType::Int64) => primitive::<Int64Type>(v, present, nulls),
        (LeafValues::Double(v), ArrowType::Float64) => primitive::<Float64Type>(v, present, nulls),
        (LeafValues::Decimal(v), ArrowType::Decimal128(p, s)) => {
            let a = PrimitiveArray::<Decimal128Type>::new(slot_values(v, present), nulls)
                .with_precision_and_scale(*p, *s)
                .map_err(internal)?;
            Arc::new(a)
        }
        (LeafValues::Bytes { data, ends }, ArrowType::Utf8) => {
            if data.len() > i32::MAX as usize {
                return Err(too_many());
            }
            let mut offsets = Vec::with_capacity(defs.len() + 1);
            offsets.push(0i32);
            let mut next = 0;
            let mut end = 0i32;
            for i in 0..defs.len() {
                if present.at(i) {
                    // `ends` has one entry per value and the levels one per slot: an entry
                    // short would be a shredder bug, kept out of the offsets all the same.
                    end = ends.get(next).map_or(end, |e| *e as i32);
                    next += 1;
                }
                offsets.push(end);
            }
            let a = StringArray::try_new(
                OffsetBuffer::new(ScalarBuffer::from(offsets)),
                Buffer::from_vec(take_whole(data)),
                nulls,
            )
            .map_err(internal)?;
            Arc::new(a)
        }
        // An always-null column written as STRING holds no values.
        (_, other) => {
            return Err(internal(format!(
                "leaf {} of Arrow type {other} cannot be built from its buffer",
                levels.first_leaf
            )))
        }
    };
    drop(defs);
    leaf.values = values;
    Ok(array)
}

fn primitive<T: ArrowPrimitiveType>(
    values: &mut Vec<T::Native>,
    present: Present<'_>,
    nulls: Option<NullBuffer>,
) -> ArrayRef {
    Arc::new(PrimitiveArray::<T>::new(
        slot_values(values, present),
        nulls,
    ))
}

/// A value per slot: `values` themselves when every slot holds one (moved), else spread.
fn slot_values<T: ArrowNativeType + Default>(
    values: &mut Vec<T>,
    present: Present<'_>,
) -> ScalarBuffer<T> {
    if values.len() == present.defs.len() {
        ScalarBuffer::from(take_whole(values))
    } else {
        ScalarBuffer::from(present.spread(values))
    }
}

/// `values` moved out, with no spare capacity, for an array to hold; an empty buffer of the
/// same size stays behind (the batches of a run are of about one size, and a buffer that grows
/// by doubling copies what it holds each time).
fn take_whole<T>(values: &mut Vec<T>) -> Vec<T> {
    let mut whole = std::mem::replace(values, Vec::with_capacity(values.len()));
    // Spare capacity would be held as long as the array lives (up to as much again, as a
    // vector grows by doubling); giving it back shrinks the block in place.
    whole.shrink_to_fit();
    whole
}

/// Which slots of a leaf hold a value: those whose definition level is the leaf's maximum.
#[derive(Clone, Copy)]
struct Present<'a> {
    defs: &'a [i16],
    max_def: i16,
}

impl Present<'_> {
    #[inline]
    fn at(&self, slot: usize) -> bool {
        self.defs[slot] == self.max_def
    }

    /// The values spread over the slots, a default value in each empty one.
    fn spread<T: Copy + Default>(&self, values: &[T]) -> Vec<T> {
        let slots = self.defs.len();
        if values.is_empty() {
            // A column of nulls only (common in wide, sparse documents): zeroed memory.
            return vec![T::default(); slots];
        }
        let mut out = Vec::with_capacity(slots);
        let mut next = 0;
        for &d in self.defs {
            let here = d == self.max_def;
            // Branch-free: read the next value (or the default past the end) and keep it
            // only where the slot holds one.
            let value = values.get(next).copied().unwrap_or_default();
            out.push(if here { value } else { T::default() });
            next += usize::from(here);
        }
        out
    }
}
