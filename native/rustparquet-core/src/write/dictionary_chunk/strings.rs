//! Strings (BYTE_ARRAY) as a [`ValueKind`]: values read from the shredded buffer's bytes and
//! ends, interned into one contiguous byte buffer with a hash table of entry numbers; bounds
//! compared as unsigned bytes and truncated (at a character boundary for UTF-8) as the crate
//! truncates them.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::hash_table::{Entry, HashTable};
use parquet::basic::{ConvertedType, Encoding, LogicalType, Type};
use parquet::data_type::ByteArray;
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::schema::types::ColumnDescriptor;

use super::{encode_indices, indices_bytes, FinishedValues, ValueKind};
use crate::leaf::LeafValues;

/// Where a value is in a buffer of values: its start and end.
type ByteRange = (usize, usize);

/// A string column's dictionary and open page.
pub(super) struct Strings {
    /// `None` once the chunk has fallen back to PLAIN pages.
    dictionary: Option<Dictionary>,
    /// Dictionary indices of the page's values (dictionary-encoded pages).
    indices: Vec<u32>,
    /// The page's values PLAIN (after a fallback).
    plain: Vec<u8>,
    /// The page's least and greatest values: byte ranges in the dictionary's bytes
    /// (dictionary-encoded pages) or in `plain`; `None` before its first value.
    bounds: Option<(ByteRange, ByteRange)>,
    utf8: bool,
}

/// The values of a range of a string leaf buffer.
pub(super) struct ByteValues<'a> {
    data: &'a [u8],
    ends: std::slice::Iter<'a, u32>,
    start: usize,
}

impl<'a> Iterator for ByteValues<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let end = *self.ends.next()? as usize;
        let value = self.data.get(self.start..end)?;
        self.start = end;
        Some(value)
    }
}

/// Where value `i` of a string buffer starts.
fn start_of(ends: &[u32], i: usize) -> usize {
    if i == 0 {
        0
    } else {
        ends[i - 1] as usize
    }
}

impl ValueKind for Strings {
    const PHYSICAL: Type = Type::BYTE_ARRAY;
    const BYTE_ARRAY: bool = true;
    const FLOATING: bool = false;
    type Value<'a> = &'a [u8];
    type Values<'a> = ByteValues<'a>;
    type Bound = Vec<u8>;

    fn accepts(descr: &ColumnDescriptor) -> bool {
        // Decimals in bytes order as numbers, not as bytes.
        descr.converted_type() != ConvertedType::DECIMAL
    }

    fn new(descr: &ColumnDescriptor) -> Self {
        Strings {
            dictionary: Some(Dictionary::new()),
            indices: Vec::new(),
            plain: Vec::new(),
            bounds: None,
            utf8: descr.logical_type_ref() == Some(&LogicalType::String)
                || descr.converted_type() == ConvertedType::UTF8,
        }
    }

