//! Files that appear at their target path only when complete. A [`StagedFile`] is written
//! under a hidden temporary name in the target's directory (`.NAME.XXXXXX.rustparquet-tmp`,
//! which Spark, Hive, pyarrow datasets and DuckDB globs of `*.parquet` skip), holds an
//! exclusive `flock` on it while its process lives, and is renamed onto the target by
//! [`StagedPath::persist`]. A failed or interrupted write removes the temporary; one left by a
//! killed process (`kill -9`, a power cut) is unlocked, since the kernel drops a dead
//! process's locks, and the next staging of the same target removes it ([`sweep_stale`]).
//! Output files, quarantine files, the spilled standard input and a dataset's schema file are
//! all staged this way.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The suffix of every staged temporary.
pub const TEMP_SUFFIX: &str = ".rustparquet-tmp";
/// How many random characters `tempfile` puts in a name (its default).
const RANDOM_LEN: usize = 6;

/// A file being written, not yet at its target; see the module docs.
///
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir()?;
/// let target = dir.path().join("bad.ndjson");
/// let (mut file, staged) = rustparquet_core::staged::StagedFile::create(&target)?;
/// file.write_all(b"{\"oops\n")?;
/// assert!(!target.exists());
/// staged.persist(&mut file)?;
/// assert_eq!(std::fs::read(&target)?, b"{\"oops\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StagedFile;

/// The temporary's name and target: removes the temporary when dropped unless persisted.
#[derive(Debug)]
pub struct StagedPath {
    /// Dropped before `temp` (fields drop in order): unlisted, then the file removed.
    registration: Registration,
    temp: tempfile::TempPath,
    target: PathBuf,
}

impl StagedFile {
    /// Creates the temporary for `target` (removing stale ones of earlier, killed runs first)
    /// and returns it open for writing, locked, with its [`StagedPath`].
    pub fn create(target: &Path) -> Result<(File, StagedPath)> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        sweep_stale(&dir, &name);
        let prefix = format!(".{name}.");
        loop {
            let mut builder = tempfile::Builder::new();
            builder
                .prefix(&prefix)
                .suffix(TEMP_SUFFIX)
                .rand_bytes(RANDOM_LEN);
            // Temporary files are private by default; the output is an ordinary file (0666
            // less the umask, like any file a command creates).
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let temp = builder
                .tempfile_in(&dir)
                .map_err(|e| staging_error(target, &dir, e))?;
            let (file, temp) = temp.into_parts();
            // A file system without flock (some network mounts) gets no lock: the sweep
            // cannot lock such files either, so it never removes them.
            let _ = file.lock();
            // Between creating and locking, another run's sweep may have taken the new,
            // still unlocked file for a stale one and removed it: then start again.
            if !same_file(&file, &temp) {
                std::mem::forget(temp); // its path is gone (or another file's now)
                continue;
            }
            let registration = Registration::new(temp.to_path_buf());
            return Ok((
                file,
                StagedPath {
                    registration,
                    temp,
                    target: target.to_path_buf(),
                },
            ));
        }
    }
}

impl StagedPath {
    /// The target this file will appear at.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the file is while it is written.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Syncs `file` (the one [`StagedFile::create`] returned) and renames it onto the target,
    /// under the process's [commit rules](crate::commit).
    pub fn persist(self, file: &mut File) -> Result<()> {
        self.persist_as(file, crate::commit::Kind::Own)
    }

    /// Like [`persist`](Self::persist), for a file that completes a commit already made (a
    /// dataset's schema file after its new part): a stop (Ctrl-C) does not refuse it, so an
    /// append in place is never left half-recorded.
    pub fn persist_completing(self, file: &mut File) -> Result<()> {
        self.persist_as(file, crate::commit::Kind::Completing)
    }

    fn persist_as(self, file: &mut File, kind: crate::commit::Kind) -> Result<()> {
        use std::io::Write;
        file.flush().map_err(|e| Error::io(&self.target, e))?;
        file.sync_all().map_err(|e| Error::io(&self.target, e))?;
        let StagedPath {
            registration,
            temp,
            target,
        } = self;
        drop(registration);
        crate::commit::commit(temp, &target, kind)
    }
}

/// A staged file written in order (a Parquet file) that has the kernel start writing each
/// [`WRITEBACK_BYTES`] of it to the device as soon as they are written, so that the sync before
/// the rename ([`StagedPath::persist`]) waits for the last part only. Unsynced, the whole file
/// was still to be written at the sync: activedata's 32 MB output waited 30–35 ms on it, the
/// CPU idle, at the end of the run. Starting writeback does not wait for it; elsewhere than
/// on Linux this is the plain file.
pub struct WritebackFile {
    file: File,
    /// Bytes written so far.
    written: u64,
    /// Where the range not yet handed to writeback starts.
    unsent: u64,
}

/// How much written data is handed to writeback at a time.
const WRITEBACK_BYTES: u64 = 4 << 20;

impl WritebackFile {
    /// Writes `file` (a staged file, the one [`StagedFile::create`] returned) from its start.
    pub fn new(file: File) -> Self {
        WritebackFile {
            file,
            written: 0,
            unsent: 0,
        }
    }

