//! The moment a staged file is committed (renamed from its temporary onto its target), and the
//! process-wide rules for it that a command line sets: after [`stop_commits`] (its Ctrl-C
//! handler) nothing more is committed, and with [`refuse_replacing`] (`--no-clobber`) an
//! existing target is never replaced. The check and the rename happen under one lock, and
//! [`was_committed`] reads under it too, so a signal handler learns for certain whether a run's
//! output is in place: either it was renamed before the stop, or it never will be. A library
//! caller that sets neither rule (the Spark source) gets a plain rename.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};

#[derive(Default)]
struct Rules {
    stopped: bool,
    no_clobber: bool,
    /// Targets committed by this process, in order.
    committed: Vec<PathBuf>,
}

static RULES: Mutex<Rules> = Mutex::new(Rules {
    stopped: false,
    no_clobber: false,
    committed: Vec::new(),
});

fn rules() -> MutexGuard<'static, Rules> {
    // The lock guards plain flags: a panic while it was held leaves them usable.
    RULES.lock().unwrap_or_else(|e| e.into_inner())
}

/// From now on no staged file of this process is committed: committing one fails with
/// [`Error::Interrupted`] (and its temporary is removed). Returns once a commit under way
/// has finished.
pub fn stop_commits() {
    rules().stopped = true;
}

/// Whether [`stop_commits`] was called.
pub fn commits_stopped() -> bool {
    rules().stopped
}

/// With `true`, committing onto an existing target fails (an [`Error::Io`] of kind
/// `AlreadyExists` naming it) and leaves the existing file as it is (`--no-clobber`).
pub fn refuse_replacing(on: bool) {
    rules().no_clobber = on;
}

/// Whether replacing existing targets is refused.
pub fn replacing_refused() -> bool {
    rules().no_clobber
}

/// Whether this process committed `path`, or a file below the directory `path`.
pub fn was_committed(path: &Path) -> bool {
    rules().committed.iter().any(|c| c.starts_with(path))
}

/// What a commit is, for [`stop_commits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A file of its own: refused after a stop.
    Own,
    /// The second half of a commit already made: done even after a stop.
    Completing,
}

/// Renames `temp` onto `target` under the rules. The caller has synced the file.
pub(crate) fn commit(temp: tempfile::TempPath, target: &Path, kind: Kind) -> Result<()> {
    let mut rules = rules();
    if rules.stopped && kind == Kind::Own {
        // Dropping `temp` removes the temporary.
        return Err(Error::Interrupted);
    }
    let result = if rules.no_clobber {
        // A no-replace rename (renameat2 RENAME_NOREPLACE, or link + unlink where the file
        // system lacks it): atomic, so a file created at the target meanwhile is kept too.
        temp.persist_noclobber(target)
    } else {
        temp.persist(target)
    };
    match result {
        Ok(()) => {
            rules.committed.push(target.to_path_buf());
            Ok(())
        }
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && rules.no_clobber => {
            Err(Error::io(target, already_exists()))
        }
        Err(e) => Err(Error::io(target, e.error)),
    }
}

/// The error of a target that the no-clobber rule keeps.
pub fn already_exists() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "already exists, and {} leaves it as it is",
            crate::option_key::OptionKey::NoClobber
        ),
    )
}

#[cfg(test)]
mod tests {
    /// The rules are process-wide, so their switches are tested end to end (the CLI's
    /// `--no-clobber` and Ctrl-C tests); here, the no-replace rename they rely on.
    #[test]
    fn a_no_replace_rename_keeps_the_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        std::fs::write(&target, b"old").unwrap();
        let temp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        std::fs::write(temp.path(), b"new").unwrap();
        let err = temp
            .into_temp_path()
            .persist_noclobber(&target)
            .unwrap_err();
        assert_eq!(err.error.kind(), std::io::ErrorKind::AlreadyExists);
        drop(err);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
