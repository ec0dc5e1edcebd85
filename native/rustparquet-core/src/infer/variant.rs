//! Which paths are written as Parquet `VARIANT`s (`--variant PATH`, `--variant '$'`): the
//! rule applied to an inferred schema, after the union and map rules, so a variant path keeps
//! every value whatever types it was seen with.

use super::Shredding;
use crate::path::ColumnPath;
use crate::schema::variant::WHOLE_DOCUMENT;
use crate::schema::{DataType, Field};

/// The paths written as variants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VariantRules {
    /// Paths as `--map` takes them (`payload`, `runs[].attrs`); `$` is the whole document,
    /// written as one column named `document`.
    pub paths: Vec<String>,
    /// Which parts of each variant are shredded into typed columns.
    pub shredding: Shredding,
}

impl VariantRules {
    /// Whether the whole document is one variant (`$`).
    pub fn whole_document(&self) -> bool {
        self.paths.iter().any(|p| p == WHOLE_DOCUMENT)
    }

    /// Makes each field (at any depth: struct fields, list elements, map values) a path
    /// names a variant; the outermost one a path names wins. `shred` gives a variant's
    /// shredding (its `typed_value` field) by its path.
    pub fn apply(&self, fields: &mut [Field], shred: &dyn Fn(&ColumnPath) -> Option<Field>) {
        if self.paths.is_empty() {
            return;
        }
        for f in fields {
            let path = ColumnPath::root().key(f.json_key());
            self.apply_field(f, &path, shred);
        }
    }

    fn apply_field(
        &self,
        f: &mut Field,
        path: &ColumnPath,
        shred: &dyn Fn(&ColumnPath) -> Option<Field>,
    ) {
        if self.paths.iter().any(|p| crate::path::names_value(p, path)) {
            f.data_type = DataType::Variant(shred(path).map(Box::new));
            return;
        }
        match &mut f.data_type {
            DataType::Struct(fields) => {
                for c in fields {
                    let p = path.key(c.json_key());
                    self.apply_field(c, &p, shred);
                }
            }
            DataType::List(e) => self.apply_field(e, &path.element(), shred),
            DataType::Map(v) => self.apply_field(v, &path.map_value(), shred),
            DataType::Union(members) => {
                // The path names the union itself (above); its members have the same path.
                for m in members {
                    self.apply_field(m, path, shred);
                }
            }
            _ => {}
        }
    }
}
