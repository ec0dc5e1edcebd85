//! Sorted output (`--sort-by PATH`): the documents of a conversion taken in the order of one
//! scalar column, so that each row group and page holds a narrow range of it and readers skip
//! by their statistics (a point lookup or range filter on that column reads little).
//!
//! A key pass reads every document once (any layout, compressed or not): it takes the value
//! at the path (the last of duplicate keys, as the shredder does), copies the document's bytes
//! to an unnamed temporary file and keeps, per document, the key, where its copy is and where
//! it was in the input. Bad documents meet the run's policy here, with their own places. The
//! entries are sorted by key, stably (equal keys keep input order), nulls and missing values
//! last, numbers by value, strings by their UTF-8 bytes (the order of Parquet's statistics),
//! `false` before `true`. [`SortedDocuments::feed`] then hands the copies to a sink in that
//! order, each located at its place in the input. Memory holds one entry per document (about
//! 48 bytes plus a string key); the temporary file takes about the input's size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::bad_document::BadDocument;
use crate::error::{Error, Location, Result};
use crate::input::{
    parse_window, read_documents, BadRecordPolicy, DocumentSink, Input, ReadSettings,
};
use crate::json::{Number, Parser, ValueKind};
use crate::locator::Locator;
use crate::path::{ColumnPath, PathStep};
use crate::schema::{DataType, Schema};

/// The JSON keys leading to the sort column, checked against the schema: the path must name
/// exactly one leaf column of one type, outside any array or map.
pub fn sort_keys(schema: &Schema, text: &str) -> Result<Vec<String>> {
    let refuse = |why: String| Err(Error::Options(format!("--sort-by `{text}`: {why}")));
    let leaves = schema.leaves();
    let named: Vec<_> = schema
        .leaves_named(text)
        .into_iter()
        .map(|i| &leaves[i])
        .collect();
    // The path must name the column itself (`[]` aside), not a group above it (one with a
    // single field included).
    let user = ColumnPath::parse(text).ok();
    let exact: Vec<_> = named
        .iter()
        .filter(|l| {
            l.parquet_path == text
                || user
                    .as_ref()
                    .is_some_and(|p| p.selects(&l.path) && l.path.selects(p))
        })
        .collect();
    let leaf = match (exact.as_slice(), named.len()) {
        ([leaf], _) => **leaf,
        (_, 0) => return refuse("no column of the schema has that path".into()),
        _ => {
            let columns: Vec<String> = named.iter().map(|l| l.path.to_string()).collect();
            return refuse(format!(
                "it names {} column{} ({}), a group or a union (values of several JSON \
                 types); sort by one column of one type",
                named.len(),
                if named.len() == 1 { "" } else { "s" },
                columns.join(", ")
            ));
        }
    };
    if leaf.max_rep > 0 {
        return refuse(
            "the column is inside an array; sort by a column with one value per document".into(),
        );
    }
    let mut keys = Vec::new();
    for step in &leaf.path.0 {
        match step {
            PathStep::Key(k) => keys.push(k.clone()),
            _ => return refuse("the column is a map's value; sort by a named field".into()),
        }
    }
    match leaf.data_type {
        DataType::Null
        | DataType::Boolean
        | DataType::Int64
        | DataType::Decimal
        | DataType::Double
        | DataType::String => Ok(keys),
        _ => refuse("the column holds JSON text or variants; sort by a column of one type".into()),
    }
}

/// A document's sort key.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(Box<[u8]>),
    /// Null, missing, or a value of another kind (which the conversion then rejects).
    Absent,
}

impl Key {
    /// Ranks kinds for the rare mixed column (the schema allows one kind and nulls).
    fn rank(&self) -> u8 {
        match self {
            Key::Bool(_) => 0,
            Key::Int(_) | Key::Float(_) => 1,
            Key::Text(_) => 2,
            Key::Absent => 3,
        }
    }

