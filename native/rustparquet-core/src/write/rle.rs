//! The RLE / bit-packed hybrid encoding of Parquet's levels and dictionary indices, for the
//! column writer the encoder keeps itself ([`super::dictionary_chunk`]); the `parquet` crate's own
//! encoder is not public.
//!
//! Values are taken in groups of 8. A value repeated at least 8 times from the start of a
//! group becomes a run (a varint header `count << 1` and the value in `ceil(width / 8)`
//! bytes, little-endian); other groups are bit-packed, `width` bytes per group, up to 63 groups
//! behind one header byte `(groups << 1) | 1`; a last partial group is padded with zeros.
//! This is the grouping parquet-mr and the `parquet` crate use, so sizes match theirs
//! ([`super::dictionary::rle_hybrid_bytes`] computes them without encoding).

/// Groups a bit-packed run holds at most behind its one-byte header.
const MAX_PACKED_GROUPS: usize = 63;

/// An encoder of values at most `width` bits wide, appending to its own buffer.
#[derive(Debug)]
pub(super) struct RleEncoder {
    width: u8,
    out: Vec<u8>,
    /// The current group's values (`buffered` of them).
    group: [u32; 8],
    buffered: usize,
    /// The last value, and how many times in a row it came since the current group began
    /// (counting past 8: a run in progress, its values no longer buffered).
    previous: u32,
    repeats: usize,
    /// Where the open bit-packed run's header byte is, and its groups so far.
    packed_header: Option<usize>,
    packed_groups: usize,
}

impl RleEncoder {
    pub(super) fn new(width: u8) -> Self {
        debug_assert!(width <= 32);
        RleEncoder {
            width,
            out: Vec::new(),
            group: [0; 8],
            buffered: 0,
            previous: 0,
            repeats: 0,
            packed_header: None,
            packed_groups: 0,
        }
    }

    #[inline]
    pub(super) fn put(&mut self, value: u32) {
        if value == self.previous && self.repeats > 0 {
            self.repeats += 1;
            if self.repeats > 8 {
                // A run in progress: nothing to buffer.
                return;
            }
            if self.repeats == 8 {
                // The group's 7 buffered values and this one are the run's start.
                return;
            }
        } else {
            if self.repeats >= 8 {
                self.end_run();
            }
            self.previous = value;
            self.repeats = 1;
        }
        self.group[self.buffered] = value;
        self.buffered += 1;
        if self.buffered == 8 {
            self.pack_group();
        }
    }

    /// Writes the run of `repeats` copies of `previous` (they started a group).
    fn end_run(&mut self) {
        self.close_packed_run();
        push_varint(&mut self.out, (self.repeats as u64) << 1);
        let bytes = (self.previous as u64).to_le_bytes();
        self.out
            .extend_from_slice(&bytes[..usize::from(self.width).div_ceil(8)]);
        self.repeats = 0;
        self.buffered = 0;
    }

    /// Bit-packs the 8 buffered values onto the open bit-packed run (opening one).
    fn pack_group(&mut self) {
        if self.packed_groups >= MAX_PACKED_GROUPS {
            self.close_packed_run();
        }
        if self.packed_header.is_none() {
            self.packed_header = Some(self.out.len());
            self.out.push(0);
        }
        let width = u32::from(self.width);
        let mut bits: u64 = 0;
        let mut held = 0u32;
        for &v in &self.group {
            bits |= u64::from(v) << held;
            held += width;
            while held >= 8 {
                self.out.push(bits as u8);
                bits >>= 8;
                held -= 8;
            }
        }
        self.packed_groups += 1;
        self.buffered = 0;
        // A run can only start at a group's start.
        self.repeats = 0;
    }

    fn close_packed_run(&mut self) {
        if let Some(at) = self.packed_header.take() {
            self.out[at] = ((self.packed_groups << 1) | 1) as u8;
            self.packed_groups = 0;
        }
    }

