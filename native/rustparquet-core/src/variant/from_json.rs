//! JSON text → Variant bytes, streaming: the encoder pulls events from [`crate::json::Parser`]
//! and pushes them into a [`VariantBuilder`], so a document is never held as a tree.
//!
//! Types, chosen so that reading the value back gives the same JSON:
//! * a number keeps exactly what its text says, in the narrowest Variant type that holds it:
//!   an integer literal becomes int8, int16, int32 or int64, and one beyond int64 a decimal16
//!   of scale 0 (up to 38 digits); a literal with a fraction and no exponent becomes a
//!   decimal4, decimal8 or decimal16 keeping its scale (`1.50` is 150 at scale 2, so `1.5`
//!   and `1.50` stay distinct and `1` differs from `1.0`); only a literal with an exponent, or
//!   with more than 38 significant digits or fraction digits, becomes a double, as Spark's
//!   `parse_json` does;
//! * strings become short strings up to 63 bytes, strings beyond;
//! * objects get their field ids sorted by name (the builder does it); a key repeated in one
//!   object keeps its last value, as everywhere in rustparquet (docs/format.md);
//! * arrays, booleans and null as they are.

use parquet_variant::{
    ObjectFieldBuilder, Variant, VariantBuilder, VariantBuilderExt, VariantDecimal16,
    VariantDecimal4, VariantDecimal8,
};

use crate::json::{ParseError, ParseErrorKind, ParseResult, Parser, ValueKind};

/// Encodes the JSON document at the parser's position as one Variant: `(metadata, value)`.
pub fn encode(p: &mut Parser<'_>) -> ParseResult<(Vec<u8>, Vec<u8>)> {
    let mut builder = VariantBuilder::new();
    encode_value(p, &mut builder)?;
    let at = p.pos();
    builder.try_finish().map_err(|e| unsupported(at, e))
}

/// Encodes one JSON value at the parser's position into `b` (a whole variant, an object
/// field or an array element).
pub fn encode_value<B: VariantBuilderExt>(p: &mut Parser<'_>, b: &mut B) -> ParseResult<()> {
    let at = p.pos();
    match p.peek()? {
        ValueKind::Object => {
            p.begin_object()?;
            let mut object = b.try_new_object().map_err(|e| unsupported(at, e))?;
            let mut scratch = Vec::new();
            let mut first = true;
            while let Some(key) = p.next_key(first, &mut scratch)? {
                first = false;
                let key_at = p.last_key_offset();
                // The parser validated the key's UTF-8 (and decoded its escapes).
                let key = std::str::from_utf8(key).map_err(|e| unsupported(key_at, e))?;
                let mut field = ObjectFieldBuilder::new(key, &mut object);
                encode_value(p, &mut field)?;
            }
            object.finish();
        }
        ValueKind::Array => {
            p.begin_array()?;
            let mut list = b.try_new_list().map_err(|e| unsupported(at, e))?;
            let mut first = true;
            while p.next_element(first)? {
                first = false;
                encode_value(p, &mut list)?;
            }
            list.finish();
        }
        ValueKind::String => {
            let mut text = Vec::new();
            p.string_into(&mut text)?;
            let text = std::str::from_utf8(&text).map_err(|e| unsupported(at, e))?;
            b.append_value(text);
        }
        ValueKind::Number => {
            let text = p.number_text()?;
            append_number(b, text, at)?;
        }
        ValueKind::Bool => b.append_value(p.boolean()?),
        // Not `append_null`: in an object field that means "missing".
        ValueKind::Null => {
            p.null()?;
            b.append_value(Variant::Null);
        }
    }
    Ok(())
}

fn unsupported(offset: usize, e: impl std::fmt::Display) -> ParseError {
    ParseError {
        offset,
        kind: ParseErrorKind::Unsupported(format!("cannot encode as a variant: {e}").into()),
    }
}

/// The largest decimal precision (and scale) a Variant holds: decimal16's.
const MAX_DECIMAL_DIGITS: usize = 38;

/// Appends a number literal (JSON grammar already checked) in the narrowest exact type.
fn append_number<B: VariantBuilderExt>(b: &mut B, text: &[u8], at: usize) -> ParseResult<()> {
    match exact_number(text) {
        Some(v) => b.append_value(v),
        None => {
            // ASCII digits, signs, '.', 'e': valid UTF-8.
            let s = std::str::from_utf8(text).unwrap_or("");
            match s.parse::<f64>() {
                Ok(f) if f.is_finite() => b.append_value(f),
                _ => {
                    return Err(ParseError {
                        offset: at,
                        kind: ParseErrorKind::Unsupported(
                            format!("number {s} is beyond the range of a double").into(),
                        ),
                    })
                }
            }
        }
    }
    Ok(())
}

