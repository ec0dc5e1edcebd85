//! A Parquet writer fed one JSON document at a time, writing to any [`std::io::Write`] sink.
//!
//! [`crate::convert`] owns files end to end (inputs, threads, a temporary file renamed into
//! place); callers that own the storage themselves (the Spark data source, whose JVM side writes
//! the bytes to a Hadoop stream under Spark's commit protocol) need the same encoding without
//! the files. A [`DocumentWriter`] takes a [`Schema`] and [`WriterOptions`], shreds each
//! document on the calling thread and hands every batch of shredded data
//! ([`crate::write::BATCH_BYTES`]) to the same row-group writer as `convert`
//! ([`crate::write::RowGroupWriter`]), which encodes it on the calling thread too (a Spark
//! task already has a core of its own) and appends finished row groups to the sink. Memory is
//! bounded as in `convert`: one batch of shredded data plus the open row group's encoded
//! pages. A document that cannot be written is reported back, with its line and column inside
//! the document, and leaves no trace in the output; what to do with it is the caller's
//! decision. Rows are read as Spark's JSON reader reads lines (an array of objects is a row per
//! object, text after the JSON is ignored: [`crate::bad_document::row_documents`]); in
//! [`Lenient`] mode a schema is met as Spark's reader meets a given one (unknown keys skipped,
//! a mismatched field null, the document reported as [`Outcome::Partial`] or left out).
//!
//! ```
//! use rustparquet_core::schema::Schema;
//! use rustparquet_core::stream::{DocumentWriter, Outcome};
//! use rustparquet_core::write::WriterOptions;
//! let schema = Schema::from_json_str(r#"{"fields":[{"name":"a","type":"int64"}]}"#, None)?;
//! let mut w = DocumentWriter::new(Vec::new(), &schema, &WriterOptions::default(), 64)?;
//! assert!(matches!(w.write_document(br#"{"a": 1}"#, "row 1")?, Outcome::Written));
//! let Outcome::Bad(e) = w.write_document(br#"{"a": "x"}"#, "row 2")? else { panic!() };
//! assert_eq!(e.to_string(), "row 2:1:7: `a` is an integer in the schema but a string here");
//! let stats = w.finish()?;
//! assert_eq!(stats.rows, 1);
//! assert_eq!(&w.sink_mut()?[..4], b"PAR1");
//! # Ok::<(), rustparquet_core::Error>(())
//! ```

use std::io::Write;
use std::sync::Arc;

use crate::bad_document::{one_document_at, row_documents, BadDocument, OneDocument, RowDocuments};
use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::shred::Shredder;
use crate::write::{BatchClock, FileStats, RowGroupWriter, WriterOptions};

/// What became of one document.
#[derive(Debug)]
pub enum Outcome {
    /// Shredded into the output.
    Written,
    /// Empty or only whitespace, or `[]`: not a document, nothing written (as Spark skips
    /// blank lines).
    Blank,
    /// Not valid JSON, not an object (or an array of objects), deeper than the limit, or not
    /// fitting the schema (an array row: one of its objects; none of them is written). The error's location is inside the document (line and column from 1), its file
    /// the name the caller gave. Nothing of it was written.
    Bad(Error),
    /// Lenient mode keeping partial documents ([`Lenient::keep`]): written, with the fields
    /// that did not fit the schema null; the error is the first of them.
    Partial(Error),
}

/// Spark's rule for a given schema ([`crate::shred::Shredder::set_lenient`]): keys the schema
/// lacks are skipped, string columns take any value as JSON text, and a field whose value does
/// not fit is null. What becomes of such a document:
#[derive(Debug, Clone, Default)]
pub struct Lenient {
    /// Kept with the field null ([`Outcome::Partial`], Spark's PERMISSIVE); otherwise left out
    /// and reported as [`Outcome::Bad`] (DROPMALFORMED, FAILFAST).
    pub keep: bool,
    /// A top-level optional string column that a kept document's text goes into (Spark's
    /// corrupt-record column); ignored when the schema has no such column.
    pub corrupt_column: Option<String>,
}

