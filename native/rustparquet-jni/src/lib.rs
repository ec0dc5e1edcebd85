//! JNI entry points of the rustparquet Spark data source; each mirrors one `@native` method of
//! `org.rustparquet.spark.NativeWriter` (jvm/src/main/scala/org/rustparquet/spark/NativeWriter.scala).
//!
//! A task's `RustParquetOutputWriter` calls `open` once with the options and the Arrow IPC schema
//! message, then one `append*` per batch of rows (never per row), then exactly one of `close` or
//! `abort`, which consume the handle. Output bytes flow back as the return values and the JVM
//! writes them to Spark's output stream. Bodies run inside [`guard::guard`]: errors and panics
//! become a pending `RustParquetException`.

mod error;
mod guard;
mod handle;
mod ipc;
mod jbytes;
mod options;
mod stack;
mod writer;

use jni::objects::{JByteArray, JByteBuffer, JObject};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

pub use error::{Error, Result};
pub use options::WriterOptions;
pub use writer::TypedWriter;

use guard::guard;

/// `validateOptions(options: Array[Byte]): Unit`: checks the options JSON on the driver.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_validateOptions<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    options: JByteArray<'l>,
) {
    guard(&mut env, |env| {
        WriterOptions::from_json(&env.convert_byte_array(&options)?)?;
        Ok(())
    })
}

/// `open(options: Array[Byte], schemaIpc: Array[Byte]): Long`: a new file's writer handle.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_open<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    options: JByteArray<'l>,
    schema_ipc: JByteArray<'l>,
) -> jlong {
    guard(&mut env, |env| {
        let options = WriterOptions::from_json(&env.convert_byte_array(&options)?)?;
        let schema = env.convert_byte_array(&schema_ipc)?;
        let depth = options.nesting_depth.unwrap_or(usize::MAX);
        let writer = stack::for_depth(depth, || TypedWriter::open(options, schema))?;
        Ok(handle::into_jlong(writer))
    })
}

/// `appendBytes(handle: Long, ipc: Array[Byte], length: Int): Array[Byte]`: the first `length`
/// bytes of `ipc` are record batch messages; they are copied once into native memory.
/// Returns the Parquet bytes ready to be written, or null when there are none yet.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_appendBytes<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
    ipc: JByteArray<'l>,
    length: jint,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        // SAFETY: the Scala writer owns the handle and calls from one thread at a time.
        let writer = unsafe { handle::borrow(handle) }?;
        let bytes = jbytes::array_prefix(env, &ipc, length)?;
        let depth = writer.depth();
        jbytes::to_java(env, stack::for_depth(depth, || writer.append_owned(bytes))?)
    })
}

/// `appendDirect(handle: Long, ipc: ByteBuffer, length: Int): Array[Byte]`: as `appendBytes`,
/// but the batch is read in place from a direct `ByteBuffer` (no copy).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_appendDirect<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
    ipc: JByteBuffer<'l>,
    length: jint,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        // SAFETY: as in appendBytes.
        let writer = unsafe { handle::borrow(handle) }?;
        let written = match jbytes::direct_prefix(env, &ipc, length)? {
            Some(lent) => {
                let depth = writer.depth();
                stack::for_depth(depth, move || {
                    let lent = lent;
                    // SAFETY: the JVM keeps `ipc` (a local reference) alive and unchanged until
                    // this native call returns, which waits for the work to finish.
                    unsafe { writer.append_borrowed(lent.ptr, lent.len) }
                })?
            }
            None => Vec::new(),
        };
        jbytes::to_java(env, written)
    })
}

/// `close(handle: Long): Array[Byte]`: writes the footer and frees the writer; returns the
/// file's remaining bytes. Consumes the handle even when it fails.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_close<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        // SAFETY: the Scala writer zeroed its copy; this is the handle's last use.
        let writer = unsafe { handle::take(handle) }?;
        let depth = writer.depth();
        jbytes::to_java(env, stack::for_depth(depth, move || writer.finish())?)
    })
}

/// `abort(handle: Long): Unit`: frees the writer without finishing the file (the JVM deletes it).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_abort<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) {
    guard(&mut env, |_env| {
        // SAFETY: as in close.
        drop(unsafe { handle::take(handle) }?);
        Ok(())
    })
}