    /// Ends the encoding: appends the encoded bytes to `out` and starts over, keeping the
    /// buffer's allocation.
    pub(super) fn finish_into(&mut self, out: &mut Vec<u8>) {
        if self.repeats >= 8 {
            self.end_run();
        } else if self.buffered > 0 {
            self.group[self.buffered..].fill(0);
            self.pack_group();
        }
        self.close_packed_run();
        out.extend_from_slice(&self.out);
        self.out.clear();
        self.previous = 0;
        self.repeats = 0;
    }

    /// Bytes encoded so far (without the values still buffered).
    pub(super) fn encoded_len(&self) -> usize {
        self.out.len()
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::dictionary::rle_hybrid_bytes;
    use proptest::prelude::*;

    fn encode(values: &[u32], width: u8) -> Vec<u8> {
        let mut e = RleEncoder::new(width);
        for &v in values {
            e.put(v);
        }
        let mut out = Vec::new();
        e.finish_into(&mut out);
        out
    }

    /// Decodes `count` values (the format's reader side, written from the specification).
    fn decode(mut bytes: &[u8], width: u8, count: usize) -> Vec<u32> {
        let mut values = Vec::new();
        while values.len() < count {
            let mut header = 0u64;
            let mut shift = 0;
            loop {
                let b = bytes[0];
                bytes = &bytes[1..];
                header |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            if header & 1 == 0 {
                let n = (header >> 1) as usize;
                let w = usize::from(width).div_ceil(8);
                let mut v = [0u8; 4];
                v[..w].copy_from_slice(&bytes[..w]);
                bytes = &bytes[w..];
                values.extend(std::iter::repeat_n(u32::from_le_bytes(v), n));
            } else {
                let groups = (header >> 1) as usize;
                let len = groups * usize::from(width);
                let (packed, rest) = bytes.split_at(len);
                bytes = rest;
                for i in 0..groups * 8 {
                    let mut v = 0u32;
                    for b in 0..usize::from(width) {
                        let bit = i * usize::from(width) + b;
                        v |= u32::from((packed[bit / 8] >> (bit % 8)) & 1) << b;
                    }
                    values.push(v);
                }
            }
        }
        values.truncate(count);
        values
    }

    #[test]
    fn the_specifications_examples() {
        // Eight 1s and then eight 0s at width 1: two runs.
        let mut values = vec![1u32; 8];
        values.extend([0; 8]);
        assert_eq!(encode(&values, 1), vec![16, 1, 16, 0]);
        // 0..8 at width 3: one bit-packed group, the spec's example bytes.
        assert_eq!(
            encode(&[0, 1, 2, 3, 4, 5, 6, 7], 3),
            vec![0b11, 0b1000_1000, 0b1100_0110, 0b1111_1010]
        );
        // A run that starts mid-group stays packed until a group starts with it.
        let mut values = vec![3u32, 1, 1, 1, 1, 1, 1, 1];
        values.extend([1; 9]);
        assert_eq!(encode(&values, 2), {
            let mut expected = vec![0b11, 0b0101_0111, 0b0101_0101];
            expected.extend([18, 1]);
            expected
        });
        // Width 0 (a dictionary of one value): runs without value bytes.
        assert_eq!(encode(&[0; 20], 0), vec![40]);
    }

    proptest! {
        #[test]
        fn values_round_trip_at_the_sizes_parquet_mr_groups_to(
            runs in prop::collection::vec((0u32..1 << 20, 1usize..30), 0..60),
            width in 0u8..=20,
        ) {
            let mask = if width == 0 { 0 } else { (1u64 << width) as u32 - 1 };
            let values: Vec<u32> = runs
                .iter()
                .flat_map(|&(v, n)| std::iter::repeat_n(v & mask, n))
                .collect();
            let encoded = encode(&values, width);
            prop_assert_eq!(encoded.len() as u64, rle_hybrid_bytes(&values, width));
            prop_assert_eq!(decode(&encoded, width, values.len()), values);
        }

        #[test]
        fn more_than_63_groups_start_another_packed_run(n in 64usize * 8..140 * 8) {
            let values: Vec<u32> = (0..n as u32).map(|i| i % 5).collect();
            let encoded = encode(&values, 3);
            prop_assert_eq!(encoded.len() as u64, rle_hybrid_bytes(&values, 3));
            prop_assert_eq!(decode(&encoded, 3, n), values);
        }
    }
}
