//! The Parquet files `cat` reads and the partition columns their directories add. A directory
//! is walked recursively, as Spark reads a table: names starting with `.`, and with `_`
//! unless they hold a `=` (`_SUCCESS`, `_temporary`, `.part-0.crc`), are skipped; the
//! `*.parquet` files found are read in path order; and the trailing `key=value` directories
//! between the directory given and each file (`table/date=2026-12-01/part-0.parquet`, what
//! Spark's `partitionBy` and our data source write) are partition columns, appended to each
//! record after the file's own columns in directory order. Their values are typed the way
//! Spark infers them (`PartitioningUtils.inferPartitionColumnValue`): int, long, decimal (whole
//! numbers beyond a long), double, timestamp (`yyyy-MM-dd HH:mm:ss[.S…]`, read as UTC), date
//! (`yyyy-MM-dd`), else string, with `__HIVE_DEFAULT_PARTITION__` as null and `%XX` escapes
//! decoded; a column whose values infer to different types gets the wider one, or string,
//! by Spark's rules. Files of one directory must agree on their partition columns.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::assemble::scalar;
use crate::assemble::{AssembleOptions, NonFinite};
use crate::error::{Error, Result};

use super::{CatSummary, ParquetFile, ReadOptions};

/// The directory name Hive and Spark give a null partition value.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// A Parquet file to read and the partition values its path gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartFile {
    pub path: PathBuf,
    /// Partition columns, outermost directory first.
    pub partitions: Vec<(String, PartitionValue)>,
}

/// A partition value, typed as Spark infers it.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionValue {
    Null,
    Int(i32),
    Long(i64),
    /// A whole number beyond a long (Spark: decimal(p, 0)), its digits.
    Decimal(String),
    Double(f64),
    /// Microseconds since the epoch, UTC.
    Timestamp(i64),
    /// Days since the epoch.
    Date(i64),
    String(String),
}

/// The type of a [`PartitionValue`], for Spark's widening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Int,
    Long,
    Decimal,
    Double,
    Timestamp,
    Date,
    String,
}

impl PartitionValue {
    /// Spark's inference of one directory value (`raw` as it is in the path).
    pub fn infer(raw: &str) -> PartitionValue {
        if raw == NULL_PARTITION {
            return PartitionValue::Null;
        }
        let text = unescape(raw);
        if let Ok(i) = raw.parse::<i32>() {
            return PartitionValue::Int(i);
        }
        if let Ok(l) = raw.parse::<i64>() {
            return PartitionValue::Long(l);
        }
        if let Some(digits) = whole_decimal(raw) {
            return PartitionValue::Decimal(digits);
        }
        if let Some(d) = java_double(raw) {
            return PartitionValue::Double(d);
        }
        if let Some(t) = parse_timestamp(&text) {
            return PartitionValue::Timestamp(t);
        }
        if let Some(d) = parse_date(raw) {
            return PartitionValue::Date(d);
        }
        PartitionValue::String(text)
    }

    fn kind(&self) -> Kind {
        match self {
            PartitionValue::Null => Kind::Null,
            PartitionValue::Int(_) => Kind::Int,
            PartitionValue::Long(_) => Kind::Long,
            PartitionValue::Decimal(_) => Kind::Decimal,
            PartitionValue::Double(_) => Kind::Double,
            PartitionValue::Timestamp(_) => Kind::Timestamp,
            PartitionValue::Date(_) => Kind::Date,
            PartitionValue::String(_) => Kind::String,
        }
    }

    /// The value cast to `kind` (one [`wider`] chose, so the cast exists).
    fn cast(self, kind: Kind) -> PartitionValue {
        use PartitionValue as V;
        if self.kind() == kind || matches!(self, V::Null) {
            return self;
        }
        match (self, kind) {
            (V::Int(i), Kind::Long) => V::Long(i64::from(i)),
            (V::Int(i), Kind::Decimal) => V::Decimal(i.to_string()),
            (V::Long(l), Kind::Decimal) => V::Decimal(l.to_string()),
            (V::Int(i), Kind::Double) => V::Double(f64::from(i)),
            (V::Date(d), Kind::Timestamp) => V::Timestamp(d * 86_400_000_000),
            (v, _) => V::String(v.spark_string()),
        }
    }

