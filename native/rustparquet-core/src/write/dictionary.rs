//! parquet-mr's first-page dictionary decision, as a pure rule: whether a column chunk should be
//! dictionary-encoded, judged on the values of its first data page the way Spark's own Parquet
//! writer (parquet-mr / parquet-java) judges it.
//!
//! parquet-mr starts every dictionary-capable column dictionary-encoded and, when its first data
//! page is cut, keeps the dictionary only if
//!
//! * the dictionary never grew past the dictionary page limit (`parquet.dictionary.page.size`,
//!   1 MiB by default; past it the writer falls back at once), and
//! * the page's dictionary indices (one bit-width byte then RLE / bit-packed hybrid runs) plus
//!   the dictionary's own bytes are smaller than the same values written PLAIN
//!   (`encoded + dictionary < raw`).
//!
//! Otherwise the whole column chunk is written PLAIN, with no dictionary page. The first page ends
//! once the buffered PLAIN size comes within 10% of the page size (`parquet.page.size`, 1 MiB)
//! or after 20,000 rows (`parquet.page.row.count.limit`), whichever comes first.
//!
//! Sizes are parquet-mr's: PLAIN byte arrays cost their length plus 4, fixed-width values their
//! width; a dictionary entry costs what its PLAIN value costs.
//!
//! The CLI's own encoder does not use this rule (it keeps its own, `chunk_start`); the Spark data
//! source's typed path does, so its files come out the size of Spark's (`rustparquet-jni`'s
//! `dictionary` module feeds it a held prefix of the rows).

use std::hash::Hash;

/// Values are hashed with foldhash, not SipHash: every value of the first rows of every column
/// goes through this map while the typed writer holds them.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// parquet-mr's default page row count limit (`parquet.page.row.count.limit`): a page ends after
/// this many rows even when it is small.
pub const FIRST_PAGE_ROWS: usize = 20_000;

/// The sizes the first page's decision compares, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FirstPageSizes {
    /// The page's non-null values written PLAIN.
    pub plain: u64,
    /// The dictionary page's values (each distinct value written PLAIN).
    pub dictionary: u64,
    /// The page's dictionary indices: a bit-width byte and RLE / bit-packed hybrid runs.
    pub indices: u64,
}

/// What a column chunk is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A dictionary page and dictionary-encoded data pages.
    Dictionary,
    /// PLAIN data pages, no dictionary page.
    Plain,
}

/// The rule: keep the dictionary only when it stayed within `dictionary_limit` and dictionary
/// encoding is smaller than PLAIN (`indices + dictionary < plain`, strictly, as parquet-mr).
/// A page without values is PLAIN (0 < 0 is false), as in parquet-mr.
pub fn decide(sizes: FirstPageSizes, dictionary_limit: u64) -> Encoding {
    if sizes.dictionary > dictionary_limit {
        return Encoding::Plain;
    }
    if sizes.indices.saturating_add(sizes.dictionary) < sizes.plain {
        Encoding::Dictionary
    } else {
        Encoding::Plain
    }
}

/// The bits an index up to `max` needs (0 for a dictionary of one value).
pub fn bit_width(max: u32) -> u8 {
    (32 - max.leading_zeros()) as u8
}

