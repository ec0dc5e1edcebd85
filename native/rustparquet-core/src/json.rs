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

use std::borrow::Cow;

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

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of the word needs the string scanner's attention: `"`, `\`, a control
/// character or a non-ASCII byte.
#[inline(always)]
fn has_special_byte(w: u64) -> bool {
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    (below_space
        | has_zero(w ^ (ONES * b'"' as u64))
        | has_zero(w ^ (ONES * b'\\' as u64))
        | (w & HIGHS))
        != 0
}

/// The first index at or after `i` whose byte needs the string scanner (see
/// [`has_special_byte`]), or a point near the end of `buf` from which to go byte by byte.
#[inline(always)]
fn skip_plain_string_bytes(buf: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        // SSE2 is part of x86_64: 16 bytes per step.
        use std::arch::x86_64::*;
        // SAFETY: loads are unaligned and stay within `buf` (i + 16 <= len); SSE2 is always
        // available on x86_64.
        unsafe {
            let quote = _mm_set1_epi8(b'"' as i8);
            let backslash = _mm_set1_epi8(b'\\' as i8);
            // Bytes below 0x20 or at/above 0x80: as signed, below 0x20 means < 0x20 or >= 0x80.
            let space = _mm_set1_epi8(0x20);
            while i + 16 <= buf.len() {
                let v = _mm_loadu_si128(buf.as_ptr().add(i) as *const __m128i);
                let special = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                    _mm_cmplt_epi8(v, space),
                );
                let mask = _mm_movemask_epi8(special) as u32;
                if mask != 0 {
                    return i + mask.trailing_zeros() as usize;
                }
                i += 16;
            }
        }
    }
    while i + 8 <= buf.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&buf[i..i + 8]);
        if has_special_byte(u64::from_le_bytes(word)) {
            break;
        }
        i += 8;
    }
    i
}

