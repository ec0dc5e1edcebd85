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
use crate::staged::{StagedFile, StagedPath};

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
    /// Standard input copied to a temporary file in `TMPDIR` (deleted when dropped; one left
    /// by a killed run is swept by the next spill), so that it can be read twice: once to
    /// infer the schema, once to convert. The open file holds the temporary's lock.
    Spilled(StagedPath, File),
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

    /// Opens the input, decompressing gzip or zstd when its first bytes say so.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        let (raw, path): (Box<dyn Read + Send>, PathBuf) = match &self.source {
            Source::Stdin => (Box::new(std::io::stdin()), PathBuf::from("<stdin>")),
            Source::File(p) => (
                Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
                p.clone(),
            ),
            Source::Spilled(staged, _) => {
                let p = staged.temp_path();
                (
                    Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
                    p.to_path_buf(),
                )
            }
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

    fn is_fail(&self) -> bool {
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
            max_document_bytes: crate::DEFAULT_MAX_DOCUMENT_BYTES,
            progress: None,
            cancel: None,
        }
    }
}

/// The error for a document (or a line, in the parallel reader) longer than the limit.
fn too_large(at: Location, limit: usize) -> Error {
    Error::Unsupported {
        at,
        reason: format!(
            "a document larger than {limit} bytes, the limit (raise --max-document-size, at most {})",
            crate::MAX_DOCUMENT_LIMIT
        ),
    }
}

/// Newlines in `bytes` (memchr's vectorised search: documents are long, newlines sparse).
fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Turns byte offsets of the current window into file locations.
pub(crate) struct Locator<'a> {
    pub name: &'a Arc<str>,
    pub buf: &'a [u8],
    /// Line number of `buf[0]`.
    pub base_line: u64,
    /// A known (offset, line, column) in this window, moving forward as documents do, so
    /// that locating is linear overall even for many places on one long line (inference
    /// locates every new key: a million keys on one line must not rescan the line each time).
    pub cursor: Cell<(usize, u64, u64)>,
}

impl Locator<'_> {
    pub fn new<'a>(name: &'a Arc<str>, buf: &'a [u8], base_line: u64) -> Locator<'a> {
        Locator {
            name,
            buf,
            base_line,
            cursor: Cell::new((0, base_line, 1)),
        }
    }

    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.buf.len());
        let (mut at, mut line, mut column) = self.cursor.get();
        if offset < at {
            (at, line, column) = (0, self.base_line, 1);
        }
        // Columns count characters, not bytes.
        let chars = |s: &[u8]| s.iter().filter(|&&b| (b & 0xc0) != 0x80).count() as u64;
        let between = &self.buf[at..offset];
        match memchr::memrchr(b'\n', between) {
            None => column += chars(between),
            Some(last) => {
                line += count_lines(between);
                column = chars(&between[last + 1..]) + 1;
            }
        }
        self.cursor.set((offset, line, column));
        Location {
            file: self.name.clone(),
            line,
            column,
        }
    }
}

/// Where the top-level-array layout is between documents.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// After `[`: a document or `]` is next.
    First,
    /// After a document: `,` or `]` is next.
    Next,
    /// After `]`: only whitespace may follow.
    Done,
}

/// How far [`parse_window`] got.
pub(crate) struct WindowEnd {
    /// The first byte not consumed: the start of an incomplete document when `need_more`.
    pub pos: usize,
    /// The window ended inside a document (or before a separator) and the input goes on.
    pub need_more: bool,
    /// The sink asked to stop.
    pub stopped: bool,
    /// Documents the sink took.
    pub taken: u64,
}

