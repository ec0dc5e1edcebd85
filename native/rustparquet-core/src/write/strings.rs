//! Our own writer of a dictionary-encoded string column chunk (BYTE_ARRAY), where the
//! `parquet` crate's writer cost the most: it takes each value as an owned `ByteArray` (a
//! reference-counted slice of a copy of the batch's bytes), interns it in a table of those, and
//! compares every value with its page's minimum and maximum, about 60 ns a value, a fifth of a
//! one-thread activedata run. Here values are read straight from the shredded buffer and
//! interned into one contiguous byte buffer (a hash table of entry numbers, foldhash), and
//! only a value new to its page is compared for the page's bounds.
//!
//! The chunk is what the crate would write for the same settings, up to where pages are cut
//! (at a record boundary once the page's encoded levels and indices reach the page size, or
//! its rows the row limit): v1 data pages of RLE levels and RLE_DICTIONARY indices, the PLAIN
//! dictionary page (put first by the page writer, as the crate's), fallback to PLAIN pages
//! once the dictionary reaches its limit, chunk statistics, level histograms, column and
//! offset indexes, statistics truncated as the crate truncates them. Codecs: none, snappy and
//! zstd; a column with other settings (another codec, page v2, a bloom filter, page header
//! statistics) keeps the crate's writer ([`StringChunk::supports`]).