    /// The file, to sync and persist.
    pub fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    #[cfg(target_os = "linux")]
    fn start_writeback(&mut self) {
        use std::os::fd::AsRawFd;
        let len = self.written - self.unsent;
        // SAFETY: the call takes a file descriptor we own (open for the life of `self`) and
        // two integers; it only starts I/O of the range's dirty pages. A failure (a file
        // system that does not support it) leaves the work to the sync, so it is ignored.
        unsafe {
            libc::sync_file_range(
                self.file.as_raw_fd(),
                self.unsent as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.unsent = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn start_writeback(&mut self) {}
}

impl std::io::Write for WritebackFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.unsent >= WRITEBACK_BYTES {
            self.start_writeback();
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The error of a temporary that cannot be created next to `target` in `dir`, naming the
/// target and the directory, never the hidden temporary (tempfile's message names it).
fn staging_error(target: &Path, dir: &Path, e: std::io::Error) -> Error {
    let reason = match std::fs::metadata(dir) {
        Err(m) if m.kind() == std::io::ErrorKind::NotFound => {
            format!("directory {} does not exist", dir.display())
        }
        Ok(m) if !m.is_dir() => format!("{} is not a directory", dir.display()),
        _ => {
            let cause = e
                .raw_os_error()
                .map(std::io::Error::from_raw_os_error)
                .map_or_else(|| e.kind().to_string(), |os| os.to_string());
            format!(
                "cannot create a file in directory {}: {cause}",
                dir.display()
            )
        }
    };
    Error::io(target, std::io::Error::new(e.kind(), reason))
}

/// Whether the open `file` is still the one at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Whether `file_name` is a staged temporary of a target named `name`.
pub fn is_temporary_of(file_name: &str, name: &str) -> bool {
    file_name
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes the temporaries of target `name` in `dir` that no live process holds (their
/// writer was killed). Best effort: what cannot be read or removed is left alone. Returns how
/// many were removed.
pub fn sweep_stale(dir: &Path, name: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if !is_temporary_of(file_name, name) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        match file.try_lock() {
            // Nobody holds it: its writer is gone. Removed while we hold the lock, so a
            // writer that created it a moment ago notices (see `StagedFile::create`).
            Ok(()) => {
                if std::fs::remove_file(&path).is_ok() {
                    removed += 1;
                }
            }
            Err(TryLockError::WouldBlock) | Err(TryLockError::Error(_)) => {}
        }
    }
    removed
}

/// Temporary files of the staged files that are open, so that a signal handler can remove
/// them before the process exits (a run blocked on its input cannot unwind by itself).
static OPEN_TEMPORARIES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes the temporary files of every open staged file. For a signal handler about to exit;
/// the writers' own cleanup then finds nothing to remove.
pub fn remove_open_temporaries() {
    if let Ok(mut open) = OPEN_TEMPORARIES.lock() {
        for path in open.drain(..) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Lists a temporary file in [`OPEN_TEMPORARIES`] while it lives.
#[derive(Debug)]
struct Registration(PathBuf);

impl Registration {
    fn new(path: PathBuf) -> Self {
        if let Ok(mut open) = OPEN_TEMPORARIES.lock() {
            open.push(path.clone());
        }
        Registration(path)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut open) = OPEN_TEMPORARIES.lock() {
            open.retain(|p| *p != self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn temporaries_are_recognised_by_their_target_name_only() {
        assert!(is_temporary_of(
            ".a.parquet.Ab3xZ9.rustparquet-tmp",
            "a.parquet"
        ));
        assert!(!is_temporary_of(".a.parquet.Ab3xZ9.rustparquet-tmp", "a"));
        assert!(!is_temporary_of(".a.x.Ab3xZ9.rustparquet-tmp", "a"));
        assert!(!is_temporary_of("a.parquet", "a.parquet"));
        assert!(!is_temporary_of(
            ".a.parquet.Ab3.rustparquet-tmp",
            "a.parquet"
        ));
    }

    #[test]
    fn a_stale_temporary_is_swept_and_a_live_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.parquet");
        // Stale: what a killed run leaves (nobody holds a lock on it).
        let stale = dir.path().join(".out.parquet.AAAAAA.rustparquet-tmp");
        std::fs::write(&stale, b"partial").unwrap();
        // Another target's temporary is not ours to remove.
        let other = dir.path().join(".other.parquet.AAAAAA.rustparquet-tmp");
        std::fs::write(&other, b"partial").unwrap();
        // Live: a staged file still being written (its lock held in this process, on another
        // open file description, which flock treats like another process).
        let (mut live_file, live) = StagedFile::create(&target).unwrap();
        assert!(!stale.exists(), "create swept the stale temporary");
        assert!(other.exists());
        assert_eq!(sweep_stale(dir.path(), "out.parquet"), 0);
        assert!(live.temp.exists(), "a held temporary is kept");
        // A second writer of the same target at the same time keeps the first one's file.
        let (mut second_file, second) = StagedFile::create(&target).unwrap();
        assert!(live.temp.exists());
        second_file.write_all(b"second").unwrap();
        live_file.write_all(b"first").unwrap();
        live.persist(&mut live_file).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        drop(second);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".other.parquet.AAAAAA.rustparquet-tmp", "out.parquet"]
        );
    }

    #[test]
    fn a_missing_directory_is_named_not_the_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out").join("x.parquet");
        let err = StagedFile::create(&target).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: directory {} does not exist",
                target.display(),
                dir.path().join("out").display()
            )
        );
    }
}