    /// The value as Spark casts it to a string.
    fn spark_string(&self) -> String {
        match self {
            PartitionValue::Null => String::new(),
            PartitionValue::Int(i) => i.to_string(),
            PartitionValue::Long(l) => l.to_string(),
            PartitionValue::Decimal(d) => d.clone(),
            PartitionValue::Double(d) => java_double_string(*d),
            PartitionValue::Timestamp(t) => {
                let mut out = Vec::new();
                scalar::write_timestamp(&mut out, *t, arrow_schema::TimeUnit::Microsecond, false);
                // "YYYY-MM-DDTHH:MM:SS[.f]" in quotes; Spark writes a space for the T.
                String::from_utf8_lossy(&out[1..out.len() - 1]).replacen('T', " ", 1)
            }
            PartitionValue::Date(d) => {
                let mut out = Vec::new();
                scalar::write_date(&mut out, *d);
                String::from_utf8_lossy(&out[1..out.len() - 1]).into_owned()
            }
            PartitionValue::String(s) => s.clone(),
        }
    }

    /// Appends the value as JSON.
    fn write_json(&self, out: &mut Vec<u8>, non_finite: NonFinite) {
        match self {
            PartitionValue::Null => out.extend_from_slice(b"null"),
            PartitionValue::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            PartitionValue::Long(l) => out.extend_from_slice(l.to_string().as_bytes()),
            PartitionValue::Decimal(d) => out.extend_from_slice(d.as_bytes()),
            PartitionValue::Double(d) => scalar::write_f64(out, *d, non_finite),
            PartitionValue::Timestamp(t) => {
                scalar::write_timestamp(out, *t, arrow_schema::TimeUnit::Microsecond, true)
            }
            PartitionValue::Date(d) => scalar::write_date(out, *d),
            PartitionValue::String(s) => scalar::write_str(out, s),
        }
    }
}

/// Spark's `findWiderTypeForPartitionColumn`: the type two partition values of one column
/// are read as.
fn wider(a: Kind, b: Kind) -> Kind {
    use Kind::*;
    match (a, b) {
        _ if a == b => a,
        (Null, t) | (t, Null) => t,
        (Int, Long) | (Long, Int) => Long,
        (Int | Long, Decimal) | (Decimal, Int | Long) => Decimal,
        (Int, Double) | (Double, Int) => Double,
        (Date, Timestamp) | (Timestamp, Date) => Timestamp,
        // Spark: double with long or decimal, and everything else, is a string.
        _ => String,
    }
}

/// Decodes `%XX` escapes (Hive's `escapePathName`); a `%` not followed by two hex digits
/// stays as it is.
fn unescape(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A whole number (optionally signed) of at most 38 digits, as Spark's decimal inference
/// takes it after int and long failed; its canonical digits.
fn whole_decimal(raw: &str) -> Option<String> {
    let (sign, digits) = match raw.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", raw.strip_prefix('+').unwrap_or(raw)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 38 {
        return None;
    }
    Some(format!(
        "{sign}{}",
        if trimmed.is_empty() { "0" } else { trimmed }
    ))
}

/// Java's `Double.parseDouble` on the forms a directory name holds: decimal and scientific
/// notation with an optional `d`/`f` suffix, `NaN`, `Infinity`.
fn java_double(raw: &str) -> Option<f64> {
    let t = raw.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body == "NaN" {
        return Some(f64::NAN);
    }
    if body == "Infinity" {
        return Some(if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    let ok = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    t.parse::<f64>().ok()
}

/// Java's `Double.toString`: `1.5`, `100.0`, `1.0E10`, `1.0E-5`, `NaN`, `Infinity`.
fn java_double_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = d.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = format!("{d}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{d:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `yyyy-MM-dd`, a real date: days since the epoch.
fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?);
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let days = scalar::days_from_civil(i64::from(y), m, d);
    // 2026-02-30 comes back as another date: not a date.
    (scalar::civil_from_days(days) == (i64::from(y), m, d)).then_some(days)
}

/// `yyyy-MM-dd HH:mm:ss[.fraction]` (up to microseconds), as UTC: microseconds since the
/// epoch.
fn parse_timestamp(s: &str) -> Option<i64> {
    let (date, time) = s.split_once(' ')?;
    let days = parse_date(date)?;
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let mut parts = hms.split(':');
    let (h, mi, se) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (h, mi, se) = (digits(h, 2)?, digits(mi, 2)?, digits(se, 2)?);
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let micros = match fraction {
        None => 0,
        Some(f) if (1..=6).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<i64>().ok()? * 10i64.pow(6 - f.len() as u32)
        }
        Some(_) => return None,
    };
    Some(
        (days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se)) * 1_000_000
            + micros,
    )
}

