//! The Spark DDL form of a [`Schema`] (`spark.read.schema(ddl)`, `StructType.fromDDL`,
//! `StructType.toDDL`): identifiers quoted where Spark needs it, our metadata in a `COMMENT`,
//! and a tokenizer and parser for what Spark writes and people type, over the Spark type model
//! of `spark`.

use serde_json::{Map, Value};

use super::rustparquet_json::checked;
use super::spark::{schema_from_spark, spark_top, SparkField, SparkType};
use super::{Schema, SchemaFormat, MAX_SCHEMA_DEPTH};
use crate::error::Result;

/// Spark DDL, one top-level column a line: `spark.read.schema(ddl)`, `StructType.fromDDL(ddl)`.
pub fn to_ddl(schema: &Schema) -> String {
    spark_top(schema)
        .iter()
        .map(|f| ddl_column(f, " "))
        .collect::<Vec<_>>()
        .join(",\n")
}

impl Schema {
    /// Parses Spark DDL (`a BIGINT, b STRUCT<c: STRING>`, or `STRUCT<...>`): the one DDL
    /// interpreter, behind both `convert --schema s.ddl` and Spark's `option("schema", ddl)`
    /// (through JNI), so the same text gives the same Parquet schema. `source_name` names the
    /// text in errors. Narrower integers widen to bigint, `float`/`real` to double,
    /// `decimal(p,0)` to decimal(38,0), `char(n)`/`varchar(n)` are strings (as in Spark's own
    /// Parquet); a type JSON cannot hold exactly (date, timestamp, binary, a fractional
    /// decimal, ...) is refused, naming the type to use instead.
    ///
    /// ```
    /// use rustparquet_core::schema::{DataType, Schema};
    /// let s = Schema::from_spark_ddl("id INT NOT NULL, tags ARRAY<STRING>", None)?;
    /// assert_eq!(s.fields[0].data_type, DataType::Int64);
    /// # Ok::<(), rustparquet_core::Error>(())
    /// ```
    pub fn from_spark_ddl(text: &str, source_name: Option<&str>) -> Result<Schema> {
        checked(ddl_to_schema(text), SchemaFormat::Ddl, source_name)
    }
}

/// Spark SQL keywords that are reserved in ANSI mode, plus type names: quoted in DDL so the
/// text parses whatever `spark.sql.ansi.enforceReservedKeywords` says.
const DDL_QUOTED_WORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "ARRAY",
    "AS",
    "AUTHORIZATION",
    "BIGINT",
    "BINARY",
    "BOOLEAN",
    "BOTH",
    "BYTE",
    "CASE",
    "CAST",
    "CHAR",
    "CHECK",
    "COLLATE",
    "COLUMN",
    "COMMENT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "DATE",
    "DECIMAL",
    "DISTINCT",
    "DOUBLE",
    "ELSE",
    "END",
    "ESCAPE",
    "EXCEPT",
    "FALSE",
    "FETCH",
    "FILTER",
    "FLOAT",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GRANT",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INT",
    "INTEGER",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "JOIN",
    "LATERAL",
    "LEADING",
    "LEFT",
    "LONG",
    "MAP",
    "NATURAL",
    "NOT",
    "NULL",
    "OBJECT",
    "OFFSET",
    "ON",
    "ONLY",
    "OR",
    "ORDER",
    "OUTER",
    "OVERLAPS",
    "PRIMARY",
    "REFERENCES",
    "RIGHT",
    "SELECT",
    "SESSION_USER",
    "SHORT",
    "SMALLINT",
    "SOME",
    "STRING",
    "STRUCT",
    "TABLE",
    "THEN",
    "TIME",
    "TIMESTAMP",
    "TINYINT",
    "TO",
    "TRAILING",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UNKNOWN",
    "USER",
    "USING",
    "VARCHAR",
    "VOID",
    "WHEN",
    "WHERE",
    "WITH",
];

fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !DDL_QUOTED_WORDS.contains(&name.to_ascii_uppercase().as_str());
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A SQL string literal as Spark reads it (backslash escapes; `''` is not an escape in Spark).
fn sql_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `name TYPE [NOT NULL] [COMMENT '...']`; `sep` is " " at the top, ": " in a STRUCT.
fn ddl_column(f: &SparkField, sep: &str) -> String {
    let mut s = format!("{}{sep}{}", quote_ident(&f.name), ddl_type(&f.ty));
    if !f.nullable {
        s.push_str(" NOT NULL");
    }
    if !f.metadata.is_empty() {
        s.push_str(" COMMENT ");
        s.push_str(&sql_string(&Value::Object(f.metadata.clone()).to_string()));
    }
    s
}

fn ddl_type(t: &SparkType) -> String {
    match t {
        SparkType::Atomic(a) => match a.as_str() {
            "long" => "BIGINT".into(),
            "integer" => "INT".into(),
            "short" => "SMALLINT".into(),
            "byte" => "TINYINT".into(),
            a => a.to_ascii_uppercase(),
        },
        SparkType::Array(e, _) => format!("ARRAY<{}>", ddl_type(e)),
        SparkType::Map(k, v, _) => format!("MAP<{}, {}>", ddl_type(k), ddl_type(v)),
        SparkType::Struct(fields) => format!(
            "STRUCT<{}>",
            fields
                .iter()
                .map(|f| ddl_column(f, ": "))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A word; `true` when it was backquoted (then never a keyword).
    Word(String, bool),
    Str(String),
    Num(u32),
    Punct(char),
    End,
}

impl std::fmt::Display for Tok {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::Word(w, _) => write!(f, "`{w}`"),
            Tok::Str(s) => write!(f, "'{s}'"),
            Tok::Num(n) => write!(f, "{n}"),
            Tok::Punct(c) => write!(f, "`{c}`"),
            Tok::End => f.write_str("the end"),
        }
    }
}

/// Splits DDL into tokens, each with its byte offset.
fn ddl_tokens(text: &str) -> std::result::Result<Vec<(Tok, usize)>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() || c == '\u{feff}' {
            chars.next();
        } else if c == '-' && text[at..].starts_with("--") {
            // A SQL line comment.
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
        } else if c == '`' {
            chars.next();
            let mut word = String::new();
            loop {
                match chars.next() {
                    Some((_, '`')) if chars.next_if(|&(_, c)| c == '`').is_some() => word.push('`'),
                    Some((_, '`')) => break,
                    Some((_, c)) => word.push(c),
                    None => return Err(format!("{}: unclosed `", line_col(text, at))),
                }
            }
            out.push((Tok::Word(word, true), at));
        } else if c == '\'' || c == '"' {
            chars.next();
            out.push((Tok::Str(sql_unescape(&mut chars, c, text, at)?), at));
        } else if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
                n.push(d);
            }
            if chars
                .peek()
                .is_some_and(|&(_, c)| c.is_alphabetic() || c == '_')
            {
                // An identifier starting with digits (Spark allows `1a`).
                while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_alphanumeric() || c == '_') {
                    n.push(d);
                }
                out.push((Tok::Word(n, false), at));
            } else {
                let v = n
                    .parse()
                    .map_err(|_| format!("{}: number {n} too large", line_col(text, at)))?;
                out.push((Tok::Num(v), at));
            }
        } else if c.is_alphanumeric() || c == '_' {
            let mut w = String::new();
            while let Some((_, d)) = chars.next_if(|&(_, c)| c.is_alphanumeric() || c == '_') {
                w.push(d);
            }
            out.push((Tok::Word(w, false), at));
        } else if "<>,:()".contains(c) {
            chars.next();
            out.push((Tok::Punct(c), at));
        } else {
            return Err(format!("{}: unexpected `{c}`", line_col(text, at)));
        }
    }
    out.push((Tok::End, text.len()));
    Ok(out)
}