use bytes::Bytes;
use hashbrown::hash_table::{Entry, HashTable};
use parquet::basic::{BoundaryOrder, Compression, Encoding, EncodingMask, PageType, Type};
use parquet::column::page::{CompressedPage, Page, PageWriteSpec, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::file::metadata::{
    ColumnChunkMetaData, ColumnIndexBuilder, LevelHistogram, OffsetIndexBuilder, PageEncodingStats,
};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::schema::types::ColumnDescPtr;
use std::hash::BuildHasher;

use super::dictionary::bit_width;
use super::rle::RleEncoder;
use crate::error::{Error, Result};
use crate::leaf::{LeafColumn, LeafSlice, LeafValues};

/// The settings of one column, read from the writer properties once.
struct Settings {
    page_bytes: usize,
    page_rows: usize,
    dictionary_bytes: usize,
    statistics: EnabledStatistics,
    statistics_truncate: Option<usize>,
    column_index_truncate: Option<usize>,
    offset_index: bool,
    codec: Compression,
    utf8: bool,
}

/// A dictionary-encoded BYTE_ARRAY column chunk being written.
pub(super) struct StringChunk {
    descr: ColumnDescPtr,
    settings: Settings,
    /// `None` once the chunk has fallen back to PLAIN pages.
    dictionary: Option<Dictionary>,
    page: OpenPage,
    chunk: ChunkTotals,
    column_index: ColumnIndexBuilder,
    offset_index: Option<OffsetIndexBuilder>,
}

/// The distinct values so far, one after the other, and a table of their numbers by value.
struct Dictionary {
    bytes: Vec<u8>,
    /// Where entry `i` ends in `bytes`.
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// The number of the page each entry was last seen in (pages count from 1), so that
    /// only a value new to its page is compared with the page's bounds.
    last_page: Vec<u32>,
    /// The dictionary page's size: each entry PLAIN (4-byte length and bytes), what the
    /// dictionary page limit is compared with.
    plain_bytes: usize,
}

impl Dictionary {
    fn new() -> Self {
        Dictionary {
            bytes: Vec::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::default(),
            last_page: Vec::new(),
            plain_bytes: 0,
        }
    }

    fn range(&self, id: u32) -> (usize, usize) {
        entry_range(&self.ends, id)
    }

    /// The entry number of `value`, added if new (then its last page is `page`).
    #[inline]
    fn intern(&mut self, value: &[u8], page: u32) -> u32 {
        let Dictionary {
            bytes,
            ends,
            table,
            hasher,
            last_page,
            plain_bytes,
        } = self;
        let entry_of = |id: u32| {
            let (start, end) = entry_range(ends, id);
            &bytes[start..end]
        };
        let hash = hasher.hash_one(value);
        match table.entry(
            hash,
            |&id| entry_of(id) == value,
            |&id| hasher.hash_one(entry_of(id)),
        ) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = ends.len() as u32;
                e.insert(id);
                bytes.extend_from_slice(value);
                ends.push(bytes.len());
                last_page.push(page.wrapping_sub(1));
                *plain_bytes += value.len() + 4;
                id
            }
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The dictionary page's body: every entry PLAIN.
    fn plain_page(&self) -> Vec<u8> {
        let mut page = Vec::with_capacity(self.plain_bytes);
        let mut start = 0usize;
        for &end in &self.ends {
            page.extend_from_slice(&((end - start) as u32).to_le_bytes());
            page.extend_from_slice(&self.bytes[start..end]);
            start = end;
        }
        page
    }
}

/// Where entry `id` is in a dictionary's bytes, from where its entries end.
#[inline]
fn entry_range(ends: &[usize], id: u32) -> (usize, usize) {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    (start, ends[i])
}

/// The data page being filled.
struct OpenPage {
    /// Counted from 1.
    number: u32,
    rep: RleEncoder,
    def: RleEncoder,
    /// Dictionary indices of the page's values (dictionary-encoded pages).
    indices: Vec<u32>,
    /// The page's values PLAIN (after a fallback).
    plain: Vec<u8>,
    levels: usize,
    rows: usize,
    values: usize,
    /// Bytes of the values themselves (the size statistics' unencoded bytes).
    value_bytes: usize,
    /// The page's least and greatest values: byte ranges in the dictionary's bytes
    /// (dictionary-encoded pages) or in `plain`.
    min: (usize, usize),
    max: (usize, usize),
    rep_histogram: Vec<i64>,
    def_histogram: Vec<i64>,
}

/// What the finished pages add up to.
#[derive(Default)]
struct ChunkTotals {
    uncompressed: u64,
    compressed: u64,
    bytes_written: u64,
    values: u64,
    rows: u64,
    nulls: u64,
    value_bytes: i64,
    data_page_offset: Option<u64>,
    dictionary_page_offset: Option<u64>,
    dictionary_pages: i32,
    dictionary_data_pages: i32,
    plain_data_pages: i32,
    min: Option<Vec<u8>>,
    max: Option<Vec<u8>>,
    /// The last page with values' bounds, and whether pages' bounds only rose (or fell).
    last_bounds: Option<(Vec<u8>, Vec<u8>)>,
    ascending: bool,
    descending: bool,
    rep_histogram: Option<LevelHistogram>,
    def_histogram: Option<LevelHistogram>,
}

impl StringChunk {
    /// Whether this writer writes column `descr` with `props`: a BYTE_ARRAY column,
    /// dictionary-encoded, v1 pages, no codec, snappy or zstd, no bloom filter and no page
    /// header statistics; otherwise the crate's writer does.
    pub(super) fn supports(descr: &ColumnDescPtr, props: &WriterProperties) -> bool {
        let path = descr.path();
        descr.physical_type() == Type::BYTE_ARRAY
            && props.dictionary_enabled(path)
            && props.writer_version() == WriterVersion::PARQUET_1_0
            && matches!(
                props.compression(path),
                Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_)
            )
            && props.bloom_filter_properties(path).is_none()
            && !props.write_page_header_statistics(path)
            && props.content_defined_chunking().is_none()
            && props.encoding(path).is_none()
            && descr.converted_type() != parquet::basic::ConvertedType::DECIMAL
    }

    pub(super) fn new(descr: ColumnDescPtr, props: &WriterProperties) -> Self {
        let path = descr.path();
        let statistics = props.statistics_enabled(path);
        let utf8 = descr.logical_type_ref() == Some(&parquet::basic::LogicalType::String)
            || descr.converted_type() == parquet::basic::ConvertedType::UTF8;
        let settings = Settings {
            page_bytes: props.column_data_page_size_limit(path),
            page_rows: props.column_data_page_row_count_limit(path),
            dictionary_bytes: props.column_dictionary_page_size_limit(path),
            statistics,
            statistics_truncate: props.statistics_truncate_length(),
            column_index_truncate: props.column_index_truncate_length(),
            offset_index: !props.offset_index_disabled(),
            codec: props.compression(path),
            utf8,
        };
        let histogram = |max: i16| {
            if statistics != EnabledStatistics::None && max > 0 {
                vec![0; max as usize + 1]
            } else {
                Vec::new()
            }
        };
        let mut column_index = ColumnIndexBuilder::new(Type::BYTE_ARRAY);
        if statistics != EnabledStatistics::Page {
            column_index.to_invalid();
        }
        let chunk = ChunkTotals {
            ascending: true,
            descending: true,
            rep_histogram: (statistics != EnabledStatistics::None)
                .then(|| LevelHistogram::try_new(descr.max_rep_level()))
                .flatten(),
            def_histogram: (statistics != EnabledStatistics::None)
                .then(|| LevelHistogram::try_new(descr.max_def_level()))
                .flatten(),
            ..ChunkTotals::default()
        };
        StringChunk {
            page: OpenPage {
                number: 1,
                rep: RleEncoder::new(bit_width(descr.max_rep_level() as u32)),
                def: RleEncoder::new(bit_width(descr.max_def_level() as u32)),
                indices: Vec::new(),
                plain: Vec::new(),
                levels: 0,
                rows: 0,
                values: 0,
                value_bytes: 0,
                min: (0, 0),
                max: (0, 0),
                rep_histogram: histogram(descr.max_rep_level()),
                def_histogram: histogram(descr.max_def_level()),
            },
            offset_index: settings.offset_index.then(OffsetIndexBuilder::new),
            settings,
            dictionary: Some(Dictionary::new()),
            chunk,
            column_index,
            descr,
        }
    }

    /// Writes a slice of a leaf buffer; returns its unencoded size.
    pub(super) fn write(
        &mut self,
        leaf: &LeafColumn<'_>,
        slice: &LeafSlice,
        pages: &mut dyn PageWriter,
    ) -> Result<usize> {
        let LeafValues::Bytes { data, ends } = leaf.values else {
            return Err(Error::Other(
                "internal error: a string column has values of another type".into(),
            ));
        };
        let (max_def, max_rep) = (leaf.max_def, leaf.max_rep);
        let bounds = self.settings.statistics != EnabledStatistics::None;
        let mut next = slice.values.start;
        let mut start = if next == 0 {
            0
        } else {
            ends[next - 1] as usize
        };
        let first_byte = start;
        for i in slice.entries.clone() {
            let r = if max_rep > 0 { leaf.rep_levels[i] } else { 0 };
            let d = if max_def > 0 {
                leaf.def_levels[i]
            } else {
                max_def
            };
            if r == 0 {
                if self.page.levels > 0 {
                    self.at_record_start(pages)?;
                }
                self.page.rows += 1;
            }
            let page = &mut self.page;
            if max_rep > 0 {
                page.rep.put(r as u32);
                if let Some(n) = page.rep_histogram.get_mut(r as usize) {
                    *n += 1;
                }
            }
            if max_def > 0 {
                page.def.put(d as u32);
                if let Some(n) = page.def_histogram.get_mut(d as usize) {
                    *n += 1;
                }
            }
            page.levels += 1;
            if d != max_def {
                continue;
            }
            let Some(value) = ends
                .get(next)
                .and_then(|&end| data.get(start..end as usize))
            else {
                return Err(Error::Other(format!(
                    "internal error: a string column's levels hold more values than its {}",
                    ends.len()
                )));
            };
            let end = start + value.len();
            start = end;
            next += 1;
            page.values += 1;
            page.value_bytes += value.len();
            match &mut self.dictionary {
                Some(dictionary) => {
                    let id = dictionary.intern(value, page.number);
                    page.indices.push(id);
                    if bounds && dictionary.last_page[id as usize] != page.number {
                        dictionary.last_page[id as usize] = page.number;
                        let range = dictionary.range(id);
                        page.widen_bounds(&dictionary.bytes, range);
                    }
                }
                None => {
                    page.plain
                        .extend_from_slice(&(value.len() as u32).to_le_bytes());
                    page.plain.extend_from_slice(value);
                    if bounds {
                        let range = (page.plain.len() - value.len(), page.plain.len());
                        // The bytes are the page's own buffer: split the borrow.
                        let plain = std::mem::take(&mut page.plain);
                        page.widen_bounds(&plain, range);
                        page.plain = plain;
                    }
                }
            }
        }
        if next != slice.values.end {
            return Err(Error::Other(format!(
                "internal error: a string column's levels hold {} values, its slice {}",
                next - slice.values.start,
                slice.values.len()
            )));
        }
        Ok(start - first_byte + slice.values.len() * 4 + slice.entries.len() * 4)
    }

    /// Before a record: falls back to PLAIN once the dictionary reached its limit, ends the
    /// page once it reached its size or row count.
    #[inline]
    fn at_record_start(&mut self, pages: &mut dyn PageWriter) -> Result<()> {
        let page = &self.page;
        let levels_bytes = page.rep.encoded_len() + page.def.encoded_len();
        match &self.dictionary {
            Some(dictionary) => {
                if dictionary.plain_bytes >= self.settings.dictionary_bytes {
                    self.finish_page(pages)?;
                    self.write_dictionary_page(pages)?;
                    self.dictionary = None;
                    return Ok(());
                }
                let width = bit_width(dictionary.len().saturating_sub(1) as u32) as usize;
                if page.rows >= self.settings.page_rows
                    || levels_bytes + page.indices.len() * width / 8 >= self.settings.page_bytes
                {
                    self.finish_page(pages)?;
                }
            }
            None => {
                if page.rows >= self.settings.page_rows
                    || levels_bytes + page.plain.len() >= self.settings.page_bytes
                {
                    self.finish_page(pages)?;
                }
            }
        }
        Ok(())
    }

    /// Encodes, compresses and writes the open data page, and starts the next.
    fn finish_page(&mut self, pages: &mut dyn PageWriter) -> Result<()> {
        let page = &mut self.page;
        let mut body = Vec::new();
        for (max, levels) in [
            (self.descr.max_rep_level(), &mut page.rep),
            (self.descr.max_def_level(), &mut page.def),
        ] {
            if max > 0 {
                // v1 pages: each level stream behind its 4-byte length.
                let at = body.len();
                body.extend_from_slice(&[0; 4]);
                levels.finish_into(&mut body);
                let len = (body.len() - at - 4) as u32;
                body[at..at + 4].copy_from_slice(&len.to_le_bytes());
            }
        }
        let (encoding, bound_bytes): (Encoding, &[u8]) = match &self.dictionary {
            Some(dictionary) => {
                let width = bit_width(dictionary.len().saturating_sub(1) as u32);
                body.push(width);
                let mut indices = RleEncoder::new(width);
                for &id in &page.indices {
                    indices.put(id);
                }
                indices.finish_into(&mut body);
                (Encoding::RLE_DICTIONARY, &dictionary.bytes)
            }
            None => {
                body.extend_from_slice(&page.plain);
                (Encoding::PLAIN, &page.plain)
            }
        };
        let data_page = Page::DataPage {
            buf: Bytes::new(),
            num_values: page.levels as u32,
            encoding,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        let spec = self
            .chunk
            .write(data_page, body, self.settings.codec, pages)?;
        let chunk = &mut self.chunk;
        chunk.values += page.levels as u64;
        chunk.rows += page.rows as u64;
        let nulls = page.levels - page.values;
        chunk.nulls += nulls as u64;
        chunk.value_bytes += page.value_bytes as i64;
        chunk.data_page_offset.get_or_insert(spec.offset);
        match encoding {
            Encoding::RLE_DICTIONARY => chunk.dictionary_data_pages += 1,
            _ => chunk.plain_data_pages += 1,
        }
        if let Some(offsets) = self.offset_index.as_mut() {
            offsets.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
            offsets.append_row_count(page.rows as i64);
            offsets.append_unencoded_byte_array_data_bytes(Some(page.value_bytes as i64));
        }

        let histogram = |counts: &[i64], max: i16| {
            LevelHistogram::try_new(max).map(|mut h| {
                for (level, &n) in counts.iter().enumerate() {
                    h.increment_by(level as i16, n);
                }
                h
            })
        };
        let (rep_histogram, def_histogram) =
            if page.def_histogram.is_empty() && page.rep_histogram.is_empty() {
                (None, None)
            } else {
                (
                    histogram(&page.rep_histogram, self.descr.max_rep_level()),
                    histogram(&page.def_histogram, self.descr.max_def_level()),
                )
            };
        if let (Some(total), Some(h)) = (chunk.rep_histogram.as_mut(), &rep_histogram) {
            total.add(h);
        }
        if let (Some(total), Some(h)) = (chunk.def_histogram.as_mut(), &def_histogram) {
            total.add(h);
        }

        if self.settings.statistics != EnabledStatistics::None {
            if page.values == 0 {
                self.column_index
                    .append(true, Vec::new(), Vec::new(), nulls as i64, None);
            } else {
                let min = &bound_bytes[page.min.0..page.min.1];
                let max = &bound_bytes[page.max.0..page.max.1];
                if chunk.min.as_deref().is_none_or(|m| min < m) {
                    chunk.min = Some(min.to_vec());
                }
                if chunk.max.as_deref().is_none_or(|m| max > m) {
                    chunk.max = Some(max.to_vec());
                }
                if let Some((last_min, last_max)) = &chunk.last_bounds {
                    if last_min.as_slice() > min || last_max.as_slice() > max {
                        chunk.ascending = false;
                    }
                    if min > last_min.as_slice() || max > last_max.as_slice() {
                        chunk.descending = false;
                    }
                }
                if self.column_index.valid() {
                    let truncate = self.settings.column_index_truncate;
                    self.column_index.append(
                        false,
                        truncate_min(min, truncate, self.settings.utf8).0,
                        truncate_max(max, truncate, self.settings.utf8).0,
                        nulls as i64,
                        None,
                    );
                }
                chunk.last_bounds = Some((min.to_vec(), max.to_vec()));
            }
            self.column_index
                .append_histograms(&rep_histogram, &def_histogram);
        }

        page.number += 1;
        page.indices.clear();
        page.plain.clear();
        page.levels = 0;
        page.rows = 0;
        page.values = 0;
        page.value_bytes = 0;
        page.rep_histogram.fill(0);
        page.def_histogram.fill(0);
        Ok(())
    }

    fn write_dictionary_page(&mut self, pages: &mut dyn PageWriter) -> Result<()> {
        let Some(dictionary) = &self.dictionary else {
            return Ok(());
        };
        let body = dictionary.plain_page();
        let page = Page::DictionaryPage {
            buf: Bytes::new(),
            num_values: dictionary.len() as u32,
            encoding: Encoding::PLAIN,
            is_sorted: false,
        };
        let spec = self.chunk.write(page, body, self.settings.codec, pages)?;
        let chunk = &mut self.chunk;
        chunk.dictionary_page_offset = Some(spec.offset);
        chunk.dictionary_pages = 1;
        Ok(())
    }

    /// Writes the last data page and the dictionary page; the chunk's metadata and indexes,
    /// its offsets as if the data pages came first (the page writer puts the dictionary page
    /// first; the caller moves them).
    pub(super) fn close(mut self, pages: &mut dyn PageWriter) -> Result<ColumnCloseResult> {
        if self.page.levels > 0 {
            self.finish_page(pages)?;
        }
        if self.dictionary.is_some() {
            self.write_dictionary_page(pages)?;
        }
        let chunk = self.chunk;
        // Pages by kind in file order (readers such as Arrow C++ expect the dictionary first);
        // RLE is the levels' encoding.
        let encoding_stats: Vec<PageEncodingStats> = [
            (
                PageType::DICTIONARY_PAGE,
                Encoding::PLAIN,
                chunk.dictionary_pages,
            ),
            (
                PageType::DATA_PAGE,
                Encoding::RLE_DICTIONARY,
                chunk.dictionary_data_pages,
            ),
            (PageType::DATA_PAGE, Encoding::PLAIN, chunk.plain_data_pages),
        ]
        .into_iter()
        .filter(|&(_, _, count)| count > 0)
        .map(|(page_type, encoding, count)| PageEncodingStats {
            page_type,
            encoding,
            count,
        })
        .collect();
        let encodings = encoding_stats
            .iter()
            .map(|stats| &stats.encoding)
            .chain([&Encoding::RLE]);
        let mut metadata = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(self.settings.codec)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings))
            .set_page_encoding_stats(encoding_stats)
            .set_total_compressed_size(chunk.compressed as i64)
            .set_total_uncompressed_size(chunk.uncompressed as i64)
            .set_num_values(chunk.values as i64)
            .set_data_page_offset(chunk.data_page_offset.unwrap_or(0) as i64)
            .set_dictionary_page_offset(chunk.dictionary_page_offset.map(|o| o as i64));
        if self.settings.statistics != EnabledStatistics::None {
            let truncate = self.settings.statistics_truncate;
            let utf8 = self.settings.utf8;
            let statistics = match (&chunk.min, &chunk.max) {
                (Some(min), Some(max)) => {
                    let (min, min_truncated) = truncate_min(min, truncate, utf8);
                    let (max, max_truncated) = truncate_max(max, truncate, utf8);
                    ValueStatistics::new(
                        Some(ByteArray::from(min)),
                        Some(ByteArray::from(max)),
                        None,
                        Some(chunk.nulls),
                        false,
                    )
                    .with_min_is_exact(!min_truncated)
                    .with_max_is_exact(!max_truncated)
                }
                _ => ValueStatistics::new(None, None, None, Some(chunk.nulls), false),
            };
            metadata = metadata
                .set_statistics(Statistics::ByteArray(statistics))
                .set_unencoded_byte_array_data_bytes(Some(chunk.value_bytes))
                .set_repetition_level_histogram(chunk.rep_histogram)
                .set_definition_level_histogram(chunk.def_histogram);
        }
        let metadata = metadata.build()?;
        let mut column_index = self.column_index;
        column_index.set_boundary_order(match (chunk.ascending, chunk.descending) {
            (true, _) => BoundaryOrder::ASCENDING,
            (false, true) => BoundaryOrder::DESCENDING,
            (false, false) => BoundaryOrder::UNORDERED,
        });
        let column_index = if column_index.valid() {
            Some(column_index.build()?)
        } else {
            None
        };
        Ok(ColumnCloseResult {
            bytes_written: chunk.bytes_written,
            rows_written: chunk.rows,
            metadata,
            bloom_filter: None,
            column_index,
            offset_index: self.offset_index.map(OffsetIndexBuilder::build),
        })
    }
}

