//! Standard input copied aside: without a given schema the input is read twice (once to infer
//! the schema, once to convert), which standard input cannot be, so it is first copied to a
//! staged temporary file in `TMPDIR` that is removed when the run ends (one left by a killed run
//! is swept by the next spill).

use std::io::Write;

use super::files::{Input, Source};
use crate::error::{Error, Result};
use crate::staged::StagedFile;

/// The name spilled standard input is staged under in `TMPDIR` (never persisted):
/// `.rustparquet-stdin.XXXXXX.rustparquet-tmp`.
const SPILL_NAME: &str = "rustparquet-stdin";

impl Input {
    /// Copies standard input into a temporary file so it can be read more than once.
    pub fn spill_stdin(&mut self) -> Result<()> {
        if !matches!(self.source, Source::Stdin) {
            return Ok(());
        }
        let (mut file, staged) = StagedFile::create(&std::env::temp_dir().join(SPILL_NAME))?;
        std::io::copy(&mut std::io::stdin().lock(), &mut file)
            .and_then(|_| file.flush())
            .map_err(|e| Error::io(staged.temp_path(), e))?;
        self.source = Source::Spilled(staged, file);
        Ok(())
    }
}
