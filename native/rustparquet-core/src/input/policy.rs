//! The bad-record policy: what happens to a bad document ([`OnError`]): the run stops with its
//! error, or it is skipped and counted (the first few errors kept for the report), or copied
//! verbatim to a quarantine file with its reason in `<file>.errors`. The quarantine files are
//! staged and put in place only when the run completes. A parallel worker's policy defers its
//! findings, which the coordinator applies in input order.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::staged::{StagedFile, StagedPath};

/// What to do with a bad document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop with an error naming file, line and column (the default).
    #[default]
    Fail,
    /// Skip it; count it and report the first few at the end.
    Skip,
    /// Copy it verbatim (one per line) to this file, with `file:line:column: reason` lines in
    /// `<file>.errors`.
    Quarantine(PathBuf),
}

/// Carries out [`OnError`] and counts what it did.
pub struct BadRecordPolicy {
    on_error: OnError,
    quarantine: Option<Quarantine>,
    /// Bad documents skipped or quarantined.
    pub count: u64,
    /// The first few errors, for the end-of-run report.
    pub first_errors: Vec<String>,
    /// When set, bad documents are kept here (in order) instead of being acted on, for a
    /// parallel worker whose findings are applied later in input order.
    deferred: Option<Vec<(Error, Vec<u8>)>>,
}

impl BadRecordPolicy {
    /// Opens the quarantine files, if any.
    pub fn new(on_error: &OnError) -> Result<Self> {
        let quarantine = match on_error {
            OnError::Quarantine(path) => Some(Quarantine {
                records: StagedWriter::create(path)?,
                errors: StagedWriter::create(&errors_path(path))?,
            }),
            _ => None,
        };
        Ok(BadRecordPolicy {
            on_error: on_error.clone(),
            quarantine,
            count: 0,
            first_errors: Vec::new(),
            deferred: None,
        })
    }

    /// A policy that only ever fails (for passes that must not record anything).
    pub fn failing() -> Self {
        BadRecordPolicy {
            on_error: OnError::Fail,
            quarantine: None,
            count: 0,
            first_errors: Vec::new(),
            deferred: None,
        }
    }

    /// A policy that fails like `on_error` does but keeps other bad documents for later
    /// ([`BadRecordPolicy::take_deferred`]), for a parallel worker whose findings are applied
    /// in input order by the coordinator.
    pub(crate) fn deferring(on_error: &OnError) -> Self {
        let on_error = match on_error {
            OnError::Fail => OnError::Fail,
            _ => OnError::Skip,
        };
        BadRecordPolicy {
            on_error,
            quarantine: None,
            count: 0,
            first_errors: Vec::new(),
            deferred: Some(Vec::new()),
        }
    }

    /// The bad documents kept by a deferring policy, in input order.
    pub(crate) fn take_deferred(&mut self) -> Vec<(Error, Vec<u8>)> {
        self.deferred
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub(crate) fn is_fail(&self) -> bool {
        self.on_error == OnError::Fail
    }

    /// Acts on one bad document (skip or quarantine; a failing policy never gets here).
    pub(crate) fn record(&mut self, error: Error, text: &[u8]) -> Result<()> {
        if let Some(deferred) = &mut self.deferred {
            deferred.push((error, text.to_vec()));
            return Ok(());
        }
        self.count += 1;
        if self.first_errors.len() < 5 {
            self.first_errors.push(error.to_string());
        }
        if let Some(q) = &mut self.quarantine {
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            q.records.write_line(text)?;
            q.errors.write_line(error.to_string().as_bytes())?;
        }
        Ok(())
    }

    /// Puts the quarantine files in place, complete. Called before the output is renamed
    /// into place, so an output that exists always has its quarantine files beside it; a run
    /// that fails or is killed earlier leaves neither (nor a partial one).
    pub fn finish(&mut self) -> Result<()> {
        if let Some(q) = self.quarantine.take() {
            q.records.persist()?;
            q.errors.persist()?;
        }
        Ok(())
    }
}

/// The two files of `--on-error quarantine`, [staged](crate::staged) until the run completes.
struct Quarantine {
    /// The bad documents, verbatim, one per line.
    records: StagedWriter,
    /// One `file:line:column: reason` line per bad document.
    errors: StagedWriter,
}

/// A buffered writer into a staged file.
struct StagedWriter {
    out: std::io::BufWriter<File>,
    staged: StagedPath,
}

impl StagedWriter {
    fn create(target: &Path) -> Result<Self> {
        let (file, staged) = StagedFile::create(target)?;
        Ok(StagedWriter {
            out: std::io::BufWriter::new(file),
            staged,
        })
    }

    fn write_line(&mut self, line: &[u8]) -> Result<()> {
        self.out
            .write_all(line)
            .and_then(|_| self.out.write_all(b"\n"))
            .map_err(|e| Error::io(self.staged.target(), e))
    }

    fn persist(self) -> Result<()> {
        let target = self.staged.target().to_path_buf();
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&target, e.into_error()))?;
        self.staged.persist(&mut file)
    }
}

/// `<path>.errors`: where quarantine writes one reason per quarantined document.
pub fn errors_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".errors");
    PathBuf::from(p)
}
