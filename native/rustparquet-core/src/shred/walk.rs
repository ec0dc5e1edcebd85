//! The walk: one document, depth first, in step with the pull parser, appending each leaf
//! value with its repetition and definition levels to its column's buffer; nulls for the
//! members and fields a value leaves out.

use super::compile::{LeafType, NodeKind};
use super::{ShredResult, Shredder};
use crate::bad_document::BadDocument;
use crate::json::{Number, Parser, ValueKind};
use crate::leaf::LeafValues;
use crate::schema::{Repetition, UnionMember};

impl Shredder {
    /// A value of `node` (which may be null or, for a repeated node, an array), whose parent
    /// is present at definition level `parent_def`.
    pub(super) fn value(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        r: i16,
        parent_def: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        let n = &self.nodes[node];
        if kind == ValueKind::Null {
            if let NodeKind::Variant(_) = n.kind {
                // A variant holds JSON null as a value: null and missing stay distinct.
                return self.item(p, node, r);
            }
            p.null()?;
            return match n.repetition {
                Repetition::Optional | Repetition::Repeated => {
                    self.nulls(node, 0..0, r, parent_def);
                    Ok(())
                }
                Repetition::Required => {
                    self.mismatch(p.pos() - 4, node, "is required but null".into())
                }
            };
        }
        if n.repetition != Repetition::Repeated {
            // A scalar leaf straight to its column: most values are, and the detour through
            // `item` (recursive, so called, never inlined) cost a call per value.
            if let Some((leaf, ty, d)) = self.scalar_leaf(node) {
                return self.scalar(p, node, leaf, ty, kind, r, d);
            }
            return self.item(p, node, r);
        }
        if kind != ValueKind::Array {
            return self.mismatch(
                p.pos(),
                node,
                format!(
                    "is a repeated field (an array) in the schema but {} here",
                    kind.name()
                ),
            );
        }
        let rep = n.rep;
        p.begin_array()?;
        let mut first = true;
        let mut r_item = r;
        while p.next_element(first)? {
            first = false;
            if p.peek()? == ValueKind::Null {
                return self.mismatch(
                    p.pos(),
                    node,
                    "holds a null item, which a repeated field cannot store".into(),
                );
            }
            self.item(p, node, r_item)?;
            r_item = rep;
        }
        if first {
            self.nulls(node, 0..0, r, parent_def);
        }
        Ok(())
    }

    /// `node`'s leaf column, type and definition level if it is a scalar leaf that is not
    /// repeated: its present values go straight to [`Shredder::scalar`].
    #[inline(always)]
    fn scalar_leaf(&self, node: usize) -> Option<(usize, LeafType, i16)> {
        let n = &self.nodes[node];
        match n.kind {
            NodeKind::Leaf { leaf, ty } if n.repetition != Repetition::Repeated => {
                Some((leaf, ty, n.def))
            }
            _ => None,
        }
    }

    /// [`Shredder::scalar_leaf`] of `node` and the kind of the next value, if that is not
    /// null: such a value goes straight to [`Shredder::scalar`], a call fewer than through
    /// [`Shredder::value`] (most of a document's values are).
    #[inline(always)]
    fn present_scalar(
        &self,
        p: &mut Parser<'_>,
        node: usize,
    ) -> ShredResult<Option<(usize, LeafType, i16, ValueKind)>> {
        let Some((leaf, ty, d)) = self.scalar_leaf(node) else {
            return Ok(None);
        };
        let kind = p.peek()?;
        Ok((kind != ValueKind::Null).then_some((leaf, ty, d, kind)))
    }

