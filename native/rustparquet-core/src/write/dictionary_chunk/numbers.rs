//! INT64 and DOUBLE as [`ValueKind`]s: values read from the shredded buffer's slice, interned
//! by their bits (so -0.0 and +0.0 are two entries, as in the crate's dictionary), ordered
//! signed (INT64) or by IEEE 754 total order with NaNs counted and kept out of the bounds
//! while there are other values (DOUBLE), as the crate orders them.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::hash_table::{Entry, HashTable};
use parquet::basic::{Encoding, SortOrder, Type};
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::schema::types::ColumnDescriptor;

use super::{encode_indices, indices_bytes, lower, raise, FinishedValues, ValueKind};
use crate::leaf::LeafValues;

/// A fixed-width number as a column's value.
pub(super) trait Number: Copy + Send + 'static {
    const PHYSICAL: Type;
    const FLOATING: bool;
    /// The order the column's statistics are in (others: the crate's writer).
    const ORDER: SortOrder;
    fn to_bits(self) -> u64;
    fn is_nan(self) -> bool;
    /// `self > other` in the column's order.
    fn greater(self, other: Self) -> bool;
    fn slice(values: &LeafValues) -> Option<&[Self]>;
    fn statistics(statistics: ValueStatistics<Self>) -> Statistics;
}

impl Number for i64 {
    const PHYSICAL: Type = Type::INT64;
    const FLOATING: bool = false;
    const ORDER: SortOrder = SortOrder::SIGNED;

    #[inline]
    fn to_bits(self) -> u64 {
        self as u64
    }

    #[inline]
    fn is_nan(self) -> bool {
        false
    }

    #[inline]
    fn greater(self, other: i64) -> bool {
        self > other
    }

    fn slice(values: &LeafValues) -> Option<&[i64]> {
        match values {
            LeafValues::Int64(values) => Some(values),
            _ => None,
        }
    }

    fn statistics(statistics: ValueStatistics<i64>) -> Statistics {
        Statistics::Int64(statistics)
    }
}

impl Number for f64 {
    const PHYSICAL: Type = Type::DOUBLE;
    const FLOATING: bool = true;
    const ORDER: SortOrder = SortOrder::TOTAL_ORDER;

    #[inline]
    fn to_bits(self) -> u64 {
        f64::to_bits(self)
    }

    #[inline]
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }

    #[inline]
    fn greater(self, other: f64) -> bool {
        self.total_cmp(&other) == std::cmp::Ordering::Greater
    }

    fn slice(values: &LeafValues) -> Option<&[f64]> {
        match values {
            LeafValues::Double(values) => Some(values),
            _ => None,
        }
    }

    fn statistics(statistics: ValueStatistics<f64>) -> Statistics {
        Statistics::Double(statistics)
    }
}

pub(super) type Int64s = Numbers<i64>;
pub(super) type Doubles = Numbers<f64>;

/// A number column's dictionary and open page.
pub(super) struct Numbers<N> {
    /// `None` once the chunk has fallen back to PLAIN pages.
    dictionary: Option<Dictionary<N>>,
    /// Dictionary indices of the page's values (dictionary-encoded pages).
    indices: Vec<u32>,
    /// The page's values PLAIN (after a fallback).
    plain: Vec<u8>,
    /// The page's least and greatest values.
    least: Option<N>,
    greatest: Option<N>,
    /// NaNs among the page's values.
    nans: u64,
}

/// The distinct values so far and a table of their numbers by bits.
struct Dictionary<N> {
    /// Each value and the number of the page it was last seen in (pages count from 1), so
    /// that only a value new to its page is compared with the page's bounds; one read for
    /// both.
    entries: Vec<(N, u32)>,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl<N: Number> Dictionary<N> {
    /// The entry number of `value`, added if new (then its last page is `page`).
    #[inline]
    fn intern(&mut self, value: N, page: u32) -> u32 {
        let Dictionary {
            entries,
            table,
            hasher,
        } = self;
        let bits = value.to_bits();
        match table.entry(
            hasher.hash_one(bits),
            |&id| entries[id as usize].0.to_bits() == bits,
            |&id| hasher.hash_one(entries[id as usize].0.to_bits()),
        ) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = entries.len() as u32;
                e.insert(id);
                entries.push((value, page.wrapping_sub(1)));
                id
            }
        }
    }
}

