//! Input: which files (globs, `-` for stdin), how their bytes are decoded (gzip and zstd are
//! recognised by their magic bytes, whatever the file is called), and how the bytes are cut
//! into documents, each with a [`Location`] for messages.
//!
//! Three layouts are read: newline-delimited JSON, any stream of concatenated (also
//! pretty-printed) documents separated by whitespace, and one top-level array whose elements
//! are the documents (`auto` picks the array layout when the first byte is `[`). A leading
//! UTF-8 byte order mark is skipped. Bytes are read in blocks; a document cut by a block end
//! is parsed again once the next block is in. A bad document ([`BadRecordPolicy`]) is
//! reported, skipped or copied verbatim to a quarantine file: valid JSON that does not fit the
//! schema is skipped as a whole value; a syntax error skips to the end of the line the
//! document started on (in NDJSON, exactly the bad line). In the array layout a syntax error
//! ends the input, since the next element cannot be found reliably.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Location, Result};
use crate::infer::parse_error;
use crate::json::{ParseError, ParseErrorKind, Parser};
use crate::path::ColumnPath;

/// How documents are laid out in an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// A top-level array if the first byte is `[`, otherwise a stream of documents.
    #[default]
    Auto,
    /// Documents separated by whitespace: NDJSON, concatenated or pretty-printed.
    Stream,
    /// One top-level JSON array whose elements are the documents.
    Array,
}

/// One input, as the user named it.
#[derive(Debug)]
pub struct Input {
    /// The name used in messages (`<stdin>` for `-`).
    pub name: Arc<str>,
    pub source: Source,
}

/// Where an input's bytes come from.
#[derive(Debug)]
pub enum Source {
    Stdin,
    File(PathBuf),
    /// Standard input copied to a temporary file (deleted when dropped), so that it can be
    /// read twice: once to infer the schema, once to convert.
    Spilled(tempfile::TempPath),
}

/// Expands the input arguments: `-` is stdin, arguments with `*`, `?` or `[` are globs
/// (matches sorted; no match is an error), anything else must be an existing file.
pub fn expand_inputs(args: &[String]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(Input {
                name: "<stdin>".into(),
                source: Source::Stdin,
            });
        } else if arg.contains(['*', '?', '[']) && !Path::new(arg).exists() {
            let paths =
                glob::glob(arg).map_err(|e| Error::Options(format!("bad glob `{arg}`: {e}")))?;
            let mut matched: Vec<PathBuf> = paths
                .filter_map(|p| p.ok())
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                return Err(Error::Options(format!("no file matches `{arg}`")));
            }
            matched.sort();
            for p in matched {
                inputs.push(Input {
                    name: p.display().to_string().into(),
                    source: Source::File(p),
                });
            }
        } else {
            let p = PathBuf::from(arg);
            if !p.is_file() {
                let source = std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    if p.exists() {
                        "not a regular file"
                    } else {
                        "no such file"
                    },
                );
                return Err(Error::io(p, source));
            }
            inputs.push(Input {
                name: arg.as_str().into(),
                source: Source::File(p),
            });
        }
    }
    if inputs.is_empty() {
        return Err(Error::Options(
            "no input given (name files, globs, or - for stdin)".into(),
        ));
    }
    Ok(inputs)
}

impl Input {
    /// Copies standard input into a temporary file so it can be read more than once.
    pub fn spill_stdin(&mut self) -> Result<()> {
        if !matches!(self.source, Source::Stdin) {
            return Ok(());
        }
        let dir = std::env::temp_dir();
        let mut temp = tempfile::Builder::new()
            .prefix("rustparquet-stdin-")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        std::io::copy(&mut std::io::stdin().lock(), temp.as_file_mut())
            .map_err(|e| Error::io(temp.path(), e))?;
        self.source = Source::Spilled(temp.into_temp_path());
        Ok(())
    }

    /// Opens the input, decompressing gzip or zstd when its first bytes say so.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        let (raw, path): (Box<dyn Read + Send>, PathBuf) = match &self.source {
            Source::Stdin => (Box::new(std::io::stdin()), PathBuf::from("<stdin>")),
            Source::File(p) => (
                Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
                p.clone(),
            ),
            Source::Spilled(p) => (
                Box::new(File::open(p).map_err(|e| Error::io(p.to_path_buf(), e))?),
                p.to_path_buf(),
            ),
        };
        let mut reader = BufReader::with_capacity(1 << 16, raw);
        let head = reader.fill_buf().map_err(|e| Error::io(&path, e))?;
        Ok(if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(flate2::read::MultiGzDecoder::new(reader))
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Box::new(
                zstd::stream::read::Decoder::with_buffer(reader)
                    .map_err(|e| Error::io(&path, e))?,
            )
        } else {
            Box::new(reader)
        })
    }
}