    /// A present (non-null) value of `node`, at definition level `node.def`.
    pub(super) fn item(&mut self, p: &mut Parser<'_>, node: usize, r: i16) -> ShredResult<()> {
        let n = &self.nodes[node];
        let d = n.def;
        match &n.kind {
            NodeKind::Leaf { leaf, ty } => {
                let (leaf, ty) = (*leaf, *ty);
                let kind = p.peek()?;
                self.scalar(p, node, leaf, ty, kind, r, d)
            }
            NodeKind::Struct { .. } => self.object(p, node, r),
            NodeKind::Union { members } => {
                let members = *members;
                self.union_value(p, node, members, r, d)
            }
            NodeKind::Map { key_leaf, value } => {
                let (key_leaf, value) = (*key_leaf, *value);
                self.map(p, node, key_leaf, value, r)
            }
            NodeKind::Variant(leaves) => {
                let leaves = leaves.clone();
                self.variant(p, node, leaves, d, r)
            }
            NodeKind::List { element } => {
                let (element, rep) = (*element, n.rep);
                let kind = p.peek()?;
                if kind != ValueKind::Array {
                    return self.mismatch(
                        p.pos(),
                        node,
                        format!("is an array in the schema but {} here", kind.name()),
                    );
                }
                p.begin_array()?;
                let mut first = true;
                let mut r_item = r;
                while p.next_element(first)? {
                    first = false;
                    if let Some((leaf, ty, def, kind)) = self.present_scalar(p, element)? {
                        self.scalar(p, element, leaf, ty, kind, r_item, def)?;
                    } else {
                        self.value(p, element, r_item, d + 1)?;
                    }
                    r_item = rep;
                }
                if first {
                    self.nulls(node, 0..0, r, d);
                }
                Ok(())
            }
        }
    }

    /// A present value of a union: it goes to the member for its JSON type; every other member
    /// is null at the union's level `d` (present union, absent member).
    fn union_value(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        members: [Option<usize>; 7],
        r: i16,
        d: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        let offset = p.pos();
        let wanted: &[UnionMember] = match kind {
            ValueKind::Bool => &[UnionMember::Boolean],
            ValueKind::String => &[UnionMember::String],
            ValueKind::Array => &[UnionMember::Array],
            ValueKind::Object => &[UnionMember::Object],
            ValueKind::Number => match p.peek_number()? {
                Number::Int(_) => &[UnionMember::Long, UnionMember::Decimal, UnionMember::Double],
                Number::Big(_) => &[UnionMember::Decimal],
                Number::Float(_) => &[UnionMember::Double],
            },
            ValueKind::Null => unreachable!("value() takes nulls"),
        };
        let Some(chosen) = wanted.iter().find_map(|m| members[*m as usize]) else {
            return self.mismatch(
                offset,
                node,
                format!("is a union without a member for {} here", kind.name()),
            );
        };
        // Every other column of the union (or of the siblings, including any superseded one
        // that no member maps to any more).
        let mine = self.nodes[chosen].leaves.clone();
        self.nulls(node, mine, r, d);
        self.item(p, chosen, r)
    }

