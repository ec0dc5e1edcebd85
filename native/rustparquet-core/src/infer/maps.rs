//! Map or struct: the rule that decides, from the observations of a whole input, whether an
//! object path's keys are data (a `map<string, T>`) or field names (a struct), and the
//! explanation of that choice for each path (`rustparquet schema --explain`).
//!
//! The rule, applied top-down once everything was seen ([`super::SchemaInferrer::finish`]):
//!
//! * An object with more distinct keys than [`MapRules::threshold`] is a map whatever its
//!   values (inference stopped keeping its keys there, so memory stays bounded); a path named
//!   in [`MapRules::paths`] is a map. `threshold` 0 turns automatic maps off altogether.
//! * Otherwise an object path with fewer than [`MapRules::min_keys`] distinct keys is a struct.
//! * With at least that many, it is a map only if **the values under its keys share one
//!   shape**: merged together they make one type with no union anywhere inside (the same JSON
//!   kind; integers and floats are one kind; objects and arrays merge member by member, so
//!   their inner kinds must agree too), and, when the values are objects, they have broadly
//!   the same keys (on average at least half of all the keys seen in them), unless those keys
//!   are themselves data (a map of maps). Values that are all null have no shape.
//! * and one of these says the keys are data:
//!   * **the keys look like data**: at least 80% of them are numbers, UUIDs, hashes, dates,
//!     versions, dotted names (`browser.cache.disk`), e-mail-like ids (`adb@mozilla.org`),
//!     paths or URLs, or contain spaces (see [`data_like_key`]);
//!   * **the keys are sparse**: the typical key (the median) appears in at most
//!     [`MapRules::max_key_share`] of the objects seen at the path (names recur in every
//!     object; ids come and go);
//!   * **there are very many of them**: at least [`MapRules::min_named_keys`] distinct keys,
//!     even if they look like names (654 plugin names, 476 histogram names).
//!
//! A map's value is the merge of all its members; its own objects are then decided the same
//! way (the value of a map of histograms holds each histogram's `values` object).

use super::merge::merge_nodes;
use super::{
    compatible, kinds_name, MapRules, Node, ObjectNode, UnionMode, BIG, BOOLEAN, DOUBLE, INT, LIST,
    OBJECT, STRING, VARIANT,
};
use crate::error::Result;
use crate::path::{ColumnPath, PathStep};

/// The default [`MapRules::min_keys`].
pub const DEFAULT_MAP_MIN_KEYS: usize = 20;
/// The default [`MapRules::max_key_share`].
pub const DEFAULT_MAP_MAX_KEY_SHARE: f64 = 0.5;
/// The default [`MapRules::min_named_keys`].
pub const DEFAULT_MAP_MIN_NAMED_KEYS: usize = 200;

/// The share of an object's keys that must look like data for the keys to be data.
const DATA_LIKE_SHARE: f64 = 0.8;
/// Object values share a shape when, on average, each has at least this share of all the keys
/// seen in them.
const SAME_KEYS_SHARE: f64 = 0.5;

/// What one path became, and why (`schema --explain`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The path as messages print it (`payload.histograms`, `runs[].counters`).
    pub path: String,
    /// `struct`, `map`, `union` or `variant`.
    pub form: &'static str,
    /// Distinct keys seen at the path (`None` where they were not kept: a map past the
    /// threshold, a map in a merged schema).
    pub keys: Option<usize>,
    /// The share of the objects at the path the typical (median) key appears in.
    pub key_share: Option<f64>,
    /// The share of the keys that look like data.
    pub data_like: Option<f64>,
    /// Why, in words.
    pub reason: String,
}

impl Decision {
    /// A decision without key statistics (a variant, a union, a forced map).
    pub(super) fn bare(path: String, form: &'static str, reason: impl Into<String>) -> Self {
        Decision {
            path,
            form,
            keys: None,
            key_share: None,
            data_like: None,
            reason: reason.into(),
        }
    }
}

/// The state of one decision pass.
pub(super) struct Decider<'a> {
    pub rules: &'a MapRules,
    pub mode: UnionMode,
    /// Paths named as variants (only consulted when explaining).
    pub variants: &'a [String],
    /// Where decisions are recorded, when explaining.
    pub out: Option<&'a mut Vec<Decision>>,
    steps: Vec<PathStep>,
}