/// Counters a progress display can read while a conversion runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Input bytes consumed (decompressed).
    pub bytes: AtomicU64,
    /// Documents read.
    pub documents: AtomicU64,
}

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
    quarantine: Option<(std::io::BufWriter<File>, std::io::BufWriter<File>)>,
    /// Bad documents skipped or quarantined.
    pub count: u64,
    /// The first few errors, for the end-of-run report.
    pub first_errors: Vec<String>,
}

impl BadRecordPolicy {
    /// Opens the quarantine files, if any.
    pub fn new(on_error: &OnError) -> Result<Self> {
        let quarantine = match on_error {
            OnError::Quarantine(path) => {
                let errors = errors_path(path);
                let open = |p: &Path| {
                    File::create(p)
                        .map(std::io::BufWriter::new)
                        .map_err(|e| Error::io(p, e))
                };
                Some((open(path)?, open(&errors)?))
            }
            _ => None,
        };
        Ok(BadRecordPolicy {
            on_error: on_error.clone(),
            quarantine,
            count: 0,
            first_errors: Vec::new(),
        })
    }

    /// A policy that only ever fails (for passes that must not record anything).
    pub fn failing() -> Self {
        BadRecordPolicy {
            on_error: OnError::Fail,
            quarantine: None,
            count: 0,
            first_errors: Vec::new(),
        }
    }

    fn is_fail(&self) -> bool {
        self.on_error == OnError::Fail
    }

    fn record(&mut self, error: Error, text: &[u8]) -> Result<()> {
        self.count += 1;
        if self.first_errors.len() < 5 {
            self.first_errors.push(error.to_string());
        }
        if let (Some((records, errors)), OnError::Quarantine(path)) =
            (&mut self.quarantine, &self.on_error)
        {
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            records
                .write_all(text)
                .and_then(|_| records.write_all(b"\n"))
                .map_err(|e| Error::io(path, e))?;
            writeln!(errors, "{error}").map_err(|e| Error::io(errors_path(path), e))?;
        }
        Ok(())
    }

    /// Flushes the quarantine files.
    pub fn finish(&mut self) -> Result<()> {
        if let (Some((records, errors)), OnError::Quarantine(path)) =
            (&mut self.quarantine, &self.on_error)
        {
            records.flush().map_err(|e| Error::io(path, e))?;
            errors
                .flush()
                .map_err(|e| Error::io(errors_path(path), e))?;
        }
        Ok(())
    }
}

/// `<path>.errors`: where quarantine writes one reason per quarantined document.
pub fn errors_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".errors");
    PathBuf::from(p)
}

/// Why a [`DocumentSink`] could not take a document.
#[derive(Debug)]
pub enum DocError {
    /// The JSON itself; [`ParseErrorKind::Eof`] means the buffer ended inside the document.
    Parse(ParseError),
    /// Valid JSON that does not fit (at `offset`, column `path`).
    Mismatch {
        offset: usize,
        path: ColumnPath,
        reason: String,
    },
    /// An error that stops the run whatever the policy.
    Fatal(Error),
}

impl From<crate::shred::ShredError> for DocError {
    fn from(e: crate::shred::ShredError) -> Self {
        match e {
            crate::shred::ShredError::Parse(p) => DocError::Parse(p),
            crate::shred::ShredError::Mismatch {
                offset,
                path,
                reason,
            } => DocError::Mismatch {
                offset,
                path,
                reason,
            },
        }
    }
}

/// Something that takes documents one at a time: the inferrer or the shredder.
pub trait DocumentSink {
    /// Parses one document at the parser's position (the parser stops after it). On error,
    /// the sink must leave no trace of the document.
    fn document(
        &mut self,
        p: &mut Parser<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) -> std::result::Result<(), DocError>;
    /// Called after each document taken, with the reader's progress; `Ok(false)` stops reading.
    fn after_document(&mut self) -> Result<bool> {
        Ok(true)
    }
}

