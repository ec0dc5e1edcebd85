//! Which files an input names, and how their bytes are decoded: `-` is standard input,
//! arguments with `*`, `?` or `[` are globs (matches sorted), anything else must be an existing
//! file; gzip and zstd are recognised by their magic bytes, whatever the file is called.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::staged::StagedPath;

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

/// How many times the caller reads its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    /// One pass: a given schema, documents converted as they come.
    Once,
    /// Two passes: a schema inferred first, then the documents converted.
    Twice,
}

/// [`expand_inputs`] for a caller that reads them `passes` times: for two, standard input is
/// copied to a temporary file first ([`Input::spill_stdin`]), since a pipe can be read once
/// (a second pass over it would see no document and write an empty result).
pub fn open_inputs(args: &[String], passes: Passes) -> Result<Vec<Input>> {
    let mut inputs = expand_inputs(args)?;
    if passes == Passes::Twice {
        for input in &mut inputs {
            input.spill_stdin()?;
        }
    }
    Ok(inputs)
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
    /// Opens the input, decompressing gzip or zstd when its first bytes say so.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        Ok(self.open_sized()?.0)
    }

    /// [`Input::open`], with the number of bytes the reader will give when that is known
    /// beforehand: an uncompressed file's size (not standard input, not compressed data).
    pub fn open_sized(&self) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
        let file = |p: &Path| -> Result<(Box<dyn Read + Send>, PathBuf, Option<u64>)> {
            let f = File::open(p).map_err(|e| Error::io(p, e))?;
            let len = f.metadata().map_err(|e| Error::io(p, e))?.len();
            Ok((Box::new(f), p.to_path_buf(), Some(len)))
        };
        let (raw, path, len) = match self.path_on_disk() {
            None => (
                Box::new(std::io::stdin()) as Box<dyn Read + Send>,
                PathBuf::from("<stdin>"),
                None,
            ),
            Some(p) => file(p)?,
        };
        let mut reader = BufReader::with_capacity(1 << 16, raw);
        let head = reader.fill_buf().map_err(|e| Error::io(&path, e))?;
        Ok(match Compression::of(head) {
            Some(Compression::Gzip) => (Box::new(flate2::read::MultiGzDecoder::new(reader)), None),
            Some(Compression::Zstd) => {
                let decoder = zstd::stream::read::Decoder::with_buffer(reader)
                    .map_err(|e| Error::io(&path, e))?;
                (Box::new(decoder), None)
            }
            None => (Box::new(reader), len),
        })
    }

    /// The file's length on disk (compressed or not), `None` for standard input.
    pub(crate) fn len_on_disk(&self) -> Result<Option<u64>> {
        let Some(path) = self.path_on_disk() else {
            return Ok(None);
        };
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(Some(meta.len()))
    }

    /// Up to `len` bytes of the file from byte `start` on, when it is uncompressed (standard
    /// input and compressed data give `None`): documents further on, without reading up to
    /// them.
    pub(crate) fn window(&self, start: u64, len: usize) -> Result<Option<Vec<u8>>> {
        let Some(path) = self.path_on_disk() else {
            return Ok(None);
        };
        let io = |e| Error::io(path, e);
        let mut file = File::open(path).map_err(io)?;
        let mut head = Vec::with_capacity(4);
        (&mut file).take(4).read_to_end(&mut head).map_err(io)?;
        if Compression::of(&head).is_some() {
            return Ok(None);
        }
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut window = Vec::with_capacity(len);
        file.take(len as u64).read_to_end(&mut window).map_err(io)?;
        Ok(Some(window))
    }

    /// The file the input's bytes are read from: its own, or standard input's copy.
    fn path_on_disk(&self) -> Option<&Path> {
        match &self.source {
            Source::Stdin => None,
            Source::File(p) => Some(p),
            Source::Spilled(staged, _) => Some(staged.temp_path()),
        }
    }
}

/// The compressed formats an input is decoded from, recognised by their first bytes.
enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    fn of(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }
}