/// Whether a file or directory name is skipped, as Spark skips it.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || (name.starts_with('_') && !name.contains('='))
}

/// The Parquet files under `dir`, in path order, with the partition directories (raw
/// `key=value` text) between `dir` and each.
fn walk(dir: &Path, found: &mut Vec<(PathBuf, Vec<String>)>, below: &[String]) -> Result<()> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        entries.push(entry);
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            continue;
        }
        let path = entry.path();
        // Follows links, as `cat DIR` of a linked table is expected to.
        if path.is_dir() {
            let mut here = below.to_vec();
            here.push(name);
            walk(&path, found, &here)?;
        } else if name.ends_with(".parquet") {
            found.push((path, below.to_vec()));
        }
    }
    Ok(())
}

/// The trailing `key=value` directories of `dirs` (Spark parses upwards from the file and
/// stops at the first directory that is not one), as (key, raw value).
fn partition_dirs(dirs: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = dirs
        .iter()
        .rev()
        .map_while(|d| match d.split_once('=') {
            Some((k, v)) if !k.is_empty() => Some((unescape(k), v.to_string())),
            _ => None,
        })
        .collect();
    out.reverse();
    out
}

/// The files of directory `dir` (given as `arg`) with their typed partition values.
pub fn directory(dir: &Path, arg: &str) -> Result<Vec<PartFile>> {
    let mut found = Vec::new();
    walk(dir, &mut found, &[])?;
    if found.is_empty() {
        return Err(Error::Options(format!(
            "directory `{arg}` holds no .parquet file (searched recursively; names starting with `_` or `.` are skipped)"
        )));
    }
    let parsed: Vec<(PathBuf, Vec<(String, String)>)> = found
        .into_iter()
        .map(|(p, dirs)| {
            let parts = partition_dirs(&dirs);
            (p, parts)
        })
        .collect();
    if let Some((p, (k, _))) = parsed
        .iter()
        .find_map(|(p, parts)| parts.iter().find(|(_, v)| v.is_empty()).map(|kv| (p, kv)))
    {
        return Err(Error::Options(format!(
            "directory `{arg}`: {} is under `{k}=` with an empty partition value (Spark writes {NULL_PARTITION} for null)",
            p.display()
        )));
    }
    let names = |parts: &[(String, String)]| -> Vec<String> {
        parts.iter().map(|(k, _)| k.clone()).collect()
    };
    let first_names = names(&parsed[0].1);
    if let Some((other, parts)) = parsed.iter().find(|(_, p)| names(p) != first_names) {
        return Err(Error::Options(format!(
            "directory `{arg}`: its files disagree on their partition directories: {} has ({}), {} has ({}); Spark refuses such a table too",
            parsed[0].0.display(),
            first_names.join(", "),
            other.display(),
            names(parts).join(", ")
        )));
    }
    // Infer every value, then widen each column to one type over all files.
    let mut typed: Vec<(PathBuf, Vec<PartitionValue>)> = parsed
        .into_iter()
        .map(|(p, parts)| {
            let values = parts
                .iter()
                .map(|(_, v)| PartitionValue::infer(v))
                .collect();
            (p, values)
        })
        .collect();
    for column in 0..first_names.len() {
        let kind = typed
            .iter()
            .map(|(_, v)| v[column].kind())
            .fold(Kind::Null, wider);
        for (_, values) in &mut typed {
            let v = std::mem::replace(&mut values[column], PartitionValue::Null);
            values[column] = v.cast(kind);
        }
    }
    Ok(typed
        .into_iter()
        .map(|(path, values)| PartFile {
            path,
            partitions: first_names.iter().cloned().zip(values).collect(),
        })
        .collect())
}