/// Settings of a [`read_documents`] run.
pub struct ReadSettings<'a> {
    pub format: InputFormat,
    pub max_depth: usize,
    /// Bytes read per block.
    pub block_bytes: usize,
    /// The largest document accepted, in bytes.
    pub max_document_bytes: usize,
    pub progress: Option<&'a Progress>,
    pub cancel: Option<&'a AtomicBool>,
}

impl Default for ReadSettings<'_> {
    fn default() -> Self {
        ReadSettings {
            format: InputFormat::Auto,
            max_depth: crate::DEFAULT_MAX_DEPTH,
            block_bytes: 8 << 20,
            max_document_bytes: 1 << 30,
            progress: None,
            cancel: None,
        }
    }
}

/// Newlines in `bytes` (memchr's vectorised search: documents are long, newlines sparse).
fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Turns byte offsets of the current window into file locations.
struct Locator<'a> {
    name: &'a Arc<str>,
    buf: &'a [u8],
    base_line: u64,
    /// A known (offset, line) in this window, moving forward as documents do.
    cursor: Cell<(usize, u64)>,
}

impl Locator<'_> {
    fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.buf.len());
        let (mut at, mut line) = self.cursor.get();
        if offset < at {
            at = 0;
            line = self.base_line;
        }
        line += count_lines(&self.buf[at..offset]);
        self.cursor.set((offset, line));
        let line_start = memchr::memrchr(b'\n', &self.buf[..offset]).map_or(0, |i| i + 1);
        // Columns count characters, not bytes.
        let column = self.buf[line_start..offset]
            .iter()
            .filter(|&&b| (b & 0xc0) != 0x80)
            .count() as u64
            + 1;
        Location {
            file: self.name.clone(),
            line,
            column,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// After `[`: a document or `]` is next.
    First,
    /// After a document: `,` or `]` is next.
    Next,
    /// After `]`: only whitespace may follow.
    Done,
}

