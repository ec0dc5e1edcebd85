//! [`ColumnPath`]: the JSON path of a field, as users write it (`result.subtests[].status`),
//! named in every message about a column, and the one rule by which a user's path names a
//! column ([`names_column`]), in the JSON spelling or Parquet's dotted leaf path
//! (docs/format.md, "Paths").

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
    /// The path through object keys `keys`.
    pub fn from_keys(keys: &[String]) -> Self {
        ColumnPath(keys.iter().map(|k| PathStep::Key(k.clone())).collect())
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

impl ColumnPath {
    /// Parses a path as users write it (docs/format.md, "Paths"): JSON keys joined by `.`,
    /// `[]` after a key for its array's elements, `*` for a map's values; a key holding `.`,
    /// `[`, `]`, `*` or a backquote is written in backquotes (a backquote in it doubled).
    ///
    /// ```
    /// use rustparquet_core::path::ColumnPath;
    /// let p = ColumnPath::parse("payload.commits[].`a.b`")?;
    /// assert_eq!(p, ColumnPath::root().key("payload").key("commits").element().key("a.b"));
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(text: &str) -> Result<ColumnPath, String> {
        let bad = |why: &str| Err(format!("`{text}` is not a path: {why}"));
        let mut steps = Vec::new();
        let mut chars = text.chars().peekable();
        // Whether a key may start here: at the start, or after a `.`.
        let mut key_here = true;
        while let Some(c) = chars.next() {
            match c {
                '[' if chars.next_if_eq(&']').is_some() && !steps.is_empty() => {
                    steps.push(PathStep::Element);
                    key_here = false;
                }
                '.' if !key_here => key_here = true,
                '*' if key_here => {
                    steps.push(PathStep::MapValue);
                    key_here = false;
                }
                '`' if key_here => {
                    let mut key = String::new();
                    loop {
                        match chars.next() {
                            Some('`') if chars.next_if_eq(&'`').is_some() => key.push('`'),
                            Some('`') => break,
                            Some(c) => key.push(c),
                            None => return bad("a backquote is not closed"),
                        }
                    }
                    steps.push(PathStep::Key(key));
                    key_here = false;
                }
                c if key_here && !"[].*`".contains(c) => {
                    let mut key = String::from(c);
                    while let Some(c) = chars.next_if(|c| !"[].*`".contains(*c)) {
                        key.push(c);
                    }
                    steps.push(PathStep::Key(key));
                    key_here = false;
                }
                c => return bad(&format!("unexpected `{c}`")),
            }
        }
        if key_here {
            return bad(if steps.is_empty() {
                "it is empty"
            } else {
                "it ends with `.`"
            });
        }
        Ok(ColumnPath(steps))
    }

    /// Whether this path (a user's) names the column at `leaf` or one of its ancestors: its
    /// steps begin `leaf`'s, `[]` aside (`payload.commits.sha` names `payload.commits[].sha`;
    /// readers that see no arrays in a path give it without them).
    pub fn selects(&self, leaf: &ColumnPath) -> bool {
        let steps = |p: &'_ ColumnPath| {
            p.0.iter()
                .filter(|s| **s != PathStep::Element)
                .cloned()
                .collect::<Vec<_>>()
        };
        steps(leaf).starts_with(&steps(self))
    }
}

/// Whether the user's `text` names a leaf column (or an ancestor of it) whose JSON path is
/// `json` and whose Parquet path is `parquet` (column names joined by `.`, as the footer has
/// them: `payload.commits.list.element.sha`): the one rule of every flag that names a place.
pub fn names_column(text: &str, json: &ColumnPath, parquet: &str) -> bool {
    let parquet_prefix = parquet
        .strip_prefix(text)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
    parquet_prefix || ColumnPath::parse(text).is_ok_and(|p| p.selects(json))
}

/// Whether the user's `text` names exactly the object at `path` (what `--map` takes): its JSON
/// path, `[]` aside, or the Parquet path of its group (`runs.list.element.counters`).
pub fn names_object(text: &str, path: &ColumnPath) -> bool {
    let json = ColumnPath::parse(text).is_ok_and(|p| p.selects(path) && path.selects(&p));
    json || text == path.parquet_spelling()
}