    /// A present object written as a map: one key/value entry per member; `{}` is an empty
    /// map (the map present, no entry). A key repeated in one object is a mismatch: the
    /// earlier entry cannot be taken back out once later entries follow it.
    fn map(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        key_leaf: usize,
        value: usize,
        r: i16,
    ) -> ShredResult<()> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return self.mismatch(
                p.pos(),
                node,
                format!(
                    "is an object (a map) in the schema but {} here",
                    kind.name()
                ),
            );
        }
        let (d, rep) = {
            let n = &self.nodes[node];
            (n.def, n.rep)
        };
        p.begin_object()?;
        let mut scratch = Vec::new();
        let mut keys_seen: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        let mut first = true;
        let mut r_item = r;
        while let Some(key) = p.next_key(first, &mut scratch)? {
            first = false;
            if !keys_seen.insert(key.to_vec()) {
                let key = String::from_utf8_lossy(key).into_owned();
                return Err(BadDocument::Mismatch {
                    offset: p.last_key_offset(),
                    path: self.paths[node].clone(),
                    reason: format!("holds the key {key:?} twice; a map keeps one entry per key"),
                });
            }
            let buffer = &mut self.leaves[key_leaf];
            let LeafValues::Bytes { data, ends } = &mut buffer.values else {
                unreachable!("map keys are strings")
            };
            data.extend_from_slice(key);
            ends.push(data.len() as u32);
            buffer.levels(r_item, d + 1);
            self.value(p, value, r_item, d + 1)?;
            r_item = rep;
        }
        if first {
            self.nulls(node, 0..0, r, d);
        }
        Ok(())
    }

    /// A present object: this slot goes to the struct's log, and each member present to its
    /// units, caught up first; a member absent writes nothing ([`super::lazy`]).
    fn object(&mut self, p: &mut Parser<'_>, node: usize, r: i16) -> ShredResult<()> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return self.mismatch(
                p.pos(),
                node,
                format!("is an object in the schema but {} here", kind.name()),
            );
        }
        let NodeKind::Struct { log, children, .. } = &self.nodes[node].kind else {
            unreachable!("object() is only called on struct nodes")
        };
        let (log, child_count) = (*log, children.len());
        let d = self.nodes[node].def;
        self.logs[log].levels(r, d);
        let words = child_count.div_ceil(64).max(1);
        let base = self.seen.len();
        self.seen.resize(base + words, 0);
        p.begin_object()?;
        let mut scratch = Vec::new();
        let mut first = true;
        let mut hint = 0;
        loop {
            let NodeKind::Struct {
                keys, plain, index, ..
            } = &self.nodes[node].kind
            else {
                unreachable!()
            };
            // The key the schema's order predicts, matched in place; else whatever comes.
            let i = if plain.get(hint) == Some(&true) && p.next_key_is(first, &keys[hint]) {
                hint
            } else {
                let Some(key) = p.next_key(first, &mut scratch)? else {
                    break;
                };
                let found =
                    crate::json::find_key_near(keys, key, hint).or_else(|| index.get(key).copied());
                let Some(i) = found else {
                    if self.lenient {
                        first = false;
                        p.skip_value()?;
                        continue;
                    }
                    let key = String::from_utf8_lossy(key).into_owned();
                    return Err(BadDocument::Mismatch {
                        offset: p.last_key_offset(),
                        path: self.paths[node].key(&key),
                        reason: "is not in the schema".into(),
                    });
                };
                i
            };
            first = false;
            hint = i + 1;
            let NodeKind::Struct { children, .. } = &self.nodes[node].kind else {
                unreachable!()
            };
            let child = children[i];
            let (word, bit) = (base + i / 64, 1u64 << (i % 64));
            if self.seen[word] & bit != 0 {
                // Duplicate key: the last value wins; take the earlier one back out.
                self.undo_slot(child);
                self.duplicate_keys += 1;
                if self.first_duplicate.is_none() && self.pending_duplicate.is_none() {
                    let NodeKind::Struct { keys, .. } = &self.nodes[node].kind else {
                        unreachable!()
                    };
                    let key = String::from_utf8_lossy(&keys[i]).into_owned();
                    self.pending_duplicate =
                        Some((p.last_key_offset(), self.paths[node].key(&key)));
                }
            }
            self.seen[word] |= bit;
            self.catch_up(child);
            if self.lenient && self.nodes[child].repetition != Repetition::Required {
                self.field_or_null(p, child, r, d)?;
            } else if let Some((leaf, ty, def, kind)) = self.present_scalar(p, child)? {
                self.scalar(p, child, leaf, ty, kind, r, def)?;
            } else {
                self.value(p, child, r, d)?;
            }
        }
        // Missing members are null at this object's level: its slot, in its log.
        let NodeKind::Struct {
            children, required, ..
        } = &self.nodes[node].kind
        else {
            unreachable!()
        };
        for &i in required {
            if self.seen[base + i / 64] & (1u64 << (i % 64)) == 0 {
                return self.mismatch(p.pos(), children[i], "is required but missing".into());
            }
        }
        self.seen.truncate(base);
        Ok(())
    }

    /// A present value of scalar leaf `node` (column `leaf`, of type `ty`), whose `kind` the
    /// caller has peeked (and found not null), with its levels.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn scalar(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        leaf: usize,
        ty: LeafType,
        kind: ValueKind,
        r: i16,
        d: i16,
    ) -> ShredResult<()> {
        let offset = p.pos();
        let lenient = self.lenient;
        let buffer = &mut self.leaves[leaf];
        match (ty, kind) {
            // JSON text columns take any value: strings as they are, others as JSON text (so
            // do string columns in lenient mode, as Spark's reader does).
            (LeafType::String, ValueKind::String) | (LeafType::Json, _) | (LeafType::String, _)
                if kind == ValueKind::String || ty == LeafType::Json || lenient =>
            {
                let LeafValues::Bytes { data, ends } = &mut buffer.values else {
                    unreachable!("string leaves hold bytes")
                };
                if kind == ValueKind::String {
                    p.string_into(data)?;
                } else {
                    p.value_text_into(data)?;
                }
                if data.len() > u32::MAX as usize {
                    return self.mismatch(
                        offset,
                        node,
                        "holds more than 4 GiB of strings in one row group; lower the row-group size"
                            .into(),
                    );
                }
                ends.push(data.len() as u32);
            }
            (LeafType::Boolean, ValueKind::Bool) => {
                let v = p.boolean()?;
                let LeafValues::Boolean(values) = &mut buffer.values else {
                    unreachable!("boolean leaves hold booleans")
                };
                values.push(v);
            }
            (LeafType::Int64 | LeafType::Double | LeafType::Decimal, ValueKind::Number) => {
                let number = p.number()?;
                match (&mut buffer.values, number) {
                    (LeafValues::Int64(values), Number::Int(v)) => values.push(v),
                    (LeafValues::Double(values), Number::Float(v)) => values.push(v),
                    (LeafValues::Double(values), Number::Int(v)) => {
                        let as_double = v as f64;
                        // Exact when the double converts back to the same integer.
                        if as_double >= i64::MAX as f64 || as_double as i64 != v {
                            return self.mismatch(offset, node, format!("is a double column; the integer {v} has no exact double (docs/format.md, numbers)"));
                        }
                        values.push(as_double);
                    }
                    (LeafValues::Double(_), Number::Big(v)) => {
                        return self.mismatch(offset, node, format!("is a double column; the integer {v} has no exact double (docs/format.md, numbers)"));
                    }
                    (LeafValues::Decimal(values), Number::Int(v)) => values.push(v as i128),
                    (LeafValues::Decimal(values), Number::Big(v)) => values.push(v),
                    (LeafValues::Int64(_), Number::Big(v)) => {
                        return self.mismatch(
                            offset,
                            node,
                            format!("is an int64 column; the integer {v} is beyond int64"),
                        );
                    }
                    (LeafValues::Int64(_) | LeafValues::Decimal(_), Number::Float(v)) => {
                        return self.mismatch(
                            offset,
                            node,
                            format!("is an integer column but holds the float {v:?} here"),
                        );
                    }
                    _ => unreachable!("number leaves hold numbers"),
                }
            }
            (ty, kind) => {
                let expected = match ty {
                    LeafType::Null => "only null",
                    LeafType::Boolean => "a boolean",
                    LeafType::Int64 => "an integer",
                    LeafType::Decimal => "an integer",
                    LeafType::Double => "a number",
                    LeafType::String => "a string",
                    LeafType::Json => unreachable!("json leaves take any value"),
                };
                return self.mismatch(
                    offset,
                    node,
                    format!("is {expected} in the schema but {} here", kind.name()),
                );
            }
        }
        self.leaves[leaf].levels(r, d);
        Ok(())
    }
}