/// Writes JSON documents as one Parquet stream into `W`. See the module documentation.
pub struct DocumentWriter<W: Write + Send> {
    row_groups: RowGroupWriter<W>,
    shredder: Shredder,
    batch: BatchClock,
    max_depth: usize,
    finished: bool,
    /// Lenient mode: whether partial documents are kept, and the corrupt-record leaf.
    lenient: Option<(bool, Option<usize>)>,
}

impl<W: Write + Send> DocumentWriter<W> {
    /// Starts a Parquet stream for `schema` in `sink` (the magic bytes are written at once).
    /// Documents nest at most `max_depth` levels (see [`crate::DEFAULT_MAX_DEPTH`]); the caller's
    /// thread needs the stack for it ([`crate::threads::Recursion::documents`]).
    pub fn new(
        sink: W,
        schema: &Schema,
        options: &WriterOptions,
        max_depth: usize,
    ) -> Result<Self> {
        crate::convert::check_max_depth(max_depth)?;
        Ok(DocumentWriter {
            row_groups: RowGroupWriter::new(sink, schema, options, 1)?,
            shredder: Shredder::new(schema),
            batch: BatchClock::default(),
            max_depth,
            finished: false,
            lenient: None,
        })
    }

    /// Switches to lenient mode ([`Lenient`]), or back to strict (the default) with `None`.
    pub fn set_lenient(&mut self, lenient: Option<Lenient>) {
        self.shredder.set_lenient(lenient.is_some());
        self.lenient = lenient.map(|l| {
            let leaf = l
                .corrupt_column
                .and_then(|c| self.shredder.top_level_string_leaf(&c));
            (l.keep, leaf)
        });
    }

    /// Adds a key-value pair to the footer (after the schema and version keys every file has
    /// and [`WriterOptions::metadata`]).
    pub fn add_key_value_metadata(&mut self, key: &str, value: &str) {
        self.row_groups.add_key_value_metadata(key, value);
    }

    /// Rows written so far (complete documents, encoded or buffered).
    pub fn rows(&self) -> u64 {
        self.row_groups.rows() + self.shredder.buffered_rows() as u64
    }

    /// Shreds one row's documents, by Spark's JSON reader's rule
    /// ([`crate::bad_document::row_documents`]): the row's first JSON value, an object (one row)
    /// or an array of objects (one row each); text after it is ignored. `name` names the
    /// document in a bad document's [`crate::Location`]. An `Err` is a failure of the writer
    /// itself (encoding, the sink), after which the stream cannot be finished.
    pub fn write_document(&mut self, doc: &[u8], name: &str) -> Result<Outcome> {
        if self.finished {
            return Err(Error::Other(
                "internal error: document written after finish".into(),
            ));
        }
        let name = || Arc::from(name);
        let outcome = match row_documents(doc, &name, self.max_depth)? {
            RowDocuments::Blank => return Ok(Outcome::Blank),
            RowDocuments::Bad(error) => return Ok(Outcome::Bad(error)),
            RowDocuments::One => self.one(doc, 0, &name)?,
            RowDocuments::Elements(starts) => {
                // One row per object, all or none: a bad one takes the row's others back out.
                let mut outcome = Outcome::Blank;
                for (taken, &start) in starts.iter().enumerate() {
                    match self.one(doc, start, &name)? {
                        Outcome::Bad(error) => {
                            (0..taken).for_each(|_| self.shredder.drop_last_row());
                            return Ok(Outcome::Bad(error));
                        }
                        Outcome::Partial(error) if !matches!(outcome, Outcome::Partial(_)) => {
                            outcome = Outcome::Partial(error)
                        }
                        Outcome::Partial(_) => {}
                        Outcome::Written | Outcome::Blank => {
                            if matches!(outcome, Outcome::Blank) {
                                outcome = Outcome::Written
                            }
                        }
                    }
                }
                outcome
            }
        };
        let shredder = &self.shredder;
        if self.batch.batch_full(|| shredder.buffered_bytes()) {
            self.encode_buffered(self.shredder.buffered_rows())?;
        }
        Ok(outcome)
    }

