package org.rustparquet.spark

/**
 * An error raised by the native writer (thrown from Rust through JNI), or by the bridge about it.
 * The message is the Rust error's: it names the output file and, where it helps, the batch,
 * column or option concerned.
 */
class RustParquetException(message: String, cause: Throwable) extends RuntimeException(message, cause) {
  def this(message: String) = this(message, null)
}
