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

/// The distinct values so far and a table of their slots by bits.
struct Dictionary<N> {
    /// The values in entry order: the dictionary page (read when it is written, not per value).
    values: Vec<N>,
    table: HashTable<Slot>,
    hasher: foldhash::fast::FixedState,
}

/// A value's place in the table: all a lookup reads, so that a value seen before costs the
/// table's own cache misses and no third one in an array of entries (in a profile of
/// activedata, that read was where the chunk writer's own time went most).
struct Slot {
    bits: u64,
    id: u32,
    /// The number of the page the value was last seen in (pages count from 1), so that only
    /// a value new to its page is compared with the page's bounds.
    last_page: u32,
}

impl<N: Number> Dictionary<N> {
    /// The slot of `value`, added if new (then its last page is not `page`).
    #[inline]
    fn intern(&mut self, value: N, page: u32) -> &mut Slot {
        let Dictionary {
            values,
            table,
            hasher,
        } = self;
        let bits = value.to_bits();
        match table.entry(
            hasher.hash_one(bits),
            |slot| slot.bits == bits,
            |slot| hasher.hash_one(slot.bits),
        ) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let id = values.len() as u32;
                values.push(value);
                e.insert(Slot {
                    bits,
                    id,
                    last_page: page.wrapping_sub(1),
                })
                .into_mut()
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
                values: Vec::new(),
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
                let slot = dictionary.intern(value, page);
                self.indices.push(slot.id);
                let new_to_page = slot.last_page != page;
                slot.last_page = page;
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
        self.dictionary.as_ref().map(|d| d.values.len() * 8)
    }

    fn page_values_bytes(&self) -> usize {
        match &self.dictionary {
            Some(dictionary) => indices_bytes(self.indices.len(), dictionary.values.len()),
            None => self.plain.len(),
        }
    }

    fn finish_page(&mut self, body: &mut Vec<u8>) -> FinishedValues<N> {
        let encoding = match &self.dictionary {
            Some(dictionary) => {
                encode_indices(&self.indices, dictionary.values.len(), body);
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
            .values
            .iter()
            .flat_map(|v| v.to_bits().to_le_bytes())
            .collect();
        Some((page, dictionary.values.len()))
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