    /// Shreds the document at `doc[start]`, as [`DocumentWriter::write_document`] reports it
    /// (never [`Outcome::Blank`]); encodes nothing.
    fn one(&mut self, doc: &[u8], start: usize, name: &dyn Fn() -> Arc<str>) -> Result<Outcome> {
        let shredder = &mut self.shredder;
        let mut partial = None;
        let taken = one_document_at(doc, start, name, self.max_depth, false, |p, locate| {
            shredder.shred_document(p)?;
            if let Some(BadDocument::Mismatch {
                offset,
                path,
                reason,
            }) = shredder.take_partial()
            {
                partial = Some(Error::Mismatch {
                    at: locate(offset),
                    path,
                    reason,
                });
            }
            Ok(())
        })?;
        match taken {
            OneDocument::Taken | OneDocument::Blank => {}
            OneDocument::Bad(error) => return Ok(Outcome::Bad(error)),
        }
        let (Some(error), Some((keep, corrupt))) = (partial, self.lenient) else {
            return Ok(Outcome::Written);
        };
        if !keep {
            self.shredder.drop_last_row();
            return Ok(Outcome::Bad(error));
        }
        if let Some(leaf) = corrupt {
            self.shredder
                .set_last_row_string(leaf, &String::from_utf8_lossy(doc));
        }
        Ok(Outcome::Partial(error))
    }

    /// Encodes the first `rows` buffered rows (closing row groups as they fill) and empties
    /// the shredder's buffers (dropping any rows after `rows`).
    fn encode_buffered(&mut self, rows: usize) -> Result<()> {
        self.row_groups.write(self.shredder.columns(), rows)?;
        self.shredder.clear_buffers();
        Ok(())
    }

    /// Encodes what is buffered, closes the last row group and writes the footer. Afterwards
    /// [`DocumentWriter::sink_mut`] holds the rest of the stream; nothing more can be written.
    pub fn finish(&mut self) -> Result<FileStats> {
        if self.finished {
            return Err(Error::Other("internal error: finished twice".into()));
        }
        self.finished = true;
        self.encode_buffered(self.shredder.buffered_rows())?;
        self.row_groups.finish()
    }

    /// The sink, with everything encoded so far flushed into it: whole row groups as they
    /// close, and after [`DocumentWriter::finish`] the footer. A caller that hands bytes on (an
    /// in-memory `Vec`) may take them out; the writer counts offsets itself.
    pub fn sink_mut(&mut self) -> Result<&mut W> {
        self.row_groups.sink_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::from_json_str(
            r#"{"fields":[{"name":"id","type":"int64"},{"name":"tags","type":"list","element":{"type":"string"}},{"name":"o","fields":[{"name":"x","type":"double"}]}]}"#,
            None,
        )
        .unwrap()
    }

