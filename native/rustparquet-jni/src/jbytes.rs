//! Bytes across the JNI boundary: a prefix of a Java `byte[]` copied into a `Vec`, and Rust
//! bytes returned as a new Java `byte[]`.

use jni::objects::JByteArray;
use jni::sys::jint;
use jni::Env;

use crate::error::{Error, Result};

/// `length` checked against what is available.
fn checked(length: jint, available: usize) -> Result<usize> {
    usize::try_from(length)
        .ok()
        .filter(|len| *len <= available)
        .ok_or(Error::BadLength {
            capacity: available,
            len: i64::from(length),
        })
}

/// A copy of the first `length` bytes of `array`.
pub fn array_prefix(env: &Env<'_>, array: &JByteArray<'_>, length: jint) -> Result<Vec<u8>> {
    let len = checked(length, array.len(env)?)?;
    let mut bytes = vec![0i8; len];
    array.get_region(env, 0, &mut bytes)?;
    // jbyte is i8; reinterpreting the vector as u8 keeps its allocation (same size and alignment).
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    // SAFETY: i8 and u8 have identical layout; ptr, len and capacity come from a live Vec.
    Ok(unsafe {
        Vec::from_raw_parts(
            bytes.as_mut_ptr().cast::<u8>(),
            bytes.len(),
            bytes.capacity(),
        )
    })
}

/// `bytes` as a new Java `byte[]`, or null when empty (nothing to write yet).
pub fn to_java<'l>(env: &mut Env<'l>, bytes: Vec<u8>) -> Result<JByteArray<'l>> {
    if bytes.is_empty() {
        return Ok(JByteArray::default());
    }
    Ok(env.byte_array_from_slice(&bytes)?)
}