impl<N: Number> Numbers<N> {
    #[inline]
    fn widen_bounds(&mut self, value: N) {
        lower::<Self>(&mut self.least, &value);
        raise::<Self>(&mut self.greatest, &value);
    }
}

impl<N: Number> ValueKind for Numbers<N> {
    const PHYSICAL: Type = N::PHYSICAL;
    const BYTE_ARRAY: bool = false;
    const FLOATING: bool = N::FLOATING;
    type Value<'a> = N;
    type Values<'a> = std::iter::Copied<std::slice::Iter<'a, N>>;
    type Bound = N;

    fn accepts(descr: &ColumnDescriptor) -> bool {
        // Not unsigned integers, for one.
        descr.sort_order() == N::ORDER
    }

    fn new(_descr: &ColumnDescriptor) -> Self {
        Numbers {
            dictionary: Some(Dictionary {
                entries: Vec::new(),
                table: HashTable::new(),
                hasher: foldhash::fast::FixedState::default(),
            }),
            indices: Vec::new(),
            plain: Vec::new(),
            least: None,
            greatest: None,
            nans: 0,
        }
    }

    fn values<'a>(values: &'a LeafValues, range: Range<usize>) -> Option<Self::Values<'a>> {
        Some(N::slice(values)?.get(range)?.iter().copied())
    }

    fn unencoded_bytes(_values: &LeafValues, range: Range<usize>) -> usize {
        range.len() * 8
    }

    fn value_len(_value: N) -> usize {
        0
    }

    #[inline]
    fn put(&mut self, value: N, page: u32, bounds: bool) {
        if N::FLOATING && value.is_nan() {
            self.nans += 1;
        }
        match &mut self.dictionary {
            Some(dictionary) => {
                let id = dictionary.intern(value, page);
                self.indices.push(id);
                let last_page = &mut dictionary.entries[id as usize].1;
                let new_to_page = *last_page != page;
                *last_page = page;
                if bounds && new_to_page {
                    self.widen_bounds(value);
                }
            }
            None => {
                self.plain.extend_from_slice(&value.to_bits().to_le_bytes());
                if bounds {
                    self.widen_bounds(value);
                }
            }
        }
    }

    fn dictionary_bytes(&self) -> Option<usize> {
        self.dictionary.as_ref().map(|d| d.entries.len() * 8)
    }

    fn page_values_bytes(&self) -> usize {
        match &self.dictionary {
            Some(dictionary) => indices_bytes(self.indices.len(), dictionary.entries.len()),
            None => self.plain.len(),
        }
    }

    fn finish_page(&mut self, body: &mut Vec<u8>) -> FinishedValues<N> {
        let encoding = match &self.dictionary {
            Some(dictionary) => {
                encode_indices(&self.indices, dictionary.entries.len(), body);
                Encoding::RLE_DICTIONARY
            }
            None => {
                body.extend_from_slice(&self.plain);
                Encoding::PLAIN
            }
        };
        let finished = FinishedValues {
            encoding,
            bounds: self.least.take().zip(self.greatest.take()),
            nans: std::mem::take(&mut self.nans),
        };
        self.indices.clear();
        self.plain.clear();
        finished
    }

    fn dictionary_page(&self) -> Option<(Vec<u8>, usize)> {
        let dictionary = self.dictionary.as_ref()?;
        let page = dictionary
            .entries
            .iter()
            .flat_map(|(v, _)| v.to_bits().to_le_bytes())
            .collect();
        Some((page, dictionary.entries.len()))
    }

    fn fall_back(&mut self) {
        self.dictionary = None;
    }

    #[inline]
    fn greater(a: &N, b: &N) -> bool {
        a.greater(*b)
    }

    #[inline]
    fn is_nan(bound: &N) -> bool {
        bound.is_nan()
    }

    fn index_bounds(&self, min: &N, max: &N, _truncate: Option<usize>) -> (Vec<u8>, Vec<u8>) {
        (
            min.to_bits().to_le_bytes().to_vec(),
            max.to_bits().to_le_bytes().to_vec(),
        )
    }

    fn statistics(
        &self,
        bounds: Option<(&N, &N)>,
        nulls: u64,
        nans: Option<u64>,
        _truncate: Option<usize>,
    ) -> Statistics {
        let (min, max) = bounds.map(|(min, max)| (*min, *max)).unzip();
        N::statistics(
            ValueStatistics::new(min, max, None, Some(nulls), false)
                .with_nan_count(nans)
                .with_backwards_compatible_min_max(true),
        )
    }
}