impl ChunkTotals {
    /// Writes `page` with `body` compressed by `codec` as its contents; counts its sizes.
    fn write(
        &mut self,
        mut page: Page,
        body: Vec<u8>,
        codec: Compression,
        pages: &mut dyn PageWriter,
    ) -> Result<PageWriteSpec> {
        let uncompressed = body.len();
        match &mut page {
            Page::DataPage { buf, .. } | Page::DictionaryPage { buf, .. } => {
                *buf = compress(codec, body)?
            }
            Page::DataPageV2 { .. } => {
                return Err(Error::Other(
                    "internal error: the string column writer writes v1 pages".into(),
                ))
            }
        }
        let spec = pages.write_page(CompressedPage::new(page, uncompressed))?;
        self.uncompressed += spec.uncompressed_size as u64;
        self.compressed += spec.compressed_size as u64;
        self.bytes_written += spec.bytes_written;
        Ok(spec)
    }
}

impl OpenPage {
    /// Takes the value at `range` of `bytes` into the page's bounds (its first value sets
    /// both).
    #[inline]
    fn widen_bounds(&mut self, bytes: &[u8], range: (usize, usize)) {
        let value = &bytes[range.0..range.1];
        if self.values == 1 {
            self.min = range;
            self.max = range;
        } else if value < &bytes[self.min.0..self.min.1] {
            self.min = range;
        } else if value > &bytes[self.max.0..self.max.1] {
            self.max = range;
        }
    }
}

