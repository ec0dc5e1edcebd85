//! Bad documents: the one type every stage reports a document it cannot take with
//! ([`BadDocument`]: not JSON, or JSON that does not fit), and the one rule that says what a bad
//! document's fault is and where the document ends (`judge`).
//!
//! The rule: a document's fault is its first JSON fault in byte order (a syntax error, a number
//! no column type holds, nesting deeper than the limit); only a document that is valid JSON
//! throughout can be a schema mismatch, and then the first mismatch is given. So `{"a": [1, 2`
//! is unterminated JSON even where `a` is an integer column, and `{"big": 1e999}` is a number
//! beyond a double even where `big` is not in the schema. A document whose end can be found (it
//! is valid JSON, or its only fault is a number no column holds) is skipped as a whole value in
//! every layout; after a syntax error its end cannot be found, and the reader decides
//! ([`crate::input`]). Every path uses this rule: the file reader, the parallel chunks, the
//! one-document writer ([`crate::stream`]) and the Spark data source.
//!
//! A row handed over by Spark holds what Spark's JSON reader reads from a line
//! ([`row_documents`]): its first JSON value (text after it is ignored), an object or an array
//! of objects (one document each).

use std::sync::Arc;

use crate::error::{Error, Location};
use crate::json::{ParseError, ParseErrorKind, Parser, ValueKind};
use crate::locator::Locator;
use crate::path::ColumnPath;

/// Why a stage (the inferrer, the shredder) could not take a document. The stage has left no
/// trace of it; the offsets are into the parser's buffer.
#[derive(Debug)]
pub enum BadDocument {
    /// Not valid JSON, or a number no column holds, or nesting too deep. [`ParseErrorKind::Eof`]
    /// means the buffer ended inside the document (more input may complete it).
    Parse(ParseError),
    /// JSON (so far) that does not fit the schema at `path`.
    Mismatch {
        offset: usize,
        path: ColumnPath,
        reason: String,
    },
    /// Not the document's fault: an error that stops the run whatever the bad-record policy
    /// (two documents' types conflict under `unions = error`). Boxed, so that the walks'
    /// results stay small.
    Fatal(Box<Error>),
}

impl From<ParseError> for BadDocument {
    fn from(e: ParseError) -> Self {
        BadDocument::Parse(e)
    }
}

/// The mismatch for a document that is not a JSON object, at `offset`.
pub(crate) fn not_an_object(offset: usize, kind: ValueKind) -> BadDocument {
    BadDocument::Mismatch {
        offset,
        path: ColumnPath::root(),
        reason: format!(
            "is {}; each document must be a JSON object (see docs/format.md, top-level values)",
            kind.name()
        ),
    }
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

/// What [`judge`] found.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// The buffer ends inside the document and the input goes on: judge it with more input.
    NeedMore,
    /// The document's fault, and the offset just past the document when it can be found
    /// (`None` after a syntax error).
    Bad { error: Error, end: Option<usize> },
    /// An error that stops the run.
    Fatal(Error),
}

/// Applies the rule of the module docs to `fault`, reported for the document that starts at
/// `buf[start]`. `eof` says whether the input ends with `buf`. Costs a second parse of the
/// document only when the fault is a mismatch (to look for a JSON fault after it) or a number
/// no column holds (to find the document's end).
pub(crate) fn judge(
    fault: BadDocument,
    buf: &[u8],
    start: usize,
    eof: bool,
    max_depth: usize,
    locate: &dyn Fn(usize) -> Location,
) -> Verdict {
    // The stages parse in byte order and stop at their first fault: a JSON fault they report
    // is the document's first, while a mismatch may still be followed by one.
    let mismatch = match fault {
        BadDocument::Fatal(e) => return Verdict::Fatal(*e),
        BadDocument::Parse(e) => {
            return match e.kind {
                ParseErrorKind::Eof if !eof => Verdict::NeedMore,
                _ => json_fault(e, buf, start, eof, max_depth, locate),
            }
        }
        BadDocument::Mismatch {
            offset,
            path,
            reason,
        } => Error::Mismatch {
            at: locate(offset),
            path,
            reason,
        },
    };
    let mut whole = Parser::new(buf, start, max_depth);
    match whole.skip_value() {
        Ok(()) => Verdict::Bad {
            error: mismatch,
            end: Some(whole.pos()),
        },
        Err(e) if e.kind == ParseErrorKind::Eof && !eof => Verdict::NeedMore,
        Err(e) => json_fault(e, buf, start, eof, max_depth, locate),
    }
}

