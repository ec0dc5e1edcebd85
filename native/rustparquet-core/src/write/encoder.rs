//! Encoding shredded columns: a [`ColumnEncoder`] holds a file's column descriptors and writer
//! properties; a [`RowGroupEncoder`] keeps one column writer open per leaf column while
//! batches of shredded data stream into it (columns spread over threads) and finished pages go
//! to the writer's spill file ([`super::spill`]); [`RowGroupEncoder::close_into`] closes them
//! and splices their column chunks into the file ([`super::RowGroupWriter`] says when).

use std::io::Write;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};

use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterPropertiesPtr;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescPtr, SchemaDescriptor};

use super::chunk_start::{chunk_start, ChunkStart, MANY_COLUMNS, PROBATION_DICTIONARY_BYTES};
use super::column::OpenColumn;
use super::spill::{Spill, SpilledChunk};
use super::VERSION;
use crate::error::{Error, Result};
use crate::leaf::{Columns, LeafColumn, Levels};
use crate::options::WriterOptions;
use crate::path::ColumnPath;
use crate::schema::{Schema, SCHEMA_KEY, VERSION_KEY};

/// The schema and settings of one file's columns; shareable between threads.
pub struct ColumnEncoder {
    columns: Vec<ColumnDescPtr>,
    column_paths: Vec<ColumnPath>,
    props: WriterPropertiesPtr,
    /// `props` without dictionary encoding ([`ChunkStart::Plain`]).
    props_plain: WriterPropertiesPtr,
    /// `props` with the probation dictionary page limit ([`ChunkStart::Probation`]).
    props_probation: WriterPropertiesPtr,
}

impl ColumnEncoder {
    /// Leaf columns of the file.
    pub fn columns(&self) -> usize {
        self.columns.len()
    }

    /// Starts a row group: one open column writer per leaf column, their pages going to
    /// `spill` until the row group is closed.
    pub(super) fn open_row_group(self: &Arc<Self>, spill: &Arc<Spill>) -> RowGroupEncoder {
        RowGroupEncoder {
            columns: self.columns.iter().map(|_| None).collect(),
            spill: spill.clone(),
            encoder: self.clone(),
            rows: 0,
            raw_bytes: 0,
            lanes: Vec::new(),
        }
    }

    /// Opens column `i`'s writer for a row group whose first values are in `leaf`, started as
    /// [`chunk_start`] says.
    fn open_column(&self, i: usize, leaf: &LeafColumn<'_>, spill: &Arc<Spill>) -> OpenColumn {
        let props = match chunk_start(leaf, self.columns.len() >= MANY_COLUMNS) {
            ChunkStart::Dictionary => &self.props,
            ChunkStart::Plain => &self.props_plain,
            ChunkStart::Probation => &self.props_probation,
        };
        OpenColumn::new(self.columns[i].clone(), props.clone(), spill)
    }
}

/// A row group being encoded: batches of shredded columns stream into the open column
/// writers (memory holds the pages being filled, finished ones are spilled, so a row group
/// may hold far more data than memory), and [`RowGroupEncoder::close_into`] closes them and
/// splices the row group into the file.
pub struct RowGroupEncoder {
    /// Opened at their first values.
    columns: Vec<Option<OpenColumn>>,
    /// Where the columns' finished pages wait for the row group's end.
    spill: Arc<Spill>,
    encoder: Arc<ColumnEncoder>,
    rows: usize,
    raw_bytes: usize,
    /// Each encoding thread's scratch, kept from batch to batch.
    lanes: Vec<LaneScratch>,
}

/// What one encoding thread reuses column after column and batch after batch: a fresh
/// buffer of a batch's size is new memory each time (a page fault per 4 KiB page).
#[derive(Default)]
struct LaneScratch {
    /// A column's levels with its missed slots filled in ([`Columns::column`]).
    levels: Levels,
    /// A string column's values as the `parquet` crate takes them.
    byte_arrays: Vec<ByteArray>,
}