/// The integer or decimal a number literal is exactly, or `None` when only a double can hold
/// it (an exponent, or more than 38 digits).
fn exact_number(text: &[u8]) -> Option<Variant<'static, 'static>> {
    if text.iter().any(|&c| c == b'e' || c == b'E') {
        return None;
    }
    let (negative, unsigned) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (int, frac) = match unsigned.iter().position(|&c| c == b'.') {
        Some(dot) => (&unsigned[..dot], &unsigned[dot + 1..]),
        None => (unsigned, &[][..]),
    };
    let scale = frac.len();
    // Significant digits: the unscaled integer without its leading zeros.
    let digits = int.iter().chain(frac).skip_while(|&&c| c == b'0').count();
    if scale > MAX_DECIMAL_DIGITS || digits > MAX_DECIMAL_DIGITS {
        return None;
    }
    let mut unscaled: i128 = 0;
    for &c in int.iter().chain(frac) {
        unscaled = unscaled * 10 + (c - b'0') as i128;
    }
    if negative {
        unscaled = -unscaled;
    }
    if scale == 0 {
        if let Ok(i) = i64::try_from(unscaled) {
            return Some(if let Ok(v) = i8::try_from(i) {
                Variant::Int8(v)
            } else if let Ok(v) = i16::try_from(i) {
                Variant::Int16(v)
            } else if let Ok(v) = i32::try_from(i) {
                Variant::Int32(v)
            } else {
                Variant::Int64(i)
            });
        }
    }
    // `scale` ≤ 38 was checked above.
    let scale = scale as u8;
    if let Ok(Ok(d)) = i32::try_from(unscaled).map(|i| VariantDecimal4::try_new(i, scale)) {
        return Some(Variant::Decimal4(d));
    }
    if let Ok(Ok(d)) = i64::try_from(unscaled).map(|i| VariantDecimal8::try_new(i, scale)) {
        return Some(Variant::Decimal8(d));
    }
    VariantDecimal16::try_new(unscaled, scale)
        .ok()
        .map(Variant::Decimal16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::NonFinite;
    use crate::variant::to_json::to_json_string;

    fn round_trip(text: &str) -> (String, String) {
        let mut p = Parser::new(text.as_bytes(), 0, 64);
        let (m, v) = encode(&mut p).unwrap();
        let variant = Variant::try_new(&m, &v).unwrap();
        (
            format!("{variant:?}"),
            to_json_string(&variant, NonFinite::Null),
        )
    }

    fn typed(text: &str) -> String {
        round_trip(text).0
    }

    #[test]
    fn numbers_take_the_narrowest_exact_type() {
        assert_eq!(typed("1"), "Int8(1)");
        assert_eq!(typed("-129"), "Int16(-129)");
        assert_eq!(typed("40000"), "Int32(40000)");
        assert_eq!(typed("3000000000"), "Int64(3000000000)");
        assert!(typed("9223372036854775808").starts_with("Decimal16"));
        assert!(typed("1.50").starts_with("Decimal4"), "{}", typed("1.50"));
        assert!(typed("1234567890.5").starts_with("Decimal8"));
        assert!(typed("0.0000000001").starts_with("Decimal8"));
        assert!(typed("12345678901234567890.5").starts_with("Decimal16"));
        assert_eq!(typed("1e3"), "Double(1000.0)");
        assert_eq!(typed("1.5E-1"), "Double(0.15)");
        // 39 significant digits: only a double holds it.
        assert!(typed("123456789012345678901234567890123456789").starts_with("Double"));
        assert!(typed("0.123456789012345678901234567890123456789").starts_with("Double"));
    }

    /// The same JSON value comes back, printed as Spark's `to_json` prints it (decimals
    /// without trailing fraction zeros; the variant itself keeps the scale, above).
    #[test]
    fn json_comes_back_exactly() {
        for (input, output) in [
            ("1.50", "1.5"),
            ("-0.005", "-0.005"),
            ("1.0", "1"),
            ("1", "1"),
            (
                "12345678901234567890123456789012345678",
                "12345678901234567890123456789012345678",
            ),
            ("1e3", "1000.0"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("\"short\"", "\"short\""),
            ("null", "null"),
            ("[]", "[]"),
            ("{}", "{}"),
            (
                "{\"b\": [1, null, {\"z\": true}], \"a\": \"x\", \"c\": {}}",
                "{\"a\":\"x\",\"b\":[1,null,{\"z\":true}],\"c\":{}}",
            ),
            ("{\"a\": 1, \"a\": 2}", "{\"a\":2}"),
        ] {
            assert_eq!(round_trip(input).1, output, "{input}");
        }
        let long = format!("\"{}\"", "é".repeat(40));
        assert_eq!(round_trip(&long).1, long);
        assert!(typed(&long).starts_with("String"));
        assert!(typed("\"short\"").starts_with("ShortString"));
    }

    #[test]
    fn null_members_stay_present() {
        assert_eq!(round_trip("{\"a\": null}").1, "{\"a\":null}");
    }

    #[test]
    fn errors_carry_the_offset() {
        let mut p = Parser::new(b"{\"a\": [1, }", 0, 64);
        let e = encode(&mut p).unwrap_err();
        assert_eq!(e.offset, 10);
        let mut p = Parser::new(b"[[[1]]]", 0, 2);
        assert_eq!(encode(&mut p).unwrap_err().kind, ParseErrorKind::TooDeep);
        let mut p = Parser::new(b"1e400", 0, 2);
        assert!(matches!(
            encode(&mut p).unwrap_err().kind,
            ParseErrorKind::Unsupported(_)
        ));
    }
}
