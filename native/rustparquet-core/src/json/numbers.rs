//! JSON numbers: the grammar check and the exact conversion (`i64`, `i128` up to 38 digits,
//! finite `f64`), and the look-ahead a union uses to pick its member.

use super::{describe, Number, NumberKind, ParseErrorKind, ParseResult, Parser};

/// Integer digits a float literal without an exponent may have and still be sure to be a
/// finite double (the largest is about 1.8 × 10^308).
const FINITE_DOUBLE_DIGITS: usize = 308;

/// Powers of ten a double holds exactly (10^22 is the last).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A float literal's nearest double computed directly when that is exact arithmetic: when its
/// digits, read as one integer, fit in a double's 53-bit significand and its power of ten is
/// within ±22, both are exact doubles and one multiplication or division rounds correctly
/// (Clinger's fast path), so the result is the one `str::parse` gives. `None` for any other
/// literal (the caller converts it the general way). `text` is the grammar-checked literal from
/// its first digit (the sign is `negative`).
#[inline]
fn exact_short_float(negative: bool, text: &[u8]) -> Option<f64> {
    const SIGNIFICAND_LIMIT: u64 = 1 << 53;
    let mut digits: u64 = 0;
    let mut digit_count = 0;
    let mut fraction_digits: i32 = 0;
    let mut in_fraction = false;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        match c {
            b'0'..=b'9' => {
                digit_count += 1;
                if digit_count > 19 {
                    return None;
                }
                digits = digits * 10 + u64::from(c - b'0');
                fraction_digits += i32::from(in_fraction);
            }
            b'.' => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    let mut exponent: i32 = 0;
    if let Some(&c) = text.get(i) {
        // `e` or `E`: the grammar allows nothing else here.
        debug_assert!(c | 0x20 == b'e');
        i += 1;
        let exponent_negative = text.get(i) == Some(&b'-');
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exponent_digits = &text[i..];
        if exponent_digits.len() > 4 {
            return None;
        }
        for &d in exponent_digits {
            exponent = exponent * 10 + i32::from(d - b'0');
        }
        if exponent_negative {
            exponent = -exponent;
        }
    }
    if digits > SIGNIFICAND_LIMIT {
        return None;
    }
    let power = exponent - fraction_digits;
    let scale = *EXACT_POWERS_OF_TEN.get(power.unsigned_abs() as usize)?;
    let magnitude = if power >= 0 {
        digits as f64 * scale
    } else {
        digits as f64 / scale
    };
    Some(if negative { -magnitude } else { magnitude })
}

impl<'a> Parser<'a> {
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
            if let Some(v) = exact_short_float(negative, &buf[digits_start..i]) {
                return Ok(Number::Float(v));
            }
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

    /// Consumes a number and says what kind it is, with the same checks and errors as
    /// [`Parser::number`] but converting only when the kind depends on the value: an integer
    /// of 19 to 38 digits (int64 or beyond), and a float that could overflow a double (one with
    /// an exponent, or more integer digits than a finite double has). Inference walks every
    /// number and needs only this.
    #[inline]
    pub fn number_kind(&mut self) -> ParseResult<NumberKind> {
        let (start, _, digits_start, digits_end, float) = self.scan_number()?;
        let digits = digits_end - digits_start;
        if !float && digits <= 18 {
            return Ok(NumberKind::Int);
        }
        if float {
            let exponent = self.buf[digits_end..self.pos]
                .iter()
                .any(|&c| c | 0x20 == b'e');
            // Without an exponent the value is below 10^digits: finite below 10^308.
            if !exponent && digits <= FINITE_DOUBLE_DIGITS {
                return Ok(NumberKind::Float { exponent: false });
            }
        }
        self.pos = start;
        Ok(match self.number()? {
            Number::Int(_) => NumberKind::Int,
            Number::Big(_) => NumberKind::Big,
            Number::Float(_) => NumberKind::Float {
                exponent: self.buf[digits_end..self.pos]
                    .iter()
                    .any(|&c| c | 0x20 == b'e'),
            },
        })
    }

    /// The number at the current position, without consuming it (a union picks its member
    /// by the kind of number before the member's column parses it).
    pub fn peek_number(&mut self) -> ParseResult<Number> {
        let start = self.pos;
        let number = self.number();
        self.pos = start;
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> ParseResult<Number> {
        Parser::new(text.as_bytes(), 0, 64).number()
    }

    fn kind(text: &str) -> ParseResult<NumberKind> {
        Parser::new(text.as_bytes(), 0, 64).number_kind()
    }

    #[test]
    fn number_kinds_agree_with_numbers() {
        let long_int = "9".repeat(308);
        let long_float = format!("{}.5", "9".repeat(309));
        let texts = [
            "0",
            "-12",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "18446744073709551615",
            "1.5",
            "-0.0",
            "1.5e3",
            "1E-400",
            "1e400",
            "2.5E+2",
            &long_int,
            &long_float,
            "-",
            "1.",
            "1.x",
            "-a",
            "1e",
            "123456789012345678",
        ];
        let big = "9".repeat(39);
        for text in texts.iter().copied().chain([big.as_str()]) {
            let expected = number(text).map(|n| match n {
                Number::Int(_) => NumberKind::Int,
                Number::Big(_) => NumberKind::Big,
                Number::Float(_) => NumberKind::Float {
                    exponent: text.contains(['e', 'E']),
                },
            });
            let mut p = Parser::new(text.as_bytes(), 0, 64);
            let got = p.number_kind();
            assert_eq!(got, expected, "{text}");
            if got.is_ok() {
                assert_eq!(p.pos(), text.len(), "{text}");
            }
        }
        assert_eq!(kind("1.25").unwrap(), NumberKind::Float { exponent: false });
    }

    #[test]
    fn short_floats_convert_as_parse_does() {
        let mut texts: Vec<String> = [
            "0.0",
            "-0.0",
            "1.5",
            "0.1",
            "0.3",
            "123.456",
            "9007199254740993.0",
            "9007199254740992.0",
            "1e22",
            "1e23",
            "1.7976931348623157e308",
            "4.9e-324",
            "123456789012345678.9",
            "1234567890123456789.5",
            "0.000000000000000000001",
            "2.5E+2",
            "2.5e-2",
            "-7.25e10",
            "0e400",
            "1.0e-22",
            "3.0e-23",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // A simple generator (no dependency): digits, point and exponent from a linear
        // congruential sequence.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for _ in 0..20_000 {
            let int_part = next(1 << 40) >> next(40);
            let fraction_len = next(12) as usize + 1;
            let fraction = next(1 << 40) % 10u64.pow(fraction_len as u32);
            let mut text = format!("{int_part}.{fraction:0fraction_len$}");
            if next(3) == 0 {
                text.push_str(&format!("e{}", next(60) as i64 - 30));
            }
            if next(2) == 0 {
                text.insert(0, '-');
            }
            texts.push(text);
        }
        for text in &texts {
            let expected: f64 = text.parse().unwrap();
            match number(text).unwrap() {
                Number::Float(v) => assert_eq!(v.to_bits(), expected.to_bits(), "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
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
}
