//! One open column writer, fed slices of a shredded leaf buffer and writing its pages into the
//! row group's spill file ([`super::spill`]), from which the finished column chunk is read
//! back: the `parquet` crate's column writer, or for a dictionary-encoded string, INT64 or
//! DOUBLE column our own ([`super::dictionary_chunk`], where [`writer_for`] gives one for the
//! column's settings).
//!
//! A dictionary-encoded chunk must start with its dictionary page, which is final only when
//! the chunk is. By default the column writer keeps all of such a chunk's data pages in
//! memory until then (activedata: most of a row group's output; heterogeneous: 25 MB of its
//! peak). Our page writer says it orders the pages itself (`defers_dictionary_ordering`, the
//! protocol the crate's own Arrow writer uses, hidden from its docs): data pages go to the
//! spill as they are finished, the dictionary page is put first when it comes, and the
//! offsets recorded for a data-pages-first layout are moved past it with the crate's public
//! [`ColumnCloseResult::update_dictionary_location`]. The test that a chunk is byte for byte
//! the crate's own file writer's guards this against a change of the protocol. Our writer
//! hands its pages to the same page writer the same way (the dictionary page last).

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use parquet::basic::PageType;
use parquet::column::page::{CompressedPage, PageWriteSpec, PageWriter};
use parquet::column::writer::{get_column_writer, ColumnCloseResult, ColumnWriter};
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::file::properties::WriterPropertiesPtr;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

use super::dictionary_chunk::{writer_for, OwnChunk};
use super::spill::{Spill, SpilledChunk};
use crate::error::{Error, Result};
use crate::leaf::{LeafColumn, LeafSlice, LeafValues};

/// A column writer (the `parquet` crate's or ours) writing its pages into the row group's
/// [`Spill`] (through a [`PageBuffer`] it shares with it).
pub(super) struct OpenColumn {
    writer: Writer,
    pages: PageBuffer,
}

/// The `parquet` crate's column writer, or ours ([`writer_for`]).
enum Writer {
    Crate(Box<ColumnWriter<'static>>),
    Own(Box<dyn OwnChunk>),
}

/// Where one column chunk's pages went: the column writer's page writer holds one handle and
/// [`OpenColumn`] another, through which the chunk is taken once the writer is closed. Pages
/// are serialized by the `parquet` crate's own [`SerializedPageWriter`] exactly as into a
/// file, so the chunk's bytes are what a file writer would have written. Its sink (a
/// [`TrackedWrite`], which buffers 8 KiB) is made for each page rather than kept: kept, it was
/// 8 KiB per open column for the whole row group (9 MB on heterogeneous's 1,161 columns).
#[derive(Clone)]
struct PageBuffer {
    chunk: Arc<Mutex<SpilledChunk>>,
    spill: Arc<Spill>,
}

impl PageBuffer {
    fn new(spill: &Arc<Spill>) -> Self {
        PageBuffer {
            chunk: Arc::new(Mutex::new(SpilledChunk::default())),
            spill: spill.clone(),
        }
    }

    fn lock(&self) -> parquet::errors::Result<MutexGuard<'_, SpilledChunk>> {
        // Poisoned only if a page write panicked, after which the chunk is not used.
        self.chunk.lock().map_err(|_| {
            parquet::errors::ParquetError::General("internal error: a page writer panicked".into())
        })
    }

    /// Where the chunk's pages went, once the column writer (the other handle) is gone.
    fn into_chunk(self) -> Result<SpilledChunk> {
        Arc::try_unwrap(self.chunk)
            .map_err(|_| Error::Other("internal error: a column's pages are still shared".into()))?
            .into_inner()
            .map_err(|_| Error::Other("internal error: a page writer panicked".into()))
    }
}

impl PageWriter for PageBuffer {
    fn write_page(&mut self, page: CompressedPage) -> parquet::errors::Result<PageWriteSpec> {
        let mut chunk = self.lock()?;
        let start = chunk.len() as u64;
        let dictionary = page.page_type() == PageType::DICTIONARY_PAGE;
        let external = |e: Error| parquet::errors::ParquetError::External(Box::new(e));
        let mut spec = self
            .spill
            .append(&mut chunk, |file| {
                let mut sink = TrackedWrite::new(file);
                let spec = SerializedPageWriter::new(&mut sink).write_page(page)?;
                let written = sink.bytes_written();
                sink.into_inner()?;
                Ok((spec, written))
            })
            .map_err(external)?;
        if dictionary {
            chunk.put_last_first().map_err(external)?;
        }
        // Offsets in the chunk as written (data pages first), as one sink kept for the whole
        // chunk would count them; `finish` moves them past the dictionary page.
        spec.offset += start;
        Ok(spec)
    }

