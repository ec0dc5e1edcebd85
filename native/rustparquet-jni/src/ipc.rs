//! The few Arrow IPC stream messages the Scala side sends, decoded without a stream decoder:
//! one schema message at open, then record batch messages (Spark's `ArrowWriter` never makes
//! dictionary batches). Each message is `0xFFFFFFFF`, a little-endian length, a flatbuffer
//! `Message`, then its body.
//!
//! The schema flatbuffer nests two tables per level of Spark nesting, so it is verified with a
//! depth limit that admits the ~200 levels Spark can plan (the flatbuffers default, 64, stops at
//! about 30); record batch messages are flat and pass any limit. Bodies are sliced from
//! the caller's buffer, so decoding a borrowed buffer copies nothing.

use std::collections::HashMap;
use std::ops::Range;

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_ipc::convert::try_fb_to_schema;
use arrow_ipc::reader::read_record_batch;
use arrow_ipc::{root_as_message_with_opts, Message, MessageHeader};
use arrow_schema::{ArrowError, Schema, SchemaRef};
use flatbuffers::VerifierOptions;

const CONTINUATION: [u8; 4] = [0xff; 4];

/// Flatbuffer depth allowed in a message: about 250 levels of nesting in the schema.
const SCHEMA_MAX_DEPTH: usize = 1024;

/// The message starting at byte `at` of `bytes`, and the byte range of its body.
fn message_at(bytes: &[u8], at: usize) -> Result<(Message<'_>, Range<usize>), ArrowError> {
    let truncated = || ArrowError::IpcError(format!("truncated IPC message at byte {at}"));
    let word = |i: usize| -> Result<[u8; 4], ArrowError> {
        bytes
            .get(i..i + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .ok_or_else(truncated)
    };
    let mut pos = at;
    if word(pos)? == CONTINUATION {
        pos += 4;
    }
    let len = u32::from_le_bytes(word(pos)?) as usize;
    pos += 4;
    let flatbuffer = bytes.get(pos..pos + len).ok_or_else(truncated)?;
    let message = root_as_message_with_opts(&verifier_options(), flatbuffer)
        .map_err(|e| ArrowError::IpcError(format!("invalid IPC message at byte {at}: {e}")))?;
    let body_len = usize::try_from(message.bodyLength()).map_err(|_| truncated())?;
    let start = pos + len;
    let body = start..start.checked_add(body_len).ok_or_else(truncated)?;
    if body.end > bytes.len() {
        return Err(truncated());
    }
    Ok((message, body))
}

fn verifier_options() -> VerifierOptions {
    VerifierOptions {
        max_depth: SCHEMA_MAX_DEPTH,
        ..VerifierOptions::default()
    }
}

/// The schema carried by the stream's first message.
pub fn read_schema(bytes: &[u8]) -> Result<Schema, ArrowError> {
    let (message, _) = message_at(bytes, 0)?;
    let schema = message
        .header_as_schema()
        .ok_or_else(|| ArrowError::IpcError("the first IPC message is not a schema".into()))?;
    try_fb_to_schema(schema)
}

/// The record batches of the messages in `buffer`, in order; decoding stops at the first error.
pub fn batches<'a>(
    buffer: &'a Buffer,
    schema: &'a SchemaRef,
) -> impl Iterator<Item = Result<RecordBatch, ArrowError>> + 'a {
    let no_dictionaries = HashMap::new();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= buffer.len() {
            return None;
        }
        let decoded = message_at(buffer, at).and_then(|(message, body)| {
            at = body.end;
            let header = match message.header_type() {
                MessageHeader::RecordBatch => message.header_as_record_batch(),
                _ => None,
            }
            .ok_or_else(|| {
                ArrowError::IpcError(format!(
                    "expected a record batch message, found {:?}",
                    message.header_type()
                ))
            })?;
            read_record_batch(
                &buffer.slice_with_length(body.start, body.len()),
                header,
                schema.clone(),
                &no_dictionaries,
                None,
                &message.version(),
            )
        });
        if decoded.is_err() {
            at = buffer.len();
        }
        Some(decoded)
    })
}