impl<'a> Decider<'a> {
    pub fn new(
        rules: &'a MapRules,
        mode: UnionMode,
        variants: &'a [String],
        out: Option<&'a mut Vec<Decision>>,
    ) -> Self {
        Decider {
            rules,
            mode,
            variants,
            out,
            steps: Vec::new(),
        }
    }

    /// Decides every object below the document (which is never a map).
    pub fn root(&mut self, root: &mut ObjectNode) -> Result<()> {
        for (key, node) in root.keys.iter().zip(root.nodes.iter_mut()) {
            self.steps
                .push(PathStep::Key(String::from_utf8_lossy(key).into_owned()));
            self.node(node)?;
            self.steps.pop();
        }
        Ok(())
    }

    fn path(&self) -> ColumnPath {
        ColumnPath(self.steps.clone())
    }

    fn record(&mut self, d: impl FnOnce(String) -> Decision) {
        if self.out.is_some() {
            let path = self.path().to_string();
            if let Some(out) = self.out.as_deref_mut() {
                out.push(d(path));
            }
        }
    }

    fn node(&mut self, node: &mut Node) -> Result<()> {
        if self.out.is_some() && !self.variants.is_empty() {
            let path = self.path();
            if self
                .variants
                .iter()
                .any(|v| crate::path::names_value(v, &path))
            {
                self.record(|path| Decision::bare(path, "variant", "named by --variant"));
                return Ok(());
            }
        }
        if node.kinds & VARIANT != 0 {
            self.record(|path| Decision::bare(path, "variant", "a variant in a merged schema"));
            return Ok(());
        }
        let union = !compatible(node.kinds, node.kinds);
        let (form, kinds) = match self.mode {
            UnionMode::Variant => ("variant", "--unions variant"),
            UnionMode::String => ("union", "--unions string: one JSON text column"),
            _ => ("union", "a union group, one member per type"),
        };
        let seen = union.then(|| kinds_list(node.kinds));
        if node.kinds & OBJECT != 0 {
            if let Some(object) = node.object.as_deref_mut() {
                let index = self.object(object, node.objects)?;
                if let (Some(seen), Some(i), Some(out)) = (&seen, index, self.out.as_deref_mut()) {
                    if let Some(d) = out.get_mut(i) {
                        d.reason = format!(
                            "seen as {seen} ({kinds}); its object member is a {}: {}",
                            d.form, d.reason
                        );
                        d.form = form;
                    }
                }
            }
        } else if let Some(seen) = seen {
            self.record(|path| Decision::bare(path, form, format!("seen as {seen} ({kinds})")));
        }
        if let Some(e) = node.list.as_deref_mut() {
            self.steps.push(PathStep::Element);
            self.node(e)?;
            self.steps.pop();
        }
        Ok(())
    }

    /// Decides one object (seen `objects` times), then its members. Returns the index of its
    /// decision in `out`, when explaining.
    fn object(&mut self, object: &mut ObjectNode, objects: u64) -> Result<Option<usize>> {
        let index = self.out.as_deref().map(Vec::len);
        if object.map_value.is_some() {
            let path = self.path();
            let forced = self
                .rules
                .paths
                .iter()
                .any(|p| crate::path::names_object(p, &path));
            let threshold = self.rules.threshold;
            self.record(|path| {
                Decision::bare(
                    path,
                    "map",
                    if forced {
                        "named by --map".into()
                    } else {
                        format!("more than {threshold} distinct keys (--map-threshold)")
                    },
                )
            });
        } else {
            let verdict = self.judge(object, objects);
            let is_map = verdict.map;
            self.record(|path| Decision {
                path,
                form: if is_map { "map" } else { "struct" },
                keys: Some(verdict.keys),
                key_share: verdict.key_share,
                data_like: verdict.data_like,
                reason: verdict.reason,
            });
            if is_map {
                object.become_map(self.mode, &mut self.steps)?;
            }
        }
        if let Some(v) = object.map_value.as_deref_mut() {
            self.steps.push(PathStep::MapValue);
            self.node(v)?;
            self.steps.pop();
        } else {
            for (key, node) in object.keys.iter().zip(object.nodes.iter_mut()) {
                self.steps
                    .push(PathStep::Key(String::from_utf8_lossy(key).into_owned()));
                self.node(node)?;
                self.steps.pop();
            }
        }
        Ok(index)
    }

