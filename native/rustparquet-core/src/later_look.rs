//! A look at documents further on in the inputs, before a conversion bets on one parse
//! ([`crate::convert`]'s `try_one_parse`): the schema of the first documents is settled, but
//! logs change as they go (a number that was an integer becomes a float, a key appears), and
//! an attempt that meets such a document has parsed everything before it for nothing. So a few
//! lines from windows spread through the inputs ([`LATER_LOOK_AT`]) are shredded
//! against that schema first: one that does not fit sends the run straight to its two passes.
//! It only chooses the path: the attempt's result, when it succeeds, is the two-pass result.

use crate::bad_document::BadDocument;
use crate::error::Result;
use crate::input::Input;
use crate::json::Parser;
use crate::schema::Schema;
use crate::shred::Shredder;

/// Where the windows start, as a share of the inputs' length (all inputs as one).
pub(crate) const LATER_LOOK_AT: [f64; 4] = [0.25, 0.5, 0.75, 0.95];

/// The bytes of one window at most: a few hundred documents of the usual sizes, a
/// millisecond's work. A window is also at most 1/[`LATER_LOOK_SHARE`] of the inputs, so the
/// look costs little beside the run whatever its size.
pub(crate) const LATER_LOOK_BYTES: usize = 256 << 10;

/// See [`LATER_LOOK_BYTES`]: the four windows are at most 1/64 of the inputs.
pub(crate) const LATER_LOOK_SHARE: u64 = 256;

