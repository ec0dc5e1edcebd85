//! Schema inference: documents in, a [`Schema`] out, by the merge rules of docs/format.md.
//!
//! Each document is walked once with the pull parser and folded into a tree of observed types,
//! one node per JSON path; a node records the set of JSON types seen there. The rules: `null`
//! merges with anything (a path seen only as null is [`DataType::Null`](crate::schema::DataType::Null)); int + float is a
//! double (integers that a double cannot hold exactly are refused when written, never
//! rounded); int + an integer beyond int64 is DECIMAL(38,0); objects merge member by member,
//! arrays element by element; a key missing from some documents is simply optional (every
//! inferred field is). A path seen with several JSON types (string and number, object and
//! array, ...) becomes what [`UnionMode`] says: a [`DataType::Union`](crate::schema::DataType::Union) group with one member per
//! type (the default, lossless), a [`DataType::Json`](crate::schema::DataType::Json) string column (Spark's way), or an
//! [`Error::Conflict`] naming the path and where each type was first seen. An object whose keys
//! are data rather than names becomes a [`DataType::Map`](crate::schema::DataType::Map) whose value type is the merge of all
//! its members: [`maps`] holds that rule (the keys' count, how they look, how often each
//! appears, whether the values share one shape) and its explanation (`schema --explain`); past
//! [`MapRules::threshold`] distinct keys inference stops keeping an object's keys, so memory
//! stays bounded. Fields keep the order
//! in which they were first seen. [`SchemaInferrer::finish`] then names the columns: a key
//! equal to a sibling's after case folding (Spark refuses such files) gets the suffix `_2`,
//! `_3`, ... and keeps its JSON key in [`Field::key`](crate::schema::Field::key).
//!
//! The module is laid out by concept: this file holds the observations and the walk that
//! folds a document into them; [`merge`] merges observations (inferrers of parallel chunks,
//! schemas of Spark partitions and dataset batches); [`types`] turns observations into the
//! schema's types and column names; [`unit`] holds the rule that bad documents add nothing to
//! the schema ([`fold_unit`]); [`settled`] says when a schema inferred from the first documents
//! is already the whole input's, so that reading to Arrow can skip the inference pass.

mod maps;
mod merge;
mod settled;
mod shredding;
mod types;
mod unit;
mod variant;

pub use maps::{
    data_like_key, Decision, DEFAULT_MAP_MAX_KEY_SHARE, DEFAULT_MAP_MIN_KEYS,
    DEFAULT_MAP_MIN_NAMED_KEYS,
};
pub use merge::merge_schemas;
pub use settled::settled;
pub use shredding::{Share, Shredding, ShreddingMode, DEFAULT_MAX_FIELDS, DEFAULT_MIN_SHARE};
pub use types::column_names;
pub use unit::{fold_unit, DocumentFolder};
pub use variant::VariantRules;

use merge::{check_maps, force_maps, merge_nodes, merge_objects};
use types::object_fields;

/// Keys are hashed with foldhash (seeded per process) rather than SipHash, which was the largest
/// cost of inferring a document with a million keys.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use crate::bad_document::{not_an_object, parse_error, BadDocument};
use crate::error::{Error, Location, Result};
use crate::json::{NumberKind, Parser, ValueKind};
use crate::path::{ColumnPath, PathStep};
use crate::schema::Schema;

/// What a field seen with several JSON types becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnionMode {
    /// A union group with one member per JSON type: lossless, and what Spark, pyarrow and
    /// DuckDB read as a struct (docs/format.md, unions).
    #[default]
    Union,
    /// One string column: strings as they are, other values as compact JSON text. What Spark
    /// infers; a string that looks like a number can no longer be told from the number.
    String,
    /// A [`Error::Conflict`] naming the path and where each type was first seen.
    Error,
    /// A Parquet `VARIANT` column: every value exactly, each with its own type.
    Variant,
}

impl std::str::FromStr for UnionMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "union" => Ok(UnionMode::Union),
            "string" => Ok(UnionMode::String),
            "error" => Ok(UnionMode::Error),
            "variant" => Ok(UnionMode::Variant),
            other => Err(format!(
                "unknown union mode `{other}` (expected union, string, variant or error)"
            )),
        }
    }
}

/// The default [`MapRules::threshold`]: an object path with more distinct keys than this is a
/// map whatever its values.
pub const DEFAULT_MAP_THRESHOLD: usize = 1000;