/// Bytes of `ids` written as the RLE / bit-packed hybrid at `width` bits, grouped the way
/// parquet-mr's encoder groups them: values go into groups of 8; a value repeated 8 or more
/// times in a row from the start of a group becomes a run (a varint header and the value in
/// `ceil(width / 8)` bytes); other groups are bit-packed (`width` bytes per 8 values), up to 63
/// groups behind one 1-byte header; a last partial group is padded to 8.
pub fn rle_hybrid_bytes(ids: &[u32], width: u8) -> u64 {
    let width = u64::from(width);
    let value_bytes = width.div_ceil(8);
    let mut bytes = 0u64;
    let mut previous: Option<u32> = None;
    let mut repeats = 0u64;
    let mut buffered = 0u64;
    let mut packed_groups = 0u64; // groups in the open bit-packed run (0: no run open)

    let rle_run = |bytes: &mut u64, repeats: u64, packed_groups: &mut u64| {
        *packed_groups = 0;
        *bytes += varint_len(repeats << 1) + value_bytes;
    };
    for &id in ids {
        if previous == Some(id) {
            repeats += 1;
            if repeats >= 8 {
                continue;
            }
        } else {
            if repeats >= 8 {
                rle_run(&mut bytes, repeats, &mut packed_groups);
                buffered = 0;
            }
            repeats = 1;
            previous = Some(id);
        }
        buffered += 1;
        if buffered == 8 {
            if packed_groups == 0 || packed_groups >= 63 {
                bytes += 1; // a new bit-packed run's header
                packed_groups = 0;
            }
            bytes += width;
            packed_groups += 1;
            buffered = 0;
            repeats = 0;
        }
    }
    if repeats >= 8 {
        rle_run(&mut bytes, repeats, &mut packed_groups);
    } else if buffered > 0 {
        if packed_groups == 0 || packed_groups >= 63 {
            bytes += 1;
        }
        bytes += width;
    }
    bytes
}

fn varint_len(mut value: u64) -> u64 {
    let mut len = 1;
    while value >= 0x80 {
        value >>= 7;
        len += 1;
    }
    len
}

/// One column's first data page, fed value by value: counts PLAIN bytes, assigns dictionary
/// indices in order of first appearance, and says when the page is full.
pub struct FirstPage<K> {
    /// The page ends once the PLAIN bytes reach this (90% of the page size, parquet-mr's
    /// tolerance).
    page_threshold: u64,
    ids: HashMap<K, u32>,
    indices: Vec<u32>,
    plain: u64,
    dictionary: u64,
}

impl<K: Hash + Eq> FirstPage<K> {
    /// A page of `page_bytes` (parquet-mr's `parquet.page.size`).
    pub fn new(page_bytes: usize) -> Self {
        let page = page_bytes as u64;
        FirstPage {
            page_threshold: page - page / 10,
            ids: HashMap::default(),
            indices: Vec::new(),
            plain: 0,
            dictionary: 0,
        }
    }

    /// Adds a non-null value whose PLAIN encoding takes `plain_bytes`. Returns false once the page
    /// is full (the value that fills it is counted, as parquet-mr checks sizes after writing).
    pub fn push(&mut self, value: K, plain_bytes: usize) -> bool {
        if self.is_full() {
            return false;
        }
        let plain_bytes = plain_bytes as u64;
        let next = self.ids.len() as u32;
        let id = *self.ids.entry(value).or_insert_with(|| {
            self.dictionary += plain_bytes;
            next
        });
        self.indices.push(id);
        self.plain += plain_bytes;
        !self.is_full()
    }

    pub fn is_full(&self) -> bool {
        self.plain >= self.page_threshold
    }

    /// The sizes the rule compares, for the values pushed so far.
    pub fn sizes(&self) -> FirstPageSizes {
        let max = self.ids.len().saturating_sub(1) as u32;
        let indices = if self.indices.is_empty() {
            0
        } else {
            1 + rle_hybrid_bytes(&self.indices, bit_width(max))
        };
        FirstPageSizes {
            plain: self.plain,
            dictionary: self.dictionary,
            indices,
        }
    }