/// A page body compressed with `codec` (none, snappy or zstd: [`StringChunk::supports`]).
fn compress(codec: Compression, body: Vec<u8>) -> Result<Bytes> {
    match codec {
        Compression::UNCOMPRESSED => Ok(Bytes::from(body)),
        Compression::SNAPPY => snap::raw::Encoder::new()
            .compress_vec(&body)
            .map(Bytes::from)
            .map_err(|e| Error::Other(format!("snappy: {e}"))),
        Compression::ZSTD(level) => zstd::bulk::compress(&body, level.compression_level())
            .map(Bytes::from)
            .map_err(|e| Error::Other(format!("zstd: {e}"))),
        other => Err(Error::Other(format!(
            "internal error: the string column writer was given codec {other}"
        ))),
    }
}

/// A chunk or page minimum cut to `length` bytes (at a character boundary when the column
/// is UTF-8 and the value valid UTF-8: a prefix is never greater); whether it was cut.
fn truncate_min(value: &[u8], length: Option<usize>, utf8: bool) -> (Vec<u8>, bool) {
    let Some(length) = length.filter(|&l| value.len() > l) else {
        return (value.to_vec(), false);
    };
    let cut = match std::str::from_utf8(value) {
        Ok(text) if utf8 => (1..=length).rev().find(|&i| text.is_char_boundary(i)),
        _ => Some(length),
    };
    match cut {
        Some(cut) => (value[..cut].to_vec(), true),
        None => (value.to_vec(), false),
    }
}

