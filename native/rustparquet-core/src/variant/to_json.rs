//! A decoded [`Variant`] as JSON text, the way Spark 4's `to_json` prints one (its
//! `Variant.toJson`), so `rustparquet cat` and Spark agree on a file:
//!
//! * object members in the order of their field ids (the spec sorts them by name);
//! * integers exact; decimals exact without trailing fraction zeros, as Spark's
//!   `stripTrailingZeros().toPlainString()` prints them (`1.50` is `1.5`, `1.0` is `1`,
//!   `100` stays `100`; checked against Spark 4.3's `to_json(parse_json(...))`); doubles and floats
//!   in the shortest form that reads back to the same value (NaN and infinities as
//!   [`NonFinite`] says, since JSON has no such numbers);
//! * strings escaped as JSON needs, nothing else escaped;
//! * binary as standard base64 with padding, in a string;
//! * a date as `"2025-04-16"`; a timestamp with time zone as `"2025-04-16 12:34:56.78+00:00"`
//!   (in UTC: a file has no session time zone), one without as `"2025-04-16 12:34:56.78"`:
//!   seconds always, a fraction only when not zero and without trailing zeros; a year beyond
//!   9999 gets a `+`, as Java's `LocalDate` prints it;
//! * the types Spark 4 cannot hold print in the same style: time as `"12:33:54.123456"`,
//!   nanosecond timestamps with up to nine fraction digits, a UUID in its hyphenated form.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use parquet_variant::Variant;

use crate::assemble::scalar::{self, NonFinite};

/// Days from 0001-01-01 (chrono's `num_days_from_ce` day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A decimal without the trailing zeros of its fraction (Spark's `to_json`).
fn write_decimal(out: &mut Vec<u8>, mut unscaled: i128, mut scale: u8) {
    while scale > 0 && unscaled % 10 == 0 {
        unscaled /= 10;
        scale -= 1;
    }
    scalar::write_decimal_i128(out, unscaled, scale as i8)
}

/// Appends the JSON text of `v`. `v` must be validated ([`Variant::try_new`]): decoding a
/// validated variant cannot fail.
pub fn write_json(out: &mut Vec<u8>, v: &Variant<'_, '_>, nf: NonFinite) {
    match v {
        Variant::Null => out.extend_from_slice(b"null"),
        Variant::BooleanTrue => out.extend_from_slice(b"true"),
        Variant::BooleanFalse => out.extend_from_slice(b"false"),
        Variant::Int8(i) => scalar::write_i64(out, *i as i64),
        Variant::Int16(i) => scalar::write_i64(out, *i as i64),
        Variant::Int32(i) => scalar::write_i64(out, *i as i64),
        Variant::Int64(i) => scalar::write_i64(out, *i),
        Variant::Decimal4(d) => write_decimal(out, d.integer() as i128, d.scale()),
        Variant::Decimal8(d) => write_decimal(out, d.integer() as i128, d.scale()),
        Variant::Decimal16(d) => write_decimal(out, d.integer(), d.scale()),
        Variant::Float(f) => scalar::write_f32(out, *f, nf),
        Variant::Double(f) => scalar::write_f64(out, *f, nf),
        Variant::Date(d) => {
            out.push(b'"');
            write_date(out, d);
            out.push(b'"');
        }
        Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => {
            out.push(b'"');
            write_date_time(out, &t.naive_utc());
            out.extend_from_slice(b"+00:00\"");
        }
        Variant::TimestampNtzMicros(t) | Variant::TimestampNtzNanos(t) => {
            out.push(b'"');
            write_date_time(out, t);
            out.push(b'"');
        }
        Variant::Time(t) => {
            out.push(b'"');
            write_time(out, t);
            out.push(b'"');
        }
        Variant::Binary(b) => scalar::write_base64(out, b),
        Variant::String(s) => scalar::write_str(out, s),
        Variant::ShortString(s) => scalar::write_str(out, s.as_str()),
        Variant::Uuid(u) => scalar::write_uuid(out, u.as_bytes()),
        Variant::Object(o) => {
            out.push(b'{');
            for (i, (name, value)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                scalar::write_str(out, name);
                out.push(b':');
                write_json(out, &value, nf);
            }
            out.push(b'}');
        }
        Variant::List(l) => {
            out.push(b'[');
            for (i, value) in l.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(out, &value, nf);
            }
            out.push(b']');
        }
    }
}

