//! ZSTD page compression the way parquet-mr (Spark's writer) does it: each page one zstd frame
//! fed as a stream of unknown length.
//!
//! The `parquet` crate compresses a page in one call with its size known to zstd, which then
//! picks its small-input parameters for pages under 256 KiB (dictionary pages, short columns,
//! a chunk's last page): hash tables and minimum match tuned for speed on small inputs. For
//! the dictionary pages of string columns that costs about 9% (a 174,592-byte page: 96,870
//! bytes in one call, 88,863 streamed, both level 3), enough to make a zstd file a percent
//! larger than Spark's own. Streaming compresses with the level's general parameters, as
//! parquet-mr's `ZstdOutputStream` does. Pages of 256 KiB and more get the same parameters
//! either way.
//!
//! Two ways in: [`ZstdPages::compress_page`] for a writer that owns its page writer (the
//! CLI's encoder compresses each page as the column writer hands it over), and
//! [`ZstdPages::compress_chunk`] for a finished uncompressed column chunk (the Spark data
//! source's Arrow writer, whose page writer is the `parquet` crate's own), which rewrites the
//! chunk's sizes, offsets and offset index to match.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use parquet::basic::{Compression, PageType, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageReader};
use parquet::column::writer::ColumnCloseResult;
use parquet::file::serialized_reader::SerializedPageReader;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use zstd::stream::raw::{Encoder, InBuffer, Operation, OutBuffer};

use crate::error::{Error, Result};

/// ZSTD page compression at one level, shared by the threads of a writer: each call borrows
/// an idle stream encoder (a zstd context holds its window, ~3 MiB at level 3, so there is one
/// per thread at work, not one per column).
pub struct ZstdPages {
    level: ZstdLevel,
    idle: Mutex<Vec<Encoder<'static>>>,
}

impl ZstdPages {
    pub fn new(level: ZstdLevel) -> Self {
        ZstdPages {
            level,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The codec a chunk compressed here records in its metadata.
    pub fn codec(&self) -> Compression {
        Compression::ZSTD(self.level)
    }

    /// One zstd frame of `data` appended to `out`, streamed: fed as input of unknown length,
    /// then ended.
    fn frame(&self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut encoder = match idle {
            Some(mut encoder) => {
                encoder.reinit().map_err(zstd_error)?;
                encoder
            }
            None => Encoder::new(self.level.compression_level()).map_err(zstd_error)?,
        };
        out.reserve(zstd::zstd_safe::compress_bound(data.len()));
        let mut input = InBuffer::around(data);
        while input.pos() < data.len() {
            reserve_some(out);
            let mut output = OutBuffer::around_pos(out, out.len());
            encoder.run(&mut input, &mut output).map_err(zstd_error)?;
        }
        loop {
            reserve_some(out);
            let mut output = OutBuffer::around_pos(out, out.len());
            if encoder.finish(&mut output, true).map_err(zstd_error)? == 0 {
                break;
            }
        }
        // A poisoned pool only loses the encoder for reuse.
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(encoder);
        }
        Ok(())
    }

    /// `page` (uncompressed, as a column writer with no codec hands it over) compressed: the
    /// whole buffer of a dictionary or v1 data page, the values after the levels of a v2 page.
    pub fn compress_page(&self, page: &Page) -> Result<CompressedPage> {
        let raw = page.buffer();
        let mut out = Vec::new();
        let compressed = match page {
            Page::DataPage {
                num_values,
                encoding,
                def_level_encoding,
                rep_level_encoding,
                statistics,
                ..
            } => {
                self.frame(raw, &mut out)?;
                Page::DataPage {
                    buf: Bytes::from(out),
                    num_values: *num_values,
                    encoding: *encoding,
                    def_level_encoding: *def_level_encoding,
                    rep_level_encoding: *rep_level_encoding,
                    statistics: statistics.clone(),
                }
            }
            Page::DataPageV2 {
                num_values,
                encoding,
                num_nulls,
                num_rows,
                def_levels_byte_len,
                rep_levels_byte_len,
                is_compressed,
                statistics,
                ..
            } => {
                let levels = (*def_levels_byte_len + *rep_levels_byte_len) as usize;
                if *is_compressed || levels > raw.len() {
                    return Err(Error::Other(
                        "internal error: a page handed over for compression is compressed".into(),
                    ));
                }
                out.extend_from_slice(&raw[..levels]);
                self.frame(&raw[levels..], &mut out)?;
                Page::DataPageV2 {
                    buf: Bytes::from(out),
                    num_values: *num_values,
                    encoding: *encoding,
                    num_nulls: *num_nulls,
                    num_rows: *num_rows,
                    def_levels_byte_len: *def_levels_byte_len,
                    rep_levels_byte_len: *rep_levels_byte_len,
                    is_compressed: true,
                    statistics: statistics.clone(),
                }
            }
            Page::DictionaryPage {
                num_values,
                encoding,
                is_sorted,
                ..
            } => {
                self.frame(raw, &mut out)?;
                Page::DictionaryPage {
                    buf: Bytes::from(out),
                    num_values: *num_values,
                    encoding: *encoding,
                    is_sorted: *is_sorted,
                }
            }
        };
        Ok(CompressedPage::new(compressed, raw.len()))
    }

    /// An uncompressed column chunk (`chunk`: its bytes in file order, dictionary page first,
    /// offsets in `close` relative to its start) compressed page by page, with the chunk's
    /// metadata and offset index rewritten for the new sizes. Statistics, column index and
    /// bloom filter describe values and stay as they are.
    pub fn compress_chunk(
        &self,
        chunk: Bytes,
        close: ColumnCloseResult,
    ) -> Result<(Bytes, ColumnCloseResult)> {
        if close.metadata.compression() != Compression::UNCOMPRESSED {
            return Err(Error::Other(
                "internal error: a column chunk handed over for compression is compressed".into(),
            ));
        }
        let rows = usize::try_from(close.rows_written).unwrap_or(usize::MAX);
        let pages = SerializedPageReader::new(Arc::new(chunk), &close.metadata, rows, None)?;
        let mut sink = TrackedWrite::new(Vec::new());
        let mut writer = SerializedPageWriter::new(&mut sink);
        let mut dictionary_offset = None;
        let mut data_offset = None;
        let mut data_pages = Vec::new();
        let (mut compressed_total, mut uncompressed_total) = (0i64, 0i64);
        for page in PageIter(pages) {
            let page = page?;
            let spec = {
                use parquet::column::page::PageWriter;
                writer.write_page(self.compress_page(&page)?)?
            };
            compressed_total += spec.compressed_size as i64;
            uncompressed_total += spec.uncompressed_size as i64;
            if spec.page_type == PageType::DICTIONARY_PAGE {
                dictionary_offset = Some(spec.offset as i64);
            } else {
                data_offset.get_or_insert(spec.offset as i64);
                data_pages.push((spec.offset as i64, spec.compressed_size as i32));
            }
        }
        drop(writer);
        let bytes = Bytes::from(sink.into_inner()?);
        let metadata = close
            .metadata
            .into_builder()
            .set_compression(self.codec())
            .set_total_compressed_size(compressed_total)
            .set_total_uncompressed_size(uncompressed_total)
            .set_dictionary_page_offset(dictionary_offset)
            .set_data_page_offset(data_offset.unwrap_or(0))
            .build()?;
        let offset_index = match close.offset_index {
            Some(mut index) => {
                if index.page_locations.len() != data_pages.len() {
                    return Err(Error::Other(format!(
                        "internal error: a column chunk has {} data pages and {} in its offset index",
                        data_pages.len(),
                        index.page_locations.len()
                    )));
                }
                for (location, (offset, size)) in index.page_locations.iter_mut().zip(&data_pages) {
                    location.offset = *offset;
                    location.compressed_page_size = *size;
                }
                Some(index)
            }
            None => None,
        };
        Ok((
            bytes,
            ColumnCloseResult {
                bytes_written: compressed_total as u64,
                rows_written: close.rows_written,
                metadata,
                bloom_filter: close.bloom_filter,
                column_index: close.column_index,
                offset_index,
            },
        ))
    }
}

/// The pages of a [`SerializedPageReader`] (its `get_next_page` as an iterator).
struct PageIter(SerializedPageReader<Bytes>);

impl Iterator for PageIter {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.get_next_page().map_err(Error::from).transpose()
    }
}

