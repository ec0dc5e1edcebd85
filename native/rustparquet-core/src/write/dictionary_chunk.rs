//! Our own writer of a dictionary-encoded column chunk, for the columns where the `parquet`
//! crate's writer cost the most: strings (BYTE_ARRAY), INT64 and DOUBLE. The crate's writer
//! takes each value as an owned value (a string as a reference-counted `ByteArray` over a copy
//! of the batch's bytes), interns it in a table of those and compares every value with its
//! page's bounds, 50 to 150 ns a value. Here values are read straight from the shredded
//! buffer, interned into a table of entry numbers (foldhash), and only a value new to its page
//! is compared for the page's bounds.
//!
//! The chunk is what the crate would write for the same settings, up to where pages are cut
//! (at a record boundary once the page's encoded levels and values reach the page size, or its
//! rows the row limit): v1 data pages of RLE levels and RLE_DICTIONARY indices, the PLAIN
//! dictionary page (put first by the page writer, as the crate's), fallback to PLAIN pages
//! once the dictionary reaches its limit, chunk statistics (NaN counts and the IEEE 754 total
//! order of doubles, strings truncated as the crate truncates them), level histograms, column
//! and offset indexes. Codecs: none, snappy and zstd; a column with other settings (another
//! codec, page v2, a bloom filter, page header statistics) keeps the crate's writer
//! ([`writer_for`]).
//!
//! This file holds what all columns share: levels, pages, the chunk's totals, statistics and
//! indexes. What differs by type is a [`ValueKind`]: [`strings`] and [`numbers`].

mod numbers;
mod strings;
#[cfg(test)]
mod tests;

use std::ops::Range;

use bytes::Bytes;
use parquet::basic::{BoundaryOrder, Compression, Encoding, EncodingMask, PageType, Type};
use parquet::column::page::{CompressedPage, Page, PageWriteSpec, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::file::metadata::{
    ColumnChunkMetaData, ColumnIndexBuilder, LevelHistogram, OffsetIndexBuilder, PageEncodingStats,
};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::statistics::Statistics;
use parquet::schema::types::{ColumnDescPtr, ColumnDescriptor};

use super::dictionary::bit_width;
use super::rle::RleEncoder;
use crate::error::{Error, Result};
use crate::leaf::{LeafColumn, LeafSlice, LeafValues};
use numbers::{Doubles, Int64s};
use strings::Strings;

/// A column chunk writer of ours, as [`super::column::OpenColumn`] drives it.
pub(super) trait OwnChunk: Send {
    /// Writes a slice of a leaf buffer; returns its unencoded size.
    fn write(
        &mut self,
        leaf: &LeafColumn<'_>,
        slice: &LeafSlice,
        pages: &mut dyn PageWriter,
    ) -> Result<usize>;

    /// Writes the last data page and the dictionary page; the chunk's metadata and indexes,
    /// its offsets as if the data pages came first (the page writer puts the dictionary page
    /// first; the caller moves them).
    fn close(self: Box<Self>, pages: &mut dyn PageWriter) -> Result<ColumnCloseResult>;
}

/// Our writer for column `descr` with `props`, where we write such a column: a string, INT64
/// (signed order) or DOUBLE column, dictionary-encoded, v1 pages, no codec, snappy or zstd,
/// no bloom filter and no page header statistics. Otherwise `None`: the crate's writer does.
pub(super) fn writer_for(
    descr: &ColumnDescPtr,
    props: &WriterProperties,
) -> Option<Box<dyn OwnChunk>> {
    let path = descr.path();
    let settings_supported = props.dictionary_enabled(path)
        && props.writer_version() == WriterVersion::PARQUET_1_0
        && matches!(
            props.compression(path),
            Compression::UNCOMPRESSED | Compression::SNAPPY | Compression::ZSTD(_)
        )
        && props.bloom_filter_properties(path).is_none()
        && !props.write_page_header_statistics(path)
        && props.content_defined_chunking().is_none()
        && props.encoding(path).is_none();
    if !settings_supported {
        return None;
    }
    fn boxed<K: ValueKind + 'static>(
        descr: &ColumnDescPtr,
        props: &WriterProperties,
    ) -> Option<Box<dyn OwnChunk>> {
        K::accepts(descr)
            .then(|| Box::new(DictionaryChunk::<K>::new(descr.clone(), props)) as Box<dyn OwnChunk>)
    }
    match descr.physical_type() {
        Type::BYTE_ARRAY => boxed::<Strings>(descr, props),
        Type::INT64 => boxed::<Int64s>(descr, props),
        Type::DOUBLE => boxed::<Doubles>(descr, props),
        _ => None,
    }
}