/// Which objects are written as maps (keys are data) rather than structs (keys are names).
/// The rule itself is [`maps`]'s (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct MapRules {
    /// An object path (not the document itself) with more distinct keys than this, over all
    /// documents, becomes a map whatever its values; 0 turns automatic maps off altogether.
    pub threshold: usize,
    /// Paths always written as maps, as messages show them (`metrics.histograms`,
    /// `runs[].counters`).
    pub paths: Vec<String>,
    /// Below this many distinct keys an object stays a struct.
    pub min_keys: usize,
    /// An object path whose typical key appears in at most this share of the objects at the
    /// path has sparse keys: keys are data.
    pub max_key_share: f64,
    /// From this many distinct keys on, an object whose values share one shape is a map even
    /// if its keys look like names.
    pub min_named_keys: usize,
}

impl Eq for MapRules {}

impl Default for MapRules {
    fn default() -> Self {
        MapRules {
            threshold: DEFAULT_MAP_THRESHOLD,
            paths: Vec::new(),
            min_keys: DEFAULT_MAP_MIN_KEYS,
            max_key_share: DEFAULT_MAP_MAX_KEY_SHARE,
            min_named_keys: DEFAULT_MAP_MIN_NAMED_KEYS,
        }
    }
}

/// How inference resolves conflicts and map-like objects, and which paths are variants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InferOptions {
    pub unions: UnionMode,
    pub maps: MapRules,
    pub variants: VariantRules,
}

// The JSON types of a path, as bits of `Node::kinds` (null is the absence of all).
const BOOLEAN: u8 = 1;
const INT: u8 = 2;
const BIG: u8 = 4;
const DOUBLE: u8 = 8;
const STRING: u8 = 16;
const LIST: u8 = 32;
const OBJECT: u8 = 64;
/// A variant (from a schema merged in): any value.
const VARIANT: u8 = 128;
const NUMBER: u8 = INT | BIG | DOUBLE;

/// How messages name the type a path was seen with (the widest number, if several).
fn kinds_name(kinds: u8) -> &'static str {
    match kinds {
        k if k & VARIANT != 0 => "a variant",
        k if k & OBJECT != 0 => "an object",
        k if k & LIST != 0 => "an array",
        k if k & STRING != 0 => "a string",
        k if k & BOOLEAN != 0 => "a boolean",
        k if k & DOUBLE != 0 => "a float",
        k if k & BIG != 0 => "an integer beyond int64",
        k if k & INT != 0 => "an integer",
        _ => "null",
    }
}

/// Whether one column can hold both sets of types (numbers widen, except a big integer and a
/// float, which no single column holds exactly).
fn compatible(a: u8, b: u8) -> bool {
    let all = a | b;
    if a == 0 || b == 0 || (a | b) & VARIANT != 0 {
        return true;
    }
    if all & !NUMBER == 0 {
        return all & (BIG | DOUBLE) != (BIG | DOUBLE);
    }
    all.count_ones() == 1
}

/// The observed types of one JSON path.
#[derive(Debug, Clone, Default)]
struct Node {
    kinds: u8,
    /// The element node, once an array was seen.
    list: Option<Box<Node>>,
    /// The member nodes, once an object was seen.
    object: Option<Box<ObjectNode>>,
    /// Where the first non-null value was seen, kept only in [`UnionMode::Error`] (the only
    /// mode whose messages name it): locating every new path costs a scan of the input up to
    /// it, and out of line the hot node stays small.
    seen_at: Option<Box<Location>>,
    /// How many non-null values were seen (for shredding variants: how often a field is there).
    values: u64,
    /// How many values were seen, nulls included (for maps: how often a key is there).
    present: u64,
    /// How many of them were objects.
    objects: u64,
    /// Whether a number with a fraction and no exponent was seen (exact as a decimal, not as
    /// a double: a variant keeps it as a decimal, so it is not shredded as a double).
    fraction: bool,
}

#[derive(Debug, Clone, Default)]
struct ObjectNode {
    keys: Vec<Box<[u8]>>,
    /// Whether each key is a [`crate::json::plain_key`], which [`walk_object`] can match in
    /// place.
    plain: Vec<bool>,
    nodes: Vec<Node>,
    index: HashMap<Box<[u8]>, usize>,
    /// Set once the object is a map: every member's value folds in here, keys are not kept.
    map_value: Option<Box<Node>>,
}