    /// [`decide`] on the values pushed so far.
    pub fn decide(&self, dictionary_limit: usize) -> Encoding {
        decide(self.sizes(), dictionary_limit as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    #[test]
    fn all_distinct_longs_are_plain() {
        let mut page = FirstPage::new(MIB);
        let mut pushed = 0;
        for v in 0..FIRST_PAGE_ROWS as i64 {
            pushed += 1;
            if !page.push(v * 7919 + 13, 8) {
                break;
            }
        }
        assert_eq!(pushed, FIRST_PAGE_ROWS);
        let sizes = page.sizes();
        assert_eq!(sizes.plain, 8 * FIRST_PAGE_ROWS as u64);
        assert_eq!(sizes.dictionary, sizes.plain);
        assert!(sizes.indices > 0);
        assert_eq!(page.decide(MIB), Encoding::Plain);
    }

    #[test]
    fn low_cardinality_strings_keep_the_dictionary() {
        let words = ["linux", "windows", "mac", "android"];
        let mut page = FirstPage::new(MIB);
        for i in 0..FIRST_PAGE_ROWS {
            let w = words[i % words.len()];
            page.push(w.as_bytes(), w.len() + 4);
        }
        let sizes = page.sizes();
        // 2-bit indices: 20,000 values bit-packed in groups of 8 → 5,000 bytes and run headers.
        assert!(sizes.indices < 5_200, "{sizes:?}");
        assert_eq!(sizes.dictionary, (5 + 7 + 3 + 7 + 4 * 4) as u64);
        assert_eq!(page.decide(MIB), Encoding::Dictionary);
    }

    #[test]
    fn a_dictionary_over_the_limit_is_plain() {
        // Would pay (each value twice), but the dictionary outgrows a small limit.
        let sizes = FirstPageSizes {
            plain: 2_000_000,
            dictionary: 1_000_000,
            indices: 20_000,
        };
        assert_eq!(decide(sizes, 2 * MIB as u64), Encoding::Dictionary);
        assert_eq!(decide(sizes, 512 * 1024), Encoding::Plain);
        let mut page = FirstPage::new(64 * MIB);
        for i in 0..4_000u32 {
            let value = format!("{i:0>300}");
            let len = value.len();
            page.push(value.clone(), len + 4);
            page.push(value, len + 4);
        }
        assert_eq!(page.decide(4 * MIB), Encoding::Dictionary);
        assert_eq!(page.decide(MIB), Encoding::Plain);
    }

    #[test]
    fn break_even_and_empty_pages_are_plain() {
        let even = FirstPageSizes {
            plain: 100,
            dictionary: 60,
            indices: 40,
        };
        assert_eq!(decide(even, 1 << 20), Encoding::Plain);
        assert_eq!(FirstPage::<u64>::new(MIB).decide(MIB), Encoding::Plain);
    }

    #[test]
    fn the_first_page_ends_near_the_page_size() {
        let mut page = FirstPage::new(1000);
        let mut accepted = 0;
        while page.push(accepted, 8) {
            accepted += 1;
        }
        // 900 bytes (90% of 1000) reached by the 113th value of 8 bytes.
        assert_eq!(page.sizes().plain, 904);
        assert!(!page.push(1, 8));
        assert_eq!(page.sizes().plain, 904);
    }

    #[test]
    fn hybrid_sizes_follow_the_encoders_grouping() {
        assert_eq!(bit_width(0), 0);
        assert_eq!(bit_width(1), 1);
        assert_eq!(bit_width(3), 2);
        assert_eq!(bit_width(4), 3);
        // 100 repeats: one run, header varint(200) = 2 bytes, value 1 byte.
        assert_eq!(rle_hybrid_bytes(&[5; 100], 3), 3);
        // 16 distinct values at 4 bits: one bit-packed run of two groups: 1 + 2 * 4.
        let distinct: Vec<u32> = (0..16).collect();
        assert_eq!(rle_hybrid_bytes(&distinct, 4), 9);
        // 3 values: one padded group.
        assert_eq!(rle_hybrid_bytes(&[0, 1, 2], 2), 3);
        // 64 groups of 8 distinct values: two bit-packed runs (63 + 1 groups).
        let many: Vec<u32> = (0..512).map(|i| i % 8).collect();
        assert_eq!(rle_hybrid_bytes(&many, 3), 2 + 64 * 3);
        // A packed group, then a run of 20, then one more value (a padded group).
        let mut mixed: Vec<u32> = (0..8).collect();
        mixed.extend([1; 20]);
        mixed.push(2);
        assert_eq!(rle_hybrid_bytes(&mixed, 3), (1 + 3) + (1 + 1) + (1 + 3));
    }
}
