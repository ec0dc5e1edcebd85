//! JSON numbers: the grammar check and the exact conversion (`i64`, `i128` up to 38 digits,
//! finite `f64`), and the look-ahead a union uses to pick its member.

use super::{describe, Number, ParseErrorKind, ParseResult, Parser};

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
