//! JSON strings: the vector scanner that finds the next byte needing attention (a quote, a
//! backslash, a control character or a non-ASCII byte), UTF-8 validation, escape decoding
//! (with surrogate pairs checked), and the key comparison the object walks use.

use super::{ParseErrorKind, ParseResult, Parser};

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

/// Whether a decoded key is written the same in JSON text: no quote, backslash or control
/// byte, which a document could only write escaped ([`Parser::next_key_is`]).
pub fn plain_key(key: &[u8]) -> bool {
    key.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// Where `key` is in `keys`, looking first at `hint` and the few keys after it (documents
/// mostly repeat one key order, some members missing), before the caller's hash lookup.
#[inline(always)]
pub fn find_key_near(keys: &[Box<[u8]>], key: &[u8], hint: usize) -> Option<usize> {
    let end = keys.len().min(hint.saturating_add(4));
    (hint.min(end)..end).find(|&i| same_key(&keys[i], key))
}

impl Parser<'_> {
    /// Scans a string starting at the current `"`; returns the content's byte range and
    /// whether it holds escapes, leaving the parser after the closing quote.
    #[inline]
    pub(super) fn scan_string(&mut self) -> ParseResult<(usize, usize, bool)> {
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
    pub(super) fn decode_escapes(
        &self,
        start: usize,
        end: usize,
        out: &mut Vec<u8>,
    ) -> ParseResult<()> {
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