    fn order(&self, other: &Key) -> std::cmp::Ordering {
        match (self, other) {
            (Key::Bool(a), Key::Bool(b)) => a.cmp(b),
            (Key::Int(a), Key::Int(b)) => a.cmp(b),
            (Key::Float(a), Key::Float(b)) => a.total_cmp(b),
            // A double column holds integers that are exact doubles.
            (Key::Int(a), Key::Float(b)) => (*a as f64).total_cmp(b),
            (Key::Float(a), Key::Int(b)) => a.total_cmp(&(*b as f64)),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// One document of the key pass.
#[derive(Debug)]
struct Entry {
    key: Key,
    /// Where its bytes are in the temporary copy.
    copy_at: u64,
    len: usize,
    /// Where it starts in the input.
    input: usize,
    line: u64,
    column: u64,
}

/// The documents of the inputs, copied aside, in key order.
pub struct SortedDocuments {
    copies: File,
    /// Where the copies are (named in I/O errors; the file itself has no name).
    temp_dir: PathBuf,
    entries: Vec<Entry>,
    names: Vec<Arc<str>>,
}

/// Takes each document's key and copy (the key pass's sink).
struct KeySink<'k> {
    keys: &'k [String],
    copies: BufWriter<File>,
    copied: u64,
    input: usize,
    entries: Vec<Entry>,
    scratch: Vec<u8>,
    io_error: Option<std::io::Error>,
}

impl KeySink<'_> {
    /// The key of the value at the parser (a document or a member on the path), which is
    /// consumed: at `depth` = the path's length, the value itself.
    fn key_of(
        &mut self,
        p: &mut Parser<'_>,
        depth: usize,
    ) -> std::result::Result<Key, BadDocument> {
        if depth == self.keys.len() {
            return Ok(match p.peek()? {
                ValueKind::Bool => Key::Bool(p.boolean()?),
                ValueKind::Number => match p.number()? {
                    Number::Int(v) => Key::Int(v.into()),
                    Number::Big(v) => Key::Int(v),
                    Number::Float(v) => Key::Float(v),
                },
                ValueKind::String => {
                    self.scratch.clear();
                    p.string_into(&mut self.scratch)?;
                    Key::Text(self.scratch.as_slice().into())
                }
                _ => {
                    p.skip_value()?;
                    Key::Absent
                }
            });
        }
        if p.peek()? != ValueKind::Object {
            p.skip_value()?;
            return Ok(Key::Absent);
        }
        p.begin_object()?;
        let mut key = Key::Absent;
        let mut first = true;
        let mut name = Vec::new();
        loop {
            let matched = match p.next_key(first, &mut name)? {
                None => break,
                Some(k) => k == self.keys[depth].as_bytes(),
            };
            first = false;
            if matched {
                // A repeated key: the last value wins, as in the shredder.
                key = self.key_of(p, depth + 1)?;
            } else {
                p.skip_value()?;
            }
        }
        Ok(key)
    }
}

impl DocumentSink for KeySink<'_> {
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), BadDocument> {
        let start = p.pos();
        let key = self.key_of(p, 0)?;
        let text = p.text_since(start);
        if let Err(e) = self.copies.write_all(text) {
            self.io_error.get_or_insert(e);
        }
        let at = locate(start);
        self.entries.push(Entry {
            key,
            copy_at: self.copied,
            len: text.len(),
            input: self.input,
            line: at.line,
            column: at.column,
        });
        self.copied += text.len() as u64;
        Ok(())
    }

    fn after_document(&mut self) -> Result<bool> {
        Ok(self.io_error.is_none())
    }
}

impl SortedDocuments {
    /// The key pass over `inputs` for the column at `keys` (from [`sort_keys`]); bad documents
    /// go to `policy` and are left out.
    pub fn read(
        inputs: &[Input],
        keys: &[String],
        policy: &mut BadRecordPolicy,
        settings: &ReadSettings<'_>,
    ) -> Result<SortedDocuments> {
        let temp = std::env::temp_dir();
        let copies = tempfile::tempfile().map_err(|e| Error::io(&temp, e))?;
        let mut sink = KeySink {
            keys,
            copies: BufWriter::with_capacity(
                1 << 20,
                copies.try_clone().map_err(|e| Error::io(&temp, e))?,
            ),
            copied: 0,
            input: 0,
            entries: Vec::new(),
            scratch: Vec::new(),
            io_error: None,
        };
        for (i, input) in inputs.iter().enumerate() {
            sink.input = i;
            read_documents(input, &mut sink, policy, settings)?;
            if let Some(e) = sink.io_error.take() {
                return Err(Error::io(&temp, e));
            }
        }
        sink.copies.flush().map_err(|e| Error::io(&temp, e))?;
        let mut entries = sink.entries;
        entries.sort_by(|a, b| a.key.order(&b.key));
        Ok(SortedDocuments {
            copies,
            temp_dir: temp,
            entries,
            names: inputs.iter().map(|i| i.name.clone()).collect(),
        })
    }

    /// Hands the documents to `sink` in key order, each located at its place in its input;
    /// a document the sink rejects goes to `policy`. Returns the documents taken.
    pub fn feed(
        &self,
        sink: &mut dyn DocumentSink,
        policy: &mut BadRecordPolicy,
        settings: &ReadSettings<'_>,
    ) -> Result<u64> {
        let mut buf = Vec::new();
        let mut taken = 0;
        for entry in &self.entries {
            if settings
                .cancel
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
            {
                return Err(Error::Interrupted);
            }
            buf.resize(entry.len, 0);
            if let Some(progress) = settings.progress {
                progress
                    .bytes
                    .fetch_add(entry.len as u64, std::sync::atomic::Ordering::Relaxed);
            }
            self.copies
                .read_exact_at(&mut buf, entry.copy_at)
                .map_err(|e| Error::io(&self.temp_dir, e))?;
            let locator = Locator::new(&self.names[entry.input], &buf, entry.line);
            // Offsets on the document's first line count from its first column.
            let locate = |offset: usize| {
                let mut at = locator.locate(offset);
                if at.line == entry.line {
                    at.column += entry.column - 1;
                }
                at
            };
            let end = parse_window(&buf, 0, true, &mut None, &locate, sink, policy, settings)?;
            taken += end.taken;
            if end.stopped {
                break;
            }
        }
        Ok(taken)
    }
}