impl RowGroupEncoder {
    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Shredded (unencoded) bytes written so far: what `row_group_bytes` measures.
    pub fn raw_bytes(&self) -> usize {
        self.raw_bytes
    }

    /// Encodes rows `rows` of a batch (`columns` in schema order) on `threads` threads, each
    /// taking the next column not yet taken ([`in_lanes`]).
    pub fn write(
        &mut self,
        columns: Columns<'_>,
        rows: std::ops::Range<usize>,
        threads: usize,
    ) -> Result<()> {
        if columns.len() != self.columns.len() {
            return Err(Error::Other(format!(
                "internal error: {} column buffers for {} columns",
                columns.len(),
                self.columns.len()
            )));
        }
        let whole = rows.start == 0 && rows.end >= columns.rows();
        let encoder = &self.encoder;
        let spill = &self.spill;
        let paths = &encoder.column_paths;
        let write_one = |scratch: &mut LaneScratch,
                         i: usize,
                         column: &mut Option<OpenColumn>|
         -> Result<usize> {
            let leaf = columns.column(i, &mut scratch.levels);
            let slice = if whole {
                leaf.all()
            } else {
                leaf.slice_rows(rows.clone())
            };
            let column = column.get_or_insert_with(|| encoder.open_column(i, &leaf, spill));
            column
                .write(&leaf, &slice, &mut scratch.byte_arrays)
                .map_err(|e| match e {
                    Error::Parquet { source, .. } => Error::Parquet {
                        column: Some(paths[i].clone()),
                        source,
                    },
                    other => other,
                })
        };
        self.lanes.resize_with(threads.max(1), LaneScratch::default);
        let bytes: usize = in_lanes(
            self.columns.iter_mut().enumerate(),
            &mut self.lanes,
            &write_one,
        )?
        .into_iter()
        .sum();
        self.rows += rows.len();
        self.raw_bytes += bytes;
        Ok(())
    }

    /// Closes the column writers and splices their chunks into `writer`; `false` (nothing
    /// written) if the row group has no rows. `threads` lanes each close every n-th column
    /// (closing a chunk encodes its last pages into the spill) while this thread reads the
    /// chunks back and appends them in column order as they come, one chunk in memory at a
    /// time. Done one after the other (all closed, then all spliced on one thread) the splice
    /// left the other core idle at the end of every file: activedata's one 32 MB row group took
    /// 19 ms to close and 40 ms to splice, about 6% of the run. (Lanes that read chunks back
    /// themselves and handed them over held several at once: 37 MB more at the peak of a
    /// 3.7 GB input's row groups.)
    pub(super) fn close_into<W: Write + Send>(
        self,
        writer: &mut SerializedFileWriter<W>,
        threads: usize,
    ) -> Result<bool> {
        let RowGroupEncoder {
            columns,
            spill,
            encoder,
            rows,
            ..
        } = self;
        if rows == 0 {
            // Whatever its empty columns wrote is not kept for the next row group.
            drop(columns);
            spill.clear()?;
            return Ok(false);
        }
        let paths = &encoder.column_paths;
        let close_one =
            |i: usize, c: Option<OpenColumn>| -> Result<(SpilledChunk, ColumnCloseResult)> {
                let c = c.unwrap_or_else(|| {
                    OpenColumn::new(encoder.columns[i].clone(), encoder.props.clone(), &spill)
                });
                c.finish().map_err(|e| match e {
                    Error::Parquet { source, .. } => Error::Parquet {
                        column: Some(paths[i].clone()),
                        source,
                    },
                    other => other,
                })
            };
        let count = columns.len();
        let lanes = threads.clamp(1, count.max(1));
        let mut work: Vec<Vec<(usize, Option<OpenColumn>)>> =
            (0..lanes).map(|_| Vec::new()).collect();
        for (i, column) in columns.into_iter().enumerate() {
            work[i % lanes].push((i, column));
        }
        let mut group = writer.next_row_group()?;
        std::thread::scope(|scope| -> Result<()> {
            let close_one = &close_one;
            let mut chunks = Vec::with_capacity(lanes);
            let mut handles = Vec::with_capacity(lanes);
            for lane in work {
                // Closed chunks are in the spill: what waits here is where they are.
                let (tx, rx) = channel::<Result<(SpilledChunk, ColumnCloseResult)>>();
                chunks.push(rx);
                handles.push(scope.spawn(move || {
                    for (i, column) in lane {
                        let closed = close_one(i, column);
                        let failed = closed.is_err();
                        // A send fails once the appending side has stopped at an error.
                        if tx.send(closed).is_err() || failed {
                            break;
                        }
                    }
                }));
            }
            let appended = (0..count).try_for_each(|i| {
                let (chunk, close) = chunks[i % lanes].recv().map_err(|_| {
                    Error::Other("internal error: an encoder thread stopped".into())
                })??;
                group.append_column(&spill.read(&chunk)?, close)?;
                Ok(())
            });
            // Lanes still closing stop at their next send once its receiver is gone.
            drop(chunks);
            let panicked = handles.into_iter().any(|h| h.join().is_err());
            if panicked {
                return Err(Error::Other(
                    "internal error: an encoder thread panicked".into(),
                ));
            }
            appended
        })?;
        group.close()?;
        spill.clear()?;
        Ok(true)
    }
}