/// Byte-slice equality tuned for object keys (short, usually equal when lengths are): two
/// overlapping word loads instead of a call to `memcmp`.
#[inline(always)]
pub fn same_key(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        1..=3 => a == b,
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// Where `key` is in `keys`, looking first at `hint` and the few keys after it (documents
/// mostly repeat one key order, some members missing), before the caller's hash lookup.
#[inline(always)]
pub fn find_key_near(keys: &[Box<[u8]>], key: &[u8], hint: usize) -> Option<usize> {
    let end = keys.len().min(hint.saturating_add(4));
    (hint.min(end)..end).find(|&i| same_key(&keys[i], key))
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

    /// The kind of the next value, without consuming it.
    #[inline]
    pub fn peek(&mut self) -> ParseResult<ValueKind> {
        self.skip_whitespace();
        match self.buf.get(self.pos) {
            None => self.err(self.pos, ParseErrorKind::Eof),
            Some(b'{') => Ok(ValueKind::Object),
            Some(b'[') => Ok(ValueKind::Array),
            Some(b'"') => Ok(ValueKind::String),
            Some(b'-' | b'0'..=b'9') => Ok(ValueKind::Number),
            Some(b't' | b'f') => Ok(ValueKind::Bool),
            Some(b'n') => Ok(ValueKind::Null),
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

    /// Scans a string starting at the current `"`; returns the content's byte range and
    /// whether it holds escapes, leaving the parser after the closing quote.
    #[inline]
    fn scan_string(&mut self) -> ParseResult<(usize, usize, bool)> {
        let buf = self.buf;
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            i = skip_plain_string_bytes(buf, i);
            let Some(&b) = buf.get(i) else {
                return self.err(i, ParseErrorKind::Eof);
            };
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok((start, i, escaped));
                }
                b'\\' => {
                    escaped = true;
                    match buf.get(i + 1) {
                        None => return self.err(i + 1, ParseErrorKind::Eof),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                        Some(b'u') => {
                            for k in 0..4 {
                                match buf.get(i + 2 + k) {
                                    None => return self.err(i + 2 + k, ParseErrorKind::Eof),
                                    Some(h) if h.is_ascii_hexdigit() => {}
                                    Some(_) => {
                                        return self.syntax(
                                            i,
                                            "a \\u escape needs four hexadecimal digits",
                                        )
                                    }
                                }
                            }
                            i += 6;
                        }
                        Some(&e) => {
                            return self
                                .syntax(i, format!("invalid escape \\{} in a string", e as char))
                        }
                    }
                }
                0x00..=0x1f => {
                    return self.syntax(
                        i,
                        format!("control character 0x{b:02x} in a string must be escaped"),
                    )
                }
                0x80..=0xff => i += self.utf8_sequence(i)?,
                _ => i += 1,
            }
        }
    }

    /// Validates the UTF-8 sequence starting at `i`, returning its length.
    fn utf8_sequence(&self, i: usize) -> ParseResult<usize> {
        let buf = self.buf;
        let b0 = buf[i];
        let (len, lo, hi) = match b0 {
            0xc2..=0xdf => (2, 0x80, 0xbf),
            0xe0 => (3, 0xa0, 0xbf),
            0xe1..=0xec | 0xee..=0xef => (3, 0x80, 0xbf),
            0xed => (3, 0x80, 0x9f),
            0xf0 => (4, 0x90, 0xbf),
            0xf1..=0xf3 => (4, 0x80, 0xbf),
            0xf4 => (4, 0x80, 0x8f),
            _ => return self.syntax(i, format!("invalid UTF-8 (byte 0x{b0:02x})")),
        };
        for k in 1..len {
            let Some(&b) = buf.get(i + k) else {
                return self.err(i + k, ParseErrorKind::Eof);
            };
            let (l, h) = if k == 1 { (lo, hi) } else { (0x80, 0xbf) };
            if b < l || b > h {
                return self.syntax(i, format!("invalid UTF-8 (byte 0x{b0:02x} then 0x{b:02x})"));
            }
        }
        Ok(len)
    }

    fn hex4(&self, at: usize) -> u32 {
        self.buf[at..at + 4].iter().fold(0u32, |acc, &h| {
            let d = match h {
                b'0'..=b'9' => h - b'0',
                b'a'..=b'f' => h - b'a' + 10,
                _ => h - b'A' + 10,
            };
            (acc << 4) | d as u32
        })
    }

    /// Decodes the escapes of a scanned string (content `start..end`) into `out`.
    fn decode_escapes(&self, start: usize, end: usize, out: &mut Vec<u8>) -> ParseResult<()> {
        let buf = self.buf;
        let mut i = start;
        while i < end {
            let Some(off) = memchr::memchr(b'\\', &buf[i..end]) else {
                out.extend_from_slice(&buf[i..end]);
                break;
            };
            out.extend_from_slice(&buf[i..i + off]);
            i += off;
            let c = buf[i + 1];
            i += 2;
            let ch = match c {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                _ => {
                    // b'u', validated by scan_string.
                    let esc = i - 2;
                    let hi = self.hex4(i);
                    i += 4;
                    let code = if (0xd800..0xdc00).contains(&hi) {
                        if buf.get(i) == Some(&b'\\')
                            && buf.get(i + 1) == Some(&b'u')
                            && i + 6 <= end
                        {
                            let lo = self.hex4(i + 2);
                            if !(0xdc00..0xe000).contains(&lo) {
                                return self.syntax(esc, "lone surrogate in a \\u escape (Parquet strings must be valid UTF-8)");
                            }
                            i += 6;
                            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                        } else {
                            return self.syntax(esc, "lone surrogate in a \\u escape (Parquet strings must be valid UTF-8)");
                        }
                    } else if (0xdc00..0xe000).contains(&hi) {
                        return self.syntax(
                            esc,
                            "lone surrogate in a \\u escape (Parquet strings must be valid UTF-8)",
                        );
                    } else {
                        hi
                    };
                    // Valid scalar value by construction.
                    let ch = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                    continue;
                }
            };
            out.push(ch);
        }
        Ok(())
    }

    /// Consumes a string, appending its decoded UTF-8 bytes to `out`.
    #[inline]
    pub fn string_into(&mut self, out: &mut Vec<u8>) -> ParseResult<()> {
        let (start, end, escaped) = self.scan_string()?;
        if escaped {
            self.decode_escapes(start, end, out)
        } else {
            out.extend_from_slice(&self.buf[start..end]);
            Ok(())
        }
    }

    /// Consumes a string without decoding it, checking its escapes.
    pub fn skip_string(&mut self) -> ParseResult<()> {
        let (start, end, escaped) = self.scan_string()?;
        if escaped {
            // Surrogate pairing is only checked by decoding.
            let mut sink = Vec::new();
            self.decode_escapes(start, end, &mut sink)?;
        }
        Ok(())
    }

    /// Consumes a number's text, checked against the JSON grammar but not converted: the
    /// Variant encoder ([`crate::variant`]) decides its type from the digits as written.
    #[inline]
    pub fn number_text(&mut self) -> ParseResult<&'a [u8]> {
        let (start, ..) = self.scan_number()?;
        Ok(&self.buf[start..self.pos])
    }

    /// Scans a number and moves past it: its start, sign, integer digits and whether it has
    /// a fraction or an exponent.
    #[inline(always)]
    fn scan_number(&mut self) -> ParseResult<(usize, bool, usize, usize, bool)> {
        let buf = self.buf;
        let start = self.pos;
        let mut i = start;
        let negative = buf.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let digits_start = i;
        match buf.get(i) {
            None => return self.err(i, ParseErrorKind::Eof),
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                i += 1;
                while matches!(buf.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            Some(&b) => {
                return self.syntax(
                    i,
                    format!("invalid number: expected a digit, found {}", describe(b)),
                )
            }
        }
        let digits_end = i;
        let mut float = false;
        if buf.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            match buf.get(i) {
                None => return self.err(i, ParseErrorKind::Eof),
                Some(b'0'..=b'9') => {}
                Some(_) => return self.syntax(i, "invalid number: expected a digit after '.'"),
            }
            while matches!(buf.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(buf.get(i), Some(b'e' | b'E')) {
            float = true;
            i += 1;
            if matches!(buf.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            match buf.get(i) {
                None => return self.err(i, ParseErrorKind::Eof),
                Some(b'0'..=b'9') => {}
                Some(_) => {
                    return self.syntax(i, "invalid number: expected a digit in the exponent")
                }
            }
            while matches!(buf.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        self.pos = i;
        Ok((start, negative, digits_start, digits_end, float))
    }

    /// Consumes a number.
    #[inline]
    pub fn number(&mut self) -> ParseResult<Number> {
        let (start, negative, digits_start, digits_end, float) = self.scan_number()?;
        let buf = self.buf;
        let i = self.pos;
        if float {
            // The slice is ASCII digits, signs, '.', 'e': always valid UTF-8.
            let text = std::str::from_utf8(&buf[start..i]).unwrap_or("");
            return match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Number::Float(v)),
                _ => self.err(
                    start,
                    ParseErrorKind::Unsupported(
                        format!("number {text} is beyond the range of a double").into(),
                    ),
                ),
            };
        }
        let digits = &buf[digits_start..digits_end];
        if digits.len() <= 18 {
            let mut v: i64 = 0;
            for &d in digits {
                v = v * 10 + (d - b'0') as i64;
            }
            return Ok(Number::Int(if negative { -v } else { v }));
        }
        if digits.len() > 38 {
            return self.err(
                start,
                ParseErrorKind::Unsupported(
                    format!(
                        "integer with {} digits is beyond decimal(38,0), the widest integer column",
                        digits.len()
                    )
                    .into(),
                ),
            );
        }
        let mut v: i128 = 0;
        for &d in digits {
            v = v * 10 + (d - b'0') as i128;
        }
        let v = if negative { -v } else { v };
        Ok(match i64::try_from(v) {
            Ok(small) => Number::Int(small),
            Err(_) => Number::Big(v),
        })
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

    /// The number at the current position, without consuming it (a union picks its member
    /// by the kind of number before the member's column parses it).
    pub fn peek_number(&mut self) -> ParseResult<Number> {
        let start = self.pos;
        let number = self.number();
        self.pos = start;
        number
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

    fn string(text: &str) -> ParseResult<Vec<u8>> {
        let mut p = Parser::new(text.as_bytes(), 0, 64);
        let mut out = Vec::new();
        p.string_into(&mut out)?;
        Ok(out)
    }

    fn number(text: &str) -> ParseResult<Number> {
        Parser::new(text.as_bytes(), 0, 64).number()
    }

    #[test]
    fn strings_decode_escapes_and_pairs() {
        assert_eq!(string(r#""plain""#).unwrap(), b"plain");
        assert_eq!(
            string(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
            b"a\"b\\c/d\x08\x0c\n\r\t"
        );
        assert_eq!(string(r#""\u00e9\u2713""#).unwrap(), "é✓".as_bytes());
        assert_eq!(string(r#""\ud83d\ude00""#).unwrap(), "😀".as_bytes());
        assert_eq!(
            string("\"日本語 long enough to use words\"").unwrap(),
            "日本語 long enough to use words".as_bytes()
        );
    }

    #[test]
    fn strings_reject_what_json_forbids() {
        let reason = |t: &[u8]| {
            let mut p = Parser::new(t, 0, 64);
            p.string_into(&mut Vec::new()).unwrap_err()
        };
        assert!(matches!(
            reason(b"\"a\x01b\"").kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(reason(b"\"\\x\"").kind, ParseErrorKind::Syntax(_)));
        assert!(matches!(
            reason(b"\"\xff\"").kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            reason(b"\"\xed\xa0\x80\"").kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            reason(br#""\ud800""#).kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            reason(br#""\udc00\ud800""#).kind,
            ParseErrorKind::Syntax(_)
        ));
        assert_eq!(reason(b"\"abc").kind, ParseErrorKind::Eof);
        assert_eq!(reason(b"\"ab\xe2\x9c").kind, ParseErrorKind::Eof);
    }

    #[test]
    fn numbers_are_exact_or_refused() {
        assert_eq!(number("0").unwrap(), Number::Int(0));
        assert_eq!(number("-12").unwrap(), Number::Int(-12));
        assert_eq!(
            number("9223372036854775807").unwrap(),
            Number::Int(i64::MAX)
        );
        assert_eq!(
            number("-9223372036854775808").unwrap(),
            Number::Int(i64::MIN)
        );
        assert_eq!(
            number("18446744073709551615").unwrap(),
            Number::Big(18446744073709551615)
        );
        assert_eq!(number("1.5e3").unwrap(), Number::Float(1500.0));
        assert_eq!(number("-0.0").unwrap(), Number::Float(-0.0));
        assert_eq!(number("1E-400").unwrap(), Number::Float(0.0));
        assert!(matches!(
            number("1e400").unwrap_err().kind,
            ParseErrorKind::Unsupported(_)
        ));
        assert!(matches!(
            number(&"9".repeat(39)).unwrap_err().kind,
            ParseErrorKind::Unsupported(_)
        ));
        assert!(matches!(number("-").unwrap_err().kind, ParseErrorKind::Eof));
        assert!(matches!(
            number("1.").unwrap_err().kind,
            ParseErrorKind::Eof
        ));
        assert!(matches!(
            number("1.x").unwrap_err().kind,
            ParseErrorKind::Syntax(_)
        ));
        assert!(matches!(
            number("-a").unwrap_err().kind,
            ParseErrorKind::Syntax(_)
        ));
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

    #[test]
    fn vector_scanner_stops_at_the_first_special_byte() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f, 0x80, 0xc3, 0xff] {
                    let mut buf = vec![b'a'; len];
                    buf[at] = special;
                    let stop = skip_plain_string_bytes(&buf, 0);
                    assert!(
                        stop <= at,
                        "len {len} at {at} byte {special:#x}: stopped at {stop}"
                    );
                    assert!(buf[stop..at].iter().all(|&b| b == b'a'));
                }
            }
            let buf = vec![b'a'; len];
            assert!(skip_plain_string_bytes(&buf, 0) <= len);
        }
    }

    #[test]
    fn same_key_agrees_with_slice_equality() {
        let keys: Vec<Vec<u8>> = (0..20)
            .flat_map(|n| {
                let base: Vec<u8> = (0..n).map(|i| b'a' + i as u8).collect();
                let mut variants = vec![base.clone()];
                for at in 0..n {
                    let mut v = base.clone();
                    v[at] = b'Z';
                    variants.push(v);
                }
                variants
            })
            .collect();
        for a in &keys {
            for b in &keys {
                assert_eq!(same_key(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn word_scanner_finds_every_special_byte() {
        for special in [b'"', b'\\', 0x00, 0x1f, 0x80, 0xff] {
            for at in 0..8 {
                let mut w = [b'a'; 8];
                w[at] = special;
                assert!(
                    has_special_byte(u64::from_le_bytes(w)),
                    "{special:#x} at {at}"
                );
            }
        }
        assert!(!has_special_byte(u64::from_le_bytes(*b" ~azAZ09")));
    }
}
