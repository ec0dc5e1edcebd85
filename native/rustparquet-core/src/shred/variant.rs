//! The shredder's `VARIANT` nodes: a JSON value (any type, null included: a variant null is a
//! value, so null and missing stay distinct) encoded by [`crate::variant::from_json`] straight
//! from the parser, its `metadata` and `value` bytes appended to the group's two leaf columns
//! (schema/variant.rs has the layout).

use super::{ShredResult, Shredder};
use crate::json::Parser;
use crate::leaf::LeafValues;
use crate::schema::{DataType, Field};

/// A compiled variant group: its leaf columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VariantNode {
    metadata: usize,
    value: usize,
}

impl Shredder {
    /// The leaves of a variant group present at definition level `def`.
    pub(super) fn compile_variant(
        &mut self,
        shredding: Option<&Field>,
        def: i16,
        rep: i16,
    ) -> VariantNode {
        debug_assert!(shredding.is_none(), "shredded variants are not written yet");
        let bytes = DataType::Variant(None);
        self.leaves
            .push(crate::leaf::LeafBuffer::new(def, rep, &bytes));
        self.leaves
            .push(crate::leaf::LeafBuffer::new(def, rep, &bytes));
        VariantNode {
            metadata: self.leaves.len() - 2,
            value: self.leaves.len() - 1,
        }
    }

    /// A present value (any JSON value, `null` too) of variant `node` (its leaves `leaves`),
    /// at definition level `d`.
    pub(super) fn variant(
        &mut self,
        p: &mut Parser<'_>,
        node: usize,
        leaves: VariantNode,
        d: i16,
        r: i16,
    ) -> ShredResult<()> {
        let (metadata, value) = (leaves.metadata, leaves.value);
        let offset = p.pos();
        let (m, v) = crate::variant::from_json::encode(p)?;
        if !self.fits(metadata, m.len()) || !self.fits(value, v.len()) {
            return self.mismatch(
                offset,
                node,
                "holds more than 4 GiB of variants in one row group; lower the row-group size"
                    .into(),
            );
        }
        self.push_bytes(metadata, &m, r, d);
        self.push_bytes(value, &v, r, d);
        Ok(())
    }

    /// Whether `len` more bytes fit byte-array leaf `leaf`'s batch (its offsets say 4 GiB).
    fn fits(&self, leaf: usize, len: usize) -> bool {
        match &self.leaves[leaf].values {
            LeafValues::Bytes { data, .. } => data.len() + len <= u32::MAX as usize,
            _ => false,
        }
    }

    /// Appends `bytes` as the next value of byte-array leaf `leaf` (which [`Self::fits`] them),
    /// at levels `r`, `d`.
    fn push_bytes(&mut self, leaf: usize, bytes: &[u8], r: i16, d: i16) {
        let buffer = &mut self.leaves[leaf];
        if let LeafValues::Bytes { data, ends } = &mut buffer.values {
            data.extend_from_slice(bytes);
            ends.push(data.len() as u32);
        }
        buffer.levels(r, d);
    }
}