/// Runs `work` on each numbered column on one thread per state in `states` (the calling
/// one among them) with the thread's state (scratch space reused column after column); the
/// results come back in column order, or the first error in column order. Each thread takes
/// the next column not yet taken: columns differ widely in cost, and fixed shares (every
/// n-th column) left one thread waiting for the other at the end of every batch.
fn in_lanes<S: Send, C: Send, R: Send>(
    columns: impl Iterator<Item = (usize, C)>,
    states: &mut [S],
    work: &(dyn Fn(&mut S, usize, C) -> Result<R> + Sync),
) -> Result<Vec<R>> {
    let columns: Vec<(usize, C)> = columns.collect();
    let threads = states.len().min(columns.len()).max(1);
    let Some((state, others)) = states.split_first_mut() else {
        return Err(Error::Other("internal error: no encoding thread".into()));
    };
    if threads == 1 {
        return columns
            .into_iter()
            .map(|(i, c)| work(state, i, c))
            .collect();
    }
    let next = Mutex::new(columns.into_iter());
    let run = |state: &mut S| -> Vec<(usize, Result<R>)> {
        let mut done = Vec::new();
        loop {
            // Poisoned only if another thread panicked taking a column: stop, it reports.
            let Some((i, c)) = next.lock().ok().and_then(|mut n| n.next()) else {
                break;
            };
            done.push((i, work(state, i, c)));
        }
        done
    };
    let done: Option<Vec<Vec<(usize, Result<R>)>>> = std::thread::scope(|scope| {
        let run = &run;
        let handles: Vec<_> = others
            .iter_mut()
            .take(threads - 1)
            .map(|state| scope.spawn(move || run(state)))
            .collect();
        let mine = run(state);
        // A thread that panicked took its columns' results with it.
        let theirs: Option<Vec<_>> = handles.into_iter().map(|h| h.join().ok()).collect();
        theirs.map(|mut theirs| {
            theirs.push(mine);
            theirs
        })
    });
    let Some(done) = done else {
        return Err(Error::Other(
            "internal error: an encoder thread panicked".into(),
        ));
    };
    let mut ordered: Vec<(usize, Result<R>)> = done.into_iter().flatten().collect();
    ordered.sort_by_key(|(i, _)| *i);
    ordered.into_iter().map(|(_, r)| r).collect()
}

/// The dictionary page limit of a variant's `metadata` column (at least the options' own).
/// Each row's metadata lists the keys of its document, so a row group holds a few thousand
/// distinct metadata of a few hundred bytes each (activedata: 4,429 distinct, 2.3 MB, in
/// 141,000 rows): with the default 1 MiB page the dictionary fills and the column falls back
/// to plain, 8.5 MB after snappy; a dictionary that holds them all makes it about 0.5 MB.
const VARIANT_METADATA_DICTIONARY_BYTES: usize = 8 << 20;