/// The JSON text of `v` as a string (tests, messages).
pub fn to_json_string(v: &Variant<'_, '_>, nf: NonFinite) -> String {
    let mut out = Vec::new();
    write_json(&mut out, v, nf);
    // Every piece written above is UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

fn write_date(out: &mut Vec<u8>, d: &NaiveDate) {
    scalar::write_date_parts(out, d.num_days_from_ce() as i64 - UNIX_EPOCH_DAYS_FROM_CE);
}

fn write_date_time(out: &mut Vec<u8>, t: &NaiveDateTime) {
    write_date(out, &t.date());
    out.push(b' ');
    write_time(out, &t.time());
}

/// `HH:MM:SS`, then `.` and the fraction without trailing zeros when it is not zero.
fn write_time(out: &mut Vec<u8>, t: &NaiveTime) {
    scalar::write_padded(out, t.hour() as u64, 2);
    out.push(b':');
    scalar::write_padded(out, t.minute() as u64, 2);
    out.push(b':');
    // A leap second (chrono keeps it as nanoseconds ≥ 1e9) never comes out of a Variant.
    scalar::write_padded(out, t.second() as u64, 2);
    let mut nanos = t.nanosecond() % 1_000_000_000;
    if nanos != 0 {
        let mut digits = 9;
        while nanos.is_multiple_of(10) {
            nanos /= 10;
            digits -= 1;
        }
        out.push(b'.');
        scalar::write_padded(out, nanos as u64, digits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use parquet_variant::{VariantBuilder, VariantDecimal16, VariantDecimal4, VariantDecimal8};

    fn json(v: Variant<'_, '_>) -> String {
        to_json_string(&v, NonFinite::Null)
    }

    #[test]
    fn primitives_print_like_spark() {
        assert_eq!(json(Variant::Null), "null");
        assert_eq!(json(Variant::BooleanTrue), "true");
        assert_eq!(json(Variant::Int8(-5)), "-5");
        assert_eq!(json(Variant::Int64(i64::MIN)), "-9223372036854775808");
        let d4 = VariantDecimal4::try_new(150, 2).unwrap();
        assert_eq!(json(Variant::Decimal4(d4)), "1.5");
        let d4 = VariantDecimal4::try_new(-10, 1).unwrap();
        assert_eq!(json(Variant::Decimal4(d4)), "-1");
        let d4 = VariantDecimal4::try_new(0, 2).unwrap();
        assert_eq!(json(Variant::Decimal4(d4)), "0");
        let d8 = VariantDecimal8::try_new(-5, 3).unwrap();
        assert_eq!(json(Variant::Decimal8(d8)), "-0.005");
        let d16 = VariantDecimal16::try_new(12345678912345678912345678912345678, 0).unwrap();
        assert_eq!(
            json(Variant::Decimal16(d16)),
            "12345678912345678912345678912345678"
        );
        assert_eq!(json(Variant::Double(0.1)), "0.1");
        assert_eq!(json(Variant::Double(f64::NAN)), "null");
        assert_eq!(json(Variant::Float(1.1)), "1.1");
        assert_eq!(json(Variant::Binary(&[3, 19, 55])), "\"AxM3\"");
        assert_eq!(json(Variant::from("a\"\n√")), "\"a\\\"\\n√\"");
        let date = NaiveDate::from_ymd_opt(2025, 4, 16).unwrap();
        assert_eq!(json(Variant::Date(date)), "\"2025-04-16\"");
        let far = NaiveDate::from_ymd_opt(12025, 1, 2).unwrap();
        assert_eq!(json(Variant::Date(far)), "\"+12025-01-02\"");
        let t = DateTime::from_timestamp_micros(1_744_806_896_780_000).unwrap();
        assert_eq!(
            json(Variant::TimestampMicros(t)),
            "\"2025-04-16 12:34:56.78+00:00\""
        );
        assert_eq!(
            json(Variant::TimestampNtzMicros(t.naive_utc())),
            "\"2025-04-16 12:34:56.78\""
        );
        let whole = DateTime::from_timestamp_micros(0).unwrap();
        assert_eq!(
            json(Variant::TimestampMicros(whole)),
            "\"1970-01-01 00:00:00+00:00\""
        );
        let n = DateTime::from_timestamp_nanos(1_731_000_000_123_456_789);
        assert_eq!(
            json(Variant::TimestampNtzNanos(n.naive_utc())),
            "\"2024-11-07 17:20:00.123456789\""
        );
        let time = NaiveTime::from_hms_micro_opt(12, 33, 54, 123_456).unwrap();
        assert_eq!(json(Variant::Time(time)), "\"12:33:54.123456\"");
        let u = uuid::Uuid::from_bytes([
            0xf2, 0x4f, 0x9b, 0x64, 0x81, 0xfa, 0x49, 0xd1, 0xb7, 0x4e, 0x8c, 0x09, 0xa6, 0xe3,
            0x1c, 0x56,
        ]);
        assert_eq!(
            json(Variant::Uuid(u)),
            "\"f24f9b64-81fa-49d1-b74e-8c09a6e31c56\""
        );
    }

    #[test]
    fn objects_print_members_in_field_id_order() {
        let mut b = VariantBuilder::new();
        let mut o = b.new_object();
        o.insert("b", 1i8);
        o.insert("a", "x");
        o.finish();
        let (m, v) = b.finish();
        let v = Variant::try_new(&m, &v).unwrap();
        assert_eq!(json(v), "{\"a\":\"x\",\"b\":1}");
    }
}