/// Reads every document of `input` into `sink`, applying `policy` to bad ones. Returns the
/// number of documents the sink took.
pub fn read_documents(
    input: &Input,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<u64> {
    let mut reader = input.open()?;
    let mut buf: Vec<u8> = Vec::new();
    let mut start = 0usize; // first unconsumed byte
    let mut filled = 0usize;
    let mut eof = false;
    let mut base_line = 1u64;
    let mut first_block = true;
    let mut array: Option<ArrayState> = match settings.format {
        InputFormat::Array => Some(ArrayState::Start),
        _ => None,
    };
    let mut taken = 0u64;
    let read_error = |e: std::io::Error| Error::Io {
        path: PathBuf::from(&*input.name),
        source: e,
    };

    loop {
        if settings.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Interrupted);
        }
        // Refill: keep the unconsumed tail, read a block (growing the buffer when one
        // document is larger than what is buffered).
        if !eof {
            if start > 0 {
                base_line += count_lines(&buf[..start]);
                if let Some(p) = settings.progress {
                    p.bytes.fetch_add(start as u64, Ordering::Relaxed);
                }
                buf.copy_within(start..filled, 0);
                filled -= start;
                start = 0;
            }
            let want = filled + settings.block_bytes;
            if want > settings.max_document_bytes + settings.block_bytes {
                let at = Location {
                    file: input.name.clone(),
                    line: base_line,
                    column: 1,
                };
                return Err(Error::Unsupported {
                    at,
                    reason: format!(
                        "a document larger than {} bytes",
                        settings.max_document_bytes
                    ),
                });
            }
            if buf.len() < want {
                buf.resize(want, 0);
            }
            while filled < want {
                let n = match reader.read(&mut buf[filled..want]) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_error(e)),
                };
                if n == 0 {
                    eof = true;
                    break;
                }
                filled += n;
            }
            if first_block {
                first_block = false;
                if buf[..filled].starts_with(&[0xef, 0xbb, 0xbf]) {
                    start = 3;
                }
                if settings.format == InputFormat::Auto {
                    let first = buf[start..filled].iter().find(|b| !b" \t\r\n".contains(b));
                    if first == Some(&b'[') {
                        array = Some(ArrayState::Start);
                    }
                }
            }
        }
        let window = &buf[..filled];
        let locator = Locator {
            name: &input.name,
            buf: window,
            base_line,
            cursor: Cell::new((0, base_line)),
        };
        let locate = |offset: usize| locator.locate(offset);
        let mut pos = start;
        let mut need_more = false;
        loop {
            // Find the next document start.
            let mut p = Parser::new(window, pos, settings.max_depth);
            if let Some(state) = array {
                p.skip_whitespace();
                let at = p.pos();
                let next = window.get(at).copied();
                let syntax = |reason: &str| Error::Json {
                    at: locate(at),
                    reason: reason.to_string(),
                };
                match (state, next) {
                    (_, None) if !eof => {
                        need_more = true;
                        break;
                    }
                    (ArrayState::Done, None) => break,
                    (ArrayState::Done, Some(_)) => {
                        return Err(syntax("unexpected data after the top-level array"))
                    }
                    (_, None) => {
                        return Err(syntax("unexpected end of input inside the top-level array"))
                    }
                    (ArrayState::Start, Some(b'[')) => {
                        pos = at + 1;
                        array = Some(ArrayState::First);
                        continue;
                    }
                    (ArrayState::Start, Some(_)) => {
                        return Err(syntax("expected '[' to open the array of documents"))
                    }
                    (ArrayState::First | ArrayState::Next, Some(b']')) => {
                        pos = at + 1;
                        array = Some(ArrayState::Done);
                        continue;
                    }
                    (ArrayState::Next, Some(b',')) => {
                        // The document follows the comma; if the buffer ends here, wait.
                        let mut q = Parser::new(window, at + 1, settings.max_depth);
                        if q.at_end() && !eof {
                            need_more = true;
                            break;
                        }
                        p = q;
                    }
                    (ArrayState::Next, Some(_)) => {
                        return Err(syntax(
                            "expected ',' or ']' after a document in the top-level array",
                        ))
                    }
                    (ArrayState::First, Some(_)) => {}
                }
            } else if p.at_end() {
                pos = p.pos();
                if !eof {
                    need_more = true;
                }
                break;
            }
            let doc_start = p.pos();
            match sink.document(&mut p, &locate) {
                Ok(()) => {
                    pos = p.pos();
                    taken += 1;
                    if let Some(state) = array.as_mut() {
                        *state = ArrayState::Next;
                    }
                    if let Some(progress) = settings.progress {
                        progress.documents.fetch_add(1, Ordering::Relaxed);
                    }
                    if !sink.after_document()? {
                        return Ok(taken);
                    }
                }
                Err(DocError::Fatal(e)) => return Err(e),
                Err(DocError::Parse(e)) if e.kind == ParseErrorKind::Eof && !eof => {
                    pos = doc_start;
                    need_more = true;
                    break;
                }
                Err(err) => {
                    // A bad document: find where it ends, then apply the policy.
                    let (error, end) = match err {
                        DocError::Mismatch {
                            offset,
                            path,
                            reason,
                        } => {
                            let error = Error::Mismatch {
                                at: locate(offset),
                                path,
                                reason,
                            };
                            let mut skip = Parser::new(window, doc_start, settings.max_depth);
                            match skip.skip_value() {
                                Ok(()) => (error, Some(skip.pos())),
                                Err(e) if e.kind == ParseErrorKind::Eof && !eof => {
                                    pos = doc_start;
                                    need_more = true;
                                    break;
                                }
                                Err(_) => (error, None),
                            }
                        }
                        DocError::Parse(e) => (parse_error(e, &locate, settings.max_depth), None),
                        DocError::Fatal(e) => return Err(e),
                    };
                    if policy.is_fail() {
                        return Err(error);
                    }
                    let end = match end {
                        Some(end) => end,
                        None if array.is_some() => return Err(error),
                        None => match memchr::memchr(b'\n', &window[doc_start..]) {
                            Some(i) => doc_start + i + 1,
                            None if !eof => {
                                pos = doc_start;
                                need_more = true;
                                break;
                            }
                            None => window.len(),
                        },
                    };
                    policy.record(error, &window[doc_start..end])?;
                    pos = end;
                    if let Some(state) = array.as_mut() {
                        *state = ArrayState::Next;
                    }
                }
            }
        }
        start = pos;
        if eof && !need_more {
            if let Some(p) = settings.progress {
                p.bytes.fetch_add(start as u64, Ordering::Relaxed);
            }
            return Ok(taken);
        }
    }
}