    #[test]
    fn documents_in_bad_ones_out_with_positions_inside_the_document() -> Result<()> {
        let mut options = WriterOptions::default();
        options.row_group_rows = 2;
        let mut w = DocumentWriter::new(Vec::new(), &schema(), &options, 64)?;
        w.add_key_value_metadata("k", "v");
        let docs: [&[u8]; 12] = [
            br#"{"id": 1, "tags": ["a", null], "o": {"x": 1.5}}"#,
            b"   ",
            b"{\"id\": 2,\n \"tags\": [}",
            br#"{"id": 3} {"id": 4} trailing"#,
            br#"{"id": "x"}"#,
            br#"{"id": "x", "tags": [}"#,
            br#"{"id": 5, "tags": [], "o": null}"#,
            b"[{\"id\": 6}, 1]",
            br#"{"id": 6}"#,
            br#" [{"id": 7}, {"id": 8, "tags": ["b"]}] "#,
            b"[]",
            br#"[{"id": 9}, {"id": "x"}]"#,
        ];
        let mut outcomes = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            outcomes.push(match w.write_document(d, &format!("row {i}"))? {
                Outcome::Written => "written".to_string(),
                Outcome::Blank => "blank".to_string(),
                Outcome::Bad(e) | Outcome::Partial(e) => e.to_string(),
            });
        }
        assert_eq!(
            outcomes,
            [
                "written",
                "blank",
                "row 2:2:11: invalid JSON: expected a value, found '}' (in the document that starts at line 1)",
                "written",
                "row 4:1:8: `id` is an integer in the schema but a string here",
                "row 5:1:22: invalid JSON: expected a value, found '}'",
                "written",
                "row 7:1:13: `<document>` is an array holding a number; a row that is an array must hold JSON objects only (each one row, as Spark's JSON reader reads it)",
                "written",
                "written",
                "blank",
                "row 11:1:20: `id` is an integer in the schema but a string here",
            ]
        );
        let stats = w.finish()?;
        assert_eq!((stats.rows, stats.row_groups), (6, 3));
        let bytes = std::mem::take(w.sink_mut()?);
        assert_eq!(bytes.len() as u64, stats.bytes);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            crate::read::to_ndjson_string(&path, &Default::default())?,
            "{\"id\":1,\"tags\":[\"a\",null],\"o\":{\"x\":1.5}}\n{\"id\":3,\"tags\":null,\"o\":null}\n{\"id\":5,\"tags\":[],\"o\":null}\n{\"id\":6,\"tags\":null,\"o\":null}\n{\"id\":7,\"tags\":null,\"o\":null}\n{\"id\":8,\"tags\":[\"b\"],\"o\":null}\n"
        );
        let meta = parquet::file::reader::FileReader::metadata(
            &parquet::file::serialized_reader::SerializedFileReader::new(bytes::Bytes::from(
                bytes,
            ))?,
        )
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default();
        assert!(meta
            .iter()
            .any(|kv| kv.key == "k" && kv.value.as_deref() == Some("v")));
        assert!(meta.iter().any(|kv| kv.key == crate::schema::SCHEMA_KEY));
        Ok(())
    }

    /// Spark's reader with this schema (`spark.read.schema(...).json`, 3.5.9 and 4.3.0) on
    /// the same lines: PERMISSIVE keeps every row below with the mismatched fields null and
    /// the line in `_corrupt_record`; DROPMALFORMED keeps the rows without a mismatch. (Spark
    /// 4 stores `"b": {"k": 1}` as written, `{"k": 1}`; Spark 3.5 as here, without spaces.)
    #[test]
    fn lenient_mode_skips_unknown_keys_and_nulls_mismatched_fields_as_spark() -> Result<()> {
        let schema = Schema::from_spark_ddl(
            "a bigint, b string, c double, d boolean, o struct<x: bigint, y: bigint>, l array<bigint>, lo array<struct<x: bigint>>, _corrupt_record string",
            None,
        )?;
        let docs = [
            r#"{"a": 1, "zz": {"q": [1,2]}, "b": "x"}"#,
            r#"{"a": "notint", "b": "y"}"#,
            r#"{"a": 2, "o": {"x": "bad", "y": 5}, "b": "z"}"#,
            r#"{"a": 3, "o": {"x": 1, "y": 6, "extra": 1}, "l": [1, "s", 3]}"#,
            r#"{"a": 4, "lo": [{"x": 1}, {"x": "bad"}], "b": 7}"#,
            r#"{"a": 5, "b": {"k": 1}, "c": 1.5}"#,
            r#"{"a": 1.5, "c": 3, "d": "true"}"#,
            r#"{"a": 12, "o": 5}"#,
            r#"{"a": null, "o": null}"#,
            r#"{"a": 6, "zz": [1, }"#,
        ];
        let run = |keep: bool| -> Result<(Vec<String>, String)> {
            let mut w = DocumentWriter::new(Vec::new(), &schema, &WriterOptions::default(), 64)?;
            w.set_lenient(Some(Lenient {
                keep,
                corrupt_column: Some("_corrupt_record".into()),
            }));
            let mut outcomes = Vec::new();
            for (i, d) in docs.iter().enumerate() {
                outcomes.push(match w.write_document(d.as_bytes(), &format!("row {i}"))? {
                    Outcome::Written => "written".to_string(),
                    Outcome::Blank => "blank".to_string(),
                    Outcome::Bad(e) => format!("bad {e}"),
                    Outcome::Partial(e) => format!("partial {e}"),
                });
            }
            w.finish()?;
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.parquet");
            std::fs::write(&path, std::mem::take(w.sink_mut()?)).unwrap();
            Ok((
                outcomes,
                crate::read::to_ndjson_string(&path, &Default::default())?,
            ))
        };
        let (outcomes, rows) = run(true)?;
        assert_eq!(
            outcomes,
            [
                "written",
                "partial row 1:1:7: `a` is an integer in the schema but a string here",
                "partial row 2:1:21: `o.x` is an integer in the schema but a string here",
                "partial row 3:1:54: `l[]` is an integer in the schema but a string here",
                "partial row 4:1:33: `lo[].x` is an integer in the schema but a string here",
                "written",
                "partial row 6:1:7: `a` is an integer column but holds the float 1.5 here",
                "partial row 7:1:16: `o` is an object in the schema but a number here",
                "written",
                "bad row 9:1:20: invalid JSON: expected a value, found '}'",
            ]
        );
        let n = r#""c":null,"d":null,"o":null,"l":null,"lo":null,"_corrupt_record":null"#;
        let corrupt = |i: usize| serde_json::to_string(docs[i]).unwrap();
        let expected = [
            format!(r#"{{"a":1,"b":"x",{n}}}"#),
            format!(
                r#"{{"a":null,"b":"y","c":null,"d":null,"o":null,"l":null,"lo":null,"_corrupt_record":{}}}"#,
                corrupt(1)
            ),
            format!(
                r#"{{"a":2,"b":"z","c":null,"d":null,"o":{{"x":null,"y":5}},"l":null,"lo":null,"_corrupt_record":{}}}"#,
                corrupt(2)
            ),
            format!(
                r#"{{"a":3,"b":null,"c":null,"d":null,"o":{{"x":1,"y":6}},"l":null,"lo":null,"_corrupt_record":{}}}"#,
                corrupt(3)
            ),
            format!(
                r#"{{"a":4,"b":"7","c":null,"d":null,"o":null,"l":null,"lo":[{{"x":1}},{{"x":null}}],"_corrupt_record":{}}}"#,
                corrupt(4)
            ),
            r#"{"a":5,"b":"{\"k\":1}","c":1.5,"d":null,"o":null,"l":null,"lo":null,"_corrupt_record":null}"#.to_string(),
            format!(
                r#"{{"a":null,"b":null,"c":3.0,"d":null,"o":null,"l":null,"lo":null,"_corrupt_record":{}}}"#,
                corrupt(6)
            ),
            format!(
                r#"{{"a":12,"b":null,"c":null,"d":null,"o":null,"l":null,"lo":null,"_corrupt_record":{}}}"#,
                corrupt(7)
            ),
            format!(r#"{{"a":null,"b":null,{n}}}"#),
        ];
        assert_eq!(rows, expected.join("\n") + "\n");
        // Not kept (DROPMALFORMED, FAILFAST): the documents with a mismatch are bad and out.
        let (outcomes, rows) = run(false)?;
        assert_eq!(outcomes.iter().filter(|o| o.starts_with("bad")).count(), 7);
        assert_eq!(
            rows,
            [expected[0].as_str(), &expected[5], &expected[8], ""].join("\n")
        );
        Ok(())
    }

    #[test]
    fn bytes_can_be_drained_while_writing() -> Result<()> {
        let mut options = WriterOptions::default();
        options.row_group_rows = 100;
        let mut w = DocumentWriter::new(Vec::new(), &schema(), &options, 64)?;
        let mut drained = Vec::new();
        for i in 0..1000 {
            let doc = format!(r#"{{"id": {i}, "tags": ["t{}"]}}"#, i % 7);
            assert!(matches!(
                w.write_document(doc.as_bytes(), "d")?,
                Outcome::Written
            ));
            if i % 300 == 0 {
                drained.append(w.sink_mut()?);
            }
        }
        let stats = w.finish()?;
        drained.append(w.sink_mut()?);
        assert_eq!((stats.rows, stats.row_groups), (1000, 10));
        let reader = parquet::file::serialized_reader::SerializedFileReader::new(
            bytes::Bytes::from(drained),
        )?;
        assert_eq!(
            parquet::file::reader::FileReader::metadata(&reader)
                .file_metadata()
                .num_rows(),
            1000
        );
        Ok(())
    }
}
