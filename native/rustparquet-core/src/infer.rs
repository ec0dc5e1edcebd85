//! Schema inference: documents in, a [`Schema`] out, by the merge rules of docs/format.md.
//!
//! Each document is walked once with the pull parser and folded into a tree of observed types,
//! one node per JSON path. The rules: `null` merges with anything (a path seen only as null is
//! [`DataType::Null`]); int + float is a double (integers that a double cannot hold exactly are
//! refused when written, never rounded); int + an integer beyond int64 is DECIMAL(38,0);
//! objects merge member by member, arrays element by element; a key missing from some
//! documents is simply optional (every inferred field is). Any other pair (string vs number,
//! object vs array, ...) is a [`Error::Conflict`] naming the path and where each type was first
//! seen. Fields keep the order in which they were first seen. [`SchemaInferrer::finish`] then
//! names the columns: a key equal to a sibling's after case folding (Spark refuses such files)
//! gets the suffix `_2`, `_3`, ... and keeps its JSON key in [`Field::key`].

use std::collections::HashMap;

use crate::error::{Error, Location, Result};
use crate::input::DocError;
use crate::json::{Number, ParseError, ParseErrorKind, Parser, ValueKind};
use crate::path::{ColumnPath, PathStep};
use crate::schema::{DataType, Field, Schema};

/// The observed type of one JSON path.
#[derive(Debug, Clone)]
enum Observed {
    /// Only `null` so far (or nothing).
    Null,
    Boolean,
    Int,
    Big,
    Double,
    String,
    List(Box<Node>),
    Object(ObjectNode),
}

