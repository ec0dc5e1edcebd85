//! JNI entry points of the rustparquet Spark data source; each mirrors one `@native` method of
//! `org.rustparquet.spark.NativeWriter` (jvm/src/main/scala/org/rustparquet/spark/NativeWriter.scala).
//!
//! A task's `RustParquetOutputWriter` calls `open` once with the options and the Arrow IPC schema
//! message, then one `appendBytes` per batch of rows (never per row), then exactly one of `close`
//! or `abort`, which consume the handle. Handles carry their kind ([`handle`]): one of another
//! kind, or one already consumed, is refused with an exception. Output bytes flow back as the return values and the JVM
//! writes them to Spark's output stream. Bodies run inside [`guard::guard`]: errors and panics
//! become a pending `RustParquetException`.

mod arrow_file;
mod background;
mod dictionary;
mod error;
mod guard;
mod handle;
mod ipc;
mod jbytes;
mod options;
pub mod raw;
mod size_statistics;
mod stack;
mod variant;
mod writer;

use jni::objects::{JByteArray, JObject};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

pub use background::BackgroundWriter;
pub use error::{Error, Result};
pub use options::{parse_size_option, WriterOptions};
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

/// `parseSize(option: Array[Byte], value: Array[Byte]): Long`: a size option's value (`128m`,
/// `64MiB`, `1048576`) read by the core's one size parser; the JVM side parses no sizes itself.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_parseSize<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    option: JByteArray<'l>,
    value: JByteArray<'l>,
) -> jlong {
    guard(&mut env, |env| {
        let option = utf8_text(env, &option, "option name")?;
        let value = utf8_text(env, &value, &format!("option `{option}`"))?;
        let bytes = parse_size_option(&option, &value)?;
        // (sizes past 2^63 bytes are not sizes anyone means)
        jlong::try_from(bytes).map_err(|_| {
            Error::Core(rustparquet_core::Error::Options(format!(
                "option `{option}`: `{value}` is not a usable size"
            )))
        })
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
        let writer = stack::for_schema(depth, || TypedWriter::open(options, schema))?;
        Ok(handle::open(BackgroundWriter::start(writer)?))
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
        let bytes = jbytes::array_prefix(env, &ipc, length)?;
        let out = handle::with(handle, |writer: &mut BackgroundWriter| writer.append(bytes))?;
        jbytes::to_java(env, out)
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
        let writer = handle::take::<BackgroundWriter>(handle)?;
        jbytes::to_java(env, writer.finish()?)
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
        drop(handle::take::<BackgroundWriter>(handle)?);
        Ok(())
    })
}

// ---- the raw-JSON path (raw.rs) ----

use jni::objects::JIntArray;
use jni::sys::jlongArray;
use raw::{Batch, JsonInferrer, JsonWriter, RawOptions};

/// The documents of one batch, copied out of the JVM's arrays.
fn batch_arrays(
    env: &jni::Env<'_>,
    data: &JByteArray<'_>,
    ends: &JIntArray<'_>,
    count: jint,
) -> Result<(Vec<u8>, Vec<i32>)> {
    let count = usize::try_from(count)
        .ok()
        .filter(|c| *c <= ends.len(env).unwrap_or(0))
        .ok_or(Error::BadLength {
            capacity: ends.len(env).unwrap_or(0),
            len: i64::from(count),
        })?;
    let mut offsets = vec![0i32; count];
    ends.get_region(env, 0, &mut offsets)?;
    let length = offsets.last().copied().unwrap_or(0);
    let bytes = jbytes::array_prefix(env, data, length)?;
    Ok((bytes, offsets))
}

/// `openJson(options: Array[Byte]): Long`: a raw-JSON file writer (options: raw::RawOptions).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_openJson<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    options: JByteArray<'l>,
) -> jlong {
    guard(&mut env, |env| {
        let options = RawOptions::from_json(&env.convert_byte_array(&options)?)?;
        let depth = options.max_depth;
        let writer = stack::for_documents(depth, move || JsonWriter::open(options))?;
        Ok(handle::open(writer))
    })
}

/// `appendJson(handle, data, ends, count, firstRow): Array[Byte]`: documents
/// `data[ends(i-1) until ends(i)]` for `i < count`, the first being the task's row `firstRow`.
/// Returns Parquet bytes ready for the file, or null.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_appendJson<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
    data: JByteArray<'l>,
    ends: JIntArray<'l>,
    count: jint,
    first_row: jlong,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let (bytes, offsets) = batch_arrays(env, &data, &ends, count)?;
        let batch = Batch {
            data: &bytes,
            ends: &offsets,
            first_row,
        };
        let out = handle::with(handle, |writer: &mut JsonWriter| {
            stack::for_documents(writer.max_depth(), || writer.append(&batch))
        })?;
        jbytes::to_java(env, out)
    })
}

/// `takeBadRecords(handle): Array[Byte]`: JSON lines of the malformed documents met since the
/// last call (when bad records are kept), or null.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_takeBadRecords<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let bad = handle::with(handle, |writer: &mut JsonWriter| {
            Ok(writer.take_bad_records())
        })?;
        jbytes::to_java(env, bad)
    })
}

