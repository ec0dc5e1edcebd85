//! The typed path's Parquet stream: the `parquet` crate's Arrow column writers, one set per
//! row group, spliced into a file writer whose bytes the caller drains.
//!
//! What the crate's `ArrowWriter` would do, except for ZSTD: its column writers compress each
//! page in one call, which makes small pages larger than parquet-mr's streamed ones
//! (`rustparquet_core::write::zstd_stream` says why and by how much), so for a ZSTD file the
//! column writers write uncompressed pages and each closed chunk is compressed by
//! [`ZstdPages::compress_chunk`] before it is spliced. Row groups are cut at the row limit
//! exactly, and before the bytes the column writers hold pass the byte limit (estimated from
//! the bytes per row so far, as the crate's writer does): compressed pages and the open page
//! for most codecs, uncompressed pages for ZSTD. So a ZSTD row group holds fewer rows than a
//! Snappy one at the same limit, and native memory stays within the limit either way (an
//! uncompressed row group scaled to the limit by its compression ratio would hold several
//! times the limit in memory).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bytes::Bytes;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::basic::Compression;
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::types::{ColumnPath, SchemaDescriptor, TypePtr};
use rustparquet_core::write::zstd_stream::ZstdPages;

pub struct ArrowFile {
    file: SerializedFileWriter<Vec<u8>>,
    columns: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    open: Option<OpenRowGroup>,
    max_rows: Option<usize>,
    max_bytes: Option<usize>,
    zstd: Option<ZstdPages>,
    /// Whether the chunks keep Parquet's size statistics (`crate::size_statistics`).
    size_statistics: bool,
}

struct OpenRowGroup {
    columns: Vec<ArrowColumnWriter>,
    rows: usize,
}

impl ArrowFile {
    /// A file of Arrow `schema` written as `parquet_schema` with `props`; `size_statistics`:
    /// whether Parquet's size statistics stay in.
    pub fn try_new(
        schema: SchemaRef,
        parquet_schema: &SchemaDescriptor,
        props: WriterProperties,
        size_statistics: bool,
    ) -> Result<Self> {
        let max_rows = props.max_row_group_row_count().map(|rows| rows.max(1));
        let max_bytes = props.max_row_group_bytes();
        let (props, zstd) = match props.compression(&ColumnPath::new(Vec::new())) {
            Compression::ZSTD(level) => (
                props
                    .into_builder()
                    .set_compression(Compression::UNCOMPRESSED)
                    .build(),
                Some(ZstdPages::new(level).map_err(|e| ParquetError::External(Box::new(e)))?),
            ),
            _ => (props, None),
        };
        let file = SerializedFileWriter::new(
            Vec::new(),
            parquet_schema.root_schema_ptr(),
            Arc::new(props),
        )?;
        let columns = ArrowRowGroupWriterFactory::new(&file, schema.clone());
        Ok(ArrowFile {
            file,
            columns,
            schema,
            open: None,
            max_rows,
            max_bytes,
            zstd,
            size_statistics,
        })
    }

    /// Writes `batch`, cutting row groups where the limits fall.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let mut rest = batch.clone();
        while rest.num_rows() > 0 {
            if self.open.is_none() {
                let index = self.file.flushed_row_groups().len();
                self.open = Some(OpenRowGroup {
                    columns: self.columns.create_column_writers(index)?,
                    rows: 0,
                });
            }
            let Some(take) = self.rows_that_fit(rest.num_rows()) else {
                self.flush()?;
                continue;
            };
            let part = rest.slice(0, take);
            rest = rest.slice(take, rest.num_rows() - take);
            self.write_rows(&part)?;
            let full = self.open.as_ref().is_some_and(|open| {
                self.max_rows.is_some_and(|max| open.rows >= max)
                    || self
                        .max_bytes
                        .is_some_and(|max| self.estimated_bytes(open) >= max)
            });
            if full {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// How many of `rows` more rows the open row group takes (`None`: it is full).
    fn rows_that_fit(&self, rows: usize) -> Option<usize> {
        let open = self.open.as_ref()?;
        let mut take = rows;
        if let Some(max) = self.max_rows {
            take = take.min(max.checked_sub(open.rows).filter(|&n| n > 0)?);
        }
        if let (Some(max), true) = (self.max_bytes, open.rows > 0) {
            let bytes = self.estimated_bytes(open);
            let per_row = (bytes / open.rows).max(1);
            let fit = max.checked_sub(bytes)? / per_row;
            take = take.min(Some(fit).filter(|&n| n > 0)?);
        }
        Some(take)
    }

    /// The open row group's bytes: what its column writers hold.
    fn estimated_bytes(&self, open: &OpenRowGroup) -> usize {
        open.columns
            .iter()
            .map(|c| c.get_estimated_total_bytes())
            .sum()
    }

    fn write_rows(&mut self, batch: &RecordBatch) -> Result<()> {
        let open = self
            .open
            .as_mut()
            .ok_or_else(|| ParquetError::General("internal error: no open row group".into()))?;
        let mut writers = open.columns.iter_mut();
        for (field, array) in self.schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field, array)? {
                writers
                    .next()
                    .ok_or_else(|| {
                        ParquetError::General("internal error: more leaves than columns".into())
                    })?
                    .write(&leaf)?;
            }
        }
        open.rows += batch.num_rows();
        Ok(())
    }

