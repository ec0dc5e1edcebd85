//! `convert --no-clobber`: an existing output is never replaced. Checked up front, so that a
//! run that would be refused does no work, and made race-free by the core's commit rule
//! ([`rustparquet_core::commit::refuse_replacing`]), which puts every file in place with a
//! no-replace rename.

use std::path::{Path, PathBuf};

use rustparquet_core::input::OnError;

use super::CliError;

/// Refuses the run if `output` (or a quarantine file `on_error` names) exists, and turns the
/// rule on for the run's commits.
pub fn refuse_existing(output: &Path, on_error: &OnError) -> Result<(), CliError> {
    let mut targets = vec![output.to_path_buf()];
    if let OnError::Quarantine(q) = on_error {
        let mut errors = q.as_os_str().to_owned();
        errors.push(".errors");
        targets.push(q.clone());
        targets.push(PathBuf::from(errors));
    }
    for t in targets {
        // symlink_metadata: a dangling link is still a name the rename would not replace.
        if std::fs::symlink_metadata(&t).is_ok() {
            return Err(CliError::Core(rustparquet_core::Error::Io {
                path: t,
                source: rustparquet_core::commit::already_exists(),
            }));
        }
    }
    rustparquet_core::commit::refuse_replacing(true);
    Ok(())
}