/// Feeds the documents of `window[start..]` to `sink`. `eof` says whether the input ends with
/// the window; if not, a document cut by the window's end is left for the next call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn parse_window(
    window: &[u8],
    start: usize,
    eof: bool,
    array: &mut Option<ArrayState>,
    locate: &dyn Fn(usize) -> Location,
    sink: &mut dyn DocumentSink,
    policy: &mut BadRecordPolicy,
    settings: &ReadSettings<'_>,
) -> Result<WindowEnd> {
    let mut pos = start;
    let mut taken = 0u64;
    let end = |pos, need_more, stopped, taken| {
        Ok(WindowEnd {
            pos,
            need_more,
            stopped,
            taken,
        })
    };
    loop {
        // Find the next document start.
        let mut p = Parser::new(window, pos, settings.max_depth);
        if let Some(state) = *array {
            p.skip_whitespace();
            let at = p.pos();
            let next = window.get(at).copied();
            let syntax = |reason: &str| Error::Json {
                at: locate(at),
                reason: reason.to_string(),
            };
            match (state, next) {
                (_, None) if !eof => return end(pos, true, false, taken),
                (ArrayState::Done, None) => return end(at, false, false, taken),
                (ArrayState::Done, Some(_)) => {
                    return Err(syntax("unexpected data after the top-level array"))
                }
                (_, None) => {
                    return Err(syntax("unexpected end of input inside the top-level array"))
                }
                (ArrayState::Start, Some(b'[')) => {
                    pos = at + 1;
                    *array = Some(ArrayState::First);
                    continue;
                }
                (ArrayState::Start, Some(_)) => {
                    return Err(syntax("expected '[' to open the array of documents"))
                }
                (ArrayState::First | ArrayState::Next, Some(b']')) => {
                    pos = at + 1;
                    *array = Some(ArrayState::Done);
                    continue;
                }
                (ArrayState::Next, Some(b',')) => {
                    // The document follows the comma; if the window ends here, wait.
                    let mut q = Parser::new(window, at + 1, settings.max_depth);
                    if q.at_end() && !eof {
                        return end(pos, true, false, taken);
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
            return end(p.pos(), !eof, false, taken);
        }
        let doc_start = p.pos();
        match sink.document(&mut p, locate) {
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
                    return end(pos, false, true, taken);
                }
            }
            Err(DocError::Fatal(e)) => return Err(e),
            Err(DocError::Parse(e)) if e.kind == ParseErrorKind::Eof && !eof => {
                return end(doc_start, true, false, taken);
            }
            Err(err) => {
                // A bad document: find where it ends, then apply the policy.
                let (error, doc_end) = match err {
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
                                return end(doc_start, true, false, taken);
                            }
                            Err(_) => (error, None),
                        }
                    }
                    DocError::Parse(e) => (parse_error(e, locate, settings.max_depth), None),
                    DocError::Fatal(e) => return Err(e),
                };
                if policy.is_fail() {
                    return Err(error);
                }
                let doc_end = match doc_end {
                    Some(doc_end) => doc_end,
                    None if array.is_some() => return Err(error),
                    None => match memchr::memchr(b'\n', &window[doc_start..]) {
                        Some(i) => doc_start + i + 1,
                        None if !eof => return end(doc_start, true, false, taken),
                        None => window.len(),
                    },
                };
                policy.record(error, &window[doc_start..doc_end])?;
                pos = doc_end;
                if let Some(state) = array.as_mut() {
                    *state = ArrayState::Next;
                }
            }
        }
    }
}

/// Whether the input starts (after a byte order mark and whitespace) with `[`: the
/// top-level-array layout under [`InputFormat::Auto`].
pub(crate) fn starts_with_array(head: &[u8]) -> bool {
    let head = head.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(head);
    head.iter().find(|b| !b" \t\r\n".contains(b)) == Some(&b'[')
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
    loop {
        if settings.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Interrupted);
        }
        // Refill: keep the unconsumed tail, read a block (growing the buffer when one
        // document is larger than what is buffered).
        if start > 0 {
            base_line += count_lines(&buf[..start]);
            if let Some(p) = settings.progress {
                p.bytes.fetch_add(start as u64, Ordering::Relaxed);
            }
            buf.copy_within(start..filled, 0);
            filled -= start;
            start = 0;
        }
        if filled > settings.max_document_bytes {
            let at = Location {
                file: input.name.clone(),
                line: base_line,
                column: 1,
            };
            return Err(too_large(at, settings.max_document_bytes));
        }
        // What is left unconsumed is one incomplete document: grow by at least its size, so
        // that a long document is parsed again O(log n) times, not once per block, but never
        // much past the limit.
        let grow = filled.min(settings.max_document_bytes - filled);
        let want = filled + settings.block_bytes.max(grow);
        if buf.len() < want {
            buf.resize(want, 0);
        }
        filled = fill(&mut reader, &mut buf, filled, want, &mut eof, &input.name)?;
        if first_block {
            first_block = false;
            if buf[..filled].starts_with(&[0xef, 0xbb, 0xbf]) {
                start = 3;
            }
            if settings.format == InputFormat::Auto && starts_with_array(&buf[..filled]) {
                array = Some(ArrayState::Start);
            }
        }
        let window = &buf[..filled];
        let locator = Locator::new(&input.name, window, base_line);
        let locate = |offset: usize| locator.locate(offset);
        let got = parse_window(
            window, start, eof, &mut array, &locate, sink, policy, settings,
        )?;
        taken += got.taken;
        start = got.pos;
        if got.stopped || (eof && !got.need_more) {
            if let Some(p) = settings.progress {
                p.bytes.fetch_add(start as u64, Ordering::Relaxed);
            }
            return Ok(taken);
        }
    }
}

