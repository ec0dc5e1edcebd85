package org.rustparquet.spark

import org.apache.hadoop.mapreduce.TaskAttemptContext
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
 * Writes one task attempt's file from typed rows: rows become Arrow batches ([[ArrowBatches]],
 * `batchRows` rows per JNI call) that Rust encodes; the file's life is [[NativeFileWriter]]'s.
 */
private[spark] final class RustParquetOutputWriter(
    path: String,
    schema: StructType,
    context: TaskAttemptContext,
    options: RustParquetOptions,
    timeZoneId: String) extends NativeFileWriter(path, context) {

  private[this] val batches = opening(new ArrowBatches(schema, timeZoneId))
  private[this] val handle: Long = opening {
    try native.open(options.toNativeJson(path, schema), batches.schemaMessage)
    catch { case e: Throwable => batches.close(); throw e }
  }

  override def write(row: InternalRow): Unit = step {
    batches.add(row)
    if (batches.rows >= options.batchRows) emit(batches.send(native, handle))
  }

  override protected def flush(): Unit = if (batches.rows > 0) emit(batches.send(native, handle))

  override protected def finishNative(): Array[Byte] = native.close(handle)

  override protected def abortNative(): Unit = native.abort(handle)

  override protected def release(): Unit = batches.close()
}