/// Expands `cat`'s arguments: glob patterns (sorted matches), directories (walked, with
/// their partition columns) and plain paths as they are.
pub fn expand(args: &[String]) -> Result<Vec<PartFile>> {
    let mut out = Vec::new();
    for a in args {
        let p = Path::new(a);
        if a.contains(['*', '?', '[']) {
            let matches = glob::glob(a)
                .map_err(|e| Error::Options(format!("bad glob pattern `{a}`: {e}")))?;
            let mut found: Vec<PathBuf> = matches.filter_map(|m| m.ok()).collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Options(format!("`{a}` matches no file")));
            }
            out.extend(found.into_iter().map(|path| PartFile {
                path,
                partitions: Vec::new(),
            }));
        } else if p.is_dir() {
            out.extend(directory(p, a)?);
        } else {
            out.push(PartFile {
                path: p.to_path_buf(),
                partitions: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Writes the records of every file, in order, as NDJSON to `sink`, each with its partition
/// columns (those `--columns` selects, when it is given) after its own.
pub fn cat(files: &[PartFile], options: &ReadOptions, sink: &mut dyn Write) -> Result<CatSummary> {
    let mut summary = CatSummary::default();
    for part in files {
        let limit = match options.limit {
            Some(l) if summary.documents >= l => break,
            Some(l) => Some(l - summary.documents),
            None => None,
        };
        let file = ParquetFile::open(&part.path)?;
        summary.documents += if part.partitions.is_empty() {
            file.write_ndjson(options, limit, sink)?
        } else {
            cat_partitioned(&file, &part.partitions, options, limit, sink)?
        };
        summary.files += 1;
    }
    sink.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(summary)
}

fn cat_partitioned(
    file: &ParquetFile,
    partitions: &[(String, PartitionValue)],
    options: &ReadOptions,
    limit: Option<u64>,
    sink: &mut dyn Write,
) -> Result<u64> {
    let own = file.column_paths();
    for (name, _) in partitions {
        if own.iter().any(|c| {
            c == name
                || c.strip_prefix(name.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        }) {
            return Err(Error::Read {
                path: file.path().to_path_buf(),
                reason: format!(
                    "the file has a column `{name}` and its directory `{name}=…` names a partition column of the same name; read the file by its path to see its own"
                ),
            });
        }
    }
    let is_partition = |c: &String| partitions.iter().any(|(n, _)| n == c);
    let (wanted, file_columns): (Vec<&(String, PartitionValue)>, Option<Vec<String>>) =
        match &options.columns {
            None => (partitions.iter().collect(), None),
            Some(cols) => (
                partitions
                    .iter()
                    .filter(|(n, _)| cols.contains(n))
                    .collect(),
                Some(cols.iter().filter(|c| !is_partition(c)).cloned().collect()),
            ),
        };
    let suffix = members(&wanted, &options.assemble);
    let mut out = AppendMembers {
        inner: sink,
        suffix,
        pending: Vec::new(),
    };
    let written = match file_columns {
        // Only partition columns selected: one record per row, from the footer's count.
        Some(cols) if cols.is_empty() => {
            let rows = file.metadata().file_metadata().num_rows().max(0) as u64;
            let n = limit.map_or(rows, |l| l.min(rows));
            for _ in 0..n {
                out.write_all(b"{}\n")
                    .map_err(|e| Error::io("<output>", e))?;
            }
            n
        }
        cols => {
            let opts = ReadOptions {
                columns: cols,
                ..options.clone()
            };
            file.write_ndjson(&opts, limit, &mut out)?
        }
    };
    out.flush().map_err(|e| Error::io("<output>", e))?;
    Ok(written)
}

/// `"key":value` for each partition column, comma-separated (empty when none is written).
fn members(wanted: &[&(String, PartitionValue)], assemble: &AssembleOptions) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in wanted {
        if assemble.omit_nulls && *value == PartitionValue::Null {
            continue;
        }
        if !out.is_empty() {
            out.push(b',');
        }
        scalar::write_str(&mut out, name);
        out.push(b':');
        value.write_json(&mut out, assemble.non_finite);
    }
    out
}

/// Passes NDJSON records through, adding `suffix` (members) at the end of each object.
struct AppendMembers<'a> {
    inner: &'a mut dyn Write,
    suffix: Vec<u8>,
    /// The start of a record whose newline has not come yet.
    pending: Vec<u8>,
}

impl AppendMembers<'_> {
    fn record(&mut self, line: &[u8]) -> std::io::Result<()> {
        match line {
            _ if self.suffix.is_empty() => self.inner.write_all(line)?,
            b"{}" => {
                self.inner.write_all(b"{")?;
                self.inner.write_all(&self.suffix)?;
                self.inner.write_all(b"}")?;
            }
            [head @ .., b'}'] => {
                self.inner.write_all(head)?;
                self.inner.write_all(b",")?;
                self.inner.write_all(&self.suffix)?;
                self.inner.write_all(b"}")?;
            }
            _ => {
                return Err(std::io::Error::other(
                    "internal error: a record that is not a JSON object",
                ))
            }
        }
        self.inner.write_all(b"\n")
    }
}

impl Write for AppendMembers<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            if self.pending.is_empty() {
                self.record(&buf[start..nl])?;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.extend_from_slice(&buf[start..nl]);
                self.record(&line)?;
            }
            start = nl + 1;
        }
        self.pending.extend_from_slice(&buf[start..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PartitionValue as V;

    #[test]
    fn values_are_typed_as_spark_infers_them() {
        assert_eq!(V::infer("7"), V::Int(7));
        assert_eq!(V::infer("-7"), V::Int(-7));
        assert_eq!(V::infer("3000000000"), V::Long(3_000_000_000));
        assert_eq!(
            V::infer("12345678901234567890"),
            V::Decimal("12345678901234567890".into())
        );
        assert_eq!(V::infer("1.5"), V::Double(1.5));
        assert_eq!(V::infer("1e3"), V::Double(1000.0));
        assert_eq!(V::infer("2026-12-01"), V::Date(20_788));
        assert_eq!(V::infer("2026-02-30"), V::String("2026-02-30".into()));
        assert_eq!(
            V::infer("2026-12-01 10%3A30%3A00.5"),
            V::Timestamp(20_788 * 86_400_000_000 + (10 * 3600 + 30 * 60) * 1_000_000 + 500_000)
        );
        assert_eq!(V::infer("a%2Fb c"), V::String("a/b c".into()));
        assert_eq!(V::infer(NULL_PARTITION), V::Null);
    }

    #[test]
    fn columns_widen_by_sparks_rules() {
        assert_eq!(wider(Kind::Int, Kind::Long), Kind::Long);
        assert_eq!(wider(Kind::Null, Kind::Date), Kind::Date);
        assert_eq!(wider(Kind::Int, Kind::Double), Kind::Double);
        assert_eq!(wider(Kind::Long, Kind::Double), Kind::String);
        assert_eq!(wider(Kind::Date, Kind::Timestamp), Kind::Timestamp);
        assert_eq!(wider(Kind::Int, Kind::Date), Kind::String);
        assert_eq!(V::Int(1).cast(Kind::String), V::String("1".into()));
        assert_eq!(
            V::Double(1e10).cast(Kind::String),
            V::String("1.0E10".into())
        );
        assert_eq!(
            V::Double(100.0).cast(Kind::String),
            V::String("100.0".into())
        );
        assert_eq!(
            V::Date(0).cast(Kind::String),
            V::String("1970-01-01".into())
        );
        assert_eq!(V::Null.cast(Kind::String), V::Null);
    }

    #[test]
    fn members_are_appended_to_each_record_across_writes() {
        let mut sink = Vec::new();
        let mut w = AppendMembers {
            inner: &mut sink,
            suffix: br#""d":"2026-12-01""#.to_vec(),
            pending: Vec::new(),
        };
        w.write_all(b"{\"a\":1}\n{}\n{\"b\":{\"c\":").unwrap();
        w.write_all(b"2}}\n").unwrap();
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "{\"a\":1,\"d\":\"2026-12-01\"}\n{\"d\":\"2026-12-01\"}\n{\"b\":{\"c\":2},\"d\":\"2026-12-01\"}\n"
        );
    }

    #[test]
    fn hidden_names_are_skipped_as_spark_skips_them() {
        assert!(is_hidden("_SUCCESS"));
        assert!(is_hidden(".part-0.parquet.crc"));
        assert!(is_hidden("_temporary"));
        assert!(!is_hidden("_x=1"));
        assert!(!is_hidden("part-0.parquet"));
    }

    #[test]
    fn only_trailing_key_value_directories_are_partitions() {
        let dirs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            partition_dirs(&dirs(&["data", "y=2026", "m=12"])),
            [
                ("y".to_string(), "2026".to_string()),
                ("m".into(), "12".into())
            ]
        );
        assert!(partition_dirs(&dirs(&["y=2026", "raw"])).is_empty());
    }
}
