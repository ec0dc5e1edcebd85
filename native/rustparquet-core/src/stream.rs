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
//! decision.
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

use crate::bad_document::{one_document, OneDocument};
use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::shred::Shredder;
use crate::write::{BatchClock, FileStats, RowGroupWriter, WriterOptions};

/// What became of one document.
#[derive(Debug)]
pub enum Outcome {
    /// Shredded into the output.
    Written,
    /// Empty or only whitespace: not a document, nothing written (as Spark skips blank lines).
    Blank,
    /// Not valid JSON, not an object, deeper than the limit, trailing data, or not fitting the
    /// schema. The error's location is inside the document (line and column from 1), its file
    /// the name the caller gave. Nothing of it was written.
    Bad(Error),
}

/// Writes JSON documents as one Parquet stream into `W`. See the module documentation.
pub struct DocumentWriter<W: Write + Send> {
    row_groups: RowGroupWriter<W>,
    shredder: Shredder,
    batch: BatchClock,
    max_depth: usize,
    finished: bool,
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
        })
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

    /// Shreds one document (the whole of `doc`: one JSON object, surrounded by whitespace at
    /// most). `name` names the document in a bad document's [`crate::Location`]. An `Err` is a failure
    /// of the writer itself (encoding, the sink), after which the stream cannot be finished.
    pub fn write_document(&mut self, doc: &[u8], name: &str) -> Result<Outcome> {
        if self.finished {
            return Err(Error::Other(
                "internal error: document written after finish".into(),
            ));
        }
        let name = || Arc::from(name);
        let shredder = &mut self.shredder;
        let taken = one_document(doc, &name, self.max_depth, false, |p, _| {
            shredder.shred_document(p)
        })?;
        match taken {
            OneDocument::Taken => {}
            OneDocument::Blank => return Ok(Outcome::Blank),
            OneDocument::Bad(error) => return Ok(Outcome::Bad(error)),
            OneDocument::TakenThenTrailingData(error) => {
                // It was shredded already: encode the rows before it and drop it (rare, so
                // the extra encode is fine).
                let keep = self.shredder.buffered_rows() - 1;
                self.encode_buffered(keep)?;
                return Ok(Outcome::Bad(error));
            }
        }
        let shredder = &self.shredder;
        if self.batch.batch_full(|| shredder.buffered_bytes()) {
            self.encode_buffered(self.shredder.buffered_rows())?;
        }
        Ok(Outcome::Written)
    }

    /// Encodes the first `rows` buffered rows (closing row groups as they fill) and empties
    /// the shredder's buffers (dropping any rows after `rows`).
    fn encode_buffered(&mut self, rows: usize) -> Result<()> {
        self.row_groups.write(self.shredder.leaves(), rows)?;
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
        let docs: [&[u8]; 9] = [
            br#"{"id": 1, "tags": ["a", null], "o": {"x": 1.5}}"#,
            b"   ",
            b"{\"id\": 2,\n \"tags\": [}",
            br#"{"id": 3} {"id": 4}"#,
            br#"{"id": "x"}"#,
            br#"{"id": "x", "tags": [}"#,
            br#"{"id": 5, "tags": [], "o": null}"#,
            b"[1]",
            br#"{"id": 6}"#,
        ];
        let mut outcomes = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            outcomes.push(match w.write_document(d, &format!("row {i}"))? {
                Outcome::Written => "written".to_string(),
                Outcome::Blank => "blank".to_string(),
                Outcome::Bad(e) => e.to_string(),
            });
        }
        assert_eq!(
            outcomes,
            [
                "written",
                "blank",
                "row 2:2:11: invalid JSON: expected a value, found '}' (in the document that starts at line 1)",
                "row 3:1:11: invalid JSON: unexpected data after the document (a row must hold one JSON document)",
                "row 4:1:8: `id` is an integer in the schema but a string here",
                "row 5:1:22: invalid JSON: expected a value, found '}'",
                "written",
                "row 7:1:1: `<document>` is an array; each document must be a JSON object (see docs/format.md, top-level values)",
                "written",
            ]
        );
        let stats = w.finish()?;
        assert_eq!((stats.rows, stats.row_groups), (3, 2));
        let bytes = std::mem::take(w.sink_mut()?);
        assert_eq!(bytes.len() as u64, stats.bytes);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            crate::read::to_ndjson_string(&path, &Default::default())?,
            "{\"id\":1,\"tags\":[\"a\",null],\"o\":{\"x\":1.5}}\n{\"id\":5,\"tags\":[],\"o\":null}\n{\"id\":6,\"tags\":null,\"o\":null}\n"
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