/// The rest of a string literal opened by `quote`, with Spark's backslash escapes undone.
fn sql_unescape(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    quote: char,
    text: &str,
    at: usize,
) -> std::result::Result<String, String> {
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return Err(format!("{}: unclosed string", line_col(text, at))),
            Some((_, c)) if c == quote => return Ok(s),
            Some((_, '\\')) => match chars.next() {
                None => return Err(format!("{}: unclosed string", line_col(text, at))),
                Some((_, 'n')) => s.push('\n'),
                Some((_, 't')) => s.push('\t'),
                Some((_, 'r')) => s.push('\r'),
                Some((_, 'b')) => s.push('\u{8}'),
                Some((_, '0')) => s.push('\0'),
                Some((_, 'Z')) => s.push('\u{1a}'),
                // Spark keeps the backslash of `\%` and `\_` (LIKE patterns).
                Some((_, c @ ('%' | '_'))) => {
                    s.push('\\');
                    s.push(c);
                }
                Some((_, 'u')) => {
                    let hex: String = (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                    let c = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("{}: bad \\u escape", line_col(text, at)))?;
                    s.push(c);
                }
                Some((_, c)) => s.push(c),
            },
            Some((_, c)) => s.push(c),
        }
    }
}

fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

struct DdlParser<'a> {
    text: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl DdlParser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn fail<T>(&self, expected: &str) -> std::result::Result<T, String> {
        let (tok, at) = &self.toks[self.pos];
        Err(format!(
            "{}: expected {expected}, found {tok}",
            line_col(self.text, *at)
        ))
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Word(w, false) if w.eq_ignore_ascii_case(word))
    }

    fn punct(&mut self, c: char) -> std::result::Result<(), String> {
        if *self.peek() == Tok::Punct(c) {
            self.next();
            Ok(())
        } else {
            self.fail(&format!("`{c}`"))
        }
    }

    /// `name [:] TYPE [NOT NULL] [COMMENT 'text']`.
    fn column(&mut self, depth: usize) -> std::result::Result<SparkField, String> {
        let name = match self.peek() {
            Tok::Word(w, _) => w.clone(),
            _ => return self.fail("a column name"),
        };
        self.next();
        if *self.peek() == Tok::Punct(':') {
            self.next();
        }
        let ty = self.data_type(depth)?;
        let mut nullable = true;
        if self.keyword("NOT") {
            self.next();
            if !self.keyword("NULL") {
                return self.fail("NULL after NOT");
            }
            self.next();
            nullable = false;
        }
        let mut metadata = Map::new();
        if self.keyword("COMMENT") {
            self.next();
            let Tok::Str(comment) = self.peek().clone() else {
                return self.fail("a string after COMMENT");
            };
            self.next();
            metadata.insert("comment".into(), Value::String(comment));
        }
        Ok(SparkField {
            name,
            ty,
            nullable,
            metadata,
        })
    }

    fn data_type(&mut self, depth: usize) -> std::result::Result<SparkType, String> {
        if depth > 2 * MAX_SCHEMA_DEPTH {
            return Err(format!(
                "nested deeper than {MAX_SCHEMA_DEPTH} field levels"
            ));
        }
        let word = match self.peek() {
            Tok::Word(w, false) => w.to_ascii_uppercase(),
            _ => return self.fail("a type"),
        };
        self.next();
        Ok(match word.as_str() {
            "ARRAY" => {
                self.punct('<')?;
                let e = self.data_type(depth + 1)?;
                self.punct('>')?;
                SparkType::Array(Box::new(e), true)
            }
            "MAP" => {
                self.punct('<')?;
                let k = self.data_type(depth + 1)?;
                self.punct(',')?;
                let v = self.data_type(depth + 1)?;
                self.punct('>')?;
                SparkType::Map(Box::new(k), Box::new(v), true)
            }
            "STRUCT" => {
                self.punct('<')?;
                let mut fields = Vec::new();
                if *self.peek() != Tok::Punct('>') {
                    loop {
                        fields.push(self.column(depth + 1)?);
                        if *self.peek() != Tok::Punct(',') {
                            break;
                        }
                        self.next();
                    }
                }
                self.punct('>')?;
                SparkType::Struct(fields)
            }
            "DECIMAL" | "DEC" | "NUMERIC" => {
                let (p, s) = if *self.peek() == Tok::Punct('(') {
                    self.next();
                    let p = self.number()?;
                    let s = if *self.peek() == Tok::Punct(',') {
                        self.next();
                        self.number()?
                    } else {
                        0
                    };
                    self.punct(')')?;
                    (p, s)
                } else {
                    (10, 0)
                };
                SparkType::Atomic(format!("decimal({p},{s})"))
            }
            "CHAR" | "CHARACTER" | "VARCHAR" => {
                self.punct('(')?;
                let n = self.number()?;
                self.punct(')')?;
                let kind = if word == "VARCHAR" { "varchar" } else { "char" };
                SparkType::Atomic(format!("{kind}({n})"))
            }
            "BIGINT" | "LONG" => SparkType::Atomic("long".into()),
            "INT" | "INTEGER" => SparkType::Atomic("integer".into()),
            "SMALLINT" | "SHORT" => SparkType::Atomic("short".into()),
            "TINYINT" | "BYTE" => SparkType::Atomic("byte".into()),
            "REAL" => SparkType::Atomic("float".into()),
            other => SparkType::Atomic(other.to_ascii_lowercase()),
        })
    }

    fn number(&mut self) -> std::result::Result<u32, String> {
        match self.peek() {
            Tok::Num(n) => {
                let n = *n;
                self.next();
                Ok(n)
            }
            _ => self.fail("a number"),
        }
    }
}

