//! [`ColumnPath`]: the JSON path of a field, as users write it (`result.subtests[].status`),
//! named in every message about a column.

use std::fmt;

/// One step of a [`ColumnPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object member, by its JSON key.
    Key(String),
    /// The elements of an array.
    Element,
    /// The values of an object written as a map (any key), shown as `.*`.
    MapValue,
}

/// A path from the document root to a field, by JSON keys; `[]` marks array elements.
///
/// ```
/// use rustparquet_core::path::{ColumnPath, PathStep};
/// let p = ColumnPath::root().key("result").key("subtests").element().key("status");
/// assert_eq!(p.to_string(), "result.subtests[].status");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ColumnPath(pub Vec<PathStep>);

impl ColumnPath {
    /// The document itself.
    pub fn root() -> Self {
        ColumnPath(Vec::new())
    }
    /// This path extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut steps = self.0.clone();
        steps.push(PathStep::Key(key.to_string()));
        ColumnPath(steps)
    }
    /// This path extended into array elements.
    pub fn element(&self) -> Self {
        let mut steps = self.0.clone();
        steps.push(PathStep::Element);
        ColumnPath(steps)
    }
    /// This path extended into the values of a map.
    pub fn map_value(&self) -> Self {
        let mut steps = self.0.clone();
        steps.push(PathStep::MapValue);
        ColumnPath(steps)
    }
}

impl fmt::Display for ColumnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("<document>");
        }
        let mut first = true;
        for step in &self.0 {
            match step {
                PathStep::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathStep::Element => f.write_str("[]")?,
                PathStep::MapValue => f.write_str(if first { "*" } else { ".*" })?,
            }
            first = false;
        }
        Ok(())
    }
}