/// Whether `leaf` is a variant's `metadata` column (the only variant leaf named `metadata`:
/// a shredded field of that name has `value` and `typed_value` leaves under it).
fn is_variant_metadata(leaf: &crate::schema::LeafColumn) -> bool {
    matches!(leaf.data_type, crate::schema::DataType::Variant(None))
        && leaf.parquet_path.rsplit('.').next() == Some(crate::schema::variant::METADATA)
}

/// The `parquet` crate's properties for a file of `schema`: the options' settings, our
/// `created_by`, and the version and schema keys before the options' own metadata. Bloom
/// filter columns must be leaf columns of the schema.
fn properties(options: &WriterOptions, schema: &Schema) -> Result<WriterPropertiesPtr> {
    // Bloom filter columns are user paths (docs/format.md, "Paths"), resolved here to the
    // columns' own Parquet paths: a dotted text would be one part, which no nested column has.
    let columns = parquet::schema::types::SchemaDescriptor::new(schema.to_parquet()?);
    let mut bloom_paths = Vec::new();
    for column in &options.bloom_filter_columns {
        let named = schema.leaves_named(column);
        if named.is_empty() {
            return Err(Error::Options(format!(
                "bloom filter column `{column}` is not a column of the schema (paths as docs/format.md \"Paths\" says, such as {})",
                schema.leaves().iter().take(3).map(|l| format!("`{}`", l.path)).collect::<Vec<_>>().join(", ")
            )));
        }
        bloom_paths.extend(named.into_iter().map(|i| columns.column(i).path().clone()));
    }
    let unresolved = WriterOptions {
        bloom_filter_columns: Vec::new(),
        ..options.clone()
    };
    let ours = vec![
        KeyValue::new(VERSION_KEY.to_string(), VERSION.to_string()),
        KeyValue::new(SCHEMA_KEY.to_string(), schema.to_json_string()),
    ];
    let mut builder = unresolved
        .properties_builder(ours)
        .set_created_by(format!("rustparquet version {VERSION} (build parquet-rs)"));
    for path in bloom_paths {
        builder = builder
            .set_column_bloom_filter_enabled(path.clone(), true)
            .set_column_bloom_filter_fpp(path, options.bloom_filter_fpp);
    }
    let metadata_limit = options
        .dictionary_page_bytes
        .max(VARIANT_METADATA_DICTIONARY_BYTES);
    for (i, leaf) in schema.leaves().iter().enumerate() {
        if is_variant_metadata(leaf) {
            builder = builder.set_column_dictionary_page_size_limit(
                columns.column(i).path().clone(),
                metadata_limit,
            );
        }
    }
    Ok(Arc::new(builder.build()))
}