/// Whether the user's `text` names exactly the value at `path` (what `--variant` takes): its
/// JSON path; or, written without `[]`, the field whose path is the same once its `[]` are
/// left out (`payload.commits.sha` names `payload.commits[].sha`, and `tags` names the field
/// `tags`, not its elements); or the Parquet path of its group.
pub fn names_value(text: &str, path: &ColumnPath) -> bool {
    let Ok(p) = ColumnPath::parse(text) else {
        return text == path.parquet_spelling();
    };
    if p == *path {
        return true;
    }
    let no_elements = !p.0.contains(&PathStep::Element);
    let ends_in_element = path.0.last() == Some(&PathStep::Element);
    (no_elements && !ends_in_element && p.selects(path) && path.selects(&p))
        || text == path.parquet_spelling()
}

impl ColumnPath {
    /// The Parquet path the group or column at this path has when its keys are its column
    /// names: `list.element` for array elements, `key_value.value` for map values.
    fn parquet_spelling(&self) -> String {
        let parts: Vec<&str> = self
            .0
            .iter()
            .flat_map(|s| match s {
                PathStep::Key(k) => vec![k.as_str()],
                PathStep::Element => vec!["list", "element"],
                PathStep::MapValue => vec!["key_value", "value"],
            })
            .collect();
        parts.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_what_display_prints() {
        let p = ColumnPath::root()
            .key("payload")
            .key("commits")
            .element()
            .key("sha");
        assert_eq!(ColumnPath::parse("payload.commits[].sha"), Ok(p.clone()));
        assert_eq!(ColumnPath::parse(&p.to_string()), Ok(p));
        let m = ColumnPath::root().key("m").map_value().key("x");
        assert_eq!(ColumnPath::parse("m.*.x"), Ok(m));
        assert_eq!(
            ColumnPath::parse("`a.b`.`c``d`[][]"),
            Ok(ColumnPath::root().key("a.b").key("c`d").element().element())
        );
        for bad in ["", "a.", ".a", "a..b", "[]", "a[", "a]", "`a", "a`b`"] {
            assert!(ColumnPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn both_spellings_name_the_same_column() {
        let leaf = ColumnPath::root()
            .key("payload")
            .key("commits")
            .element()
            .key("sha");
        let parquet = "payload.commits.list.element.sha";
        for text in [
            "payload.commits[].sha",
            "payload.commits.sha",
            "payload.commits[]",
            "payload.commits",
            "payload",
            "payload.commits.list.element.sha",
            "payload.commits.list",
        ] {
            assert!(names_column(text, &leaf, parquet), "{text}");
        }
        for text in [
            "payload.commit",
            "payload.commits.list.elem",
            "sha",
            "payload.commits[].sha.x",
        ] {
            assert!(!names_column(text, &leaf, parquet), "{text}");
        }
    }

    #[test]
    fn variant_paths_name_one_value() {
        let tags = ColumnPath::root().key("tags");
        let elements = tags.element();
        assert!(names_value("tags", &tags) && !names_value("tags", &elements));
        assert!(names_value("tags[]", &elements) && !names_value("tags[]", &tags));
        let sha = ColumnPath::root().key("c").element().key("sha");
        for text in ["c[].sha", "c.sha", "c.list.element.sha"] {
            assert!(names_value(text, &sha), "{text}");
        }
        assert!(!names_value("c", &sha) && !names_value("c[].sha.x", &sha));
    }

    #[test]
    fn map_paths_name_one_object_in_either_spelling() {
        let counters = ColumnPath::root().key("runs").element().key("counters");
        for text in [
            "runs[].counters",
            "runs.counters",
            "runs.list.element.counters",
        ] {
            assert!(names_object(text, &counters), "{text}");
        }
        for text in [
            "runs",
            "runs[].counters.x",
            "runs.list.counters",
            "runs[].counter",
        ] {
            assert!(!names_object(text, &counters), "{text}");
        }
        let inner = ColumnPath::root().key("m").map_value().key("h");
        assert!(names_value("m.*.h", &inner) && names_value("m.key_value.value.h", &inner));
        assert!(names_object("m.*.h", &inner));
        assert!(names_object("m.key_value.value.h", &inner));
    }
}
