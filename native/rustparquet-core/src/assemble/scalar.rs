//! JSON text for one leaf value: integers, shortest round-trip floats, exact decimals, escaped
//! strings, base64 for binary, ISO-8601 for dates, times and timestamps, UUIDs.
//!
//! Everything appends bytes to a `Vec<u8>`; nothing allocates per value. The calendar code is
//! proleptic Gregorian over the whole `i64` range (Spark's INT96 files hold years like 290000),
//! so no value is ever out of range. Decisions on values JSON cannot hold (NaN, ±infinity)
//! are taken by the caller ([`NonFinite`]).

use arrow_schema::TimeUnit;

/// What to write for NaN and ±infinity, which JSON numbers cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NonFinite {
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`: the strings Spark's JSON reader accepts for a
    /// double column. The default: nothing is lost.
    #[default]
    String,
    /// `null`.
    Null,
}

const DIGITS2: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends the decimal digits of `v`.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGITS2[d..d + 2]);
    }
    if v >= 10 {
        let d = v as usize * 2;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGITS2[d..d + 2]);
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[pos..]);
}

/// Appends `v` as a JSON integer.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Appends `v` with at least `width` digits, zero padded (no sign handling).
pub(crate) fn write_padded(out: &mut Vec<u8>, v: u64, width: usize) {
    let start = out.len();
    write_u64(out, v);
    let len = out.len() - start;
    if len < width {
        let pad = width - len;
        out.splice(start..start, std::iter::repeat_n(b'0', pad));
    }
}

fn write_non_finite(out: &mut Vec<u8>, v: f64, mode: NonFinite) {
    match mode {
        NonFinite::Null => out.extend_from_slice(b"null"),
        NonFinite::String if v.is_nan() => out.extend_from_slice(b"\"NaN\""),
        NonFinite::String if v > 0.0 => out.extend_from_slice(b"\"Infinity\""),
        NonFinite::String => out.extend_from_slice(b"\"-Infinity\""),
    }
}

/// Appends a double in Rust's shortest round-trip form (`1.0`, `0.1`, `1e300`, `-0.0`).
pub fn write_f64(out: &mut Vec<u8>, v: f64, mode: NonFinite) {
    if !v.is_finite() {
        return write_non_finite(out, v, mode);
    }
    use std::io::Write;
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{v:?}");
}

/// Appends a float in the shortest form that round-trips *as an f32* (`1.1`, not
/// `1.100000023841858`).
pub fn write_f32(out: &mut Vec<u8>, v: f32, mode: NonFinite) {
    if !v.is_finite() {
        return write_non_finite(out, v as f64, mode);
    }
    use std::io::Write;
    let _ = write!(out, "{v:?}");
}

/// Appends an unscaled decimal integer (its digits, possibly with `-`) with `scale` digits
/// after the point: exact, never through a float. `12345`, scale 2 → `123.45`;
/// `-5`, scale 3 → `-0.005`; scale -2 → `1234500`.
pub fn write_decimal_digits(out: &mut Vec<u8>, unscaled: &str, scale: i8) {
    let (neg, digits) = match unscaled.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, unscaled),
    };
    if neg {
        out.push(b'-');
    }
    if scale <= 0 {
        out.extend_from_slice(digits.as_bytes());
        if digits != "0" {
            out.extend(std::iter::repeat_n(b'0', (-(scale as i32)) as usize));
        }
        return;
    }
    let scale = scale as usize;
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(int.as_bytes());
        out.push(b'.');
        out.extend_from_slice(frac.as_bytes());
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits.as_bytes());
    }
}

/// Appends an `i128` decimal (Decimal32/64/128 unscaled value).
pub fn write_decimal_i128(out: &mut Vec<u8>, unscaled: i128, scale: i8) {
    if scale == 0 {
        if let Ok(v) = i64::try_from(unscaled) {
            return write_i64(out, v);
        }
    }
    write_decimal_digits(out, &unscaled.to_string(), scale);
}

/// JSON escapes: 0 = copy, `b'u'` = `\u00XX`, else the character after the backslash.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends `s` as a JSON string literal, quotes included.
#[inline]
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    write_str_bytes(out, s.as_bytes())
}

/// Like [`write_str`] for bytes known to be UTF-8.
pub fn write_str_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = ESCAPE[b as usize];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.push(b'\\');
            out.push(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends `bytes` as a quoted standard base64 string (RFC 4648, with padding).
pub fn write_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(bytes.len().div_ceil(3) * 4 + 2);
    out.push(b'"');
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        out.extend_from_slice(&[
            ALPHABET[(n >> 18) as usize & 63],
            ALPHABET[(n >> 12) as usize & 63],
            ALPHABET[(n >> 6) as usize & 63],
            ALPHABET[n as usize & 63],
        ]);
    }
    match chunks.remainder() {
        [a] => {
            let n = (*a as u32) << 16;
            out.extend_from_slice(&[
                ALPHABET[(n >> 18) as usize & 63],
                ALPHABET[(n >> 12) as usize & 63],
                b'=',
                b'=',
            ]);
        }
        [a, b] => {
            let n = (*a as u32) << 16 | (*b as u32) << 8;
            out.extend_from_slice(&[
                ALPHABET[(n >> 18) as usize & 63],
                ALPHABET[(n >> 12) as usize & 63],
                ALPHABET[(n >> 6) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
    out.push(b'"');
}

/// Appends a 16-byte UUID as `"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"`; other lengths as base64.
pub fn write_uuid(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() != 16 {
        return write_base64(out, bytes);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push(b'-');
        }
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 0xf) as usize]);
    }
    out.push(b'"');
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31), proleptic Gregorian, any `i64`.
/// The era arithmetic of H. Hinnant's `civil_from_days`, re-derived here in i128 so that no
/// input overflows.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days as i128 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    // |days| ≤ 2^63 keeps |y| far below i64::MAX.
    (y as i64, m, d)
}

/// (year, month 1-12, day 1-31) in the proleptic Gregorian calendar → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (m as i128, d as i128);
    let y = y as i128 - (m <= 2) as i128;
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i64
}

/// The first day of the Gregorian calendar, 1582-10-15, in days since 1970-01-01.
const GREGORIAN_START_DAYS: i64 = -141_427;

/// Spark's legacy (hybrid) day numbers → proleptic Gregorian ones. Spark 2.x (and Spark 3 with
/// rebase mode `LEGACY`, which says so in the footer) counts days before 1582-10-15 in the
/// Julian calendar; the date a reader should show is that Julian calendar date, whose
/// proleptic Gregorian day number this returns (0001-01-01 Julian is 2 days after 0001-01-01
/// Gregorian would be counted from).
pub fn julian_to_gregorian_days(days: i64) -> i64 {
    if days >= GREGORIAN_START_DAYS {
        return days;
    }
    // The Julian calendar date of the day, from its Julian Day Number.
    let c = days as i128 + 2_440_588 + 32_082;
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    let day = e - (153 * m + 2).div_euclid(5) + 1;
    let month = m + 3 - 12 * m.div_euclid(10);
    let year = d - 4800 + m.div_euclid(10);
    days_from_civil(year as i64, month as u32, day as u32)
}

/// A legacy-calendar timestamp (a count of `unit` since the epoch, UTC) rebased like its day.
pub fn julian_to_gregorian_timestamp(value: i64, unit: TimeUnit) -> i64 {
    let per_day = 86_400 * unit_scale(unit).0;
    let (days, within) = (value.div_euclid(per_day), value.rem_euclid(per_day));
    let rebased = julian_to_gregorian_days(days);
    rebased.saturating_mul(per_day).saturating_add(within)
}

fn write_year(out: &mut Vec<u8>, y: i64) {
    if (0..=9999).contains(&y) {
        write_padded(out, y as u64, 4);
    } else {
        // ISO 8601 expanded representation: a sign and at least four digits.
        out.push(if y < 0 { b'-' } else { b'+' });
        write_padded(out, y.unsigned_abs(), 4);
    }
}

pub(crate) fn write_date_parts(out: &mut Vec<u8>, days: i64) {
    let (y, m, d) = civil_from_days(days);
    write_year(out, y);
    out.push(b'-');
    write_padded(out, m as u64, 2);
    out.push(b'-');
    write_padded(out, d as u64, 2);
}

/// Appends `"YYYY-MM-DD"` for days since the epoch.
pub fn write_date(out: &mut Vec<u8>, days: i64) {
    out.push(b'"');
    write_date_parts(out, days);
    out.push(b'"');
}

/// Sub-second units per second and the digits of a full fraction.
fn unit_scale(unit: TimeUnit) -> (i64, usize) {
    match unit {
        TimeUnit::Second => (1, 0),
        TimeUnit::Millisecond => (1_000, 3),
        TimeUnit::Microsecond => (1_000_000, 6),
        TimeUnit::Nanosecond => (1_000_000_000, 9),
    }
}

/// `HH:MM:SS` then a fraction only when it is not zero, in groups of three digits
/// (`.5` is written `.500`, `.123456` stays).
fn write_time_of_day(out: &mut Vec<u8>, secs_of_day: i64, frac: i64, digits: usize) {
    write_padded(out, (secs_of_day / 3600) as u64, 2);
    out.push(b':');
    write_padded(out, (secs_of_day / 60 % 60) as u64, 2);
    out.push(b':');
    write_padded(out, (secs_of_day % 60) as u64, 2);
    if frac != 0 {
        let mut frac = frac;
        let mut digits = digits;
        while digits > 3 && frac % 1000 == 0 {
            frac /= 1000;
            digits -= 3;
        }
        out.push(b'.');
        write_padded(out, frac as u64, digits);
    }
}

/// Appends an ISO-8601 timestamp string, `Z`-suffixed when `utc` (an instant), without a
/// zone when the value is local ("wall clock") time.
pub fn write_timestamp(out: &mut Vec<u8>, value: i64, unit: TimeUnit, utc: bool) {
    let (per_sec, digits) = unit_scale(unit);
    let secs = value.div_euclid(per_sec);
    let frac = value.rem_euclid(per_sec);
    let days = secs.div_euclid(86_400);
    let secs_of_day = secs.rem_euclid(86_400);
    out.push(b'"');
    write_date_parts(out, days);
    out.push(b'T');
    write_time_of_day(out, secs_of_day, frac, digits);
    if utc {
        out.push(b'Z');
    }
    out.push(b'"');
}

/// Appends a time of day (`"HH:MM:SS[.fff]"`) given in `unit`s since midnight.
pub fn write_time(out: &mut Vec<u8>, value: i64, unit: TimeUnit) {
    let (per_sec, digits) = unit_scale(unit);
    let secs = value.div_euclid(per_sec);
    let frac = value.rem_euclid(per_sec);
    out.push(b'"');
    // Times are within a day; a corrupt value past midnight still prints, as hours ≥ 24.
    write_time_of_day(out, secs.max(0), frac, digits);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn integers() {
        assert_eq!(s(|o| write_i64(o, 0)), "0");
        assert_eq!(s(|o| write_i64(o, -7)), "-7");
        assert_eq!(s(|o| write_i64(o, i64::MIN)), "-9223372036854775808");
        assert_eq!(s(|o| write_u64(o, u64::MAX)), "18446744073709551615");
        assert_eq!(s(|o| write_i64(o, 1234567890)), "1234567890");
    }

    #[test]
    fn doubles_are_shortest_round_trip_and_non_finite_is_a_choice() {
        assert_eq!(s(|o| write_f64(o, 1.0, NonFinite::String)), "1.0");
        assert_eq!(s(|o| write_f64(o, 0.1, NonFinite::String)), "0.1");
        assert_eq!(s(|o| write_f64(o, 1e300, NonFinite::String)), "1e300");
        assert_eq!(s(|o| write_f64(o, -0.0, NonFinite::String)), "-0.0");
        assert_eq!(s(|o| write_f32(o, 1.1, NonFinite::String)), "1.1");
        assert_eq!(s(|o| write_f64(o, f64::NAN, NonFinite::String)), "\"NaN\"");
        assert_eq!(
            s(|o| write_f64(o, f64::NEG_INFINITY, NonFinite::String)),
            "\"-Infinity\""
        );
        assert_eq!(
            s(|o| write_f64(o, f64::INFINITY, NonFinite::String)),
            "\"Infinity\""
        );
        assert_eq!(s(|o| write_f64(o, f64::NAN, NonFinite::Null)), "null");
        for v in [123.456e-7, 5e-324, f64::MAX, 0.30000000000000004] {
            let text = s(|o| write_f64(o, v, NonFinite::String));
            assert_eq!(text.parse::<f64>().unwrap(), v, "{text}");
        }
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(s(|o| write_decimal_i128(o, 12345, 2)), "123.45");
        assert_eq!(s(|o| write_decimal_i128(o, -5, 3)), "-0.005");
        assert_eq!(s(|o| write_decimal_i128(o, 100, 2)), "1.00");
        assert_eq!(s(|o| write_decimal_i128(o, 0, 2)), "0.00");
        assert_eq!(s(|o| write_decimal_i128(o, 12, -2)), "1200");
        assert_eq!(
            s(|o| write_decimal_i128(o, 99999999999999999999999999999999999999, 0)),
            "99999999999999999999999999999999999999"
        );
        assert_eq!(
            s(|o| write_decimal_i128(o, -170141183460469231731687303715884105728, 0)),
            "-170141183460469231731687303715884105728"
        );
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_controls_only() {
        assert_eq!(
            s(|o| write_str(o, "a\"b\\c\nd\u{1}é😀\u{2028}")),
            "\"a\\\"b\\\\c\\nd\\u0001é😀\u{2028}\""
        );
        assert_eq!(s(|o| write_str(o, "")), "\"\"");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(
                s(|o| write_base64(o, input.as_bytes())),
                format!("\"{expected}\"")
            );
        }
    }

    #[test]
    fn uuid_is_hyphenated_lowercase_hex() {
        let bytes: Vec<u8> = (0u8..16).map(|i| i * 17).collect();
        assert_eq!(
            s(|o| write_uuid(o, &bytes)),
            "\"00112233-4455-6677-8899-aabbccddeeff\""
        );
    }

    #[test]
    fn legacy_julian_days_become_the_same_calendar_date() {
        // Julian 1582-10-04 was the day before Gregorian 1582-10-15.
        assert_eq!(
            julian_to_gregorian_days(GREGORIAN_START_DAYS - 1),
            days_from_civil(1582, 10, 4)
        );
        assert_eq!(
            julian_to_gregorian_days(GREGORIAN_START_DAYS),
            GREGORIAN_START_DAYS
        );
        // Spark 2.x stored Julian 0001-01-01 as the day Gregorian 0000-12-30 has.
        assert_eq!(
            julian_to_gregorian_days(days_from_civil(0, 12, 30)),
            days_from_civil(1, 1, 1)
        );
        // 1500-01-01 Julian is Gregorian 1500-01-10 counted the Julian way: 9 days apart.
        assert_eq!(
            julian_to_gregorian_days(days_from_civil(1500, 1, 10)),
            days_from_civil(1500, 1, 1)
        );
        let micros = days_from_civil(1500, 1, 10) * 86_400_000_000 + 3_600_000_000;
        assert_eq!(
            julian_to_gregorian_timestamp(micros, TimeUnit::Microsecond),
            days_from_civil(1500, 1, 1) * 86_400_000_000 + 3_600_000_000
        );
        for days in [-1_000_000i64, -719_162, 0, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn dates_cover_every_year() {
        assert_eq!(s(|o| write_date(o, 0)), "\"1970-01-01\"");
        assert_eq!(s(|o| write_date(o, -1)), "\"1969-12-31\"");
        assert_eq!(s(|o| write_date(o, 19_723)), "\"2024-01-01\"");
        assert_eq!(s(|o| write_date(o, 11_016)), "\"2000-02-29\"");
        assert_eq!(s(|o| write_date(o, -719_528)), "\"0000-01-01\"");
        assert_eq!(s(|o| write_date(o, -719_529)), "\"-0001-12-31\"");
        assert_eq!(s(|o| write_date(o, 2_932_897)), "\"+10000-01-01\"");
        // No panic at the extremes.
        let _ = s(|o| write_date(o, i64::MIN));
        let _ = s(|o| write_date(o, i64::MAX));
    }

    #[test]
    fn timestamps_are_iso_8601() {
        // The Spark INT96 expectations of parquet-testing (microseconds).
        assert_eq!(
            s(|o| write_timestamp(o, 1_704_141_296_123_456, TimeUnit::Microsecond, true)),
            "\"2024-01-01T20:34:56.123456Z\""
        );
        assert_eq!(
            s(|o| write_timestamp(o, 9_089_380_393_200_000_000, TimeUnit::Microsecond, true)),
            "\"+290000-12-30T23:00:00Z\""
        );
        assert_eq!(
            s(|o| write_timestamp(o, -1, TimeUnit::Millisecond, false)),
            "\"1969-12-31T23:59:59.999\""
        );
        assert_eq!(
            s(|o| write_timestamp(o, 1_500_000_000, TimeUnit::Nanosecond, true)),
            "\"1970-01-01T00:00:01.500Z\""
        );
        assert_eq!(
            s(|o| write_timestamp(o, 1, TimeUnit::Nanosecond, true)),
            "\"1970-01-01T00:00:00.000000001Z\""
        );
        let _ = s(|o| write_timestamp(o, i64::MIN, TimeUnit::Second, true));
        assert_eq!(
            s(|o| write_time(o, 45_296_789, TimeUnit::Millisecond)),
            "\"12:34:56.789\""
        );
    }
}