    /// Closes the open row group's columns and splices them into the file.
    pub fn flush(&mut self) -> Result<()> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let mut chunks = open
            .columns
            .into_iter()
            .map(|c| c.close())
            .collect::<Result<Vec<_>>>()?;
        if !self.size_statistics {
            for chunk in &mut chunks {
                crate::size_statistics::strip(chunk.close_mut())?;
            }
        }
        let root = self.file.schema_descr().root_schema_ptr();
        let mut group = self.file.next_row_group()?;
        match &mut self.zstd {
            None => {
                for chunk in chunks {
                    chunk.append_to_row_group(&mut group)?;
                }
            }
            Some(zstd) => compress_into(&mut group, root, zstd, chunks)?,
        }
        group.close()?;
        Ok(())
    }

    /// Bytes written since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(self.file.inner_mut())
    }

    /// Flushes the open row group and writes the footer.
    pub fn finish(&mut self) -> Result<()> {
        self.flush()?;
        self.file.finish()?;
        Ok(())
    }
}

/// Compresses a row group's uncompressed column chunks and appends them to `group`. The
/// crate's column chunks give up their pages only by splicing into a row group, so they are
/// spliced into a scratch file first, from which each chunk's bytes are taken in file order
/// (dictionary page first).
fn compress_into(
    group: &mut SerializedRowGroupWriter<'_, Vec<u8>>,
    schema: TypePtr,
    zstd: &mut ZstdPages,
    chunks: Vec<parquet::arrow::arrow_writer::ArrowColumnChunk>,
) -> Result<()> {
    let closes: Vec<ColumnCloseResult> = chunks.iter().map(|c| c.close().clone()).collect();
    let mut scratch = SerializedFileWriter::new(
        Vec::new(),
        schema,
        Arc::new(WriterProperties::builder().build()),
    )?;
    let mut scratch_group = scratch.next_row_group()?;
    for chunk in chunks {
        chunk.append_to_row_group(&mut scratch_group)?;
    }
    let spliced = scratch_group.close()?;
    scratch.flush()?;
    let bytes = Bytes::from(std::mem::take(scratch.inner_mut()));
    for (i, close) in closes.into_iter().enumerate() {
        let column = spliced.column(i);
        let data = column.data_page_offset();
        let start = column.dictionary_page_offset().unwrap_or(data);
        let dictionary = usize::try_from(data - start).unwrap_or(0);
        let close = close.update_dictionary_location(dictionary)?;
        let range = usize::try_from(start).ok().and_then(|start| {
            let end = start.checked_add(usize::try_from(column.compressed_size()).ok()?)?;
            (end <= bytes.len()).then_some(start..end)
        });
        let chunk = bytes.slice(range.ok_or_else(|| {
            ParquetError::General("internal error: a spliced chunk is out of bounds".into())
        })?);
        let (compressed, close) = zstd
            .compress_chunk(chunk, close)
            .map_err(|e| ParquetError::External(Box::new(e)))?;
        group.append_column(&compressed, close)?;
    }
    Ok(())
}