    fn values<'a>(values: &'a LeafValues, range: Range<usize>) -> Option<ByteValues<'a>> {
        let LeafValues::Bytes { data, ends } = values else {
            return None;
        };
        Some(ByteValues {
            data,
            start: start_of(ends, range.start),
            ends: ends.get(range)?.iter(),
        })
    }

    fn unencoded_bytes(values: &LeafValues, range: Range<usize>) -> usize {
        let LeafValues::Bytes { ends, .. } = values else {
            return 0;
        };
        let bytes = if range.is_empty() {
            0
        } else {
            start_of(ends, range.end) - start_of(ends, range.start)
        };
        bytes + range.len() * 4
    }

    #[inline]
    fn value_len(value: &[u8]) -> usize {
        value.len()
    }

    #[inline]
    fn put(&mut self, value: &[u8], page: u32, bounds: bool) {
        match &mut self.dictionary {
            Some(dictionary) => {
                let slot = dictionary.intern(value, page);
                self.indices.push(slot.id);
                if bounds && slot.last_page != page {
                    slot.last_page = page;
                    let range = slot.range();
                    widen_bounds(&mut self.bounds, &dictionary.bytes, range);
                }
            }
            None => {
                self.plain
                    .extend_from_slice(&(value.len() as u32).to_le_bytes());
                self.plain.extend_from_slice(value);
                if bounds {
                    let range = (self.plain.len() - value.len(), self.plain.len());
                    widen_bounds(&mut self.bounds, &self.plain, range);
                }
            }
        }
    }

    fn dictionary_bytes(&self) -> Option<usize> {
        self.dictionary.as_ref().map(Dictionary::plain_bytes)
    }

    fn page_values_bytes(&self) -> usize {
        match &self.dictionary {
            Some(dictionary) => indices_bytes(self.indices.len(), dictionary.len()),
            None => self.plain.len(),
        }
    }

    fn finish_page(&mut self, body: &mut Vec<u8>) -> FinishedValues<Vec<u8>> {
        let (encoding, bound_bytes): (Encoding, &[u8]) = match &self.dictionary {
            Some(dictionary) => {
                encode_indices(&self.indices, dictionary.len(), body);
                (Encoding::RLE_DICTIONARY, &dictionary.bytes)
            }
            None => {
                body.extend_from_slice(&self.plain);
                (Encoding::PLAIN, &self.plain)
            }
        };
        let bounds = self.bounds.take().map(|(min, max)| {
            (
                bound_bytes[min.0..min.1].to_vec(),
                bound_bytes[max.0..max.1].to_vec(),
            )
        });
        self.indices.clear();
        self.plain.clear();
        FinishedValues {
            encoding,
            bounds,
            nans: 0,
        }
    }

    fn dictionary_page(&self) -> Option<(Vec<u8>, usize)> {
        let dictionary = self.dictionary.as_ref()?;
        Some((dictionary.plain_page(), dictionary.len()))
    }

    fn fall_back(&mut self) {
        self.dictionary = None;
    }

    fn greater(a: &Vec<u8>, b: &Vec<u8>) -> bool {
        a > b
    }

    fn index_bounds(
        &self,
        min: &Vec<u8>,
        max: &Vec<u8>,
        truncate: Option<usize>,
    ) -> (Vec<u8>, Vec<u8>) {
        (
            truncate_min(min, truncate, self.utf8).0,
            truncate_max(max, truncate, self.utf8).0,
        )
    }

    fn statistics(
        &self,
        bounds: Option<(&Vec<u8>, &Vec<u8>)>,
        nulls: u64,
        _nans: Option<u64>,
        truncate: Option<usize>,
    ) -> Statistics {
        let statistics = match bounds {
            Some((min, max)) => {
                let (min, min_truncated) = truncate_min(min, truncate, self.utf8);
                let (max, max_truncated) = truncate_max(max, truncate, self.utf8);
                ValueStatistics::new(
                    Some(ByteArray::from(min)),
                    Some(ByteArray::from(max)),
                    None,
                    Some(nulls),
                    false,
                )
                .with_min_is_exact(!min_truncated)
                .with_max_is_exact(!max_truncated)
            }
            None => ValueStatistics::new(None, None, None, Some(nulls), false),
        };
        Statistics::ByteArray(statistics)
    }
}

/// Takes the value at `range` of `bytes` into a page's bounds (its first value sets both).
#[inline]
fn widen_bounds(bounds: &mut Option<(ByteRange, ByteRange)>, bytes: &[u8], range: ByteRange) {
    let value = &bytes[range.0..range.1];
    match bounds {
        None => *bounds = Some((range, range)),
        Some((min, max)) => {
            if value < &bytes[min.0..min.1] {
                *min = range;
            } else if value > &bytes[max.0..max.1] {
                *max = range;
            }
        }
    }
}

/// The distinct values so far, one after the other, and a table of their slots by value.
struct Dictionary {
    bytes: Vec<u8>,
    /// Where each entry ends in `bytes`, in entry order: the dictionary page (read when it is
    /// written, not per value).
    ends: Vec<usize>,
    table: HashTable<Slot>,
    hasher: foldhash::fast::FixedState,
}

