package org.rustparquet.spark

import org.apache.hadoop.fs.{FSDataOutputStream, Path}
import org.apache.hadoop.mapreduce.TaskAttemptContext
import org.apache.spark.{TaskContext, TaskKilledException}
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.execution.datasources.{OutputWriter, OutputWriterFactory}
import org.apache.spark.sql.types.StructType

/** Built on the driver, shipped to tasks: makes one [[RustParquetOutputWriter]] per output file. */
private[spark] class RustParquetOutputWriterFactory(options: RustParquetOptions, timeZoneId: String)
  extends OutputWriterFactory {

  override def getFileExtension(context: TaskAttemptContext): String = options.extension

  override def newInstance(path: String, dataSchema: StructType, context: TaskAttemptContext): OutputWriter =
    new RustParquetOutputWriter(path, dataSchema, context, options, timeZoneId)
}

/**
 * Writes one task attempt's file at the path Spark's commit protocol gives. Encoding happens in
 * Rust; this class only moves batches of rows in and Parquet bytes out to the Hadoop stream.
 * Spark calls `close()` on success and on failure alike (then discards the attempt's files); a
 * writer whose native side failed is aborted instead, and its partial file deleted.
 */
private[spark] final class RustParquetOutputWriter(
    val path: String,
    schema: StructType,
    context: TaskAttemptContext,
    options: RustParquetOptions,
    timeZoneId: String) extends OutputWriter {

  private[this] val native = NativeWriter.loaded
  private[this] val file = new Path(path)
  private[this] val out: FSDataOutputStream =
    file.getFileSystem(context.getConfiguration).create(file, false)
  private[this] val batches =
    try new ArrowBatches(schema, timeZoneId, options.transfer)
    catch { case e: Throwable => out.close(); throw e }
  private[this] var handle: Long =
    try native.open(options.toNativeJson(path, schema), batches.schemaMessage)
    catch { case e: Throwable => batches.close(); out.close(); throw e }
  private[this] var failed = false

  override def write(row: InternalRow): Unit = {
    try {
      batches.add(row)
      if (batches.rows >= options.batchRows) emit(batches.send(native, handle))
    } catch {
      // A half-added row or half-written batch: the file cannot be finished, only discarded.
      case e: Throwable => failed = true; throw e
    }
  }

  private def emit(bytes: Array[Byte]): Unit = if (bytes != null) out.write(bytes)

  override def close(): Unit = if (handle != 0) {
    val h = handle
    handle = 0 // close and abort both consume it
    // A killed task (a cancelled job, the losing copy of a speculative task) would only encode
    // the rest of its row group for a file Spark throws away: discard it instead, and make sure
    // this attempt cannot commit (TaskKilledException) now that its file is gone.
    val task = Option(TaskContext.get())
    if (task.exists(_.isInterrupted())) failed = true
    var consumed = false
    try {
      if (!failed) {
        if (batches.rows > 0) emit(batches.send(native, h))
        consumed = true // native close consumes the handle even when it fails
        emit(native.close(h))
        out.close()
      }
    } catch {
      case e: Throwable => failed = true; throw e
    } finally {
      try if (failed) discard(h, consumed)
      finally batches.close()
    }
    if (task.exists(_.isInterrupted())) {
      throw new TaskKilledException(s"interrupted while closing $path; the file was discarded")
    }
  }

  /** Frees the native writer (unless already consumed) and deletes the partial file. */
  private def discard(h: Long, consumed: Boolean): Unit = {
    try if (!consumed) native.abort(h)
    finally {
      try out.close()
      catch { case _: java.io.IOException => () }
      file.getFileSystem(context.getConfiguration).delete(file, false)
    }
  }
}
