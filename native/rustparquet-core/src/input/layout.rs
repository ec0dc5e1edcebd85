//! Framing: how a buffer of input is cut into documents. Three layouts: documents separated
//! by whitespace (newline-delimited JSON, concatenated or pretty-printed documents), one
//! top-level array whose elements are the documents, and, under `auto` when the input starts
//! with `[`, a sequence of top-level arrays (one array, or one per line as Spark's and DuckDB's
//! readers take them). A bad document is judged by [`crate::bad_document::judge`] and then
//! skipped as a whole value when its end can be found; after a syntax error, in a stream of
//! documents the rest of the line the document started on is skipped (in NDJSON, exactly the
//! bad line); inside an array the input ends there, since the next element cannot be found
//! reliably.

use std::sync::atomic::Ordering;

use super::policy::BadRecordPolicy;
use super::{DocumentSink, InputFormat, ReadSettings};
use crate::bad_document::{judge, Verdict};
use crate::error::{Error, Location, Result};
use crate::json::Parser;

/// Where the top-level-array layout is between documents.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// After `[`: a document or `]` is next.
    First,
    /// After a document: `,` or `]` is next.
    Next,
    /// After `]`: only whitespace may follow.
    Done,
}

/// How far [`parse_window`] got.
pub(crate) struct WindowEnd {
    /// The first byte not consumed: the start of an incomplete document when `need_more`.
    pub pos: usize,
    /// The window ended inside a document (or before a separator) and the input goes on.
    pub need_more: bool,
    /// The sink asked to stop.
    pub stopped: bool,
    /// Documents the sink took.
    pub taken: u64,
}

/// Feeds the documents of `window[start..]` to `sink`. `eof` says whether the input ends with
/// the window; if not, a document cut by the window's end is left for the next call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn parse_window(
    window: &[u8],
    start: usize,
    eof: bool,
    array: &mut Option<ArrayState>,
    locate: &dyn Fn(usize) -> Location,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<WindowEnd> {
    let mut pos = start;
    let mut taken = 0u64;
    let end = |pos, need_more, stopped, taken| {
        Ok(WindowEnd {
            pos,
            need_more,
            stopped,
            taken,
        })
    };
    loop {
        // Find the next document start.
        let mut p = Parser::new(window, pos, settings.max_depth);
        if let Some(state) = *array {
            p.skip_whitespace();
            let at = p.pos();
            let next = window.get(at).copied();
            let syntax = |reason: &str| Error::Json {
                at: locate(at),
                reason: reason.to_string(),
            };
            match (state, next) {
                (_, None) if !eof => return end(pos, true, false, taken),
                (ArrayState::Done, None) => return end(at, false, false, taken),
                (ArrayState::Done, Some(b'[')) if settings.format == InputFormat::Auto => {
                    // Another top-level array: lines that each hold an array of documents.
                    pos = at + 1;
                    *array = Some(ArrayState::First);
                    continue;
                }
                (ArrayState::Done, Some(_)) if settings.format == InputFormat::Auto => {
                    return Err(syntax(
                        "expected another array of documents after a top-level array (docs/format.md, input)",
                    ))
                }
                (ArrayState::Done, Some(_)) => {
                    return Err(syntax("unexpected data after the top-level array"))
                }
                (_, None) => {
                    return Err(syntax("unexpected end of input inside the top-level array"))
                }
                (ArrayState::Start, Some(b'[')) => {
                    pos = at + 1;
                    *array = Some(ArrayState::First);
                    continue;
                }
                (ArrayState::Start, Some(_)) => {
                    return Err(syntax("expected '[' to open the array of documents"))
                }
                (ArrayState::First | ArrayState::Next, Some(b']')) => {
                    pos = at + 1;
                    *array = Some(ArrayState::Done);
                    continue;
                }
                (ArrayState::Next, Some(b',')) => {
                    // The document follows the comma; if the window ends here, wait.
                    let mut q = Parser::new(window, at + 1, settings.max_depth);
                    if q.at_end() && !eof {
                        return end(pos, true, false, taken);
                    }
                    p = q;
                }
                (ArrayState::Next, Some(_)) => {
                    return Err(syntax(
                        "expected ',' or ']' after a document in the top-level array",
                    ))
                }
                (ArrayState::First, Some(_)) => {}
            }
        } else if p.at_end() {
            return end(p.pos(), !eof, false, taken);
        }
        let doc_start = p.pos();
        match sink.document(&mut p, locate) {
            Ok(()) => {
                pos = p.pos();
                taken += 1;
                if let Some(state) = array.as_mut() {
                    *state = ArrayState::Next;
                }
                if let Some(progress) = settings.progress {
                    progress.documents.fetch_add(1, Ordering::Relaxed);
                }
                if !sink.after_document()? {
                    return end(pos, false, true, taken);
                }
            }
            Err(fault) => {
                // A bad document: what its fault is and where it ends, then the policy.
                let (error, doc_end) =
                    match judge(fault, window, doc_start, eof, settings.max_depth, locate) {
                        // Inside an array the next window starts before the separator
                        // that led here (`pos`), which the array state expects to read.
                        Verdict::NeedMore if array.is_some() => {
                            return end(pos, true, false, taken)
                        }
                        Verdict::NeedMore => return end(doc_start, true, false, taken),
                        Verdict::Fatal(e) => return Err(e),
                        Verdict::Bad { error, end } => (error, end),
                    };
                if policy.is_fail() {
                    return Err(error);
                }
                let doc_end = match doc_end {
                    Some(doc_end) => doc_end,
                    // Inside an array the next element cannot be found reliably.
                    None if array.is_some() => return Err(error),
                    None => match memchr::memchr(b'\n', &window[doc_start..]) {
                        Some(i) => doc_start + i + 1,
                        None if !eof => return end(doc_start, true, false, taken),
                        None => window.len(),
                    },
                };
                policy.record(error, &window[doc_start..doc_end])?;
                pos = doc_end;
                if let Some(state) = array.as_mut() {
                    *state = ArrayState::Next;
                }
            }
        }
    }
}

/// The UTF-8 byte order mark, skipped where an input starts with it.
pub(crate) const BOM: &[u8] = &[0xef, 0xbb, 0xbf];

/// The first byte of `bytes` that is not JSON whitespace: past a byte order mark, `[` there
/// is the top-level-array layout under [`InputFormat::Auto`] (the byte may lie past the
/// first block read).
pub(crate) fn first_not_whitespace(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b" \t\r\n".contains(b))
}
