package org.rustparquet.spark

import java.io.ByteArrayOutputStream
import java.nio.channels.Channels

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.ipc.ArrowStreamWriter
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.execution.arrow.ArrowWriter
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.rustparquet.SparkArrow

/**
 * Turns rows into Arrow IPC stream messages with Spark's own `ArrowWriter` (the code behind
 * `toPandas` and pandas UDFs), so the Arrow schema means exactly what Spark's types mean.
 * The stream's schema message is produced once ([[schemaMessage]]); each [[send]] encodes the
 * buffered rows as one record batch message into a reused heap buffer and hands it to Rust in one
 * JNI call, which copies it once into native memory (a direct buffer read in place was measured
 * no faster, docs/spark.md).
 */
private[spark] final class ArrowBatches(schema: StructType, timeZoneId: String)
  extends AutoCloseable {

  private[this] val allocator: BufferAllocator =
    SparkArrow.newAllocator("rustparquet writer")
  private[this] val root = VectorSchemaRoot.create(
    SparkArrow.toArrowSchema(schema, timeZoneId), allocator)
  private[this] val rowWriter = ArrowWriter.create(root)
  private[this] val sink = new IpcBuffer
  private[this] val stream = new ArrowStreamWriter(root, null, Channels.newChannel(sink))

  stream.start()

  /** The IPC schema message, sent to `NativeWriter.open`. */
  val schemaMessage: Array[Byte] = sink.drain()

  private[this] var buffered = 0

  /** Rows added since the last [[send]]. */
  def rows: Int = buffered

  def add(row: InternalRow): Unit = {
    rowWriter.write(row)
    buffered += 1
  }

  /** Encodes the buffered rows as one batch and appends it to the native writer. */
  def send(native: NativeWriter, handle: Long): Array[Byte] = {
    rowWriter.finish()
    stream.writeBatch()
    rowWriter.reset()
    buffered = 0
    val out = native.appendBytes(handle, sink.bytes, sink.size())
    sink.reset()
    out
  }

  override def close(): Unit = {
    try root.close()
    finally allocator.close()
  }
}

/** The IPC writer's output: a heap buffer reused from batch to batch. */
private final class IpcBuffer extends ByteArrayOutputStream(1 << 16) {
  /** The buffer itself; its first `size()` bytes are the messages written since the last reset. */
  def bytes: Array[Byte] = buf

  /** The bytes written so far, as their own array; the buffer is emptied. */
  def drain(): Array[Byte] = {
    val out = toByteArray
    reset()
    out
  }
}
