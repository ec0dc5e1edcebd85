//! How the CLI's encoder starts a column chunk, judged from the column's first values in the
//! row group (the encoder streams, so it cannot buffer a chunk and decide after, as DuckDB
//! does): dictionary-encoded, plain, or dictionary-encoded on probation, that is with a small
//! dictionary page limit past which the `parquet` crate falls back to plain pages within the
//! same chunk (the dictionary page and the pages encoded with it stay; readers take both).

use std::hash::Hash;

use crate::leaf::{LeafColumn, LeafValues};

type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// How many of a column's first values are looked at.
const SAMPLE: usize = 4096;

/// Fewer first values than this tell nothing: the chunk starts dictionary-encoded.
const MIN_SAMPLE: usize = 256;

/// The dictionary page limit of a chunk on probation. A column of identifiers pays the indices
/// of the values that fill it (wide's 12-byte `*_id` strings: about 2,700 values, under 5 KB a
/// column); a sparse column whose few first values were distinct but whose distinct values fit
/// keeps its dictionary. Measured on the four corpora with 16, 32, 64 and 128 KiB: every file
/// is smaller the smaller the limit (wide 26.86, 26.88, 26.93, 27.02 MB), because there every
/// column put on probation is unique throughout; 32 KiB keeps room for the other case.
pub(super) const PROBATION_DICTIONARY_BYTES: usize = 32 << 10;

/// Leaf columns from which a file's sparse number columns start plain. Every
/// dictionary-encoded number chunk holds the `parquet` crate's dictionary hash table (4,096
/// slots, about 73 KB, allocated when the column opens) for the whole row group; with this many
/// columns the tables are most of the writer's memory (heterogeneous's 1,161 columns: 70 MB),
/// while a sparse column's few values gain little from a dictionary. Measured on
/// heterogeneous: peak RSS 142 → 129 MiB, ×12 in one file 190 → 176 MiB, output −0.15% and
/// +0.07%. Below it files keep those dictionaries (wide, 254 columns, would grow 0.26%).
/// INT64 and DOUBLE dictionaries are now our own writer's (`dictionary_chunk`), whose table
/// grows from empty, so the memory reason is gone; the rule stays as measured on file size.
pub(super) const MANY_COLUMNS: usize = 512;

/// How a column chunk starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChunkStart {
    /// Dictionary-encoded, with the options' dictionary page limit.
    Dictionary,
    /// Plain, no dictionary page.
    Plain,
    /// Dictionary-encoded with a [`PROBATION_DICTIONARY_BYTES`] limit.
    Probation,
}

/// The rule, on the first values of a column in a row group (`leaf`, its first batch), from
/// samples of at least [`MIN_SAMPLE`] of its first [`SAMPLE`] values:
///
/// * Numbers at least 90% distinct: plain. A dictionary of nearly unique numbers plus indices
///   is about 25% larger than the values after snappy (timestamps, measurements).
/// * Strings at least 99% distinct: probation. Not plain: identifiers distinct within the
///   first values may repeat across the row group, and the 90% of numbers would take some
///   (activedata's `task.id`: 94% distinct in its first 2,500 values, 14% over the row group,
///   where its dictionary makes it a fifth of its plain size).
/// * Too few first values to tell (a sparse column): dictionary, except numbers in a file of
///   at least [`MANY_COLUMNS`] columns (`many_columns`): plain.
/// * Anything else: dictionary.
pub(super) fn chunk_start(leaf: &LeafColumn<'_>, many_columns: bool) -> ChunkStart {
    let (share, percent, start) = match leaf.values {
        LeafValues::Int64(v) => (distinct_share(v.iter().take(SAMPLE)), 90, ChunkStart::Plain),
        LeafValues::Double(v) => (
            distinct_share(v.iter().take(SAMPLE).map(|x| x.to_bits())),
            90,
            ChunkStart::Plain,
        ),
        LeafValues::Bytes { data, ends } => {
            let mut start = 0usize;
            let values = ends.iter().take(SAMPLE).map(|&end| {
                let end = end as usize;
                let value = data.get(start..end).unwrap_or_default();
                start = end;
                value
            });
            (distinct_share(values), 99, ChunkStart::Probation)
        }
        _ => return ChunkStart::Dictionary,
    };
    let number = !matches!(leaf.values, LeafValues::Bytes { .. });
    match share {
        Some((distinct, sampled)) if distinct * 100 >= sampled * percent => start,
        None if number && many_columns => ChunkStart::Plain,
        _ => ChunkStart::Dictionary,
    }
}