/// What a column's values are: how they are read from the shredded buffer, kept in the
/// dictionary or written PLAIN, ordered and described. The kind holds the dictionary and the
/// open page's values and bounds.
pub(super) trait ValueKind: Sized + Send {
    const PHYSICAL: Type;
    /// Whether pages and chunks count their values' bytes (the size statistics'
    /// `unencoded_byte_array_data_bytes`).
    const BYTE_ARRAY: bool;
    /// Whether statistics count NaNs (Parquet's `nan_count`; floating point only).
    const FLOATING: bool;
    /// A value as the shredded buffer holds it.
    type Value<'a>: Copy;
    type Values<'a>: Iterator<Item = Self::Value<'a>>;
    /// A page's or chunk's least or greatest value, owned.
    type Bound: Clone + Send;

    /// Whether this kind writes column `descr` (its type and order).
    fn accepts(descr: &ColumnDescriptor) -> bool;
    fn new(descr: &ColumnDescriptor) -> Self;
    /// The values of `range` of a leaf buffer, `None` if it holds another type.
    fn values<'a>(values: &'a LeafValues, range: Range<usize>) -> Option<Self::Values<'a>>;
    /// The values' unencoded size, as the crate's column writers are credited with it.
    fn unencoded_bytes(values: &LeafValues, range: Range<usize>) -> usize;
    /// A value's bytes (strings; 0 otherwise).
    fn value_len(value: Self::Value<'_>) -> usize;
    /// Adds `value` to the open page (number `page`): to the dictionary, or PLAIN once it
    /// fell back; into the page's bounds when `bounds`.
    fn put(&mut self, value: Self::Value<'_>, page: u32, bounds: bool);
    /// The dictionary page's size so far; `None` once fallen back to PLAIN.
    fn dictionary_bytes(&self) -> Option<usize>;
    /// The open page's values' encoded size, as the crate estimates it.
    fn page_values_bytes(&self) -> usize;
    /// Appends the open page's values, encoded, to `body`; clears them for the next page.
    fn finish_page(&mut self, body: &mut Vec<u8>) -> FinishedValues<Self::Bound>;
    /// The dictionary page's body and its number of entries (`None` once fallen back).
    fn dictionary_page(&self) -> Option<(Vec<u8>, usize)>;
    /// Drops the dictionary: later pages are PLAIN.
    fn fall_back(&mut self);
    /// `a > b` in the column's sort order.
    fn greater(a: &Self::Bound, b: &Self::Bound) -> bool;
    fn is_nan(_bound: &Self::Bound) -> bool {
        false
    }
    /// A page's bounds as the column index holds them.
    fn index_bounds(
        &self,
        min: &Self::Bound,
        max: &Self::Bound,
        truncate: Option<usize>,
    ) -> (Vec<u8>, Vec<u8>);
    /// The chunk's statistics.
    fn statistics(
        &self,
        bounds: Option<(&Self::Bound, &Self::Bound)>,
        nulls: u64,
        nans: Option<u64>,
        truncate: Option<usize>,
    ) -> Statistics;
}

/// A finished page's values: their encoding, bounds (when it had values and bounds were
/// kept) and NaNs.
pub(super) struct FinishedValues<B> {
    pub encoding: Encoding,
    pub bounds: Option<(B, B)>,
    pub nans: u64,
}

/// Takes `value` into `least` as the crate's statistics do: a NaN only while every value so
/// far was one, otherwise the least in the column's order.
fn lower<K: ValueKind>(least: &mut Option<K::Bound>, value: &K::Bound) {
    widen::<K>(least, value, |value, least| K::greater(least, value));
}

/// [`lower`]'s counterpart for the greatest value.
fn raise<K: ValueKind>(greatest: &mut Option<K::Bound>, value: &K::Bound) {
    widen::<K>(greatest, value, |value, greatest| {
        K::greater(value, greatest)
    });
}

/// Replaces `bound` with `value` if there is none, if it is a NaN and `value` is not, or if
/// neither or both are NaNs and `value` `beats` it.
fn widen<K: ValueKind>(
    bound: &mut Option<K::Bound>,
    value: &K::Bound,
    beats: impl Fn(&K::Bound, &K::Bound) -> bool,
) {
    let replace = match bound {
        None => true,
        Some(bound) => match (K::is_nan(bound), K::is_nan(value)) {
            (false, true) => false,
            (true, false) => true,
            _ => beats(value, bound),
        },
    };
    if replace {
        *bound = Some(value.clone());
    }
}

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
}