/// Reads into `buf[filled..want]` until it is full or the input ends; returns the new fill.
pub(crate) fn fill(
    reader: &mut dyn Read,
    buf: &mut [u8],
    mut filled: usize,
    want: usize,
    eof: &mut bool,
    name: &Arc<str>,
) -> Result<usize> {
    while filled < want {
        let n = match reader.read(&mut buf[filled..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Io {
                    path: PathBuf::from(&**name),
                    source: e,
                })
            }
        };
        if n == 0 {
            *eof = true;
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// A piece of one input that ends at a line end (or at the input's end), so that in
/// newline-delimited input it holds whole documents and can be parsed on its own.
pub(crate) struct Chunk {
    /// Index of the input it comes from.
    pub input: usize,
    pub data: Vec<u8>,
    /// Where parsing starts (past a byte order mark).
    pub start: usize,
    /// Line number of `data[0]`.
    pub base_line: u64,
    /// Whether the input ends with this chunk.
    pub last: bool,
}

/// Cuts inputs into [`Chunk`]s of about `chunk_bytes`, at line ends.
pub(crate) struct Chunker<'a> {
    inputs: &'a [Input],
    settings: &'a ReadSettings<'a>,
    chunk_bytes: usize,
    next_input: usize,
    reader: Option<Box<dyn Read + Send>>,
    carry: Vec<u8>,
    base_line: u64,
    first: bool,
}

impl<'a> Chunker<'a> {
    pub fn new(inputs: &'a [Input], settings: &'a ReadSettings<'a>, chunk_bytes: usize) -> Self {
        Chunker {
            inputs,
            settings,
            chunk_bytes,
            next_input: 0,
            reader: None,
            carry: Vec::new(),
            base_line: 1,
            first: true,
        }
    }

    /// The next chunk, or `None` after the last input.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        if self
            .settings
            .cancel
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(Error::Interrupted);
        }
        let input = loop {
            if self.reader.is_some() {
                break self.next_input - 1;
            }
            let Some(input) = self.inputs.get(self.next_input) else {
                return Ok(None);
            };
            self.reader = Some(input.open()?);
            self.next_input += 1;
            self.carry.clear();
            self.base_line = 1;
            self.first = true;
        };
        let name = &self.inputs[input].name;
        let mut data = std::mem::take(&mut self.carry);
        let mut eof = false;
        let mut searched = 0;
        let cut = loop {
            let filled = data.len();
            // A full chunk, or (one line longer than a chunk) another chunk's worth more.
            let want = if filled < self.chunk_bytes {
                self.chunk_bytes
            } else {
                filled + self.chunk_bytes
            };
            data.resize(want, 0);
            let reader = self.reader.as_mut().map(|r| &mut **r as &mut dyn Read);
            let filled = match reader {
                Some(r) => fill(r, &mut data, filled, want, &mut eof, name)?,
                None => filled,
            };
            data.truncate(filled);
            if eof {
                break None;
            }
            if let Some(i) = memchr::memrchr(b'\n', &data[searched..]) {
                break Some(searched + i + 1);
            }
            // One line longer than the chunk: read on, up to the document size limit.
            searched = data.len();
            if data.len() > self.settings.max_document_bytes {
                let at = Location {
                    file: name.clone(),
                    line: self.base_line,
                    column: 1,
                };
                return Err(too_large(at, self.settings.max_document_bytes));
            }
        };
        if let Some(cut) = cut {
            self.carry = data[cut..].to_vec();
            data.truncate(cut);
        } else {
            self.reader = None;
        }
        let start = if self.first && data.starts_with(&[0xef, 0xbb, 0xbf]) {
            3
        } else {
            0
        };
        self.first = false;
        let base_line = self.base_line;
        self.base_line += count_lines(&data);
        if let Some(p) = self.settings.progress {
            p.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        Ok(Some(Chunk {
            input,
            data,
            start,
            base_line,
            last: cut.is_none(),
        }))
    }
}

/// Whether every input can be cut at line ends and parsed in parallel: each must be
/// re-readable (a file, not standard input) in case the attempt must be redone sequentially,
/// and none may use the top-level-array layout.
pub(crate) fn chunkable(inputs: &[Input], format: InputFormat) -> Result<bool> {
    if format == InputFormat::Array {
        return Ok(false);
    }
    for input in inputs {
        if matches!(input.source, Source::Stdin) {
            return Ok(false);
        }
        if format == InputFormat::Auto {
            let mut head = vec![0u8; 1 << 12];
            let mut eof = false;
            let n = fill(
                &mut *input.open()?,
                &mut head,
                0,
                1 << 12,
                &mut eof,
                &input.name,
            )?;
            if starts_with_array(&head[..n]) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `locate` must give: lines and columns (in characters) counted from the start.
    fn naive(buf: &[u8], base_line: u64, offset: usize) -> (u64, u64) {
        let before = &buf[..offset];
        let line = base_line + before.iter().filter(|&&b| b == b'\n').count() as u64;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + before[start..]
            .iter()
            .filter(|&&b| (b & 0xc0) != 0x80)
            .count() as u64;
        (line, column)
    }

    #[test]
    fn locations_agree_with_counting_from_the_start_in_any_order() {
        let buf = "{\"a\":\"é\",\n\"bé\": [1,\n\n 2]}\n{\"😀\":1}".as_bytes();
        let name: Arc<str> = "f".into();
        let locator = Locator::new(&name, buf, 7);
        // Forward, backward and repeated offsets (the cursor only moves forward cheaply).
        let offsets: Vec<usize> = (0..=buf.len())
            .chain((0..=buf.len()).rev())
            .chain([3, 3, 20, 5, buf.len()])
            .collect();
        for offset in offsets {
            let at = locator.locate(offset);
            assert_eq!(
                (at.line, at.column),
                naive(buf, 7, offset),
                "offset {offset}"
            );
        }
    }
}
