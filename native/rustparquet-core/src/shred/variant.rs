//! The shredder's `VARIANT` nodes: a JSON value (any type, null included: a variant null is a
//! value, so null and missing stay distinct) encoded by [`crate::variant::from_json`] straight
//! from the parser. Unshredded, its `metadata` and `value` bytes go to the group's two leaf
//! columns. Shredded (a `typed_value` tree, schema/variant.rs has the layout), the encoded
//! value is walked against the tree by [`super::variant_typed`]: each part of the value that
//! has its `typed_value`'s type goes to the typed columns, the rest to `value` (re-encoded
//! with the row's own metadata dictionary, which holds every key of the value's objects).

use std::sync::Arc;

use super::variant_typed::{self, fits, push_bytes, Tree};
use super::{ShredResult, Shredder};
use crate::json::Parser;
use crate::leaf::LeafBuffer;
use crate::schema::{DataType, Field};
use crate::variant::Variant;

/// A compiled variant group: its leaf columns, and its shredding when it has one.
#[derive(Debug, Clone)]
pub(crate) struct VariantNode {
    metadata: usize,
    value: usize,
    shredded: Option<Arc<Tree>>,
}

impl Shredder {
    /// The leaves of a variant group present at definition level `def`, in the order
    /// schema/variant.rs lists them.
    pub(super) fn compile_variant(
        &mut self,
        shredding: Option<&Field>,
        def: i16,
        rep: i16,
    ) -> VariantNode {
        let bytes = DataType::Variant(None);
        self.leaves.push(LeafBuffer::new(def, rep, &bytes));
        let metadata = self.leaves.len() - 1;
        let Some(typed) = shredding else {
            self.leaves.push(LeafBuffer::new(def, rep, &bytes));
            return VariantNode {
                metadata,
                value: metadata + 1,
                shredded: None,
            };
        };
        let tree = variant_typed::compile(typed, &mut self.leaves, def, rep);
        VariantNode {
            metadata,
            value: metadata + 1,
            shredded: Some(Arc::new(tree)),
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
        let offset = p.pos();
        let (m, v) = crate::variant::from_json::encode(p)?;
        let Some(tree) = leaves.shredded else {
            if !fits(&self.leaves[leaves.metadata], m.len())
                || !fits(&self.leaves[leaves.value], v.len())
            {
                return self.too_big(offset, node);
            }
            push_bytes(&mut self.leaves[leaves.metadata], &m, r, d);
            push_bytes(&mut self.leaves[leaves.value], &v, r, d);
            return Ok(());
        };
        let variant = match Variant::try_new(&m, &v) {
            Ok(v) => v,
            Err(e) => return self.mismatch(offset, node, format!("is not a valid variant: {e}")),
        };
        let metadata = match variant_typed::write(&tree, &mut self.leaves, &variant, r, d) {
            Ok(metadata) => metadata,
            Err(variant_typed::WriteError::TooBig) => return self.too_big(offset, node),
            Err(variant_typed::WriteError::Other(reason)) => {
                return self.mismatch(offset, node, reason)
            }
        };
        if !fits(&self.leaves[leaves.metadata], metadata.len()) {
            return self.too_big(offset, node);
        }
        push_bytes(&mut self.leaves[leaves.metadata], &metadata, r, d);
        Ok(())
    }

    fn too_big(&self, offset: usize, node: usize) -> ShredResult<()> {
        self.mismatch(
            offset,
            node,
            "holds more than 4 GiB of variants in one row group; lower the row-group size".into(),
        )
    }
}