    /// The rule of the module docs for one object that is not a map yet.
    fn judge(&self, object: &ObjectNode, objects: u64) -> Verdict {
        let rules = self.rules;
        let keys = object.keys.len();
        let mut v = Verdict {
            map: false,
            keys,
            key_share: None,
            data_like: None,
            reason: String::new(),
        };
        if rules.threshold == 0 {
            v.reason = "automatic maps are off (--map-threshold 0)".into();
            return v;
        }
        if keys < rules.min_keys.max(1) {
            let noun = if keys == 1 { "key" } else { "keys" };
            v.reason = format!("{keys} distinct {noun}, fewer than {}", rules.min_keys);
            return v;
        }
        let data_like = data_like_share(&object.keys);
        v.data_like = Some(data_like);
        v.key_share = median_share(&object.nodes, objects);
        if let Err(why) = one_shape(&object.nodes) {
            v.reason = format!("the values differ in shape: {why}");
            return v;
        }
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        let because = if data_like >= DATA_LIKE_SHARE {
            Some(format!("{} of the keys look like data", pct(data_like)))
        } else if let Some(share) = v.key_share.filter(|s| *s <= rules.max_key_share) {
            Some(format!(
                "keys are sparse: the typical key is in {} of {objects} objects (at most {})",
                pct(share),
                pct(rules.max_key_share)
            ))
        } else if keys >= rules.min_named_keys {
            Some(format!("at least {} distinct keys", rules.min_named_keys))
        } else {
            None
        };
        match because {
            Some(b) => {
                v.map = true;
                v.reason = format!("{keys} distinct keys whose values share one shape; {b}");
            }
            None => {
                v.reason = format!(
                    "keys look like names: {} data-like, the typical key in {} of {objects} objects, fewer than {} keys",
                    pct(data_like),
                    v.key_share.map_or("all".to_string(), pct),
                    rules.min_named_keys
                );
            }
        }
        v
    }
}

struct Verdict {
    map: bool,
    keys: usize,
    key_share: Option<f64>,
    data_like: Option<f64>,
    reason: String,
}

/// How the JSON types of a union read in an explanation: `an integer and a string`.
fn kinds_list(kinds: u8) -> String {
    let mut names = Vec::new();
    for bit in [BOOLEAN, INT, BIG, DOUBLE, STRING, LIST, OBJECT] {
        if kinds & bit != 0 {
            names.push(kinds_name(bit));
        }
    }
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => "null".into(),
    }
}

/// The share of the objects at a path the median key appears in (`None` when no object was
/// counted: a schema merged in carries no counts).
fn median_share(nodes: &[Node], objects: u64) -> Option<f64> {
    if objects == 0 || nodes.is_empty() {
        return None;
    }
    let mut shares: Vec<f64> = nodes
        .iter()
        .map(|n| (n.present as f64 / objects as f64).min(1.0))
        .collect();
    shares.sort_by(f64::total_cmp);
    Some(shares[shares.len() / 2])
}