/// Room for the encoder to make progress (the first reservation is the frame's bound, so this
/// rarely grows anything).
fn reserve_some(out: &mut Vec<u8>) {
    if out.capacity() - out.len() < 1024 {
        out.reserve(64 << 10);
    }
}

fn zstd_error(e: std::io::Error) -> Error {
    Error::Other(format!("zstd compression failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages are streamed frames: no content size in the frame header (what marks zstd's
    /// streaming path, whose parameters do not depend on the input's size), and they
    /// decompress to the page; the levels of a v2 page stay in the clear before the frame.
    #[test]
    fn pages_are_streamed_frames_that_decompress_to_the_page() -> Result<()> {
        let text: Vec<u8> = (0..6000)
            .flat_map(|i| format!("{:04}build-{}-{}", i % 97, i % 13, i * 7919 % 1000).into_bytes())
            .collect();
        let zstd = ZstdPages::new(ZstdLevel::try_new(3)?);
        let dictionary = Page::DictionaryPage {
            buf: Bytes::from(text.clone()),
            num_values: 6000,
            encoding: parquet::basic::Encoding::PLAIN,
            is_sorted: false,
        };
        let compressed = zstd.compress_page(&dictionary)?;
        assert_eq!(compressed.uncompressed_size(), text.len());
        let frame = compressed.compressed_page().buffer();
        assert_eq!(
            zstd::zstd_safe::get_frame_content_size(frame).ok(),
            Some(None)
        );
        assert_eq!(
            zstd::stream::decode_all(&frame[..]).map_err(zstd_error)?,
            text
        );

        let mut v2 = vec![7u8, 8, 9];
        v2.extend_from_slice(&text);
        let page = Page::DataPageV2 {
            buf: Bytes::from(v2),
            num_values: 6000,
            encoding: parquet::basic::Encoding::PLAIN,
            num_nulls: 0,
            num_rows: 6000,
            def_levels_byte_len: 2,
            rep_levels_byte_len: 1,
            is_compressed: false,
            statistics: None,
        };
        let compressed = zstd.compress_page(&page)?;
        let Page::DataPageV2 {
            buf, is_compressed, ..
        } = compressed.compressed_page()
        else {
            return Err(Error::Other("not a v2 page".into()));
        };
        assert!(is_compressed);
        assert_eq!(&buf[..3], &[7, 8, 9]);
        assert_eq!(
            zstd::stream::decode_all(&buf[3..]).map_err(zstd_error)?,
            text
        );
        // Compressing a compressed page is refused, not done twice.
        assert!(zstd.compress_page(compressed.compressed_page()).is_err());
        Ok(())
    }
}