/// A maximum cut to at most `length` bytes and its last byte (UTF-8: character) raised, so
/// that it stays an upper bound; uncut when no such bound exists.
fn truncate_max(value: &[u8], length: Option<usize>, utf8: bool) -> (Vec<u8>, bool) {
    let Some(length) = length.filter(|&l| value.len() > l) else {
        return (value.to_vec(), false);
    };
    let raised = match std::str::from_utf8(value) {
        Ok(text) if utf8 => {
            // A character is at most 4 bytes: a boundary is within the last 3 before `length`.
            (length.saturating_sub(3)..=length)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .and_then(|cut| raise_last_char(&text[..cut]))
        }
        _ => raise_last_byte(&value[..length]),
    };
    match raised {
        Some(raised) => (raised, true),
        None => (value.to_vec(), false),
    }
}

/// `text` with its last character that can be raised (to the next code point of the same
/// UTF-8 length) raised, and the characters after it dropped.
fn raise_last_char(text: &str) -> Option<Vec<u8>> {
    text.char_indices().rev().find_map(|(at, c)| {
        let next = char::from_u32(c as u32 + 1).filter(|n| n.len_utf8() == c.len_utf8())?;
        let mut raised = text.as_bytes()[..at].to_vec();
        let mut buf = [0u8; 4];
        raised.extend_from_slice(next.encode_utf8(&mut buf).as_bytes());
        Some(raised)
    })
}