impl Observed {
    fn name(&self) -> &'static str {
        match self {
            Observed::Null => "null",
            Observed::Boolean => "a boolean",
            Observed::Int => "an integer",
            Observed::Big => "an integer beyond int64",
            Observed::Double => "a float",
            Observed::String => "a string",
            Observed::List(_) => "an array",
            Observed::Object(_) => "an object",
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    observed: Observed,
    /// Where the current type was first seen.
    seen_at: Option<Location>,
}

impl Node {
    fn new() -> Self {
        Node {
            observed: Observed::Null,
            seen_at: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct ObjectNode {
    keys: Vec<Box<[u8]>>,
    nodes: Vec<Node>,
    index: HashMap<Box<[u8]>, usize>,
}

impl ObjectNode {
    /// The member for `key`, created if new. `hint` is where the previous key was found + 1:
    /// documents usually repeat one key order, so the hint is usually right.
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
        self.nodes.push(Node::new());
        self.index.insert(key.into(), i);
        i
    }
}

/// A failure inside a document, before it has a file location.
enum Fail {
    Parse(ParseError),
    Conflict {
        steps: Vec<PathStep>,
        a: &'static str,
        a_at: Location,
        b: &'static str,
        offset: usize,
    },
    NotObject(ValueKind),
}

impl From<ParseError> for Fail {
    fn from(e: ParseError) -> Self {
        Fail::Parse(e)
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
/// let schema = inferrer.finish();
/// assert_eq!(schema.to_json_string(), r#"{"name":"schema","fields":[{"name":"a","repetition":"optional","type":"double"},{"name":"b","repetition":"optional","type":"list","element":{"repetition":"optional","type":"int64"}},{"name":"c","repetition":"optional","type":"null"}]}"#);
/// # Ok::<(), rustparquet_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SchemaInferrer {
    root: ObjectNode,
    max_depth: usize,
    documents: u64,
}

impl SchemaInferrer {
    /// An inferrer that has seen nothing. `max_depth` bounds nesting as the parser does.
    pub fn new(max_depth: usize) -> Self {
        SchemaInferrer {
            root: ObjectNode::default(),
            max_depth,
            documents: 0,
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
        match self.document(p, locate) {
            Ok(()) => {
                self.documents += 1;
                Ok(())
            }
            Err(fail) => Err(fail_to_error(fail, locate, self.max_depth)),
        }
    }

    /// Like [`SchemaInferrer::add_document`] but keeps per-document failures raw, for
    /// [`crate::input::read_documents`] to locate and apply the bad-record policy to.
    pub(crate) fn add_document_raw(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), DocError> {
        let start = p.pos();
        match self.document(p, locate) {
            Ok(()) => {
                self.documents += 1;
                Ok(())
            }
            Err(Fail::Parse(e)) => Err(DocError::Parse(e)),
            Err(Fail::NotObject(kind)) => Err(DocError::Mismatch {
                offset: start,
                path: ColumnPath::root(),
                reason: not_object_reason(kind),
            }),
            Err(conflict) => Err(DocError::Fatal(fail_to_error(
                conflict,
                locate,
                self.max_depth,
            ))),
        }
    }

    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), Fail> {
        let kind = p.peek()?;
        if kind != ValueKind::Object {
            return Err(Fail::NotObject(kind));
        }
        walk_object(p, &mut self.root, locate)
    }

    /// Folds in everything `other` saw, as if its documents had come after this one's.
    pub fn merge(&mut self, other: &SchemaInferrer) -> Result<()> {
        merge_objects(&mut self.root, &other.root, &mut Vec::new())?;
        self.documents += other.documents;
        Ok(())
    }

    /// The schema of everything seen so far.
    pub fn finish(&self) -> Schema {
        Schema::new(object_fields(&self.root))
    }
}

fn fail_to_error(fail: Fail, locate: &dyn Fn(usize) -> Location, max_depth: usize) -> Error {
    match fail {
        Fail::Parse(e) => parse_error(e, locate, max_depth),
        Fail::Conflict {
            steps,
            a,
            a_at,
            b,
            offset,
        } => Error::Conflict {
            path: ColumnPath(steps.into_iter().rev().collect()),
            a: a.to_string(),
            a_at,
            b: b.to_string(),
            b_at: locate(offset),
        },
        Fail::NotObject(kind) => Error::Mismatch {
            at: locate(0),
            path: ColumnPath::root(),
            reason: not_object_reason(kind),
        },
    }
}

/// The message for a document that is not a JSON object.
pub(crate) fn not_object_reason(kind: ValueKind) -> String {
    format!(
        "is {}; each document must be a JSON object (see docs/format.md, top-level values)",
        kind.name()
    )
}

/// A parser error as the crate reports it.
pub(crate) fn parse_error(
    e: ParseError,
    locate: &dyn Fn(usize) -> Location,
    max_depth: usize,
) -> Error {
    let at = locate(e.offset);
    match e.kind {
        ParseErrorKind::TooDeep => Error::TooDeep {
            at,
            limit: max_depth,
            hard_limit: crate::MAX_DEPTH_LIMIT,
        },
        ParseErrorKind::Unsupported(reason) => Error::Unsupported {
            at,
            reason: reason.into_owned(),
        },
        _ => Error::Json {
            at,
            reason: e.reason().into_owned(),
        },
    }
}

/// The JSON type of a value, without what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Boolean,
    Int,
    Big,
    Double,
    String,
    List,
    Object,
}

impl Observed {
    fn kind(&self) -> Kind {
        match self {
            Observed::Null => Kind::Null,
            Observed::Boolean => Kind::Boolean,
            Observed::Int => Kind::Int,
            Observed::Big => Kind::Big,
            Observed::Double => Kind::Double,
            Observed::String => Kind::String,
            Observed::List(_) => Kind::List,
            Observed::Object(_) => Kind::Object,
        }
    }
}

impl Kind {
    /// A fresh observation of this kind (empty element or members).
    fn fresh(self) -> Observed {
        match self {
            Kind::Null => Observed::Null,
            Kind::Boolean => Observed::Boolean,
            Kind::Int => Observed::Int,
            Kind::Big => Observed::Big,
            Kind::Double => Observed::Double,
            Kind::String => Observed::String,
            Kind::List => Observed::List(Box::new(Node::new())),
            Kind::Object => Observed::Object(ObjectNode::default()),
        }
    }
}

/// Folds one value's kind into `node` by the merge rules. The common case (same kind again)
/// returns at once and allocates nothing.
#[inline]
fn observe(
    node: &mut Node,
    new: Kind,
    offset: usize,
    locate: &dyn Fn(usize) -> Location,
) -> std::result::Result<(), Fail> {
    let old = node.observed.kind();
    if old == new {
        return Ok(());
    }
    node.observed = match (old, new) {
        (Kind::Null, _) => {
            node.seen_at = Some(locate(offset));
            new.fresh()
        }
        (Kind::Int, Kind::Double) | (Kind::Double, Kind::Int) => Observed::Double,
        (Kind::Int, Kind::Big) | (Kind::Big, Kind::Int) => Observed::Big,
        _ => {
            return Err(Fail::Conflict {
                steps: Vec::new(),
                a: node.observed.name(),
                a_at: node.seen_at.clone().unwrap_or_else(|| locate(offset)),
                b: new.fresh().name(),
                offset,
            })
        }
    };
    Ok(())
}

fn with_step(fail: Fail, step: PathStep) -> Fail {
    match fail {
        Fail::Conflict {
            mut steps,
            a,
            a_at,
            b,
            offset,
        } => {
            steps.push(step);
            Fail::Conflict {
                steps,
                a,
                a_at,
                b,
                offset,
            }
        }
        other => other,
    }
}

fn walk_value(
    p: &mut Parser<'_>,
    node: &mut Node,
    locate: &dyn Fn(usize) -> Location,
) -> std::result::Result<(), Fail> {
    let kind = p.peek()?;
    let offset = p.pos();
    match kind {
        ValueKind::Null => p.null()?,
        ValueKind::Bool => {
            p.boolean()?;
            observe(node, Kind::Boolean, offset, locate)?;
        }
        ValueKind::Number => {
            let kind = match p.number()? {
                Number::Int(_) => Kind::Int,
                Number::Big(_) => Kind::Big,
                Number::Float(_) => Kind::Double,
            };
            observe(node, kind, offset, locate)?;
        }
        ValueKind::String => {
            p.skip_string()?;
            observe(node, Kind::String, offset, locate)?;
        }
        ValueKind::Array => {
            observe(node, Kind::List, offset, locate)?;
            let Observed::List(element) = &mut node.observed else {
                unreachable!("observe keeps or sets a list")
            };
            p.begin_array()?;
            let mut first = true;
            while p.next_element(first)? {
                first = false;
                walk_value(p, element, locate).map_err(|f| with_step(f, PathStep::Element))?;
            }
        }
        ValueKind::Object => {
            observe(node, Kind::Object, offset, locate)?;
            let Observed::Object(object) = &mut node.observed else {
                unreachable!("observe keeps or sets an object")
            };
            walk_object(p, object, locate)?;
        }
    }
    Ok(())
}

fn walk_object(
    p: &mut Parser<'_>,
    object: &mut ObjectNode,
    locate: &dyn Fn(usize) -> Location,
) -> std::result::Result<(), Fail> {
    p.begin_object()?;
    let mut scratch = Vec::new();
    let mut first = true;
    let mut hint = 0;
    loop {
        let Some(key) = p.next_key(first, &mut scratch)? else {
            return Ok(());
        };
        first = false;
        let i = object.member(key, hint);
        hint = i + 1;
        walk_value(p, &mut object.nodes[i], locate).map_err(|f| {
            with_step(
                f,
                PathStep::Key(String::from_utf8_lossy(&object.keys[i]).into_owned()),
            )
        })?;
    }
}

fn merge_nodes(into: &mut Node, from: &Node, steps: &mut Vec<PathStep>) -> Result<()> {
    match (&mut into.observed, &from.observed) {
        (_, Observed::Null) => Ok(()),
        (Observed::List(a), Observed::List(b)) => {
            steps.push(PathStep::Element);
            merge_nodes(a, b, steps)?;
            steps.pop();
            Ok(())
        }
        (Observed::Object(a), Observed::Object(b)) => merge_objects(a, b, steps),
        (Observed::Null, other) => {
            into.observed = other.clone();
            into.seen_at = from.seen_at.clone();
            Ok(())
        }
        (Observed::Int, Observed::Double) | (Observed::Double, Observed::Int) => {
            into.observed = Observed::Double;
            Ok(())
        }
        (Observed::Int, Observed::Big) | (Observed::Big, Observed::Int) => {
            into.observed = Observed::Big;
            Ok(())
        }
        (a, b) if a.kind() == b.kind() => Ok(()),
        (a, b) => {
            let unknown = || Location {
                file: "?".into(),
                line: 0,
                column: 0,
            };
            Err(Error::Conflict {
                path: ColumnPath(steps.clone()),
                a: a.name().to_string(),
                a_at: into.seen_at.clone().unwrap_or_else(unknown),
                b: b.name().to_string(),
                b_at: from.seen_at.clone().unwrap_or_else(unknown),
            })
        }
    }
}

fn merge_objects(
    into: &mut ObjectNode,
    from: &ObjectNode,
    steps: &mut Vec<PathStep>,
) -> Result<()> {
    for (key, node) in from.keys.iter().zip(&from.nodes) {
        let i = into.member(key, usize::MAX);
        steps.push(PathStep::Key(String::from_utf8_lossy(key).into_owned()));
        merge_nodes(&mut into.nodes[i], node, steps)?;
        steps.pop();
    }
    Ok(())
}

fn node_type(node: &Node) -> DataType {
    match &node.observed {
        Observed::Null => DataType::Null,
        Observed::Boolean => DataType::Boolean,
        Observed::Int => DataType::Int64,
        Observed::Big => DataType::Decimal,
        Observed::Double => DataType::Double,
        Observed::String => DataType::String,
        Observed::List(element) => {
            DataType::List(Box::new(Field::optional("element", node_type(element))))
        }
        Observed::Object(object) => DataType::Struct(object_fields(object)),
    }
}

fn object_fields(object: &ObjectNode) -> Vec<Field> {
    let keys: Vec<String> = object
        .keys
        .iter()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    let names = column_names(&keys);
    keys.into_iter()
        .zip(names)
        .zip(&object.nodes)
        .map(|((key, name), node)| Field {
            key: (key != name).then_some(key),
            name,
            repetition: crate::schema::Repetition::Optional,
            data_type: node_type(node),
        })
        .collect()
}

/// Column names for sibling JSON keys: a key equal to an earlier one after case folding gets
/// the first free suffix `_2`, `_3`, ... (free: not equal, case folded, to any other name).
///
/// ```
/// use rustparquet_core::infer::column_names;
/// let keys = ["ID", "id", "Id", "id_2"].map(String::from);
/// assert_eq!(column_names(&keys), ["ID", "id_3", "Id_4", "id_2"]);
/// ```
pub fn column_names(keys: &[String]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Keys that need no renaming claim their names first, so a literal `id_2` keeps its name.
    let mut first_of_fold: HashMap<String, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        first_of_fold.entry(k.to_lowercase()).or_insert(i);
    }
    for (i, k) in keys.iter().enumerate() {
        if first_of_fold[&k.to_lowercase()] == i {
            taken.insert(k.to_lowercase());
        }
    }
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            if first_of_fold[&k.to_lowercase()] == i {
                return k.clone();
            }
            let mut n = 2;
            loop {
                let candidate = format!("{k}_{n}");
                if taken.insert(candidate.to_lowercase()) {
                    return candidate;
                }
                n += 1;
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(docs: &[&str]) -> Result<Schema> {
        let mut inferrer = SchemaInferrer::new(128);
        for (i, doc) in docs.iter().enumerate() {
            let mut p = Parser::new(doc.as_bytes(), 0, 128);
            let line = i as u64 + 1;
            inferrer.add_document(&mut p, &|off| Location {
                file: "t.json".into(),
                line,
                column: off as u64 + 1,
            })?;
        }
        Ok(inferrer.finish())
    }

    fn type_of(docs: &[&str]) -> Result<String> {
        let schema = infer(docs)?;
        Ok(match &schema.fields[0].data_type {
            DataType::List(e) => format!("list<{}>", e.data_type.name()),
            t => t.name().to_string(),
        })
    }

    /// The merge table: each pair of JSON values and the type they infer to.
    #[test]
    fn merge_rules_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("1", "2", "int64"),
            ("1", "2.5", "double"),
            ("2.5", "1", "double"),
            ("1", "null", "int64"),
            ("null", "null", "null"),
            ("null", "\"s\"", "string"),
            ("true", "null", "boolean"),
            ("1", "18446744073709551615", "decimal(38,0)"),
            ("[]", "null", "list<null>"),
            ("[]", "[1]", "list<int64>"),
            ("[1]", "[2.5, null]", "list<double>"),
            ("{}", "null", "struct"),
        ];
        for (a, b, expected) in cases {
            let docs = [format!(r#"{{"x": {a}}}"#), format!(r#"{{"x": {b}}}"#)];
            let got = type_of(&[&docs[0], &docs[1]]).unwrap();
            assert_eq!(&got, expected, "{a} + {b}");
        }
    }

    #[test]
    fn conflicts_name_the_path_and_both_places() {
        let err = infer(&[
            r#"{"a": {"b": [{"c": 1}]}}"#,
            r#"{"a": {"b": [{"c": "x"}]}}"#,
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`a.b[].c` is an integer at t.json:1:20 but a string at t.json:2:20; JSON type conflicts are not supported yet (see docs/format.md)"
        );
        let err = infer(&[r#"{"a": [1]}"#, r#"{"a": {"k": 1}}"#]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`a` is an array at t.json:1:7 but an object at t.json:2:7"),
            "{err}"
        );
        let err = infer(&[r#"{"n": 18446744073709551615}"#, r#"{"n": 1.5}"#]).unwrap_err();
        assert!(err.to_string().contains("an integer beyond int64"), "{err}");
    }

    #[test]
    fn fields_keep_first_seen_order_and_nest() {
        let schema = infer(&[
            r#"{"b": 1, "a": {"y": true}}"#,
            r#"{"c": "s", "a": {"x": null, "y": false}}"#,
        ])
        .unwrap();
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        let DataType::Struct(a) = &schema.fields[1].data_type else {
            panic!("a is a struct")
        };
        let names: Vec<&str> = a.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["y", "x"]);
    }

    #[test]
    fn case_colliding_keys_get_distinct_names_and_keep_their_keys() {
        let schema =
            infer(&[r#"{"ID": 1, "id": 2, "nested": {"Key": 1, "key": 2, "KEY": 3}}"#]).unwrap();
        assert_eq!(schema.fields[0].name, "ID");
        assert_eq!(schema.fields[1].name, "id_2");
        assert_eq!(schema.fields[1].json_key(), "id");
        let DataType::Struct(n) = &schema.fields[2].data_type else {
            panic!()
        };
        let names: Vec<(&str, &str)> = n.iter().map(|f| (f.name.as_str(), f.json_key())).collect();
        assert_eq!(names, [("Key", "Key"), ("key_2", "key"), ("KEY_3", "KEY")]);
    }

    #[test]
    fn top_level_non_objects_are_refused() {
        let err = infer(&["[1, 2]"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json:1:1: `<document>` is an array; each document must be a JSON object (see docs/format.md, top-level values)"
        );
    }

    #[test]
    fn merging_inferrers_equals_inferring_in_sequence() {
        let docs = [
            r#"{"a": 1, "b": [1]}"#,
            r#"{"c": {"x": 1}, "a": 2.5}"#,
            r#"{"b": [null], "c": {"y": "s"}}"#,
        ];
        let whole = infer(&docs).unwrap();
        let mut left = SchemaInferrer::new(64);
        let mut right = SchemaInferrer::new(64);
        for (i, doc) in docs.iter().enumerate() {
            let target = if i == 0 { &mut left } else { &mut right };
            let mut p = Parser::new(doc.as_bytes(), 0, 64);
            target
                .add_document(&mut p, &|_| Location {
                    file: "t".into(),
                    line: 1,
                    column: 1,
                })
                .unwrap();
        }
        left.merge(&right).unwrap();
        assert_eq!(left.finish(), whole);
        assert_eq!(left.documents(), 3);
    }
}