/// An entry's place in the table: where its bytes are, its number and the page it was last
/// seen in, all that a lookup reads besides the bytes themselves (no array of entries to
/// miss the cache in).
struct Slot {
    start: usize,
    /// The value's length (a leaf buffer's values end at `u32` offsets, so it fits).
    len: u32,
    id: u32,
    /// The number of the page the entry was last seen in (pages count from 1), so that only
    /// a value new to its page is compared with the page's bounds.
    last_page: u32,
}

impl Slot {
    fn range(&self) -> ByteRange {
        (self.start, self.start + self.len as usize)
    }

    /// The entry's value in the dictionary's `bytes`.
    fn value<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let (start, end) = self.range();
        &bytes[start..end]
    }
}

impl Dictionary {
    fn new() -> Self {
        Dictionary {
            bytes: Vec::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    /// The slot of `value`, added if new (then its last page is not `page`).
    #[inline]
    fn intern(&mut self, value: &[u8], page: u32) -> &mut Slot {
        let Dictionary {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        let hash = hasher.hash_one(value);
        let entry = table.entry(
            hash,
            |slot| slot.len as usize == value.len() && slot.value(bytes) == value,
            |slot| hasher.hash_one(slot.value(bytes)),
        );
        match entry {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let id = ends.len() as u32;
                let start = bytes.len();
                bytes.extend_from_slice(value);
                ends.push(bytes.len());
                e.insert(Slot {
                    start,
                    len: value.len() as u32,
                    id,
                    last_page: page.wrapping_sub(1),
                })
                .into_mut()
            }
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The dictionary page's size: each entry PLAIN (4-byte length and bytes), what the
    /// dictionary page limit is compared with.
    fn plain_bytes(&self) -> usize {
        self.bytes.len() + 4 * self.ends.len()
    }

    /// The dictionary page's body: every entry PLAIN.
    fn plain_page(&self) -> Vec<u8> {
        let mut page = Vec::with_capacity(self.plain_bytes());
        let mut start = 0;
        for &end in &self.ends {
            page.extend_from_slice(&((end - start) as u32).to_le_bytes());
            page.extend_from_slice(&self.bytes[start..end]);
            start = end;
        }
        page
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
    use super::*;

    #[test]
    fn values_that_share_a_prefix_or_differ_only_in_length_are_distinct_entries() {
        let values: [&[u8]; 9] = [
            b"",
            b"\0",
            b"a",
            b"a\0",
            b"ab",
            b"0123456789abcdef",
            b"0123456789abcdef\0",
            b"0123456789abcdefg",
            b"0123456789abcdefh",
        ];
        let mut dictionary = Dictionary::new();
        for round in 0..2 {
            for (i, value) in values.iter().enumerate() {
                let slot = dictionary.intern(value, 1);
                assert_eq!(slot.id, i as u32, "round {round}");
                let (start, end) = slot.range();
                assert_eq!(&dictionary.bytes[start..end], *value);
            }
        }
        // Enough further entries that the table grows (and moves its slots) past them.
        for i in 0..10_000u32 {
            dictionary.intern(&i.to_le_bytes(), 2);
        }
        for (i, value) in values.iter().enumerate() {
            assert_eq!(dictionary.intern(value, 3).id, i as u32);
        }
        let mut page = Vec::new();
        let more = (0..10_000u32).map(|i| i.to_le_bytes().to_vec());
        for value in values.iter().map(|v| v.to_vec()).chain(more) {
            page.extend_from_slice(&(value.len() as u32).to_le_bytes());
            page.extend_from_slice(&value);
        }
        assert_eq!(dictionary.len(), values.len() + 10_000);
        assert_eq!(dictionary.plain_page(), page);
        assert_eq!(dictionary.plain_bytes(), page.len());
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