    fn defers_dictionary_ordering(&self) -> bool {
        // The dictionary page is put first in the spill (the module docs).
        true
    }

    fn close(&mut self) -> parquet::errors::Result<()> {
        // Every page was flushed into the spill as it was written.
        Ok(())
    }
}

impl OpenColumn {
    pub(super) fn new(
        descr: ColumnDescPtr,
        props: WriterPropertiesPtr,
        spill: &Arc<Spill>,
    ) -> Self {
        let pages = PageBuffer::new(spill);
        let writer = match writer_for(&descr, &props) {
            Some(own) => Writer::Own(own),
            None => Writer::Crate(Box::new(get_column_writer(
                descr,
                props,
                Box::new(pages.clone()),
            ))),
        };
        OpenColumn { writer, pages }
    }

    /// Writes a slice of a leaf buffer; returns its unencoded size. `byte_arrays` is scratch
    /// space for a string column's values, left empty.
    pub(super) fn write(
        &mut self,
        leaf: &LeafColumn<'_>,
        slice: &LeafSlice,
        byte_arrays: &mut Vec<ByteArray>,
    ) -> Result<usize> {
        let writer = match &mut self.writer {
            Writer::Crate(writer) => writer,
            Writer::Own(own) => return own.write(leaf, slice, &mut self.pages),
        };
        let levels = slice.entries.clone();
        let def = (leaf.max_def > 0).then(|| &leaf.def_levels[levels.clone()]);
        let rep = (leaf.max_rep > 0).then(|| &leaf.rep_levels[levels.clone()]);
        let v = slice.values.clone();
        let value_bytes = match (&mut **writer, leaf.values) {
            (ColumnWriter::BoolColumnWriter(w), LeafValues::Boolean(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len()
            }
            (ColumnWriter::Int64ColumnWriter(w), LeafValues::Int64(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len() * 8
            }
            (ColumnWriter::DoubleColumnWriter(w), LeafValues::Double(x)) => {
                w.write_batch(&x[v.clone()], def, rep)?;
                v.len() * 8
            }
            (ColumnWriter::ByteArrayColumnWriter(w), LeafValues::Bytes { data, ends }) => {
                let start = if v.start == 0 {
                    0
                } else {
                    ends[v.start - 1] as usize
                };
                let end = if v.end == 0 {
                    0
                } else {
                    ends[v.end - 1] as usize
                };
                byte_arrays_into(byte_arrays, &data[start..end], &ends[v.clone()], start);
                let written = w.write_batch(byte_arrays, def, rep);
                // Drops the values' hold on this batch's copy of the bytes.
                byte_arrays.clear();
                written?;
                end - start + v.len() * 4
            }
            (ColumnWriter::FixedLenByteArrayColumnWriter(w), LeafValues::Decimal(x)) => {
                // DECIMAL in FIXED_LEN_BYTE_ARRAY is big-endian two's complement.
                let values: Vec<FixedLenByteArray> = x[v.clone()]
                    .iter()
                    .map(|x| FixedLenByteArray::from(ByteArray::from(x.to_be_bytes().to_vec())))
                    .collect();
                w.write_batch(&values, def, rep)?;
                v.len() * 16
            }
            _ => {
                return Err(Error::Other(
                    "internal error: a column has values of another type".into(),
                ))
            }
        };
        Ok(value_bytes + levels.len() * 4)
    }

    pub(super) fn finish(self) -> Result<(SpilledChunk, ColumnCloseResult)> {
        let mut pages = self.pages;
        let close = match self.writer {
            // Closing drops the writer and with it the page writer's handle.
            Writer::Crate(writer) => (*writer).close()?,
            Writer::Own(own) => own.close(&mut pages)?,
        };
        let chunk = pages.into_chunk()?;
        let close = close.update_dictionary_location(chunk.first_len())?;
        Ok((chunk, close))
    }
}

/// Appends to `values` the `ByteArray`s over `data` (the bytes of values ending at `ends`,
/// offsets relative to `base`), sharing one copy of it: the column writer keeps some values
/// (its dictionary, its statistics) past the batch whose buffer they came from.
pub(super) fn byte_arrays_into(
    values: &mut Vec<ByteArray>,
    data: &[u8],
    ends: &[u32],
    base: usize,
) {
    let data = Bytes::copy_from_slice(data);
    let mut start = 0usize;
    values.extend(ends.iter().map(|&end| {
        let end = end as usize - base;
        let v = ByteArray::from(data.slice(start..end));
        start = end;
        v
    }));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use parquet::data_type::ByteArrayType;
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::SchemaDescriptor;

    use super::*;
    use crate::schema::Schema;
    use crate::shred::Shredder;
    use crate::write::test_columns::{read_back, shredded};
    use crate::write::zstd_stream::ZstdPages;

    /// A list-of-strings column over 3,000 documents (nulls, empty lists, repeats): several
    /// data pages and a dictionary page at small page limits.
    fn tags_column() -> Result<(Schema, Shredder)> {
        shredded(
            r#"{"fields":[{"name":"tags","type":"list","element":{"type":"string"}}]}"#,
            (0..3000).map(|i| match i % 7 {
                0 => r#"{"tags": null}"#.to_string(),
                1 => r#"{"tags": []}"#.to_string(),
                _ => format!(r#"{{"tags": ["t{}", null, "u{}"]}}"#, i % 40, i),
            }),
        )
    }

    /// Properties with small pages (several per chunk), no codec, a dictionary that falls
    /// back.
    fn small_pages() -> WriterPropertiesPtr {
        small_pages_with(Some(256))
    }

    /// Properties with small pages (several per chunk), no codec, and a dictionary page limit
    /// (`None`: no dictionary).
    fn small_pages_with(dictionary_bytes: Option<usize>) -> WriterPropertiesPtr {
        let builder = WriterProperties::builder()
            .set_data_page_size_limit(2048)
            .set_compression(parquet::basic::Compression::UNCOMPRESSED);
        Arc::new(
            match dictionary_bytes {
                Some(bytes) => builder.set_dictionary_page_size_limit(bytes),
                None => builder.set_dictionary_enabled(false),
            }
            .build(),
        )
    }

    /// A file of one row group of one column chunk, appended as the row group writer does.
    fn file_of(
        message: &parquet::schema::types::TypePtr,
        props: &WriterPropertiesPtr,
        chunk: &Bytes,
        close: ColumnCloseResult,
    ) -> Result<Vec<u8>> {
        let mut file = SerializedFileWriter::new(Vec::new(), message.clone(), props.clone())?;
        let mut group = file.next_row_group()?;
        group.append_column(chunk, close)?;
        group.close()?;
        Ok(file.into_inner()?)
    }

    /// A list-of-decimals column over 3,000 documents (nulls, empty lists, repeats, values
    /// past int64): a column the crate's writer writes with a dictionary.
    fn decimals_column() -> Result<(Schema, Shredder)> {
        shredded(
            r#"{"fields":[{"name":"n","type":"list","element":{"type":"decimal(38,0)"}}]}"#,
            (0..3000).map(|i| match i % 7 {
                0 => r#"{"n": null}"#.to_string(),
                1 => r#"{"n": []}"#.to_string(),
                _ => format!(r#"{{"n": [{}, null, 1{:020}]}}"#, i % 40, i * 1000),
            }),
        )
    }

    /// A column chunk the `parquet` crate's column writer writes here, and the whole file made
    /// of it (footer, offset and column indexes), is byte for byte what the crate's own file
    /// writer writes for the same values and properties: a dictionary that holds (its page
    /// written last, put first), one that overflows (falls back to plain pages mid-chunk), and
    /// none; for decimals, and for strings without a dictionary (strings, INT64 and DOUBLE
    /// with one are our own writer's: `dictionary_chunk`). Data pages of a dictionary column
    /// reach the spill before the chunk is closed (they are not held in memory).
    #[test]
    fn a_chunk_is_what_the_parquet_crates_file_writer_writes() -> Result<()> {
        for (case, strings, props) in [
            ("held dictionary", false, small_pages_with(Some(1 << 20))),
            ("dictionary fallback", false, small_pages_with(Some(256))),
            ("no dictionary", false, small_pages_with(None)),
            ("strings, no dictionary", true, small_pages_with(None)),
        ] {
            let (schema, mut shredder) = if strings {
                tags_column()?
            } else {
                decimals_column()?
            };
            let leaf = &shredder.leaves()[0];
            let message = schema.to_parquet()?;
            let descr = SchemaDescriptor::new(message.clone());
            let spill = Arc::new(Spill::new());
            let mut ours = OpenColumn::new(descr.column(0), props.clone(), &spill);
            assert!(matches!(ours.writer, Writer::Crate(_)), "{case}");
            let mut scratch = Vec::new();
            ours.write(&leaf.column(), &leaf.column().all(), &mut scratch)?;
            assert!(scratch.is_empty(), "the scratch values are left empty");
            let spilled_before_close = ours.pages.lock()?.len();
            assert!(
                spilled_before_close > 2048,
                "{case}: {spilled_before_close}"
            );
            let (chunk, close) = ours.finish()?;
            let chunk = spill.read(&chunk)?;

            let mut file = SerializedFileWriter::new(Vec::new(), message.clone(), props.clone())?;
            let mut group = file.next_row_group()?;
            let mut column = group
                .next_column()?
                .ok_or_else(|| Error::Other("no column".into()))?;
            let (def, rep) = (Some(&leaf.def_levels[..]), Some(&leaf.rep_levels[..]));
            match &leaf.values {
                LeafValues::Bytes { data, ends } => {
                    let mut values = Vec::new();
                    byte_arrays_into(&mut values, data, ends, 0);
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(&values, def, rep)?
                }
                LeafValues::Decimal(values) => {
                    let values: Vec<FixedLenByteArray> = values
                        .iter()
                        .map(|x| FixedLenByteArray::from(x.to_be_bytes().to_vec()))
                        .collect();
                    column
                        .typed::<parquet::data_type::FixedLenByteArrayType>()
                        .write_batch(&values, def, rep)?
                }
                _ => return Err(Error::Other("another column type".into())),
            };
            column.close()?;
            group.close()?;
            let written = file.into_inner()?;

            let dictionary = close.metadata.dictionary_page_offset().is_some();
            assert_eq!(dictionary, !case.contains("no dictionary"), "{case}");
            assert_eq!(
                close.metadata.compressed_size() as usize,
                chunk.len(),
                "{case}"
            );
            assert_eq!(&written[4..4 + chunk.len()], &chunk[..], "{case}");
            assert!(
                file_of(&message, &props, &chunk, close)? == written,
                "{case}: the files differ"
            );
        }
        Ok(())
    }

    /// An uncompressed chunk compressed page by page (the Spark data source's typed path)
    /// records the codec, its new size and page locations, and reads back as the
    /// uncompressed chunk does, through its offset index too.
    #[test]
    fn a_zstd_compressed_chunk_reads_back_as_the_uncompressed_one() -> Result<()> {
        use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::metadata::PageIndexPolicy;

        let (schema, mut shredder) = tags_column()?;
        let leaf = &shredder.leaves()[0];
        let message = schema.to_parquet()?;
        let descr = SchemaDescriptor::new(message.clone());
        let props = small_pages();
        let mut zstd = ZstdPages::new(ZstdLevel::try_new(3)?)?;

        let spill = Arc::new(Spill::new());
        let mut plain = OpenColumn::new(descr.column(0), props.clone(), &spill);
        plain.write(&leaf.column(), &leaf.column().all(), &mut Vec::new())?;
        let (plain, plain_close) = plain.finish()?;
        let plain = spill.read(&plain)?;
        let (zstd, zstd_close) = zstd.compress_chunk(plain.clone(), plain_close.clone())?;

        assert!(zstd.len() < plain.len());
        // (The file records the codec, not its level.)
        assert!(matches!(
            zstd_close.metadata.compression(),
            Compression::ZSTD(_)
        ));
        assert_eq!(zstd_close.metadata.compressed_size() as usize, zstd.len());
        assert_eq!(zstd_close.bytes_written as usize, zstd.len());
        assert_eq!(zstd_close.metadata.dictionary_page_offset(), Some(0));
        let pages = &zstd_close
            .offset_index
            .as_ref()
            .ok_or_else(|| Error::Other("no offset index".into()))?
            .page_locations;
        assert!(pages.len() > 3, "several data pages: {}", pages.len());
        assert_eq!(pages[0].offset, zstd_close.metadata.data_page_offset());
        for pair in pages.windows(2) {
            assert_eq!(
                pair[0].offset + pair[0].compressed_page_size as i64,
                pair[1].offset
            );
        }
        let last = &pages[pages.len() - 1];
        assert_eq!(
            (last.offset + last.compressed_page_size as i64) as usize,
            zstd.len()
        );

        let file = |chunk: &Bytes, close: ColumnCloseResult| -> Result<Bytes> {
            Ok(Bytes::from(file_of(&message, &props, chunk, close)?))
        };
        let read = |file: Bytes, selection: Option<RowSelection>| {
            read_back(file, PageIndexPolicy::Required, selection)
        };
        let zstd_file = file(&zstd, zstd_close)?;
        let plain_file = file(&plain, plain_close)?;
        assert_eq!(
            read(zstd_file.clone(), None)?,
            read(plain_file.clone(), None)?
        );
        let selection = || {
            Some(RowSelection::from(vec![
                RowSelector::skip(1700),
                RowSelector::select(20),
                RowSelector::skip(1000),
                RowSelector::select(280),
            ]))
        };
        assert_eq!(
            read(zstd_file, selection())?,
            read(plain_file, selection())?
        );
        Ok(())
    }
}