/// `jsonCounts(handle): Array[Long]`: documents written, blank rows skipped, malformed documents.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_jsonCounts<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) -> jlongArray {
    guard(&mut env, |env| {
        let counts = handle::with(handle, |writer: &mut JsonWriter| Ok(writer.counts()))?;
        let array = env.new_long_array(counts.len())?;
        array.set_region(env, 0, &counts)?;
        Ok(array.into_raw())
    })
}

/// `closeJson(handle): Array[Byte]`: last row group and footer; consumes the handle.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_closeJson<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let mut writer = handle::take::<JsonWriter>(handle)?;
        let out = stack::for_documents(writer.max_depth(), move || writer.finish())?;
        jbytes::to_java(env, out)
    })
}

/// `abortJson(handle): Unit`: frees the writer without finishing the file.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_abortJson<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) {
    guard(&mut env, |_env| {
        drop(handle::take::<JsonWriter>(handle)?);
        Ok(())
    })
}

/// `openInferrer(options: Array[Byte]): Long`: one partition's schema inference (options:
/// raw::RawOptions without a schema).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_openInferrer<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    options: JByteArray<'l>,
) -> jlong {
    guard(&mut env, |env| {
        let options = RawOptions::from_json(&env.convert_byte_array(&options)?)?;
        Ok(handle::open(JsonInferrer::open(&options)?))
    })
}

/// `inferJson(handle, data, ends, count, firstRow): Unit`: folds a batch into the inference.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_inferJson<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
    data: JByteArray<'l>,
    ends: JIntArray<'l>,
    count: jint,
    first_row: jlong,
) {
    guard(&mut env, |env| {
        let (bytes, offsets) = batch_arrays(env, &data, &ends, count)?;
        let batch = Batch {
            data: &bytes,
            ends: &offsets,
            first_row,
        };
        handle::with(handle, |inferrer: &mut JsonInferrer| {
            stack::for_documents(inferrer.max_depth(), || inferrer.add(&batch))
        })
    })
}

/// `finishInferrer(handle): Array[Byte]`: `{"schema":..,"documents":n,"bad":n,"blank":n}`;
/// consumes the handle.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_finishInferrer<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let inferrer = handle::take::<JsonInferrer>(handle)?;
        jbytes::to_java(env, inferrer.finish()?.into_bytes())
    })
}

/// `abortInferrer(handle): Unit`: frees an inference that will not finish.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_abortInferrer<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    handle: jlong,
) {
    guard(&mut env, |_env| {
        drop(handle::take::<JsonInferrer>(handle)?);
        Ok(())
    })
}

/// The text of a Java `byte[]` of UTF-8; `what` names it in the error.
fn utf8_text(env: &jni::Env<'_>, bytes: &JByteArray<'_>, what: &str) -> Result<String> {
    String::from_utf8(env.convert_byte_array(bytes)?)
        .map_err(|e| Error::Malformed(format!("{what}: not UTF-8: {e}")))
}

/// `parseSchema(text: Array[Byte]): Array[Byte]`: a schema written in any form that
/// `rustparquet convert --schema` takes (Spark DDL, Spark JSON, rustparquet JSON, ...), parsed
/// by the same core function, so `option("schema", ...)` accepts what the CLI accepts and means
/// the same Parquet schema; returned in rustparquet JSON.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_parseSchema<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    text: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let text = utf8_text(env, &text, "option `schema`")?;
        // Each `<` or `{` may open a level: a deep schema is parsed on the big stack.
        let levels = text.bytes().filter(|b| matches!(b, b'<' | b'{')).count();
        let schema = stack::for_schema(levels, || {
            Ok(rustparquet_core::schema::parse_any(
                &text,
                Some("(option schema)"),
            )?)
        })?;
        jbytes::to_java(env, schema.to_json_string().into_bytes())
    })
}

/// `sparkSchema(schema: Array[Byte]): Array[Byte]`: checks a schema (rustparquet JSON form) and
/// returns the Spark schema JSON its files carry.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_sparkSchema<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    schema: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let text = utf8_text(env, &schema, "schema")?;
        let schema =
            rustparquet_core::schema::Schema::from_json_str(&text, Some("(option schema)"))?;
        jbytes::to_java(env, raw::spark_schema_json(&schema).into_bytes())
    })
}

/// `mergeSchemas(a, b, options): Array[Byte]`: two partitions' inferred schemas merged by
/// the inference rules of the raw options document `options` (union mode, variant paths;
/// `rustparquet_core::infer::merge_schemas`), for the driver.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_rustparquet_spark_NativeWriter_mergeSchemas<'l>(
    mut env: EnvUnowned<'l>,
    _this: JObject<'l>,
    a: JByteArray<'l>,
    b: JByteArray<'l>,
    options: JByteArray<'l>,
) -> JByteArray<'l> {
    guard(&mut env, |env| {
        let a = utf8_text(env, &a, "schema")?;
        let b = utf8_text(env, &b, "schema")?;
        let options = raw::RawOptions::from_json(&env.convert_byte_array(&options)?)?;
        jbytes::to_java(env, raw::merge_schema_json(&a, &b, &options)?.into_bytes())
    })
}
