//! One parse instead of two, for the drivers that infer a schema and then read with it
//! ([`crate::convert`], [`crate::to_arrow::read_table`]). Inference is a full pass over the
//! input before the conversion pass; when the schema of the first documents is already the
//! whole input's, that pass is wasted. [`try_one_parse`] infers from the first
//! [`SETTLE_SAMPLE_DOCUMENTS`] documents and, when that schema is the same as that of a first
//! look at fewer (it has stopped growing) and
//! [`settled`](crate::infer::settled) (the map and variant rules cannot change it), runs the
//! driver's pass against it strictly (any bad document stops it): if every document fits,
//! that schema is the one full inference gives, so the result is the two-pass result. At the
//! first document that does not fit (a new key, a new type, a bad document) the attempt ends
//! and leaves nothing (the drivers' outputs are staged), and the caller runs its two passes
//! under the user's options: results, errors and findings are always those of the two-pass
//! run; only the time differs.

use std::sync::atomic::Ordering;

use crate::convert::{infer_schema, ConvertOptions};
use crate::error::{Error, Result};
use crate::infer::settled;
use crate::input::{BadRecordPolicy, Input, OnError};
use crate::schema::Schema;

/// The documents the schema is first inferred from.
pub const SETTLE_SAMPLE_DOCUMENTS: u64 = 1_000;

/// The documents of a first look, whose schema must be settled already and the same as that
/// of the [`SETTLE_SAMPLE_DOCUMENTS`] (an input with maps shows one early, a drifting one grows
/// between the two; inferring both costs about 1% of a run).
const FIRST_LOOK_DOCUMENTS: u64 = 200;

/// Runs `pass` (the driver's pass with a schema and options) in one parse if the first
/// documents' schema is settled: `Some` with its result, or `None` when the caller must infer
/// and run its pass itself (a schema or a sample given; not settled; a document that does not
/// fit). Interruption and I/O errors end the run as they are. `inputs` must be readable again
/// (opened for two passes).
pub(crate) fn try_one_parse<T>(
    inputs: &[Input],
    options: &ConvertOptions,
    pass: impl FnOnce(&Schema, &ConvertOptions) -> Result<T>,
) -> Result<Option<T>> {
    if options.schema.is_some() || options.sample.is_some() {
        return Ok(None);
    }
    // The schema of the first `documents`, if settled.
    let look = |documents: u64| -> Result<Option<Schema>> {
        let sampling = ConvertOptions {
            on_error: OnError::Fail,
            sample: Some(documents),
            ..options.clone()
        };
        match infer_schema(inputs, &sampling) {
            Ok(schema) => Ok(Some(schema).filter(|s| settled(s, &options.infer))),
            Err(Error::Interrupted) => Err(Error::Interrupted),
            // A bad document among the first ones: the two passes report or set it aside.
            Err(_) => Ok(None),
        }
    };
    // A first look at fewer documents turns most unsettled inputs away for little, and a
    // schema that still grows after it is likely to grow again later: an attempt that fails
    // costs the work done until then (up to a chunk per thread), so neither is tried.
    let Some(early) = look(FIRST_LOOK_DOCUMENTS)? else {
        return Ok(None);
    };
    let Some(first) = look(SETTLE_SAMPLE_DOCUMENTS)?.filter(|s| *s == early) else {
        return Ok(None);
    };
    let strict = ConvertOptions {
        on_error: OnError::Fail,
        ..options.clone()
    };
    match pass(&first, &strict) {
        Ok(result) => {
            // No bad document: the user's policy leaves what it leaves for none (empty
            // quarantine files), as in the two-pass run.
            BadRecordPolicy::new(&options.on_error)?.finish()?;
            Ok(Some(result))
        }
        Err(e @ (Error::Interrupted | Error::Io { .. })) => Err(e),
        Err(_) => {
            // What the attempt counted is read again.
            if let Some(progress) = &options.progress {
                progress.bytes.store(0, Ordering::Relaxed);
                progress.documents.store(0, Ordering::Relaxed);
            }
            Ok(None)
        }
    }
}