/// (distinct values, values) of a sample, or `None` when it is too small to tell.
fn distinct_share<T: Hash + Eq>(values: impl Iterator<Item = T>) -> Option<(usize, usize)> {
    let mut sampled = 0;
    // foldhash, not SipHash: every column's first values are hashed at every row group's
    // start (SipHash was 4% of a 20,000-document activedata run's instructions).
    let mut distinct = HashSet::with_capacity_and_hasher(SAMPLE, Default::default());
    distinct.extend(values.inspect(|_| sampled += 1));
    (sampled >= MIN_SAMPLE).then_some((distinct.len(), sampled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, Result};
    use crate::schema::Schema;
    use crate::shred::Shredder;

    /// The start of column `s` (string) and `n` (int64) over documents `docs`, in a file of
    /// fewer than [`MANY_COLUMNS`] columns.
    fn starts(docs: impl Iterator<Item = (String, i64)>) -> Result<(ChunkStart, ChunkStart)> {
        starts_in(docs, false)
    }

    /// As [`starts`], `many_columns` saying whether the file has [`MANY_COLUMNS`] or more.
    fn starts_in(
        docs: impl Iterator<Item = (String, i64)>,
        many_columns: bool,
    ) -> Result<(ChunkStart, ChunkStart)> {
        let schema = Schema::from_json_str(
            r#"{"fields":[{"name":"s","type":"string"},{"name":"n","type":"int64"}]}"#,
            None,
        )?;
        let mut shredder = Shredder::new(&schema);
        for (s, n) in docs {
            let doc = format!(r#"{{"s": "{s}", "n": {n}}}"#);
            let mut p = crate::json::Parser::new(doc.as_bytes(), 0, 8);
            shredder
                .shred_document(&mut p)
                .map_err(|_| Error::Other("shred".into()))?;
        }
        let leaves = shredder.leaves();
        Ok((
            chunk_start(&leaves[0].column(), many_columns),
            chunk_start(&leaves[1].column(), many_columns),
        ))
    }

    #[test]
    fn unique_strings_go_on_probation_and_unique_numbers_plain() -> Result<()> {
        let unique = (0..3000).map(|i| (format!("id{:08x}", i * 7919), i * 7919));
        assert_eq!(starts(unique)?, (ChunkStart::Probation, ChunkStart::Plain));
        Ok(())
    }

    #[test]
    fn strings_that_repeat_a_little_keep_the_dictionary() -> Result<()> {
        // 94% distinct (activedata's `task.id` in its first values): numbers so distinct are
        // plain, strings keep the dictionary.
        let repeating = (0..3000).map(|i| {
            let v = if i % 16 == 0 { i - 1 } else { i };
            (format!("task-{v}"), v)
        });
        assert_eq!(
            starts(repeating)?,
            (ChunkStart::Dictionary, ChunkStart::Plain)
        );
        let few = (0..3000).map(|i| (format!("os-{}", i % 5), i % 50));
        assert_eq!(
            starts(few)?,
            (ChunkStart::Dictionary, ChunkStart::Dictionary)
        );
        Ok(())
    }

    #[test]
    fn too_few_first_values_keep_the_dictionary_but_numbers_of_many_columns_go_plain() -> Result<()>
    {
        let sparse = || (0..MIN_SAMPLE as i64 - 1).map(|i| (format!("id{}", i % 3), i % 3));
        assert_eq!(
            starts(sparse())?,
            (ChunkStart::Dictionary, ChunkStart::Dictionary)
        );
        assert_eq!(
            starts_in(sparse(), true)?,
            (ChunkStart::Dictionary, ChunkStart::Plain)
        );
        // Enough values to tell: the rule, whatever the columns.
        let repeating = (0..MIN_SAMPLE as i64).map(|i| (format!("id{}", i % 3), i % 3));
        assert_eq!(
            starts_in(repeating, true)?,
            (ChunkStart::Dictionary, ChunkStart::Dictionary)
        );
        Ok(())
    }
}
