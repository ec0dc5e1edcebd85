package org.rustparquet.spark

import org.apache.hadoop.mapreduce.TaskAttemptContext
import org.apache.spark.TaskContext
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.execution.datasources.{OutputWriter, OutputWriterFactory}
import org.apache.spark.sql.types.StructType
import org.apache.spark.util.{LongAccumulator, SerializableConfiguration}

/**
 * Built on the driver, shipped to tasks: one [[RawJsonOutputWriter]] per output file. A task
 * attempt's files (a partitioned write opens several) share one [[RawJsonTask]], kept here:
 * each task deserializes its own factory, and the attempt id keys it all the same.
 */
private[spark] class RawJsonOutputWriterFactory(
    options: RustParquetOptions,
    raw: RawJsonOptions,
    schema: String,
    malformed: LongAccumulator,
    hadoopConf: SerializableConfiguration) extends OutputWriterFactory {

  @transient private[this] lazy val tasks = new java.util.HashMap[java.lang.Long, RawJsonTask]()

  override def getFileExtension(context: TaskAttemptContext): String = options.extension

  override def newInstance(path: String, dataSchema: StructType, context: TaskAttemptContext): OutputWriter =
    new RawJsonOutputWriter(path, dataSchema.fieldIndex(raw.jsonColumn), context, options, raw, schema, malformed,
      task())

  /** This task attempt's state, created (with its completion listeners) at its first file. */
  private def task(): RawJsonTask = tasks.synchronized {
    val ctx = TaskContext.get()
    val id: java.lang.Long = ctx.taskAttemptId()
    val existing = tasks.get(id)
    if (existing != null) existing
    else {
      val state = new RawJsonTask(ctx.partitionId(), new BadRecords(raw, ctx.partitionId(), ctx.attemptNumber(),
        hadoopConf))
      tasks.put(id, state)
      // Failure listeners run before completion listeners.
      ctx.addTaskFailureListener((_: TaskContext, _: Throwable) => state.badRecords.fail())
      ctx.addTaskCompletionListener[Unit] { c =>
        tasks.synchronized(tasks.remove(id))
        if (c.isInterrupted()) state.badRecords.fail()
        state.badRecords.complete()
      }
      state
    }
  }
}

/**
 * What one task attempt of a raw write shares between its files: the row counter behind the
 * positions in messages, and its bad records.
 */
private[spark] final class RawJsonTask(val partition: Int, val badRecords: BadRecords) {
  var rows = 0L
  var nulls = 0L
}

/**
 * Writes one task attempt's file from raw JSON documents: rows' document bytes are batched
 * ([[JsonBatch]]: `batchRows` documents or `batchBytes` bytes per JNI call) and shredded and
 * encoded in Rust; the file's life is [[NativeFileWriter]]'s. Malformed documents are counted
 * for the driver once the file is complete.
 */
private[spark] final class RawJsonOutputWriter(
    path: String,
    column: Int,
    context: TaskAttemptContext,
    options: RustParquetOptions,
    raw: RawJsonOptions,
    schema: String,
    malformed: LongAccumulator,
    task: RawJsonTask) extends NativeFileWriter(path, context) {

  private[this] val handle: Long =
    opening(native.openJson(raw.nativeJson(options.nativeOptions(path, None), Some(schema), task.partition)))
  private[this] val batch = new JsonBatch(options.batchRows, raw.batchBytes)
  private[this] var firstRow = 0L
  private[this] var malformedHere = 0L

  override def write(row: InternalRow): Unit = step {
    if (row.isNullAt(column)) task.nulls += 1
    else {
      if (batch.count == 0) firstRow = task.rows
      batch.add(row.getUTF8String(column))
      if (batch.full) send()
    }
    task.rows += 1
  }

  private def send(): Unit = {
    val bytes = native.appendJson(handle, batch.data, batch.ends, batch.count, firstRow)
    batch.clear()
    emit(bytes)
    if (raw.badRecordsPath.isDefined) {
      val bad = native.takeBadRecords(handle)
      if (bad != null) task.badRecords.keep(bad)
    }
  }

  override protected def flush(): Unit = if (batch.count > 0) send()

  override protected def finishNative(): Array[Byte] = {
    try malformedHere = native.jsonCounts(handle)(2)
    catch { case e: Throwable => native.abortJson(handle); throw e }
    native.closeJson(handle)
  }

  override protected def abortNative(): Unit = native.abortJson(handle)

  override protected def completed(): Unit = malformed.add(malformedHere)
}
