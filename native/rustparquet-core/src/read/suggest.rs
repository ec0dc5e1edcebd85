//! What to say when the columns a read selects name a path the file lacks: the closest existing paths (by
//! edit distance, ignoring case, and paths ending in the same key), how many columns the file
//! has, and how to list them, rather than every column of a file that may have thousands.

use std::collections::BTreeSet;

use crate::option_key::{self, OptionKey, Spelling};

/// Files with at most this many selectable paths get them all listed.
const LIST_ALL_UP_TO: usize = 12;
/// The most suggestions given.
const MOST_SUGGESTIONS: usize = 5;

/// The message for `wanted`, not a path of `file`, whose selectable leaf paths are `columns`,
/// in the process's [`Spelling`].
pub fn unknown_column(wanted: &str, file: &str, columns: &[String]) -> String {
    unknown_column_in(option_key::spelling(), wanted, file, columns)
}

fn unknown_column_in(spelling: Spelling, wanted: &str, file: &str, columns: &[String]) -> String {
    let option = OptionKey::Columns.spelled(spelling);
    let mut text = format!("{option}: `{wanted}` is not a column of {file}");
    if columns.len() <= LIST_ALL_UP_TO {
        text.push_str(&format!("; it has: {}", columns.join(", ")));
        return text;
    }
    let close = closest(wanted, columns);
    if !close.is_empty() {
        let names: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
        text.push_str(&format!("; did you mean {}?", names.join(", ")));
    }
    text.push_str(&format!(
        " ({} columns; {})",
        columns.len(),
        option_key::how_to_list_columns(spelling, file)
    ));
    text
}

/// The paths (leaves and the objects above them, which select everything below) nearest to
/// `wanted`, best first.
fn closest(wanted: &str, columns: &[String]) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for c in columns {
        let mut end = 0;
        for part in c.split('.') {
            end += part.len();
            paths.insert(&c[..end]);
            end += 1;
        }
    }
    let want = wanted.to_lowercase();
    let want_last = want.rsplit('.').next().unwrap_or(&want).to_string();
    let budget = (want.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = paths
        .into_iter()
        .filter_map(|p| {
            let lower = p.to_lowercase();
            let distance = edit_distance(&want, &lower);
            let last = lower.rsplit('.').next().unwrap_or(&lower);
            if distance <= budget {
                Some((distance, p))
            } else if last == want_last || lower.ends_with(&format!(".{want}")) {
                // The right key under another parent (`branch` for `build.branch`).
                Some((budget + 1, p))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(MOST_SUGGESTIONS)
        .map(|(_, p)| p.to_string())
        .collect()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 8 {
        return a.len().abs_diff(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide() -> Vec<String> {
        let mut v: Vec<String> = (0..13_021).map(|i| format!("metrics.m{i}")).collect();
        v.push("build.branch".into());
        v.push("build.number".into());
        v
    }

    #[test]
    fn a_typo_on_a_wide_file_gets_the_closest_names_not_all_of_them() {
        let msg = unknown_column_in(Spelling::Cli, "build.brnch", "wide.parquet", &wide());
        assert_eq!(
            msg,
            "--columns: `build.brnch` is not a column of wide.parquet; did you mean `build.branch`? \
             (13023 columns; `rustparquet inspect wide.parquet` lists them)"
        );
        let msg = unknown_column_in(Spelling::Spark, "build.brnch", "wide.parquet", &wide());
        assert!(msg.starts_with("columns: `build.brnch`"), "{msg}");
        assert!(!msg.contains("rustparquet inspect"), "{msg}");
        let msg = unknown_column("branch", "wide.parquet", &wide());
        assert!(msg.contains("did you mean `build.branch`?"), "{msg}");
        let msg = unknown_column("Metrics.M12", "wide.parquet", &wide());
        assert!(msg.contains("did you mean `metrics.m12`"), "{msg}");
        assert!(msg.len() < 400, "{msg}");
        let msg = unknown_column("zzzzzzzzzz", "wide.parquet", &wide());
        assert!(!msg.contains("did you mean"), "{msg}");
    }

    #[test]
    fn a_narrow_file_lists_its_columns() {
        let cols = vec!["a".to_string(), "b.c".to_string()];
        assert_eq!(
            unknown_column_in(Spelling::Cli, "x", "f.parquet", &cols),
            "--columns: `x` is not a column of f.parquet; it has: a, b.c"
        );
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