/// `bytes` plus one, as a big-endian number of its length; `None` when all bytes are 0xFF.
fn raise_last_byte(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut raised = bytes.to_vec();
    for byte in raised.iter_mut().rev() {
        let (b, carried) = byte.overflowing_add(1);
        *byte = b;
        if !carried {
            return Some(raised);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::RecordBatch;
    use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
    use parquet::basic::ZstdLevel;
    use parquet::data_type::ByteArrayType;
    use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData};
    use parquet::file::properties::WriterPropertiesPtr;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::SchemaDescriptor;

    use super::*;
    use crate::schema::Schema;
    use crate::shred::Shredder;
    use crate::write::column::{byte_arrays_into, OpenColumn};
    use crate::write::spill::Spill;
    use crate::write::test_columns;

    /// One string column `s` (a list of strings when `list`) shredded from `docs`.
    fn shredded(list: bool, docs: &[String]) -> Result<(Schema, Shredder)> {
        test_columns::shredded(
            if list {
                r#"{"fields":[{"name":"s","type":"list","element":{"type":"string"}}]}"#
            } else {
                r#"{"fields":[{"name":"s","type":"string"}]}"#
            },
            docs.iter().cloned(),
        )
    }

    /// Lists of strings with nulls, null lists, empty lists and repeats, a few values unique.
    fn tags() -> Vec<String> {
        (0..3000)
            .map(|i| match i % 7 {
                0 => r#"{"s": null}"#.to_string(),
                1 => r#"{"s": []}"#.to_string(),
                2 => r#"{"s": [null, null]}"#.to_string(),
                _ => format!(r#"{{"s": ["t{}", null, "u{}"]}}"#, i % 40, i),
            })
            .collect()
    }

    /// Optional strings longer than the statistics' 64 bytes, multi-byte characters among
    /// them, whose bounds are truncated.
    fn long_values() -> Vec<String> {
        (0..2000)
            .map(|i| match i % 5 {
                0 => r#"{"s": null}"#.to_string(),
                1 => format!(r#"{{"s": "{}{}"}}"#, "é".repeat(40), i % 30),
                2 => format!(r#"{{"s": "{}{}"}}"#, "a".repeat(70), i),
                3 => format!(r#"{{"s": "{}\uffff{}"}}"#, "z".repeat(63), i % 3),
                _ => format!(r#"{{"s": "{}"}}"#, "\u{10ffff}".repeat(20)),
            })
            .collect()
    }

    fn props(
        dictionary_bytes: usize,
        statistics: EnabledStatistics,
        codec: Compression,
    ) -> WriterPropertiesPtr {
        props_with_pages(dictionary_bytes, statistics, codec, 2048, 500)
    }

    fn props_with_pages(
        dictionary_bytes: usize,
        statistics: EnabledStatistics,
        codec: Compression,
        page_bytes: usize,
        page_rows: usize,
    ) -> WriterPropertiesPtr {
        Arc::new(
            WriterProperties::builder()
                .set_data_page_size_limit(page_bytes)
                .set_data_page_row_count_limit(page_rows)
                .set_dictionary_page_size_limit(dictionary_bytes)
                .set_statistics_enabled(statistics)
                .set_compression(codec)
                .build(),
        )
    }

    /// The file of one column chunk written by our writer, and by the `parquet` crate's own
    /// file writer from the same values.
    fn ours_and_the_crates(
        schema: &Schema,
        shredder: &mut Shredder,
        props: &WriterPropertiesPtr,
    ) -> Result<(Bytes, Bytes)> {
        ours_in_batches_and_the_crates(schema, shredder, props, &[])
    }

    /// As [`ours_and_the_crates`], our writer given the rows in batches that end at `cuts`.
    fn ours_in_batches_and_the_crates(
        schema: &Schema,
        shredder: &mut Shredder,
        props: &WriterPropertiesPtr,
        cuts: &[usize],
    ) -> Result<(Bytes, Bytes)> {
        let leaf = &shredder.leaves()[0];
        let message = schema.to_parquet()?;
        let descr = SchemaDescriptor::new(message.clone());
        assert!(StringChunk::supports(&descr.column(0), props));

        let spill = Arc::new(Spill::new());
        let mut ours = OpenColumn::new(descr.column(0), props.clone(), &spill);
        let column = leaf.column();
        let mut from = 0;
        for &cut in cuts.iter().chain([&usize::MAX]) {
            let to = cut.min(leaf.rows());
            ours.write(&column, &column.slice_rows(from..to), &mut Vec::new())?;
            from = to;
        }
        let (chunk, close) = ours.finish()?;
        let chunk = spill.read(&chunk)?;
        let mut file = SerializedFileWriter::new(Vec::new(), message.clone(), props.clone())?;
        let mut group = file.next_row_group()?;
        group.append_column(&chunk, close)?;
        group.close()?;
        let ours = Bytes::from(file.into_inner()?);

        let LeafValues::Bytes { data, ends } = &leaf.values else {
            return Err(Error::Other("not a string leaf".into()));
        };
        let mut values = Vec::new();
        byte_arrays_into(&mut values, data, ends, 0);
        let mut file = SerializedFileWriter::new(Vec::new(), message, props.clone())?;
        let mut group = file.next_row_group()?;
        let mut column = group
            .next_column()?
            .ok_or_else(|| Error::Other("no column".into()))?;
        let def = (leaf.max_def > 0).then_some(&leaf.def_levels[..]);
        let rep = (leaf.max_rep > 0).then_some(&leaf.rep_levels[..]);
        column
            .typed::<ByteArrayType>()
            .write_batch(&values, def, rep)?;
        column.close()?;
        group.close()?;
        Ok((ours, Bytes::from(file.into_inner()?)))
    }

    fn read(file: Bytes, selection: Option<RowSelection>) -> Result<Vec<RecordBatch>> {
        test_columns::read_back(file, PageIndexPolicy::Optional, selection)
    }

    fn metadata(file: &Bytes) -> Result<Arc<ParquetMetaData>> {
        let options = parquet::file::serialized_reader::ReadOptionsBuilder::new()
            .with_page_index()
            .build();
        Ok(
            SerializedFileReader::new_with_options(file.clone(), options)?
                .metadata()
                .clone()
                .into(),
        )
    }

    /// For dictionaries that hold and that fall back, each level of statistics and each codec:
    /// the values read back (whole and through a row selection the page index serves) are the
    /// crate's file's, and so are the chunk's statistics (truncated bounds among them), value
    /// and null counts, encodings, unencoded bytes and level histograms.
    #[test]
    fn a_chunk_reads_back_and_describes_itself_as_the_crates() -> Result<()> {
        let cases = [
            ("tags", true, tags()),
            ("long values", false, long_values()),
        ];
        for (name, list, docs) in cases {
            let (schema, mut shredder) = shredded(list, &docs)?;
            for dictionary_bytes in [1 << 20, 256] {
                for statistics in [
                    EnabledStatistics::Page,
                    EnabledStatistics::Chunk,
                    EnabledStatistics::None,
                ] {
                    for codec in [
                        Compression::SNAPPY,
                        Compression::UNCOMPRESSED,
                        Compression::ZSTD(ZstdLevel::try_new(3)?),
                    ] {
                        let case = format!("{name}, {dictionary_bytes}, {statistics:?}, {codec}");
                        let props = props(dictionary_bytes, statistics, codec);
                        let (ours, theirs) = ours_and_the_crates(&schema, &mut shredder, &props)?;
                        assert_eq!(
                            read(ours.clone(), None)?,
                            read(theirs.clone(), None)?,
                            "{case}"
                        );
                        let selection = || {
                            Some(RowSelection::from(vec![
                                RowSelector::skip(1100),
                                RowSelector::select(30),
                                RowSelector::skip(700),
                                RowSelector::select(170),
                            ]))
                        };
                        assert_eq!(
                            read(ours.clone(), selection())?,
                            read(theirs.clone(), selection())?,
                            "{case}"
                        );

                        let (ours, theirs) = (metadata(&ours)?, metadata(&theirs)?);
                        let (a, b) = (ours.row_group(0).column(0), theirs.row_group(0).column(0));
                        assert_eq!(a.statistics(), b.statistics(), "{case}");
                        assert_eq!(a.num_values(), b.num_values(), "{case}");
                        assert_eq!(a.compression(), b.compression(), "{case}");
                        assert_eq!(
                            a.encodings().collect::<Vec<_>>(),
                            b.encodings().collect::<Vec<_>>(),
                            "{case}"
                        );
                        assert_eq!(
                            a.unencoded_byte_array_data_bytes(),
                            b.unencoded_byte_array_data_bytes(),
                            "{case}"
                        );
                        assert_eq!(
                            a.repetition_level_histogram(),
                            b.repetition_level_histogram(),
                            "{case}"
                        );
                        assert_eq!(
                            a.definition_level_histogram(),
                            b.definition_level_histogram(),
                            "{case}"
                        );
                        assert_eq!(
                            a.dictionary_page_offset().is_some(),
                            b.dictionary_page_offset().is_some(),
                            "{case}"
                        );
                        let pages = |m: &ParquetMetaData| {
                            m.page_index_for_row_group(0)
                                .page_locations(0)
                                .map(|l| l.len())
                        };
                        assert!(pages(&ours).unwrap_or(0) > 3, "{case}: several pages");
                        assert_eq!(
                            ours.page_index_for_row_group(0).column_index(0).is_some(),
                            statistics == EnabledStatistics::Page,
                            "{case}"
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// Each page's bounds in the column index hold every value of the page's rows, a page
    /// without values is a null page, and the null counts add up to the chunk's.
    #[test]
    fn page_bounds_hold_their_pages_values() -> Result<()> {
        use parquet::file::page_index::column_index::ColumnIndexMetaData;
        for (list, docs) in [(true, tags()), (false, long_values())] {
            let (schema, mut shredder) = shredded(list, &docs)?;
            for dictionary_bytes in [1 << 20, 256] {
                let props = props(
                    dictionary_bytes,
                    EnabledStatistics::Page,
                    Compression::SNAPPY,
                );
                let (ours, _) = ours_and_the_crates(&schema, &mut shredder, &props)?;
                let meta = metadata(&ours)?;
                let row_group = meta.page_index_for_row_group(0);
                let index = row_group
                    .column_index(0)
                    .ok_or_else(|| Error::Other("no index".into()))?;
                let ColumnIndexMetaData::BYTE_ARRAY(index) = index else {
                    return Err(Error::Other("not a byte array index".into()));
                };
                let locations = row_group
                    .page_locations(0)
                    .ok_or_else(|| Error::Other("no offsets".into()))?;
                let leaf = &shredder.leaves()[0];
                let triplets = leaf.triplets();
                let mut row = -1i64;
                let mut nulls = 0i64;
                let mut page = 0usize;
                for (value, r, _) in &triplets {
                    if *r == 0 {
                        row += 1;
                        if page + 1 < locations.len() && locations[page + 1].first_row_index == row
                        {
                            page += 1;
                        }
                    }
                    match value {
                        None => nulls += 1,
                        Some(v) => {
                            assert!(!index.is_null_page(page), "page {page}");
                            let min = index.min_value(page).unwrap_or_default();
                            let max = index.max_value(page).unwrap_or_default();
                            assert!(
                                min <= v.as_bytes() && v.as_bytes() <= max,
                                "page {page}: {v}"
                            );
                        }
                    }
                }
                assert_eq!(page + 1, locations.len());
                let counted: i64 = (0..locations.len())
                    .filter_map(|p| index.null_count(p))
                    .sum();
                assert_eq!(counted, nulls);
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Random lists of strings (nulls, empty and null lists, values from a few characters
        /// and of lengths past the 64-byte truncation) in random batches, page limits and
        /// dictionary limits: read back and described as the crate's file.
        #[test]
        fn random_columns_read_back_as_the_crates(
            docs in proptest::collection::vec(
                proptest::option::of(proptest::collection::vec(
                    proptest::option::of((0usize..6, 0usize..90)),
                    0..5,
                )),
                1..300,
            ),
            cuts in proptest::collection::vec(0usize..300, 0..4),
            dictionary_bytes in 16usize..2048,
            page_bytes in 16usize..2048,
            page_rows in 1usize..200,
            statistics in 0usize..3,
        ) {
            let text = |(pick, len): (usize, usize)| -> String {
                ["a", "b", "é", "z", "\u{10ffff}", "\u{ffff}"][pick].repeat(len % 7 + len / 80 * 70)
            };
            let docs: Vec<String> = docs
                .into_iter()
                .map(|doc| match doc {
                    None => r#"{"s": null}"#.to_string(),
                    Some(items) => {
                        let items: Vec<serde_json::Value> = items
                            .into_iter()
                            .map(|i| i.map(text).map_or(serde_json::Value::Null, serde_json::Value::String))
                            .collect();
                        serde_json::json!({ "s": items }).to_string()
                    }
                })
                .collect();
            let statistics = [EnabledStatistics::Page, EnabledStatistics::Chunk, EnabledStatistics::None][statistics];
            let props = props_with_pages(dictionary_bytes, statistics, Compression::UNCOMPRESSED, page_bytes, page_rows);
            let mut cuts = cuts;
            cuts.sort_unstable();
            let (schema, mut shredder) = shredded(true, &docs)?;
            let (ours, theirs) = ours_in_batches_and_the_crates(&schema, &mut shredder, &props, &cuts)?;
            proptest::prop_assert_eq!(read(ours.clone(), None)?, read(theirs.clone(), None)?);
            let (ours, theirs) = (metadata(&ours)?, metadata(&theirs)?);
            let (a, b) = (ours.row_group(0).column(0), theirs.row_group(0).column(0));
            proptest::prop_assert_eq!(a.statistics(), b.statistics());
            proptest::prop_assert_eq!(a.num_values(), b.num_values());
            proptest::prop_assert_eq!(a.definition_level_histogram(), b.definition_level_histogram());
            proptest::prop_assert_eq!(a.repetition_level_histogram(), b.repetition_level_histogram());
            proptest::prop_assert_eq!(a.unencoded_byte_array_data_bytes(), b.unencoded_byte_array_data_bytes());
        }
    }

    #[test]
    fn bounds_are_cut_as_the_crate_cuts_them() {
        let utf8 = |s: &str, n| truncate_max(s.as_bytes(), Some(n), true);
        assert_eq!(utf8("abcdef", 3), (b"abd".to_vec(), true));
        assert_eq!(utf8("abc", 3), (b"abc".to_vec(), false));
        // A 2-byte character across the cut is dropped, the one before it raised.
        assert_eq!(utf8("abé", 3), (b"ac".to_vec(), true));
        // The greatest code point cannot be raised: the character before it is.
        assert_eq!(utf8("a\u{10ffff}\u{10ffff}", 6), (b"b".to_vec(), true));
        assert_eq!(
            truncate_max(&[1, 0xff, 0xff], Some(2), false),
            (vec![2, 0], true)
        );
        assert_eq!(
            truncate_max(&[0xff, 0xff, 1], Some(2), false),
            (vec![0xff, 0xff, 1], false)
        );
        assert_eq!(
            truncate_min("abé".as_bytes(), Some(3), true),
            (b"ab".to_vec(), true)
        );
        assert_eq!(
            truncate_min(&[0xff, 0xfe, 3], Some(2), false),
            (vec![0xff, 0xfe], true)
        );
    }
}