impl ObjectNode {
    /// The node for `key`'s value, created if new. `hint` is where the previous key was found
    /// + 1: documents usually repeat one key order, so the hint is usually right.
    #[inline]
    fn member(&mut self, key: &[u8], hint: usize) -> usize {
        if let Some(i) = crate::json::find_key_near(&self.keys, key, hint) {
            return i;
        }
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.keys.len();
        self.keys.push(key.into());
        self.plain.push(crate::json::plain_key(key));
        self.nodes.push(Node::default());
        self.index.insert(key.into(), i);
        i
    }

    /// Turns this object into a map: folds every member into one value node.
    fn become_map(&mut self, mode: UnionMode, steps: &mut Vec<PathStep>) -> Result<()> {
        let mut value = self.map_value.take().map(|b| *b).unwrap_or_default();
        steps.push(PathStep::MapValue);
        for node in std::mem::take(&mut self.nodes) {
            merge_nodes(&mut value, &node, mode, steps)?;
        }
        steps.pop();
        self.keys = Vec::new();
        self.plain = Vec::new();
        self.index = HashMap::default();
        self.map_value = Some(Box::new(value));
        Ok(())
    }
}

/// Folds documents into a schema. See the module docs for the rules.
///
/// ```
/// use rustparquet_core::infer::SchemaInferrer;
/// use rustparquet_core::json::Parser;
/// let mut inferrer = SchemaInferrer::new(64);
/// for (i, doc) in [r#"{"a": 1, "b": [1]}"#, r#"{"a": 2.5, "c": null}"#].iter().enumerate() {
///     let mut p = Parser::new(doc.as_bytes(), 0, 64);
///     inferrer.add_document(&mut p, &|off| rustparquet_core::Location { file: "t".into(), line: i as u64 + 1, column: off as u64 + 1 })?;
/// }
/// let schema = inferrer.finish()?;
/// assert_eq!(schema.to_json_string(), r#"{"name":"schema","fields":[{"name":"a","repetition":"optional","type":"double"},{"name":"b","repetition":"optional","type":"list","element":{"repetition":"optional","type":"int64"}},{"name":"c","repetition":"optional","type":"null"}]}"#);
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SchemaInferrer {
    root: ObjectNode,
    max_depth: usize,
    documents: u64,
    options: InferOptions,
}

/// What the walk needs besides the parser: the rules and how to locate offsets.
struct Walk<'l> {
    locate: &'l dyn Fn(usize) -> Location,
    mode: UnionMode,
    threshold: usize,
}

impl SchemaInferrer {
    /// An inferrer that has seen nothing, with the default [`InferOptions`]. `max_depth`
    /// bounds nesting as the parser does.
    pub fn new(max_depth: usize) -> Self {
        SchemaInferrer::with_options(max_depth, InferOptions::default())
    }

    /// An inferrer with the given rules.
    pub fn with_options(max_depth: usize, options: InferOptions) -> Self {
        SchemaInferrer {
            root: ObjectNode::default(),
            max_depth,
            documents: 0,
            options,
        }
    }

    /// How many documents were folded in.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Parses one document at the parser's position and folds it in. `locate` turns a byte
    /// offset of the parser's buffer into a [`Location`]. On error the parser's position is
    /// unspecified; the document may have been partly folded in (its types were valid JSON).
    pub fn add_document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> Result<()> {
        match self.fold_document(p, locate) {
            Ok(()) => Ok(()),
            Err(BadDocument::Parse(e)) => Err(parse_error(e, locate, self.max_depth)),
            Err(BadDocument::Mismatch {
                offset,
                path,
                reason,
            }) => Err(Error::Mismatch {
                at: locate(offset),
                path,
                reason,
            }),
            Err(BadDocument::Fatal(e)) => Err(*e),
        }
    }

