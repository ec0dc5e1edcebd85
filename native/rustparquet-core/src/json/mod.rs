//! A pull parser over JSON bytes: the caller asks for the next key, element or scalar and the
//! parser answers from the buffer, building no tree. Inference and shredding both drive it, so
//! a document is walked once, in step with the schema.
//!
//! It is strict RFC 8259: UTF-8 is validated inside strings (outside them only ASCII is legal
//! anyway), control characters must be escaped, `\u` escapes must pair surrogates (a lone
//! surrogate cannot be stored in a Parquet STRING, so it is an error), and numbers follow the
//! JSON grammar. Integers come back exactly: as `i64`, or as `i128` up to 38 digits (the
//! DECIMAL(38,0) range); longer integers and floats beyond `f64` are errors rather than silent
//! rounding to infinity. Nesting is bounded by `max_depth`, so hostile input cannot overflow
//! the stack. Errors carry a byte offset; [`crate::input`] turns it into line and column.
//!
//! This file holds the value kinds, errors and the structural walk (objects, arrays,
//! literals, skipping); [`strings`] scans, validates and decodes strings and compares keys;
//! [`numbers`] scans and converts numbers.

mod numbers;
mod strings;

use std::borrow::Cow;

pub use strings::{find_key_near, plain_key, same_key};

/// What the next value is, judged from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl ValueKind {
    /// The JSON type's name, as messages print it.
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Object => "an object",
            ValueKind::Array => "an array",
            ValueKind::String => "a string",
            ValueKind::Number => "a number",
            ValueKind::Bool => "a boolean",
            ValueKind::Null => "null",
        }
    }
}

/// A JSON number, exactly as far as the schema types can hold it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer literal within int64.
    Int(i64),
    /// An integer literal beyond int64, at most 38 digits.
    Big(i128),
    /// A literal with a fraction or exponent, as the nearest double.
    Float(f64),
}

/// What kind of number a literal is, judged without converting it (inference needs only the
/// kind; see [`Parser::number_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// An integer literal within int64.
    Int,
    /// An integer literal beyond int64, at most 38 digits.
    Big,
    /// A literal with a fraction or exponent; `exponent` says whether it has an exponent.
    Float { exponent: bool },
}

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The buffer ended inside a value: more input may complete it.
    Eof,
    /// Not valid JSON.
    Syntax(Cow<'static, str>),
    /// Nested deeper than the parser's limit.
    TooDeep,
    /// Valid JSON that no column type can hold exactly (a 39-digit integer, `1e400`).
    Unsupported(Cow<'static, str>),
}

/// A parse failure at a byte offset of the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// The reason as a user reads it.
    pub fn reason(&self) -> Cow<'static, str> {
        match &self.kind {
            ParseErrorKind::Eof => "unexpected end of input inside a value".into(),
            ParseErrorKind::Syntax(r) | ParseErrorKind::Unsupported(r) => r.clone(),
            ParseErrorKind::TooDeep => "nested too deep".into(),
        }
    }
}

pub type ParseResult<T> = Result<T, ParseError>;

/// The pull parser. It borrows the buffer; positions are byte offsets into it. A clone is a
/// look-ahead: it parses on from the same position without moving the original.
#[derive(Clone)]
pub struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of the opening quote of the last key read.
    key_start: usize,
    depth: usize,
    max_depth: usize,
}