/// The verdict on a document whose first JSON fault is `e`.
fn json_fault(
    e: ParseError,
    buf: &[u8],
    start: usize,
    eof: bool,
    max_depth: usize,
    locate: &dyn Fn(usize) -> Location,
) -> Verdict {
    let end = match e.kind {
        // Valid JSON all the same: the document ends where its value does.
        ParseErrorKind::Unsupported(_) => {
            let mut whole = Parser::new(buf, start, max_depth);
            match whole.skip_value_with_any_number() {
                Ok(()) => Some(whole.pos()),
                Err(e) if e.kind == ParseErrorKind::Eof && !eof => return Verdict::NeedMore,
                Err(_) => None,
            }
        }
        _ => None,
    };
    let mut error = parse_error(e, locate, max_depth);
    if let Error::Json { at, reason } = &mut error {
        // A document that is not closed is found out only where the next one starts: name
        // the line the bad one started on too.
        let started = locate(start);
        if started.line != at.line {
            reason.push_str(&format!(
                " (in the document that starts at line {})",
                started.line
            ));
        }
    }
    Verdict::Bad { error, end }
}

/// What became of a row handed over by Spark, one of the documents of [`row_documents`].
#[derive(Debug)]
pub enum OneDocument {
    /// The stage took it.
    Taken,
    /// Empty or only whitespace: not a document (as Spark skips blank lines).
    Blank,
    /// A bad document, judged by the rule of the module docs. The stage took nothing.
    Bad(Error),
}

/// The documents of a row handed over by Spark, by Spark's JSON reader's rule: the row's first
/// JSON value is what it holds (text after it is ignored, as Spark ignores it); an object is
/// one document, an array of objects one document per element (`[]` none).
#[derive(Debug)]
pub enum RowDocuments {
    /// Empty or only whitespace.
    Blank,
    /// One value at the start of the row (an object, or a value the stage will refuse).
    One,
    /// The offsets of an array's objects, each one document. The array was checked: valid
    /// JSON, objects only.
    Elements(Vec<usize>),
    /// An array that is not valid JSON or holds a value that is not an object: the whole row
    /// is bad (as in Spark).
    Bad(Error),
}

/// Splits a row into its documents ([`RowDocuments`]); costs a peek for a row holding an
/// object, and a check of the whole array for one holding an array. `name` as for
/// [`one_document`].
pub fn row_documents(
    doc: &[u8],
    name: &dyn Fn() -> Arc<str>,
    max_depth: usize,
) -> Result<RowDocuments, Error> {
    let locate = |offset: usize| -> Location {
        let name = name();
        Locator::new(&name, doc, 1).locate(offset)
    };
    let mut p = Parser::new(doc, 0, max_depth);
    if p.at_end() {
        return Ok(RowDocuments::Blank);
    }
    if !matches!(p.peek(), Ok(ValueKind::Array)) {
        return Ok(RowDocuments::One);
    }
    let elements = (|| -> Result<Vec<usize>, BadDocument> {
        let mut starts = Vec::new();
        p.begin_array()?;
        let mut first = true;
        while p.next_element(first)? {
            first = false;
            let kind = p.peek()?;
            if kind != ValueKind::Object {
                return Err(BadDocument::Mismatch {
                    offset: p.pos(),
                    path: ColumnPath::root(),
                    reason: format!(
                        "is an array holding {}; a row that is an array must hold JSON objects only (each one row, as Spark's JSON reader reads it)",
                        kind.name()
                    ),
                });
            }
            starts.push(p.pos());
            p.skip_value()?;
        }
        Ok(starts)
    })();
    match elements {
        Ok(starts) => Ok(RowDocuments::Elements(starts)),
        Err(fault) => match judge(fault, doc, 0, true, max_depth, &locate) {
            Verdict::Bad { error, .. } => Ok(RowDocuments::Bad(error)),
            Verdict::Fatal(e) => Err(e),
            Verdict::NeedMore => unreachable!("the whole input is judged"),
        },
    }
}