/// Starts a Parquet stream for `schema` on any sink and builds the encoder of its columns.
pub(super) fn open_serialized<W: Write + Send>(
    sink: W,
    schema: &Schema,
    options: &WriterOptions,
) -> Result<(SerializedFileWriter<W>, Arc<ColumnEncoder>)> {
    let props = properties(options, schema)?;
    let plain = WriterOptions {
        dictionary: false,
        ..options.clone()
    };
    let props_plain = properties(&plain, schema)?;
    let probation = WriterOptions {
        dictionary_page_bytes: options
            .dictionary_page_bytes
            .min(PROBATION_DICTIONARY_BYTES),
        ..options.clone()
    };
    let props_probation = properties(&probation, schema)?;
    let message = schema.to_parquet()?;
    let descriptor = SchemaDescriptor::new(message.clone());
    let columns = descriptor.columns().to_vec();
    let column_paths = schema.leaves().into_iter().map(|l| l.path).collect();
    let writer = SerializedFileWriter::new(sink, message, props.clone())?;
    let encoder = Arc::new(ColumnEncoder {
        columns,
        column_paths,
        props_plain,
        props_probation,
        props,
    });
    Ok((writer, encoder))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use parquet::schema::types::ColumnPath as ParquetPath;

    use super::*;

    #[test]
    fn lanes_give_results_in_column_order_and_a_panic_as_an_error() {
        // Uneven work, so that threads take columns out of order.
        let slow = |_: &mut usize, i: usize, c: u64| -> Result<u64> {
            std::thread::sleep(std::time::Duration::from_millis(c));
            Ok(i as u64 * 10 + c)
        };
        let columns = || [5u64, 0, 0, 3, 0, 1, 0, 0].into_iter().enumerate();
        let expected: Vec<u64> = columns().map(|(i, c)| i as u64 * 10 + c).collect();
        for threads in 1..=4 {
            let mut states = vec![0usize; threads];
            assert_eq!(in_lanes(columns(), &mut states, &slow).unwrap(), expected);
        }
        // The first error in column order, whichever thread met it first.
        let failing = |_: &mut usize, i: usize, c: u64| -> Result<u64> {
            std::thread::sleep(std::time::Duration::from_millis(c));
            match i {
                2 | 6 => Err(Error::Other(format!("column {i}"))),
                _ => Ok(c),
            }
        };
        let columns = [9u64, 0, 5, 0, 0, 0, 0, 0].into_iter().enumerate();
        let err = in_lanes(columns, &mut [0usize, 0], &failing).unwrap_err();
        assert_eq!(err.to_string(), Error::Other("column 2".into()).to_string());
        // A panic in a thread the lanes started is an error, not a result missing. The
        // calling thread (the test's, which has a name) waits in its column until the started
        // one has taken one, so that it is the started one that panics.
        let taken = std::sync::atomic::AtomicBool::new(false);
        let panicking = |_: &mut usize, _: usize, _: u64| -> Result<u64> {
            if std::thread::current().name().is_none() {
                taken.store(true, std::sync::atomic::Ordering::SeqCst);
                panic!("a lane's column");
            }
            while !taken.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Ok(0)
        };
        let columns = (0..4u64).map(|c| (c as usize, c));
        let err = in_lanes(columns, &mut [0usize, 0], &panicking).unwrap_err();
        assert!(err.to_string().contains("panicked"), "{err}");
    }

    /// The data page encodings of each column of a file's first row group, in page order.
    fn data_page_encodings(file: Vec<u8>) -> Result<Vec<Vec<parquet::basic::Encoding>>> {
        use parquet::column::page::Page;
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let reader = SerializedFileReader::new(Bytes::from(file))?;
        let group = reader.get_row_group(0)?;
        (0..group.num_columns())
            .map(|i| {
                let mut pages = group.get_column_page_reader(i)?;
                let mut encodings = Vec::new();
                while let Some(page) = pages.get_next_page()? {
                    if !matches!(page, Page::DictionaryPage { .. }) {
                        encodings.push(page.encoding());
                    }
                }
                Ok(encodings)
            })
            .collect()
    }

    /// A string column distinct in its first batch goes on probation: unique throughout, it
    /// falls back to plain pages within the chunk once its dictionary passes the probation
    /// limit; sparse and distinct at first but repeating after, it keeps its dictionary.
    #[test]
    fn strings_on_probation_fall_back_within_the_chunk_unless_they_repeat() -> Result<()> {
        use parquet::basic::Encoding;
        let schema = Schema::from_json_str(
            r#"{"fields":[{"name":"id","type":"string"},{"name":"sparse","type":"string"}]}"#,
            None,
        )?;
        let options = WriterOptions {
            compression: parquet::basic::Compression::UNCOMPRESSED,
            data_page_bytes: 16 << 10,
            ..WriterOptions::default()
        };
        let mut writer = super::super::RowGroupWriter::new(Vec::new(), &schema, &options, 1)?;
        let batch_rows = 3000;
        for batch in 0..4 {
            let mut shredder = crate::shred::Shredder::new(&schema);
            for row in batch * batch_rows..(batch + 1) * batch_rows {
                // `sparse`: one row in ten, 300 values, all new in the first batch only.
                let doc = if row % 10 == 0 {
                    format!(
                        r#"{{"id": "id{row:010}", "sparse": "s{:05}"}}"#,
                        row / 10 % 300
                    )
                } else {
                    format!(r#"{{"id": "id{row:010}"}}"#)
                };
                let mut p = crate::json::Parser::new(doc.as_bytes(), 0, 8);
                shredder
                    .shred_document(&mut p)
                    .map_err(|_| Error::Other("shred".into()))?;
            }
            writer.write(shredder.leaves(), batch_rows)?;
        }
        writer.finish()?;
        let encodings = data_page_encodings(std::mem::take(writer.sink_mut()?))?;

        // 12,000 ids of 16 bytes (with the length): the probation limit is reached after
        // about 2,000, the default 1 MiB would never be.
        let id = &encodings[0];
        assert_eq!(id.first(), Some(&Encoding::RLE_DICTIONARY), "{id:?}");
        assert_eq!(id.last(), Some(&Encoding::PLAIN), "{id:?}");
        let dictionary_pages = id
            .iter()
            .filter(|e| **e == Encoding::RLE_DICTIONARY)
            .count();
        assert!(dictionary_pages < id.len() / 2, "{id:?}");
        let sparse = &encodings[1];
        assert!(
            sparse.iter().all(|e| *e == Encoding::RLE_DICTIONARY),
            "{sparse:?}"
        );
        Ok(())
    }

    #[test]
    fn variant_metadata_columns_get_a_dictionary_that_holds_a_row_groups_key_sets() -> Result<()> {
        // A shredded field named `metadata` is not a metadata column: its leaves are
        // `value` and `typed_value`.
        let schema = Schema::from_json_str(
            r#"{"fields":[{"name":"id","type":"int64"},{"name":"v","type":"variant","typed_value":{"name":"t","fields":[{"name":"metadata","type":"variant","repetition":"required","typed_value":{"name":"t","type":"string"}}]}}]}"#,
            None,
        )?;
        let props = properties(&WriterOptions::default(), &schema)?;
        let columns = parquet::schema::types::SchemaDescriptor::new(schema.to_parquet()?);
        let limits: Vec<(String, usize)> = columns
            .columns()
            .iter()
            .map(|c| {
                (
                    c.path().string(),
                    props.column_dictionary_page_size_limit(c.path()),
                )
            })
            .collect();
        let default = WriterOptions::default().dictionary_page_bytes;
        assert_eq!(
            limits,
            vec![
                ("id".to_string(), default),
                ("v.metadata".to_string(), VARIANT_METADATA_DICTIONARY_BYTES),
                ("v.value".to_string(), default),
                ("v.typed_value.metadata.value".to_string(), default),
                ("v.typed_value.metadata.typed_value".to_string(), default),
            ]
        );
        Ok(())
    }

    #[test]
    fn bloom_filters_reach_nested_columns_and_unknown_ones_are_refused() -> Result<()> {
        let schema = Schema::from_json_str(
            r#"{"fields":[{"name":"id","type":"int64"},{"name":"o","fields":[{"name":"x","type":"string"}]}]}"#,
            None,
        )?;
        let options = WriterOptions {
            bloom_filter_columns: vec!["id".into(), "o.x".into()],
            ..WriterOptions::default()
        };
        let props = properties(&options, &schema)?;
        for path in [vec!["id"], vec!["o", "x"]] {
            let path = ParquetPath::new(path.into_iter().map(String::from).collect());
            assert!(props.bloom_filter_properties(&path).is_some(), "{path}");
        }
        let options = WriterOptions {
            bloom_filter_columns: vec!["o.y".into()],
            ..WriterOptions::default()
        };
        let err = properties(&options, &schema).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("bloom filter column `o.y` is not a column of the schema (paths as docs/format.md \"Paths\" says, such as `id`, `o.x`)")
        );
        Ok(())
    }
}
