package org.rustparquet.spark

import org.apache.hadoop.fs.{FSDataOutputStream, Path}
import org.apache.hadoop.mapreduce.TaskAttemptContext
import org.apache.spark.{TaskContext, TaskKilledException}
import org.apache.spark.sql.execution.datasources.OutputWriter

/**
 * The life of one task attempt's file, shared by both output writers ([[RustParquetOutputWriter]]
 * for typed rows, [[RawJsonOutputWriter]] for raw JSON documents): the Hadoop stream at the path
 * Spark's commit protocol gives, Parquet bytes from the native writer written to it as they come,
 * and one `close` that either finishes the file or discards it.
 *
 * Spark calls `close()` on success and on failure alike (then discards the attempt's files). A
 * writer whose native side failed (a half-added row, a half-written batch) is aborted instead
 * and its partial file deleted. A killed task (a cancelled job, the losing copy of a speculative
 * task) would only encode the rest of its row group for a file Spark throws away: it is
 * discarded too, and `close` throws `TaskKilledException` so that attempt cannot commit.
 */
private[spark] abstract class NativeFileWriter(val path: String, context: TaskAttemptContext) extends OutputWriter {

  protected final val native: NativeWriter = NativeWriter.loaded
  private[this] val file = new Path(path)
  private[this] val out: FSDataOutputStream = file.getFileSystem(context.getConfiguration).create(file, false)
  private[this] var closed = false
  private[this] var failed = false

  /** Sends the rows or documents still buffered to the native writer (its handle still open). */
  protected def flush(): Unit

  /** Finishes the native file and returns its last bytes; consumes the handle even when it fails. */
  protected def finishNative(): Array[Byte]

  /** Frees the native writer without finishing the file; consumes the handle. */
  protected def abortNative(): Unit

  /** Runs after the file is complete and closed. */
  protected def completed(): Unit = ()

  /** Frees what the writer holds on the JVM side; runs last, whatever happened. */
  protected def release(): Unit = ()

  /** Opens something the writer needs; if that fails, the stream opened for it is closed. */
  protected final def opening[T](open: => T): T =
    try open
    catch {
      case e: Throwable =>
        try out.close() catch { case _: java.io.IOException => () }
        throw e
    }

  /** Runs a step of writing; if it fails, the file can only be discarded. */
  protected final def step[T](work: => T): T =
    try work
    catch { case e: Throwable => failed = true; throw e }

  /** Writes the native writer's output, if it has any yet, to the file. */
  protected final def emit(bytes: Array[Byte]): Unit = if (bytes != null) out.write(bytes)

  override final def close(): Unit = if (!closed) {
    closed = true
    val task = Option(TaskContext.get())
    if (task.exists(_.isInterrupted())) failed = true
    var consumed = false
    try {
      if (!failed) {
        flush()
        consumed = true
        emit(finishNative())
        out.close()
        completed()
      }
    } catch {
      case e: Throwable => failed = true; throw e
    } finally {
      try if (failed) discard(consumed)
      finally release()
    }
    if (task.exists(_.isInterrupted())) {
      throw new TaskKilledException(s"interrupted while closing $path; the file was discarded")
    }
  }

  /** Frees the native writer (unless already consumed) and deletes the partial file. */
  private def discard(consumed: Boolean): Unit = {
    try if (!consumed) abortNative()
    finally {
      try out.close()
      catch { case _: java.io.IOException => () }
      file.getFileSystem(context.getConfiguration).delete(file, false)
    }
  }
}
