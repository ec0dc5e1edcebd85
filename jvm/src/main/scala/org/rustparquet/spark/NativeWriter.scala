package org.rustparquet.spark

/**
 * Every native method of the Rust writer (native/rustparquet-jni/src/lib.rs), one JNI call each.
 * Options travel as UTF-8 JSON (see [[RustParquetOptions.toNativeJson]]); batches as Arrow IPC
 * stream messages. Handles are owned by one task thread; `close` or `abort` consumes a handle,
 * and exactly one of them must be called once. A handle carries its kind (typed writer, raw JSON
 * writer, schema inferrer): one passed to another kind's method, or used after it was consumed,
 * is refused with a [[RustParquetException]], as are all native errors.
 */
private[spark] class NativeWriter {

  /** Checks the options (codec names, sizes) without opening anything; throws if invalid. */
  @native def validateOptions(options: Array[Byte]): Unit

  /**
   * Reads a size option's value (`128m`, `64MiB`, `512KB`, `1048576`) with the core's one size
   * parser (`rustparquet_core::options::parse_size`); both arguments UTF-8. Throws a
   * [[RustParquetException]] naming `option` when the value is not a size.
   */
  @native def parseSize(option: Array[Byte], value: Array[Byte]): Long

  /**
   * Opens a writer for one file.
   * @param options   the options JSON, including the file's path (for messages) and footer metadata
   * @param schemaIpc the Arrow IPC stream's schema message
   * @return the writer handle
   */
  @native def open(options: Array[Byte], schemaIpc: Array[Byte]): Long

  /**
   * Appends the record batch messages in `ipc(0 until length)` (copied once into native memory).
   * @return Parquet bytes ready for the file (a flushed row group), or null if there are none yet
   */
  @native def appendBytes(handle: Long, ipc: Array[Byte], length: Int): Array[Byte]

  /** Flushes the open row group and writes the footer; returns the file's last bytes. Consumes the handle. */
  @native def close(handle: Long): Array[Byte]

  /** Frees the writer without finishing the file. Consumes the handle. */
  @native def abort(handle: Long): Unit

  // ---- the raw-JSON path (native/rustparquet-jni/src/raw.rs) ----

  /** Opens a raw-JSON file writer; `options` is the raw options JSON ([[RawJsonOptions.nativeJson]]). */
  @native def openJson(options: Array[Byte]): Long

  /**
   * Shreds documents `data(ends(i - 1) until ends(i))` for `i < count` (the first is the task's
   * row `firstRow`). Malformed ones follow the mode (FAILFAST throws).
   * @return Parquet bytes ready for the file, or null
   */
  @native def appendJson(handle: Long, data: Array[Byte], ends: Array[Int], count: Int, firstRow: Long): Array[Byte]

  /** JSON lines of the malformed documents met since the last call (when kept), or null. */
  @native def takeBadRecords(handle: Long): Array[Byte]

  /** Documents written, blank rows skipped, malformed documents. */
  @native def jsonCounts(handle: Long): Array[Long]

  /** Last row group and footer; returns the file's last bytes. Consumes the handle. */
  @native def closeJson(handle: Long): Array[Byte]

  /** Frees a raw-JSON writer without finishing its file. Consumes the handle. */
  @native def abortJson(handle: Long): Unit

  /** Starts one partition's schema inference. */
  @native def openInferrer(options: Array[Byte]): Long

  /** Folds a batch of documents (as for [[appendJson]]) into the inference. */
  @native def inferJson(handle: Long, data: Array[Byte], ends: Array[Int], count: Int, firstRow: Long): Unit

  /** `{"schema": .., "documents": n, "bad": n, "blank": n}`. Consumes the handle. */
  @native def finishInferrer(handle: Long): Array[Byte]

  /** Frees an inference that will not finish. Consumes the handle. */
  @native def abortInferrer(handle: Long): Unit

  /**
   * Merges two partitions' schemas (rustparquet JSON) by the inference rules of `options` (the
   * raw options JSON, [[RawJsonOptions.nativeJson]]: its `unionMode` and `variantPaths`).
   */
  @native def mergeSchemas(a: Array[Byte], b: Array[Byte], options: Array[Byte]): Array[Byte]

  /**
   * Parses a schema written in any form `rustparquet convert --schema` takes (Spark DDL, Spark
   * JSON, rustparquet JSON, ...) with the core's parser; returns it in rustparquet JSON.
   */
  @native def parseSchema(text: Array[Byte]): Array[Byte]

  /** Checks a schema (rustparquet JSON) and returns the Spark schema JSON its files carry. */
  @native def sparkSchema(schema: Array[Byte]): Array[Byte]
}

private[spark] object NativeWriter {
  /** The writer, once the native library is loaded in this JVM. */
  lazy val loaded: NativeWriter = {
    NativeLoader.load()
    new NativeWriter
  }
}
