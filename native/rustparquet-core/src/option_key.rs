//! How an error message names an option: one [`OptionKey`] per option that core messages
//! mention, printed in the spelling of the driver the user called (the CLI's `--max-depth`,
//! Spark's `maxDepth`, Python's `max_depth`, or the plain key `max-depth` for library callers).
//! The core never writes a CLI flag into a message itself, since Spark and Python users read
//! the same messages. Each driver's entry point chooses the [`Spelling`] once for its process
//! ([`use_spelling`]: the CLI's `run`, the JNI entry guard, the Python module's init); nothing
//! chosen means [`Spelling::Plain`]. The module depends on nothing else in the crate, so any
//! module may use it.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// Whose vocabulary messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Spelling {
    /// Library callers: the key in kebab case, `max-depth`.
    Plain = 0,
    /// The `rustparquet` command: its flag, `--max-depth`.
    Cli = 1,
    /// The Spark data source: its option, `maxDepth`.
    Spark = 2,
    /// The Python binding: its keyword argument, `max_depth`.
    Python = 3,
}

static SPELLING: AtomicU8 = AtomicU8::new(Spelling::Plain as u8);

/// Chooses the spelling of option names in this process's messages (a driver's entry point
/// calls it; the last call wins).
pub fn use_spelling(spelling: Spelling) {
    SPELLING.store(spelling as u8, Ordering::Relaxed);
}

/// The spelling this process's messages use.
pub fn spelling() -> Spelling {
    match SPELLING.load(Ordering::Relaxed) {
        1 => Spelling::Cli,
        2 => Spelling::Spark,
        3 => Spelling::Python,
        _ => Spelling::Plain,
    }
}

/// An option that core messages name. [`fmt::Display`] prints it in the process's
/// [`spelling`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKey {
    /// How deep documents may nest.
    MaxDepth,
    /// The largest document read.
    MaxDocumentSize,
    /// The most leaf columns a schema may have.
    MaxColumns,
    /// The memory budget for decoded data when reading.
    MaxMemory,
    /// The columns a read selects.
    Columns,
    /// The dataset directory appended to.
    Dataset,
    /// Object paths forced to be maps.
    Map,
    /// How many distinct keys make an object a map.
    MapThreshold,
    /// Leave an existing target as it is.
    NoClobber,
}

impl OptionKey {
    /// The plain key, kebab case.
    pub fn key(self) -> &'static str {
        match self {
            OptionKey::MaxDepth => "max-depth",
            OptionKey::MaxDocumentSize => "max-document-size",
            OptionKey::MaxColumns => "max-columns",
            OptionKey::MaxMemory => "max-memory",
            OptionKey::Columns => "columns",
            OptionKey::Dataset => "dataset",
            OptionKey::Map => "map",
            OptionKey::MapThreshold => "map-threshold",
            OptionKey::NoClobber => "no-clobber",
        }
    }

    /// The option's name in `spelling`.
    pub fn spelled(self, spelling: Spelling) -> String {
        let key = self.key();
        match spelling {
            Spelling::Plain => key.to_string(),
            Spelling::Cli => format!("--{key}"),
            Spelling::Python => key.replace('-', "_"),
            Spelling::Spark => {
                let mut out = String::with_capacity(key.len());
                let mut upper = false;
                for c in key.chars() {
                    if c == '-' {
                        upper = true;
                    } else if upper {
                        out.push(c.to_ascii_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// The option given `value`, as a user of `spelling` writes it: `--map a.b` on the command
    /// line, `map=a.b` elsewhere.
    pub fn with_value(self, spelling: Spelling, value: impl fmt::Display) -> String {
        match spelling {
            Spelling::Cli => format!("{} {value}", self.spelled(spelling)),
            _ => format!("{}={value}", self.spelled(spelling)),
        }
    }

    /// [`OptionKey::with_value`] in the process's spelling.
    pub fn set_to(self, value: impl fmt::Display) -> String {
        self.with_value(spelling(), value)
    }
}

impl fmt::Display for OptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spelled(spelling()))
    }
}

/// How a user of `spelling`'s driver lists the columns of the Parquet file `file`, for
/// messages that cannot name every column.
pub fn how_to_list_columns(spelling: Spelling, file: &str) -> String {
    match spelling {
        Spelling::Cli => format!("`rustparquet inspect {file}` lists them"),
        Spelling::Python => format!("`python -m rustparquet inspect {file}` lists them"),
        Spelling::Spark => format!("`spark.read.parquet(\"{file}\").printSchema()` lists them"),
        Spelling::Plain => "the file's schema lists them".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_driver_spells_a_key_its_own_way() {
        let k = OptionKey::MaxDocumentSize;
        assert_eq!(k.spelled(Spelling::Plain), "max-document-size");
        assert_eq!(k.spelled(Spelling::Cli), "--max-document-size");
        assert_eq!(k.spelled(Spelling::Spark), "maxDocumentSize");
        assert_eq!(k.spelled(Spelling::Python), "max_document_size");
        assert_eq!(OptionKey::Columns.spelled(Spelling::Spark), "columns");
        assert_eq!(OptionKey::Map.with_value(Spelling::Cli, "a.b"), "--map a.b");
        assert_eq!(
            OptionKey::Map.with_value(Spelling::Python, "a.b"),
            "map=a.b"
        );
    }
}
