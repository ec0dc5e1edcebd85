package org.rustparquet.spark

import java.nio.ByteBuffer

/**
 * Every native method of the Rust writer (native/rustparquet-jni/src/lib.rs), one JNI call each.
 * Options travel as UTF-8 JSON (see [[RustParquetOptions.toNativeJson]]); batches as Arrow IPC
 * stream messages. Handles are owned by one task thread; `close` or `abort` consumes a handle,
 * and exactly one of them must be called once. Errors arrive as [[RustParquetException]].
 */
private[spark] class NativeWriter {

  /** Checks the options (codec names, sizes) without opening anything; throws if invalid. */
  @native def validateOptions(options: Array[Byte]): Unit

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

  /** As [[appendBytes]], reading `length` bytes in place from a direct buffer (no copy). */
  @native def appendDirect(handle: Long, ipc: ByteBuffer, length: Int): Array[Byte]

  /** Flushes the open row group and writes the footer; returns the file's last bytes. Consumes the handle. */
  @native def close(handle: Long): Array[Byte]

  /** Frees the writer without finishing the file. Consumes the handle. */
  @native def abort(handle: Long): Unit
}

private[spark] object NativeWriter {
  /** The writer, once the native library is loaded in this JVM. */
  lazy val loaded: NativeWriter = {
    NativeLoader.load()
    new NativeWriter
  }
}