    /// Like [`SchemaInferrer::add_document`] but reports a bad document as such, for the
    /// caller to judge ([`crate::bad_document::judge`]) and apply its bad-record policy to.
    pub fn fold_document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        self.document(p, locate)?;
        self.documents += 1;
        Ok(())
    }

    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return Err(not_an_object(p.pos(), kind));
        }
        let walk = Walk {
            locate,
            mode: self.options.unions,
            threshold: self.options.maps.threshold,
        };
        // The document itself is never a map.
        walk_object(p, &mut self.root, &walk, false).map_err(|f| *f.0)
    }

    /// Folds in everything `other` saw, as if its documents had come after this one's.
    pub fn merge(&mut self, other: &SchemaInferrer) -> Result<()> {
        let (mode, threshold) = (self.options.unions, self.options.maps.threshold);
        merge_objects(&mut self.root, &other.root, mode, &mut Vec::new())?;
        check_maps(&mut self.root, mode, threshold, false, &mut Vec::new())?;
        self.documents += other.documents;
        Ok(())
    }

    /// The schema of everything seen so far. Fails only in [`UnionMode::Error`], when the
    /// members of an object named in [`MapRules::paths`] disagree on type.
    pub fn finish(&self) -> Result<Schema> {
        self.finish_explained(None)
    }

    /// What [`SchemaInferrer::finish`] decided for each object path (and each union or
    /// variant): the form and why, in the order of the paths (`schema --explain`).
    pub fn explain(&self) -> Result<Vec<Decision>> {
        let mut out = Vec::new();
        if self.options.variants.whole_document() {
            out.push(Decision {
                path: "$".into(),
                form: "variant",
                keys: None,
                key_share: None,
                data_like: None,
                reason: "the whole document (--variant '$')".into(),
            });
            return Ok(out);
        }
        self.finish_explained(Some(&mut out))?;
        Ok(out)
    }

    fn finish_explained(&self, out: Option<&mut Vec<Decision>>) -> Result<Schema> {
        let mode = self.options.unions;
        let variants = &self.options.variants;
        let rules = &self.options.maps;
        // The map rule decides the objects inside variants too: shredding leaves an object
        // the rule makes a map in `value` instead of a typed column per key.
        let decided;
        let root = if rules.paths.is_empty() && rules.threshold == 0 && out.is_none() {
            &self.root
        } else {
            let mut root = self.root.clone();
            if !variants.whole_document() {
                let forced: Vec<&str> = rules.paths.iter().map(String::as_str).collect();
                force_maps(&mut root, &ColumnPath::root(), &forced, mode)?;
            }
            maps::Decider::new(rules, mode, &variants.paths, out).root(&mut root)?;
            decided = root;
            &decided
        };
        if variants.whole_document() {
            let shredding = variants
                .shredding
                .object(root, self.documents)
                .map(shredding::typed_value);
            return Ok(Schema::new(vec![
                crate::schema::variant::whole_document_field(shredding),
            ]));
        }
        let mut fields = object_fields(root, mode);
        variants.apply(&mut fields, &|path| {
            shredding::node_at(root, path).and_then(|n| variants.shredding.typed(n))
        });
        Ok(Schema::new(fields))
    }
}

/// A bad document as the walk returns it: boxed, so that a walk's result fits in a register
/// instead of being written to and read back from the stack at every value (a
/// [`BadDocument`] is several words).
struct Fault(Box<BadDocument>);

impl From<BadDocument> for Fault {
    #[cold]
    fn from(bad: BadDocument) -> Self {
        Fault(Box::new(bad))
    }
}

impl From<crate::json::ParseError> for Fault {
    #[cold]
    fn from(e: crate::json::ParseError) -> Self {
        Fault(Box::new(BadDocument::Parse(e)))
    }
}

/// Folds one value's type into `node`. The common case (a type seen before) is inlined into
/// the walk and allocates nothing; the rest is [`observe_new`].
#[inline(always)]
fn observe(
    node: &mut Node,
    kind: u8,
    offset: usize,
    walk: &Walk<'_>,
) -> std::result::Result<(), Fault> {
    if node.kinds & kind != 0 {
        return Ok(());
    }
    observe_new(node, kind, offset, walk)
}

/// A type not seen before at this path: records it, or reports the conflict in
/// [`UnionMode::Error`].
#[cold]
#[inline(never)]
fn observe_new(
    node: &mut Node,
    kind: u8,
    offset: usize,
    walk: &Walk<'_>,
) -> std::result::Result<(), Fault> {
    if walk.mode == UnionMode::Error {
        if node.kinds == 0 {
            node.seen_at = Some(Box::new((walk.locate)(offset)));
        } else if !compatible(node.kinds, kind) {
            let a_at = node
                .seen_at
                .as_deref()
                .cloned()
                .unwrap_or_else(|| (walk.locate)(offset));
            return Err(BadDocument::Fatal(Box::new(Error::Conflict {
                path: ColumnPath::root(),
                a: kinds_name(node.kinds).to_string(),
                a_at,
                b: kinds_name(kind).to_string(),
                b_at: (walk.locate)(offset),
            }))
            .into());
        }
    }
    node.kinds |= kind;
    if kind == LIST && node.list.is_none() {
        node.list = Some(Box::default());
    }
    if kind == OBJECT && node.object.is_none() {
        node.object = Some(Box::default());
    }
    Ok(())
}