fn describe(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

impl<'a> Parser<'a> {
    /// A parser at `pos` of `buf`, allowing `max_depth` nested arrays and objects.
    pub fn new(buf: &'a [u8], pos: usize, max_depth: usize) -> Self {
        Parser {
            buf,
            pos,
            key_start: pos,
            depth: 0,
            max_depth,
        }
    }

    /// The current byte offset.
    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The input from byte offset `start` (at most the current offset) to the current one:
    /// the text of the value just read, when `start` is where it began.
    pub fn text_since(&self, start: usize) -> &'a [u8] {
        self.buf.get(start..self.pos).unwrap_or(&[])
    }

    /// The offset of the opening quote of the key [`Parser::next_key`] returned last.
    pub fn last_key_offset(&self) -> usize {
        self.key_start
    }

    #[inline]
    fn err<T>(&self, offset: usize, kind: ParseErrorKind) -> ParseResult<T> {
        Err(ParseError { offset, kind })
    }

    #[inline]
    fn syntax<T>(&self, offset: usize, reason: impl Into<Cow<'static, str>>) -> ParseResult<T> {
        self.err(offset, ParseErrorKind::Syntax(reason.into()))
    }

    /// Skips JSON whitespace (space, tab, CR, LF).
    #[inline(always)]
    pub fn skip_whitespace(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Whether only whitespace remains.
    pub fn at_end(&mut self) -> bool {
        self.skip_whitespace();
        self.pos >= self.buf.len()
    }

    /// The kind of the next value, without consuming it. Inlined (the walks call it for every
    /// value), its errors built out of line.
    #[inline(always)]
    pub fn peek(&mut self) -> ParseResult<ValueKind> {
        self.skip_whitespace();
        match self.buf.get(self.pos) {
            Some(b'{') => Ok(ValueKind::Object),
            Some(b'[') => Ok(ValueKind::Array),
            Some(b'"') => Ok(ValueKind::String),
            Some(b'-' | b'0'..=b'9') => Ok(ValueKind::Number),
            Some(b't' | b'f') => Ok(ValueKind::Bool),
            Some(b'n') => Ok(ValueKind::Null),
            _ => self.not_a_value(),
        }
    }

    /// What [`Parser::peek`] says where no value starts: the input's end or another byte.
    #[cold]
    #[inline(never)]
    fn not_a_value<T>(&self) -> ParseResult<T> {
        match self.buf.get(self.pos) {
            None => self.err(self.pos, ParseErrorKind::Eof),
            Some(&b) => self.syntax(self.pos, format!("expected a value, found {}", describe(b))),
        }
    }

    fn enter(&mut self) -> ParseResult<()> {
        if self.depth >= self.max_depth {
            return self.err(self.pos, ParseErrorKind::TooDeep);
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Consumes `{` (after [`Parser::peek`] said `Object`).
    #[inline]
    pub fn begin_object(&mut self) -> ParseResult<()> {
        self.enter()
    }

    /// Consumes `[` (after [`Parser::peek`] said `Array`).
    #[inline]
    pub fn begin_array(&mut self) -> ParseResult<()> {
        self.enter()
    }

    /// Consumes the next member's key and its `:` if the key is `expected` written as it is
    /// (a [`plain_key`], unescaped in the text), and says so; otherwise consumes nothing but
    /// whitespace, and [`Parser::next_key`] reads whatever comes. Documents mostly repeat one
    /// key order, so the shredder tries the key the schema's order predicts first: a match
    /// skips scanning the key and looking it up. `first` is as for [`Parser::next_key`].
    #[inline]
    pub fn next_key_is(&mut self, first: bool, expected: &[u8]) -> bool {
        debug_assert!(plain_key(expected));
        self.skip_whitespace();
        let buf = self.buf;
        let mut i = self.pos;
        if !first {
            if buf.get(i) != Some(&b',') {
                return false;
            }
            i += 1;
            while matches!(buf.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                i += 1;
            }
        }
        // `expected` has no quote or backslash, so a quote right after it ends the key.
        let start = i + 1;
        let end = start + expected.len();
        let Some(text) = buf.get(start..end) else {
            return false;
        };
        // `same_key` compares short keys in a word or two, where slice equality calls memcmp.
        if buf.get(i) != Some(&b'"') || !same_key(text, expected) || buf.get(end) != Some(&b'"') {
            return false;
        }
        let mut colon = end + 1;
        while matches!(buf.get(colon), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            colon += 1;
        }
        if buf.get(colon) != Some(&b':') {
            return false;
        }
        self.key_start = i;
        self.pos = colon + 1;
        true
    }

    /// The next key of the current object (consuming it and its `:`), or `None` at `}`.
    /// `first` is true right after [`Parser::begin_object`]. An escaped key is decoded into
    /// `scratch`; a plain one is borrowed from the buffer.
    #[inline]
    pub fn next_key<'s>(
        &mut self,
        first: bool,
        scratch: &'s mut Vec<u8>,
    ) -> ParseResult<Option<&'s [u8]>>
    where
        'a: 's,
    {
        self.skip_whitespace();
        match self.buf.get(self.pos) {
            None => return self.err(self.pos, ParseErrorKind::Eof),
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_whitespace();
            }
            Some(&b) => {
                if !first {
                    return self.syntax(
                        self.pos,
                        format!(
                            "expected ',' or '}}' after an object member, found {}",
                            describe(b)
                        ),
                    );
                }
            }
        }
        match self.buf.get(self.pos) {
            None => return self.err(self.pos, ParseErrorKind::Eof),
            Some(b'"') => {}
            Some(&b) => {
                return self.syntax(
                    self.pos,
                    format!("expected a string key, found {}", describe(b)),
                )
            }
        }
        self.key_start = self.pos;
        let key: &'s [u8] = {
            let (start, end, escaped) = self.scan_string()?;
            if escaped {
                scratch.clear();
                self.decode_escapes(start, end, scratch)?;
                &scratch[..]
            } else {
                &self.buf[start..end]
            }
        };
        self.skip_whitespace();
        match self.buf.get(self.pos) {
            None => self.err(self.pos, ParseErrorKind::Eof),
            Some(b':') => {
                self.pos += 1;
                Ok(Some(key))
            }
            Some(&b) => self.syntax(
                self.pos,
                format!("expected ':' after an object key, found {}", describe(b)),
            ),
        }
    }

    /// Whether another element follows in the current array (consuming the `,`), or `false`
    /// at `]`. `first` is true right after [`Parser::begin_array`].
    #[inline]
    pub fn next_element(&mut self, first: bool) -> ParseResult<bool> {
        self.skip_whitespace();
        match self.buf.get(self.pos) {
            None => self.err(self.pos, ParseErrorKind::Eof),
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) if first => Ok(true),
            Some(&b) => self.syntax(
                self.pos,
                format!(
                    "expected ',' or ']' after an array element, found {}",
                    describe(b)
                ),
            ),
        }
    }

    /// Consumes `true` or `false`.
    #[inline]
    pub fn boolean(&mut self) -> ParseResult<bool> {
        if self.buf[self.pos] == b't' {
            self.literal(b"true").map(|_| true)
        } else {
            self.literal(b"false").map(|_| false)
        }
    }

    /// Consumes `null`.
    #[inline]
    pub fn null(&mut self) -> ParseResult<()> {
        self.literal(b"null")
    }

    fn literal(&mut self, word: &'static [u8]) -> ParseResult<()> {
        let rest = &self.buf[self.pos..];
        if rest.len() >= word.len() {
            if &rest[..word.len()] == word {
                self.pos += word.len();
                return Ok(());
            }
        } else if word.starts_with(rest) {
            return self.err(self.buf.len(), ParseErrorKind::Eof);
        }
        self.syntax(
            self.pos,
            format!(
                "invalid literal: expected `{}`",
                std::str::from_utf8(word).unwrap_or("")
            ),
        )
    }

    /// Consumes one value of any kind, validating it.
    pub fn skip_value(&mut self) -> ParseResult<()> {
        self.skip(false)
    }

    /// Like [`Parser::skip_value`], but a number no column type holds (`1e400`, a 39-digit
    /// integer) is valid JSON here: this finds where a document with such a number ends, so
    /// that it can be skipped as a whole in any layout.
    pub fn skip_value_with_any_number(&mut self) -> ParseResult<()> {
        self.skip(true)
    }

    fn skip(&mut self, any_number: bool) -> ParseResult<()> {
        match self.peek()? {
            ValueKind::Object => {
                self.begin_object()?;
                let mut scratch = Vec::new();
                let mut first = true;
                while self.next_key(first, &mut scratch)?.is_some() {
                    first = false;
                    self.skip(any_number)?;
                }
                Ok(())
            }
            ValueKind::Array => {
                self.begin_array()?;
                let mut first = true;
                while self.next_element(first)? {
                    first = false;
                    self.skip(any_number)?;
                }
                Ok(())
            }
            ValueKind::String => self.skip_string(),
            // `number` has consumed an unsupported number when it reports it.
            ValueKind::Number => match self.number() {
                Err(e) if any_number && matches!(e.kind, ParseErrorKind::Unsupported(_)) => Ok(()),
                other => other.map(|_| ()),
            },
            ValueKind::Bool => self.boolean().map(|_| ()),
            ValueKind::Null => self.null(),
        }
    }
    /// Consumes one value of any kind, validating it, and appends its JSON text to `out`
    /// without the whitespace between tokens (strings are copied as written, escapes included).
    /// This is how `--unions string` stores a non-string value in a string column.
    pub fn value_text_into(&mut self, out: &mut Vec<u8>) -> ParseResult<()> {
        self.peek()?;
        let start = self.pos;
        self.skip_value()?;
        let (mut in_string, mut escaped) = (false, false);
        for &b in &self.buf[start..self.pos] {
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
            } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                continue;
            } else if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `next_key_is` agrees with `next_key`, its oracle: a match is exactly the key and
    /// position `next_key` reaches; a miss consumes nothing `next_key` then needs.
    #[test]
    fn next_key_is_matches_exactly_what_next_key_reads() {
        let members = [
            r#""ab": 1"#,
            r#""ab":1"#,
            r#" "ab" :	1"#,
            r#""abc": 1"#,
            r#""a": 1"#,
            r#""a\u0062": 1"#,
            r#""a\b": 1"#,
            r#""": 1"#,
            r#""ab" 1"#,
            r#""ab"#,
            r#"ab: 1"#,
        ];
        for expected in [&b"ab"[..], b"a", b"abc", b""] {
            for member in members {
                for first in [true, false] {
                    let text = if first {
                        format!("{{{member}}}")
                    } else {
                        format!("{{\"z\": 0 ,{member}}}")
                    };
                    let mut fast = Parser::new(text.as_bytes(), 0, 64);
                    fast.begin_object().unwrap();
                    if !first {
                        let mut scratch = Vec::new();
                        fast.next_key(true, &mut scratch).unwrap();
                        fast.skip_value().unwrap();
                    }
                    let mut slow = fast.clone();
                    let mut scratch = Vec::new();
                    let oracle = slow
                        .next_key(first, &mut scratch)
                        .map(|k| k.map(<[u8]>::to_vec));
                    if fast.next_key_is(first, expected) {
                        assert_eq!(oracle, Ok(Some(expected.to_vec())), "{text}");
                        assert_eq!(fast.pos(), slow.pos(), "{text}");
                        assert_eq!(fast.last_key_offset(), slow.last_key_offset(), "{text}");
                    } else {
                        let plain_match = matches!(&oracle, Ok(Some(k)) if k == expected)
                            && !member.contains('\\');
                        assert!(!plain_match, "missed a plain {expected:?} in {text}");
                        let again = fast
                            .next_key(first, &mut scratch)
                            .map(|k| k.map(<[u8]>::to_vec));
                        assert_eq!(again, oracle, "{text}");
                        assert_eq!(fast.pos(), slow.pos(), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn plain_keys_are_those_written_without_escapes() {
        assert!(plain_key(b"task.id"));
        assert!(plain_key("é".as_bytes()));
        assert!(plain_key(b""));
        assert!(!plain_key(b"a\"b"));
        assert!(!plain_key(b"a\\b"));
        assert!(!plain_key(b"a\nb"));
    }

    #[test]
    fn skip_value_walks_nested_documents_and_bounds_depth() {
        let doc = br#"{"a": [1, {"b": "x\u00e9"}, [], null, true], "c": {}}"#;
        let mut p = Parser::new(doc, 0, 64);
        p.skip_value().unwrap();
        assert!(p.at_end());
        let deep = "[".repeat(100_000);
        let mut p = Parser::new(deep.as_bytes(), 0, 1000);
        assert_eq!(p.skip_value().unwrap_err().kind, ParseErrorKind::TooDeep);
    }

    #[test]
    fn keys_borrow_or_decode() {
        let doc = br#"{"plain": 1, "esc\u0041pe": 2}"#;
        let mut p = Parser::new(doc, 0, 8);
        assert_eq!(p.peek().unwrap(), ValueKind::Object);
        p.begin_object().unwrap();
        let mut scratch = Vec::new();
        assert_eq!(p.next_key(true, &mut scratch).unwrap(), Some(&b"plain"[..]));
        assert_eq!(p.peek().unwrap(), ValueKind::Number);
        assert_eq!(p.number().unwrap(), Number::Int(1));
        assert_eq!(
            p.next_key(false, &mut scratch).unwrap(),
            Some(&b"escApe"[..])
        );
        assert_eq!(p.peek().unwrap(), ValueKind::Number);
        assert_eq!(p.number().unwrap(), Number::Int(2));
        assert_eq!(p.next_key(false, &mut scratch).unwrap(), None);
    }
}