/// A dictionary-encoded column chunk being written.
struct DictionaryChunk<K: ValueKind> {
    descr: ColumnDescPtr,
    settings: Settings,
    values: K,
    page: OpenPage,
    chunk: ChunkTotals<K::Bound>,
    column_index: ColumnIndexBuilder,
    offset_index: Option<OffsetIndexBuilder>,
}

/// The data page being filled: its levels and counts (its values are the kind's).
struct OpenPage {
    /// Counted from 1.
    number: u32,
    rep: RleEncoder,
    def: RleEncoder,
    levels: usize,
    rows: usize,
    values: usize,
    /// Bytes of the values themselves (strings: the size statistics' unencoded bytes).
    value_bytes: usize,
    rep_histogram: Vec<i64>,
    def_histogram: Vec<i64>,
}

/// What the finished pages add up to.
struct ChunkTotals<B> {
    uncompressed: u64,
    compressed: u64,
    bytes_written: u64,
    values: u64,
    rows: u64,
    nulls: u64,
    /// NaNs among the values; `None` until a page had values (as the crate counts them).
    nans: Option<u64>,
    value_bytes: i64,
    data_page_offset: Option<u64>,
    dictionary_page_offset: Option<u64>,
    dictionary_pages: i32,
    dictionary_data_pages: i32,
    plain_data_pages: i32,
    min: Option<B>,
    max: Option<B>,
    /// The last page with values' bounds, and whether pages' bounds only rose (or fell).
    last_bounds: Option<(B, B)>,
    ascending: bool,
    descending: bool,
    rep_histogram: Option<LevelHistogram>,
    def_histogram: Option<LevelHistogram>,
}

impl<K: ValueKind> DictionaryChunk<K> {
    fn new(descr: ColumnDescPtr, props: &WriterProperties) -> Self {
        let path = descr.path();
        let statistics = props.statistics_enabled(path);
        let settings = Settings {
            page_bytes: props.column_data_page_size_limit(path),
            page_rows: props.column_data_page_row_count_limit(path),
            dictionary_bytes: props.column_dictionary_page_size_limit(path),
            statistics,
            statistics_truncate: props.statistics_truncate_length(),
            column_index_truncate: props.column_index_truncate_length(),
            offset_index: !props.offset_index_disabled(),
            codec: props.compression(path),
        };
        let histogram = |max: i16| {
            if statistics != EnabledStatistics::None && max > 0 {
                vec![0; max as usize + 1]
            } else {
                Vec::new()
            }
        };
        let mut column_index = ColumnIndexBuilder::new(K::PHYSICAL);
        if statistics != EnabledStatistics::Page {
            column_index.to_invalid();
        }
        let chunk_histogram = |max: i16| {
            (statistics != EnabledStatistics::None)
                .then(|| LevelHistogram::try_new(max))
                .flatten()
        };
        let chunk = ChunkTotals {
            uncompressed: 0,
            compressed: 0,
            bytes_written: 0,
            values: 0,
            rows: 0,
            nulls: 0,
            nans: None,
            value_bytes: 0,
            data_page_offset: None,
            dictionary_page_offset: None,
            dictionary_pages: 0,
            dictionary_data_pages: 0,
            plain_data_pages: 0,
            min: None,
            max: None,
            last_bounds: None,
            ascending: true,
            descending: true,
            rep_histogram: chunk_histogram(descr.max_rep_level()),
            def_histogram: chunk_histogram(descr.max_def_level()),
        };
        DictionaryChunk {
            page: OpenPage {
                number: 1,
                rep: RleEncoder::new(bit_width(descr.max_rep_level() as u32)),
                def: RleEncoder::new(bit_width(descr.max_def_level() as u32)),
                levels: 0,
                rows: 0,
                values: 0,
                value_bytes: 0,
                rep_histogram: histogram(descr.max_rep_level()),
                def_histogram: histogram(descr.max_def_level()),
            },
            offset_index: settings.offset_index.then(OffsetIndexBuilder::new),
            settings,
            values: K::new(&descr),
            chunk,
            column_index,
            descr,
        }
    }