/// Puts `step` in front of a conflict's path as the walk unwinds (rare: errors only, so the
/// walk itself carries no path).
fn with_step(mut fault: Fault, step: PathStep) -> Fault {
    if let BadDocument::Fatal(e) = &mut *fault.0 {
        if let Error::Conflict { path, .. } = &mut **e {
            path.0.insert(0, step);
        }
    }
    fault
}

/// Folds the value at the parser's position into `node`. Scalars, most values, are folded
/// here, inlined into the object and array loops; arrays and objects go on in [`walk_nested`].
#[inline(always)]
fn walk_value(
    p: &mut Parser<'_>,
    node: &mut Node,
    walk: &Walk<'_>,
) -> std::result::Result<(), Fault> {
    let kind = p.peek()?;
    let offset = p.pos();
    node.present += 1;
    match kind {
        ValueKind::Null => {
            p.null()?;
            Ok(())
        }
        ValueKind::Bool => {
            node.values += 1;
            p.boolean()?;
            observe(node, BOOLEAN, offset, walk)
        }
        ValueKind::Number => {
            node.values += 1;
            let kind = match p.number_kind()? {
                NumberKind::Int => INT,
                NumberKind::Big => BIG,
                NumberKind::Float { exponent } => {
                    node.fraction |= !exponent;
                    DOUBLE
                }
            };
            observe(node, kind, offset, walk)
        }
        ValueKind::String => {
            node.values += 1;
            p.skip_string()?;
            observe(node, STRING, offset, walk)
        }
        ValueKind::Array | ValueKind::Object => walk_nested(p, node, kind, offset, walk),
    }
}

/// The array or object (`kind`) at the parser's position, at `offset`, folded into `node`.
#[inline(never)]
fn walk_nested(
    p: &mut Parser<'_>,
    node: &mut Node,
    kind: ValueKind,
    offset: usize,
    walk: &Walk<'_>,
) -> std::result::Result<(), Fault> {
    node.values += 1;
    if kind == ValueKind::Array {
        observe(node, LIST, offset, walk)?;
        let element = node
            .list
            .as_deref_mut()
            .expect("observe made the element node");
        p.begin_array()?;
        let mut first = true;
        while p.next_element(first)? {
            first = false;
            walk_value(p, element, walk).map_err(|f| with_step(f, PathStep::Element))?;
        }
        return Ok(());
    }
    observe(node, OBJECT, offset, walk)?;
    node.objects += 1;
    let object = node
        .object
        .as_deref_mut()
        .expect("observe made the member nodes");
    walk_object(p, object, walk, true)
}

fn walk_object(
    p: &mut Parser<'_>,
    object: &mut ObjectNode,
    walk: &Walk<'_>,
    may_be_map: bool,
) -> std::result::Result<(), Fault> {
    p.begin_object()?;
    let mut scratch = Vec::new();
    let mut first = true;
    let mut hint = 0;
    loop {
        // The key after the last one found is first matched in place (as the shredder does):
        // documents mostly repeat one key order, and a match needs no scan and no lookup. A
        // map keeps no keys, so it never matches.
        let i = if object.plain.get(hint) == Some(&true) && p.next_key_is(first, &object.keys[hint])
        {
            hint
        } else {
            let Some(key) = p.next_key(first, &mut scratch)? else {
                return Ok(());
            };
            if let Some(value) = object.map_value.as_deref_mut() {
                first = false;
                walk_value(p, value, walk).map_err(|f| with_step(f, PathStep::MapValue))?;
                continue;
            }
            object.member(key, hint)
        };
        first = false;
        hint = i + 1;
        walk_value(p, &mut object.nodes[i], walk).map_err(|f| {
            with_step(
                f,
                PathStep::Key(String::from_utf8_lossy(&object.keys[i]).into_owned()),
            )
        })?;
        if may_be_map && walk.threshold > 0 && object.keys.len() > walk.threshold {
            // Keys are data here: stop keeping them (memory stays bounded by the threshold).
            object
                .become_map(walk.mode, &mut Vec::new())
                .map_err(|e| Fault::from(BadDocument::Fatal(Box::new(e))))?;
        }
    }
}

#[cfg(test)]
mod tests;
