//! From byte offsets to places: a [`Locator`] turns an offset into a buffer of input (a block of
//! a file, a parallel chunk, one document handed over by the JVM) into the `file:line:column`
//! [`Location`] messages print, lines and columns counted from 1 and columns in characters.
//! Every layer that reports a place in the input locates through it, so a place is counted one
//! way everywhere.

use std::cell::Cell;
use std::sync::Arc;

use crate::error::Location;

/// Newlines in `bytes` (memchr's vectorised search: documents are long, newlines sparse).
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Characters in `bytes` (columns count characters, not bytes): the bytes that do not
/// continue a UTF-8 sequence, so a sequence cut by a buffer's end is counted once.
pub(crate) fn chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xc0) != 0x80).count() as u64
}

/// Turns byte offsets of a buffer into file locations.
///
/// ```
/// use rustparquet_core::locator::Locator;
/// let name = "partition 3, row 7".into();
/// let locator = Locator::new(&name, "{\"a\":\n \"é\" 1}".as_bytes(), 1);
/// assert_eq!(locator.locate(12).to_string(), "partition 3, row 7:2:6");
/// ```
pub struct Locator<'a> {
    name: &'a Arc<str>,
    buf: &'a [u8],
    /// Line number of `buf[0]`.
    base_line: u64,
    /// Column of `buf[0]` on its line (1 unless the buffer starts part-way along a line).
    base_column: u64,
    /// A known (offset, line, column) in this buffer, moving forward as documents do, so
    /// that locating is linear overall even for many places on one long line (inference
    /// locates every new key: a million keys on one line must not rescan the line each time).
    cursor: Cell<(usize, u64, u64)>,
}

impl Locator<'_> {
    /// A locator for `buf`, named `name` in locations, whose first byte is on line `base_line`.
    pub fn new<'a>(name: &'a Arc<str>, buf: &'a [u8], base_line: u64) -> Locator<'a> {
        Self::mid_line(name, buf, base_line, 1)
    }

    /// A locator for `buf` whose first byte is at column `base_column` of line `base_line`:
    /// a block of a file that starts part-way along a line (a top-level array on one line).
    pub fn mid_line<'a>(
        name: &'a Arc<str>,
        buf: &'a [u8],
        base_line: u64,
        base_column: u64,
    ) -> Locator<'a> {
        Locator {
            name,
            buf,
            base_line,
            base_column,
            cursor: Cell::new((0, base_line, base_column)),
        }
    }

    /// The location of byte `offset` (clamped to the buffer's end).
    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.buf.len());
        let (mut at, mut line, mut column) = self.cursor.get();
        if offset < at {
            (at, line, column) = (0, self.base_line, self.base_column);
        }
        let between = &self.buf[at..offset];
        match memchr::memrchr(b'\n', between) {
            None => column += chars(between),
            Some(last) => {
                line += count_lines(between);
                column = chars(&between[last + 1..]) + 1;
            }
        }
        self.cursor.set((offset, line, column));
        Location {
            file: self.name.clone(),
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `locate` must give: lines and columns (in characters) counted from the start.
    fn naive(buf: &[u8], base_line: u64, offset: usize) -> (u64, u64) {
        let before = &buf[..offset];
        let line = base_line + before.iter().filter(|&&b| b == b'\n').count() as u64;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + before[start..]
            .iter()
            .filter(|&&b| (b & 0xc0) != 0x80)
            .count() as u64;
        (line, column)
    }

    #[test]
    fn locations_agree_with_counting_from_the_start_in_any_order() {
        let buf = "{\"a\":\"é\",\n\"bé\": [1,\n\n 2]}\n{\"😀\":1}".as_bytes();
        let name: Arc<str> = "f".into();
        let locator = Locator::new(&name, buf, 7);
        // Forward, backward and repeated offsets (the cursor only moves forward cheaply).
        let offsets: Vec<usize> = (0..=buf.len())
            .chain((0..=buf.len()).rev())
            .chain([3, 3, 20, 5, buf.len()])
            .collect();
        for offset in offsets {
            let at = locator.locate(offset);
            assert_eq!(
                (at.line, at.column),
                naive(buf, 7, offset),
                "offset {offset}"
            );
        }
    }
}