/// Whether the values of an object's keys share one shape (see the module docs); the reason
/// when not.
pub(super) fn one_shape(nodes: &[Node]) -> std::result::Result<(), String> {
    let mut merged = Node::default();
    for n in nodes {
        // Union mode never fails: a conflict becomes several kinds, found below.
        merge_nodes(&mut merged, n, UnionMode::Union, &mut Vec::new())
            .map_err(|e| e.to_string())?;
    }
    if merged.kinds == 0 {
        return Err("every value is null".into());
    }
    if let Some(why) = conflict(&merged, &mut Vec::new()) {
        return Err(why);
    }
    if merged.kinds & OBJECT != 0 {
        if let Some(all) = merged.object.as_deref().filter(|o| o.map_value.is_none()) {
            let total = all.keys.len();
            let sizes: Vec<usize> = nodes
                .iter()
                .filter_map(|n| n.object.as_deref())
                .filter(|o| o.map_value.is_none())
                .map(|o| o.keys.len())
                .collect();
            if total > 0 && !sizes.is_empty() {
                let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
                if mean < SAME_KEYS_SHARE * total as f64
                    && data_like_share(&all.keys) < DATA_LIKE_SHARE
                {
                    return Err(format!(
                        "objects with different keys ({mean:.1} keys on average of {total} in all)"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The first place inside a merged value where types conflict, as `x.y: an integer and a
/// string`.
fn conflict(node: &Node, steps: &mut Vec<PathStep>) -> Option<String> {
    if !compatible(node.kinds, node.kinds) {
        let at = if steps.is_empty() {
            String::new()
        } else {
            format!(
                "{} ",
                ColumnPath(steps.clone())
                    .to_string()
                    .trim_start_matches('.')
            )
        };
        return Some(format!("{at}{}", kinds_list(node.kinds)));
    }
    if let Some(e) = node.list.as_deref() {
        steps.push(PathStep::Element);
        let found = conflict(e, steps);
        steps.pop();
        if found.is_some() {
            return found;
        }
    }
    if let Some(o) = node.object.as_deref() {
        if let Some(v) = o.map_value.as_deref() {
            steps.push(PathStep::MapValue);
            let found = conflict(v, steps);
            steps.pop();
            return found;
        }
        for (k, n) in o.keys.iter().zip(&o.nodes) {
            steps.push(PathStep::Key(String::from_utf8_lossy(k).into_owned()));
            let found = conflict(n, steps);
            steps.pop();
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The share of `keys` that look like data ([`data_like_key`]).
fn data_like_share(keys: &[Box<[u8]>]) -> f64 {
    if keys.is_empty() {
        return 0.0;
    }
    keys.iter().filter(|k| data_like_key(k)).count() as f64 / keys.len() as f64
}

/// Whether a key looks like data rather than a field name: a number (`42`, `-1`, `0.5`), a
/// UUID (braces allowed), a hash (8+ hex digits with a digit in them), a date or anything
/// starting with a digit that is mostly digits (`2024-01-31`, `10.0.0.1`), a version
/// (`1.2.3`, `lib-2.0`), a dotted name (`browser.cache.disk`), an e-mail-like id
/// (`adb@mozilla.org`), a path or URL (`/`, `:`), or text with spaces.
///
/// ```
/// use rustparquet_core::infer::data_like_key;
/// for k in ["42", "6f1c2a9e", "{a5b2e636-07e5-4331-93c1-6cf4074356c8}", "2024-01-31",
///           "adb@mozilla.org", "browser.cache.disk", "lib-2.0.1", "/usr/lib", "New York"] {
///     assert!(data_like_key(k.as_bytes()), "{k}");
/// }
/// for k in ["name", "userId", "bucket_count", "A11Y_INSTANTIATED_FLAG", "x2", "facade"] {
///     assert!(!data_like_key(k.as_bytes()), "{k}");
/// }
/// ```
pub fn data_like_key(key: &[u8]) -> bool {
    let Ok(k) = std::str::from_utf8(key) else {
        return true;
    };
    if k.is_empty() {
        return false;
    }
    let digits = k.bytes().filter(u8::is_ascii_digit).count();
    let number = k.strip_prefix('-').unwrap_or(k);
    if !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        return true;
    }
    if k.as_bytes()[0].is_ascii_digit() && digits * 2 >= k.len() {
        return true;
    }
    let bare = k.trim_start_matches('{').trim_end_matches('}');
    if is_uuid(bare) {
        return true;
    }
    if bare.len() >= 8 && bare.bytes().all(|b| b.is_ascii_hexdigit()) && digits > 0 {
        return true;
    }
    if k.contains(' ') || k.contains('/') || k.contains(':') {
        return true;
    }
    if let Some((user, domain)) = k.split_once('@') {
        if !user.is_empty() && domain.contains('.') {
            return true;
        }
    }
    let b = k.as_bytes();
    // A version inside a name: a digit, a dot, a digit.
    if b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
    {
        return true;
    }
    // A dotted name: a dot between two name characters.
    b.windows(3)
        .any(|w| w[1] == b'.' && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphanumeric())
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::data_like_key;

    #[test]
    fn keys_that_look_like_names_are_not_data() {
        for k in [
            "plugin",
            "Content-Type",
            "_id",
            "a_b_c",
            "deadbeef",
            "v2",
            "é",
        ] {
            assert!(!data_like_key(k.as_bytes()), "{k}");
        }
        for k in [
            "0",
            "-12",
            "3.5",
            "1.2.3-beta",
            "2024-01-31T10:00:00Z",
            "DEADBEEF01",
        ] {
            assert!(data_like_key(k.as_bytes()), "{k}");
        }
    }
}
