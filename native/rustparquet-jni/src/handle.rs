//! Native objects cross the JNI boundary as `jlong` handles: `Box::into_raw` when one is
//! opened, `Box::from_raw` exactly once when it is closed or aborted. The Scala side zeroes its
//! copy before that call, so a handle is never used after it is consumed, and passes each
//! handle only to the entry points of its own kind (a typed writer's to `append*`/`close`, a
//! JSON writer's to `*Json`, an inferrer's to `*Inferrer`).

use jni::sys::jlong;

use crate::error::{Error, Result};

pub fn into_jlong<T>(object: T) -> jlong {
    Box::into_raw(Box::new(object)) as jlong
}

/// Borrows the object behind a live handle for the duration of one call.
///
/// # Safety
/// `handle` must come from [`into_jlong`] with the same `T` and not have been passed to [`take`]
/// yet, and no other call may use it at the same time (one task thread owns each writer).
pub unsafe fn borrow<'a, T>(handle: jlong) -> Result<&'a mut T> {
    let ptr = handle as *mut T;
    // SAFETY: per the contract above the pointer is live and exclusively ours.
    unsafe { ptr.as_mut() }.ok_or(Error::NullHandle)
}

/// Takes the object back; dropping the box frees all of its native memory.
///
/// # Safety
/// As for [`borrow`]; the handle is dead afterwards.
pub unsafe fn take<T>(handle: jlong) -> Result<Box<T>> {
    let ptr = handle as *mut T;
    if ptr.is_null() {
        return Err(Error::NullHandle);
    }
    // SAFETY: per the contract above the pointer came from `Box::into_raw` and is live.
    Ok(unsafe { Box::from_raw(ptr) })
}
