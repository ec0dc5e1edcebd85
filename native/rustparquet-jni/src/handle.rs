//! Native writers cross the JNI boundary as `jlong` handles: `Box::into_raw` when a writer is
//! opened, `Box::from_raw` exactly once when it is closed or aborted. The Scala side zeroes its
//! copy before that call, so a handle is never used after it is consumed.

use jni::sys::jlong;

use crate::error::{Error, Result};
use crate::writer::TypedWriter;

pub fn into_jlong(writer: TypedWriter) -> jlong {
    Box::into_raw(Box::new(writer)) as jlong
}

/// Borrows the writer behind a live handle for the duration of one call.
///
/// # Safety
/// `handle` must come from [`into_jlong`] and not have been passed to [`take`] yet, and no
/// other call may use it at the same time (one task thread owns each writer).
pub unsafe fn borrow<'a>(handle: jlong) -> Result<&'a mut TypedWriter> {
    let ptr = handle as *mut TypedWriter;
    // SAFETY: per the contract above the pointer is live and exclusively ours.
    unsafe { ptr.as_mut() }.ok_or(Error::NullHandle)
}

/// Takes the writer back; dropping the box frees all of its native memory.
///
/// # Safety
/// As for [`borrow`]; the handle is dead afterwards.
pub unsafe fn take(handle: jlong) -> Result<Box<TypedWriter>> {
    let ptr = handle as *mut TypedWriter;
    if ptr.is_null() {
        return Err(Error::NullHandle);
    }
    // SAFETY: per the contract above the pointer came from `Box::into_raw` and is live.
    Ok(unsafe { Box::from_raw(ptr) })
}