/// Whether the whole lines in the windows that hold one JSON object each fit `schema` (under
/// the strict rules of the attempt). The windows lie at [`LATER_LOOK_AT`] of all the inputs
/// taken as one (four windows however many inputs there are); one that falls in standard input
/// or compressed data is skipped. Other lines (a cut document, a line of a pretty-printed
/// document or of a top-level array) are passed over: the look only turns a run away for a
/// document that is whole and does not fit.
pub(crate) fn later_documents_fit(
    inputs: &[Input],
    schema: &Schema,
    max_depth: usize,
) -> Result<bool> {
    let mut lengths = Vec::with_capacity(inputs.len());
    for input in inputs {
        lengths.push(input.len_on_disk()?.unwrap_or(0));
    }
    let total: u64 = lengths.iter().sum();
    let window_len = (total / LATER_LOOK_SHARE).min(LATER_LOOK_BYTES as u64) as usize;
    let mut shredder = Shredder::new(schema);
    for at in LATER_LOOK_AT {
        let Some((input, start)) = place(&lengths, (total as f64 * at) as u64) else {
            continue;
        };
        let Some(window) = inputs[input].window(start, window_len)? else {
            continue;
        };
        for line in whole_lines(&window) {
            if !is_one_object(line) {
                continue;
            }
            let mut parser = Parser::new(line, 0, max_depth);
            if let Err(BadDocument::Mismatch { .. }) = shredder.shred_document(&mut parser) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// The input and the offset in it of byte `at` of the inputs of `lengths` taken as one.
fn place(lengths: &[u64], mut at: u64) -> Option<(usize, u64)> {
    for (i, &len) in lengths.iter().enumerate() {
        if at < len {
            return Some((i, at));
        }
        at -= len;
    }
    None
}

/// The lines of `window` that it holds whole: after its first newline (the window may start
/// inside a line) and up to its last (it may end inside one).
fn whole_lines(window: &[u8]) -> impl Iterator<Item = &[u8]> {
    let inner = match (
        memchr::memchr(b'\n', window),
        memchr::memrchr(b'\n', window),
    ) {
        (Some(first), Some(last)) if first < last => &window[first + 1..last],
        _ => &[][..],
    };
    inner.split(|&b| b == b'\n').filter(|line| !line.is_empty())
}

/// A line that is one JSON object from end to end, as far as its first and last bytes say
/// (`{ … }`, not `{ … },` in a top-level array).
fn is_one_object(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    line.first() == Some(&b'{') && line.last() == Some(&b'}')
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::input::{expand_inputs, Source};

    fn schema(json: &str) -> Schema {
        Schema::from_json_str(json, None).unwrap()
    }

    /// `a` an integer in the first `ints` of `lines` documents, a float after them.
    fn drifting(lines: usize, ints: usize) -> String {
        (0..lines)
            .map(|i| {
                let a = if i < ints {
                    format!("{i}")
                } else {
                    format!("{i}.5")
                };
                format!("{{\"a\": {a}, \"pad\": \"{}\"}}\n", "x".repeat(40))
            })
            .collect()
    }

    fn file_input(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> Input {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut inputs = expand_inputs(&[path.to_str().unwrap().to_string()]).unwrap();
        assert!(matches!(inputs[0].source, Source::File(_)));
        inputs.remove(0)
    }

    const INT_A: &str =
        r#"{"fields":[{"name":"a","type":"int64"},{"name":"pad","type":"string"}]}"#;

    #[test]
    fn a_type_that_changes_later_turns_the_run_away() {
        let dir = tempfile::tempdir().unwrap();
        // 60,000 lines of about 60 bytes: the float starts at a fifth of the file.
        let text = drifting(60_000, 12_000);
        let input = file_input(&dir, "drift.ndjson", text.as_bytes());
        assert!(!later_documents_fit(&[input], &schema(INT_A), 64).unwrap());
        // The same documents with the integer throughout fit.
        let input = file_input(&dir, "steady.ndjson", drifting(60_000, 60_000).as_bytes());
        assert!(later_documents_fit(&[input], &schema(INT_A), 64).unwrap());
    }

    #[test]
    fn only_whole_object_lines_of_uncompressed_files_are_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let text = drifting(60_000, 0);
        // Compressed: no window (the attempt finds out for itself).
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let input = file_input(&dir, "drift.ndjson.gz", &gz.finish().unwrap());
        assert!(later_documents_fit(&[input], &schema(INT_A), 64).unwrap());
        // A top-level array, one document a line with its comma: not one object a line.
        let array = format!("[\n{}]\n", text.replace("}\n", "},\n"));
        let input = file_input(&dir, "drift.json", array.as_bytes());
        assert!(later_documents_fit(&[input], &schema(INT_A), 64).unwrap());
        // A line that is not JSON is passed over, not taken for a misfit.
        let garbage = "{not json}\n".repeat(60_000);
        let input = file_input(&dir, "garbage.ndjson", garbage.as_bytes());
        assert!(later_documents_fit(&[input], &schema(INT_A), 64).unwrap());
    }

    #[test]
    fn the_windows_lie_across_all_inputs_as_one() {
        assert_eq!(place(&[10, 0, 30], 0), Some((0, 0)));
        assert_eq!(place(&[10, 0, 30], 10), Some((2, 0)));
        assert_eq!(place(&[10, 0, 30], 39), Some((2, 29)));
        assert_eq!(place(&[10, 0, 30], 40), None);
        // The drift in the second of two inputs is seen.
        let dir = tempfile::tempdir().unwrap();
        let steady = file_input(&dir, "1.ndjson", drifting(30_000, 30_000).as_bytes());
        let drifted = file_input(&dir, "2.ndjson", drifting(30_000, 0).as_bytes());
        assert!(!later_documents_fit(&[steady, drifted], &schema(INT_A), 64).unwrap());
    }

    #[test]
    fn whole_lines_drop_the_cut_ends() {
        let lines: Vec<&[u8]> = whole_lines(b"t\"}\n{\"a\":1}\n{\"a\":2}\n{\"a").collect();
        assert_eq!(lines, vec![&b"{\"a\":1}"[..], &b"{\"a\":2}"[..]]);
        assert_eq!(whole_lines(b"no newline at all").count(), 0);
        assert_eq!(whole_lines(b"one\nnewline").count(), 0);
    }
}