    /// Before a record: falls back to PLAIN once the dictionary reached its limit, ends the
    /// page once it reached its size or row count.
    #[inline]
    fn at_record_start(&mut self, pages: &mut dyn PageWriter) -> Result<()> {
        let page = &self.page;
        if self
            .values
            .dictionary_bytes()
            .is_some_and(|bytes| bytes >= self.settings.dictionary_bytes)
        {
            self.finish_page(pages)?;
            self.write_dictionary_page(pages)?;
            self.values.fall_back();
            return Ok(());
        }
        let levels_bytes = page.rep.encoded_len() + page.def.encoded_len();
        if page.rows >= self.settings.page_rows
            || levels_bytes + self.values.page_values_bytes() >= self.settings.page_bytes
        {
            self.finish_page(pages)?;
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
        let finished = self.values.finish_page(&mut body);
        let data_page = Page::DataPage {
            buf: Bytes::new(),
            num_values: page.levels as u32,
            encoding: finished.encoding,
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
        match finished.encoding {
            Encoding::RLE_DICTIONARY => chunk.dictionary_data_pages += 1,
            _ => chunk.plain_data_pages += 1,
        }
        if let Some(offsets) = self.offset_index.as_mut() {
            offsets.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
            offsets.append_row_count(page.rows as i64);
            offsets.append_unencoded_byte_array_data_bytes(
                K::BYTE_ARRAY.then_some(page.value_bytes as i64),
            );
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
            // As the crate: floating point pages always say their NaNs, a chunk once a page
            // had values.
            let page_nans = K::FLOATING.then_some(finished.nans as i64);
            if page.values > 0 && K::FLOATING {
                *chunk.nans.get_or_insert(0) += finished.nans;
            }
            match &finished.bounds {
                None => {
                    self.column_index
                        .append(true, Vec::new(), Vec::new(), nulls as i64, page_nans);
                }
                Some((min, max)) => {
                    lower::<K>(&mut chunk.min, min);
                    raise::<K>(&mut chunk.max, max);
                    if let Some((last_min, last_max)) = &chunk.last_bounds {
                        if K::greater(last_min, min) || K::greater(last_max, max) {
                            chunk.ascending = false;
                        }
                        if K::greater(min, last_min) || K::greater(max, last_max) {
                            chunk.descending = false;
                        }
                    }
                    if self.column_index.valid() {
                        let (min, max) =
                            self.values
                                .index_bounds(min, max, self.settings.column_index_truncate);
                        self.column_index
                            .append(false, min, max, nulls as i64, page_nans);
                    }
                    chunk.last_bounds = finished.bounds;
                }
            }
            self.column_index
                .append_histograms(&rep_histogram, &def_histogram);
        }

        page.number += 1;
        page.levels = 0;
        page.rows = 0;
        page.values = 0;
        page.value_bytes = 0;
        page.rep_histogram.fill(0);
        page.def_histogram.fill(0);
        Ok(())
    }

    fn write_dictionary_page(&mut self, pages: &mut dyn PageWriter) -> Result<()> {
        let Some((body, entries)) = self.values.dictionary_page() else {
            return Ok(());
        };
        let page = Page::DictionaryPage {
            buf: Bytes::new(),
            num_values: entries as u32,
            encoding: Encoding::PLAIN,
            is_sorted: false,
        };
        let spec = self.chunk.write(page, body, self.settings.codec, pages)?;
        let chunk = &mut self.chunk;
        chunk.dictionary_page_offset = Some(spec.offset);
        chunk.dictionary_pages = 1;
        Ok(())
    }
}

impl<K: ValueKind> OwnChunk for DictionaryChunk<K> {
    fn write(
        &mut self,
        leaf: &LeafColumn<'_>,
        slice: &LeafSlice,
        pages: &mut dyn PageWriter,
    ) -> Result<usize> {
        let Some(mut values) = K::values(leaf.values, slice.values.clone()) else {
            return Err(Error::Other(format!(
                "internal error: a {} column has values of another type",
                K::PHYSICAL
            )));
        };
        let (max_def, max_rep) = (leaf.max_def, leaf.max_rep);
        let bounds = self.settings.statistics != EnabledStatistics::None;
        let mut taken = 0usize;
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
            let Some(value) = values.next() else {
                return Err(Error::Other(format!(
                    "internal error: a {} column's levels hold more values than its {}",
                    K::PHYSICAL,
                    slice.values.len()
                )));
            };
            taken += 1;
            page.values += 1;
            if K::BYTE_ARRAY {
                page.value_bytes += K::value_len(value);
            }
            self.values.put(value, page.number, bounds);
        }
        if taken != slice.values.len() {
            return Err(Error::Other(format!(
                "internal error: a {} column's levels hold {taken} values, its slice {}",
                K::PHYSICAL,
                slice.values.len()
            )));
        }
        Ok(K::unencoded_bytes(leaf.values, slice.values.clone()) + slice.entries.len() * 4)
    }

    fn close(mut self: Box<Self>, pages: &mut dyn PageWriter) -> Result<ColumnCloseResult> {
        if self.page.levels > 0 {
            self.finish_page(pages)?;
        }
        self.write_dictionary_page(pages)?;
        let this = *self;
        let chunk = this.chunk;
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
        let mut metadata = ColumnChunkMetaData::builder(this.descr.clone())
            .set_compression(this.settings.codec)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings))
            .set_page_encoding_stats(encoding_stats)
            .set_total_compressed_size(chunk.compressed as i64)
            .set_total_uncompressed_size(chunk.uncompressed as i64)
            .set_num_values(chunk.values as i64)
            .set_data_page_offset(chunk.data_page_offset.unwrap_or(0) as i64)
            .set_dictionary_page_offset(chunk.dictionary_page_offset.map(|o| o as i64));
        if this.settings.statistics != EnabledStatistics::None {
            let bounds = chunk.min.as_ref().zip(chunk.max.as_ref());
            let statistics = this.values.statistics(
                bounds,
                chunk.nulls,
                chunk.nans,
                this.settings.statistics_truncate,
            );
            metadata = metadata
                .set_statistics(statistics)
                .set_unencoded_byte_array_data_bytes(K::BYTE_ARRAY.then_some(chunk.value_bytes))
                .set_repetition_level_histogram(chunk.rep_histogram)
                .set_definition_level_histogram(chunk.def_histogram);
        }
        let metadata = metadata.build()?;
        let mut column_index = this.column_index;
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
            offset_index: this.offset_index.map(OffsetIndexBuilder::build),
        })
    }
}

impl<B> ChunkTotals<B> {
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
                    "internal error: our column writer writes v1 pages".into(),
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

/// A page body compressed with `codec` (none, snappy or zstd: [`writer_for`]).
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
            "internal error: our column writer was given codec {other}"
        ))),
    }
}

/// The dictionary indices of a page, behind their bit width: the RLE_DICTIONARY encoding.
fn encode_indices(indices: &[u32], entries: usize, body: &mut Vec<u8>) {
    let width = bit_width(entries.saturating_sub(1) as u32);
    body.push(width);
    let mut encoder = RleEncoder::new(width);
    for &id in indices {
        encoder.put(id);
    }
    encoder.finish_into(body);
}

/// The indices' encoded size as the crate estimates it while a page fills.
fn indices_bytes(indices: usize, entries: usize) -> usize {
    indices * bit_width(entries.saturating_sub(1) as u32) as usize / 8
}