pub(super) fn ddl_to_schema(text: &str) -> std::result::Result<Schema, String> {
    let toks = ddl_tokens(text)?;
    let mut p = DdlParser { text, toks, pos: 0 };
    // `STRUCT<...>` (a data type) is accepted as well as a column list.
    let whole_struct = p.keyword("STRUCT") && p.toks.get(1).map(|t| &t.0) == Some(&Tok::Punct('<'));
    let fields = if whole_struct {
        match p.data_type(0)? {
            SparkType::Struct(fields) => fields,
            _ => unreachable!("STRUCT parses as a struct"),
        }
    } else if *p.peek() == Tok::End {
        return Err("no columns".into());
    } else {
        let mut fields = vec![p.column(0)?];
        while *p.peek() == Tok::Punct(',') {
            p.next();
            fields.push(p.column(0)?);
        }
        fields
    };
    if *p.peek() != Tok::End {
        return p.fail(if whole_struct {
            "the end"
        } else {
            "`,` or the end"
        });
    }
    schema_from_spark(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::test_schemas::*;
    use crate::schema::*;

    #[test]
    fn account_admin_golden_ddl() {
        assert_eq!(
            to_ddl(&account_admin()),
            "account_admin STRUCT<`long`: BIGINT, `string`: STRING, `array`: ARRAY<STRUCT<`long`: BIGINT, `string`: STRING>> COMMENT '{\"rustparquet.type\":\"list<union>\"}', `object`: STRUCT<`primary`: STRUCT<`long`: BIGINT, `string`: STRING> COMMENT '{\"rustparquet.type\":\"union\"}'>> COMMENT '{\"rustparquet.type\":\"union\"}'"
        );
    }

    #[test]
    fn spark_written_ddl_is_read_and_our_comment_survives_spark() {
        // `StructType.toDDL` output (Spark 3.5): unquoted type-named columns, commas without spaces.
        let s = Schema::from_spark_ddl("`a``b` BIGINT COMMENT 'c',string STRING,s STRUCT<`x y`: BIGINT, list: ARRAY<INT>>,`é` INT NOT NULL", None).unwrap();
        let names: Vec<_> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a`b", "string", "s", "é"]);
        assert_eq!(s.fields[3].repetition, Repetition::Required);
        assert_eq!(
            s.fields[2].data_type,
            DataType::Struct(vec![
                field("x y", DataType::Int64),
                field(
                    "list",
                    DataType::List(Box::new(field("element", DataType::Int64)))
                ),
            ])
        );
        // Spark turns our COMMENT into {"comment": "<our metadata as JSON>"}: still understood.
        let text = r#"{"type":"struct","fields":[{"name":"x","type":"string","nullable":true,"metadata":{"comment":"{\"rustparquet.type\":\"json\",\"rustparquet.key\":\"X\"}"}}]}"#;
        let s = from_spark_json(text).unwrap();
        assert_eq!(s.fields[0].data_type, DataType::Json);
        assert_eq!(s.fields[0].json_key(), "X");
        // The STRUCT<...> form of a data type.
        let s = Schema::from_spark_ddl("struct<a:bigint,b:array<string>>", None).unwrap();
        assert_eq!(s.fields.len(), 2);
    }

    /// Issue 14: `convert --schema s.ddl` and Spark's `option("schema", ddl)` both read DDL
    /// here, so the Parquet schema below is what either writes.
    #[test]
    fn spark_ddl_types_give_the_parquet_schema_convert_writes() {
        let ddl = "a INT, b integer NOT NULL, c SMALLINT, d tinyint, e BIGINT, f FLOAT, g real, \
                   h DOUBLE, i decimal(10,0), j DECIMAL, k STRING, l CHAR(3), m varchar(10), \
                   n BOOLEAN, `o p` STRING COMMENT 'a user comment', \
                   q STRUCT<r: ARRAY<STRUCT<`s.t`: INT NOT NULL>>, u: map<string, double>>";
        let s = Schema::from_spark_ddl(ddl, Some("s.ddl")).unwrap();
        // `convert --schema` recognises the form and reads it the same way.
        assert_eq!(parse_any(ddl, Some("s.ddl")).unwrap(), s);
        // A user's COMMENT is not our metadata: the field stays a plain string.
        assert_eq!(s.fields[14], field("o p", DataType::String));
        assert_eq!(
            to_parquet_text(&s).unwrap(),
            "message schema {
  OPTIONAL INT64 a;
  REQUIRED INT64 b;
  OPTIONAL INT64 c;
  OPTIONAL INT64 d;
  OPTIONAL INT64 e;
  OPTIONAL DOUBLE f;
  OPTIONAL DOUBLE g;
  OPTIONAL DOUBLE h;
  OPTIONAL FIXED_LEN_BYTE_ARRAY (16) i (DECIMAL(38,0));
  OPTIONAL FIXED_LEN_BYTE_ARRAY (16) j (DECIMAL(38,0));
  OPTIONAL BYTE_ARRAY k (STRING);
  OPTIONAL BYTE_ARRAY l (STRING);
  OPTIONAL BYTE_ARRAY m (STRING);
  OPTIONAL BOOLEAN n;
  OPTIONAL BYTE_ARRAY o p (STRING);
  OPTIONAL group q {
    OPTIONAL group r (LIST) {
      REPEATED group list {
        OPTIONAL group element {
          REQUIRED INT64 s.t;
        }
      }
    }
    OPTIONAL group u (MAP) {
      REPEATED group key_value {
        REQUIRED BYTE_ARRAY key (STRING);
        OPTIONAL DOUBLE value;
      }
    }
  }
}"
        );
    }

    #[test]
    fn spark_ddl_types_json_cannot_hold_are_refused_with_the_type_to_use() {
        for (ty, hint) in [
            ("DATE", "use string and convert after reading"),
            ("timestamp", "use string and convert after reading"),
            ("TIMESTAMP_NTZ", "use string and convert after reading"),
            ("BINARY", "JSON has no bytes: use string"),
            ("DECIMAL(10,2)", "use double, or decimal(p,0) for integers"),
            ("MAP<INT, STRING>", "map keys must be strings"),
        ] {
            let err = Schema::from_spark_ddl(&format!("s STRUCT<x: {ty}>"), Some("s.ddl"))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("schema s.ddl: ddl form: `s.x`: ") && err.contains(hint),
                "{ty}: {err}"
            );
        }
    }

    #[test]
    fn ddl_quotes_only_where_needed_and_escapes_comments() {
        assert_eq!(quote_ident("plain_Name1"), "plain_Name1");
        for (name, quoted) in [
            ("a b", "`a b`"),
            ("a.b", "`a.b`"),
            ("a`b", "`a``b`"),
            ("é", "`é`"),
            ("", "``"),
            ("1a", "`1a`"),
            ("string", "`string`"),
            ("Select", "`Select`"),
        ] {
            assert_eq!(quote_ident(name), quoted);
        }
        assert_eq!(sql_string(r#"it's \n"#), r#"'it\'s \\n'"#);
        let mut f = field("k", DataType::Int64);
        f.key = Some("it's a \\ key\n".into());
        let s = Schema::new(vec![f]);
        assert_eq!(Schema::from_spark_ddl(&to_ddl(&s), None).unwrap(), s);
    }
}