/// Hands the one document of `doc` (the row's first JSON value: text after it is ignored, as
/// Spark's JSON reader ignores it) to `take` (the inferrer's or the shredder's walk) and judges
/// it if it is bad; with `check_first`, the document is checked (valid JSON) before `take` sees
/// it, so a bad one reaches no stage. `name` names the document in locations (it is built only
/// for a bad one). An `Err` is an error that stops the run.
pub fn one_document(
    doc: &[u8],
    name: &dyn Fn() -> Arc<str>,
    max_depth: usize,
    check_first: bool,
    take: impl FnOnce(&mut Parser<'_>, &dyn Fn(usize) -> Location) -> Result<(), BadDocument>,
) -> Result<OneDocument, Error> {
    one_document_at(doc, 0, name, max_depth, check_first, take)
}

/// [`one_document`] for the document at `doc[start..]` (an element of [`RowDocuments`]):
/// locations are in the whole row.
pub fn one_document_at(
    doc: &[u8],
    start: usize,
    name: &dyn Fn() -> Arc<str>,
    max_depth: usize,
    check_first: bool,
    take: impl FnOnce(&mut Parser<'_>, &dyn Fn(usize) -> Location) -> Result<(), BadDocument>,
) -> Result<OneDocument, Error> {
    let locate = |offset: usize| -> Location {
        let name = name();
        Locator::new(&name, doc, 1).locate(offset)
    };
    let mut p = Parser::new(doc, start, max_depth);
    if p.at_end() {
        return Ok(OneDocument::Blank);
    }
    let bad = |fault| match judge(fault, doc, start, true, max_depth, &locate) {
        Verdict::Bad { error, .. } => Ok(OneDocument::Bad(error)),
        Verdict::Fatal(e) => Err(e),
        Verdict::NeedMore => unreachable!("the whole input is judged"),
    };
    if check_first {
        if let Err(e) = p.clone().skip_value() {
            return bad(BadDocument::Parse(e));
        }
    }
    match take(&mut p, &locate) {
        Ok(()) => Ok(OneDocument::Taken),
        Err(fault) => bad(fault),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(doc: &str, fault: BadDocument, eof: bool) -> String {
        let name: Arc<str> = "f".into();
        let locator = crate::locator::Locator::new(&name, doc.as_bytes(), 1);
        match judge(fault, doc.as_bytes(), 0, eof, 64, &|o| locator.locate(o)) {
            Verdict::NeedMore => "need more".into(),
            Verdict::Bad { error, end } => format!("{error} / end {end:?}"),
            Verdict::Fatal(e) => format!("fatal {e}"),
        }
    }

    fn mismatch(offset: usize) -> BadDocument {
        BadDocument::Mismatch {
            offset,
            path: ColumnPath::root().key("a"),
            reason: "is an integer in the schema but an array here".into(),
        }
    }

    #[test]
    fn a_json_fault_after_a_mismatch_is_the_fault() {
        // Valid JSON: the mismatch, and the document's end.
        assert_eq!(
            verdict(r#"{"a": [1, 2]}"#, mismatch(6), true),
            "f:1:7: `a` is an integer in the schema but an array here / end Some(13)"
        );
        // Not closed: invalid JSON, wherever the mismatch was.
        assert_eq!(
            verdict(r#"{"a": [1, 2"#, mismatch(6), true),
            "f:1:12: invalid JSON: unexpected end of input inside a value / end None"
        );
        assert_eq!(verdict(r#"{"a": [1, 2"#, mismatch(6), false), "need more");
        // A number no column holds: reported as such, and skippable as a whole.
        assert_eq!(
            verdict(r#"{"a": [1], "b": 1e999} "#, mismatch(6), true),
            "f:1:17: number 1e999 is beyond the range of a double / end Some(22)"
        );
    }

    #[test]
    fn an_unclosed_document_names_the_line_it_started_on() {
        let doc = "{\"a\": [1, 2\n{\"a\": 3}\n";
        let mut p = Parser::new(doc.as_bytes(), 0, 64);
        let e = p.skip_value().unwrap_err();
        assert_eq!(
            verdict(doc, BadDocument::Parse(e), true),
            "f:2:1: invalid JSON: expected ',' or ']' after an array element, found '{' (in the document that starts at line 1) / end None"
        );
    }
}
