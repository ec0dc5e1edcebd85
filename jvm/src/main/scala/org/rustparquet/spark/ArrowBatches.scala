package org.rustparquet.spark

import java.io.ByteArrayOutputStream
import java.nio.ByteBuffer
import java.nio.channels.{Channels, WritableByteChannel}

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
 * buffered rows as one record batch message and hands it to Rust in one JNI call.
 */
private[spark] final class ArrowBatches(schema: StructType, timeZoneId: String, transfer: String)
  extends AutoCloseable {

  private[this] val allocator: BufferAllocator =
    SparkArrow.newAllocator("rustparquet writer")
  private[this] val root = VectorSchemaRoot.create(
    SparkArrow.toArrowSchema(schema, timeZoneId), allocator)
  private[this] val rowWriter = ArrowWriter.create(root)
  private[this] val sink: IpcSink = if (transfer == "bytes") new ByteArraySink else new DirectSink
  private[this] val stream = new ArrowStreamWriter(root, null, sink.channel)

  stream.start()

  /** The IPC schema message, sent to `NativeWriter.open`. */
  val schemaMessage: Array[Byte] = sink.drainToArray()

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
    sink.sendTo(native, handle)
  }

  override def close(): Unit = {
    try root.close()
    finally allocator.close()
  }
}

/** Where the IPC writer puts its bytes, and how they cross to Rust. */
private sealed trait IpcSink {
  def channel: WritableByteChannel
  /** Appends the bytes written since the last call to the native writer, then forgets them. */
  def sendTo(native: NativeWriter, handle: Long): Array[Byte]
  def drainToArray(): Array[Byte]
}

/** Heap bytes: the batch is copied once into native memory by `appendBytes`. */
private final class ByteArraySink extends ByteArrayOutputStream(1 << 16) with IpcSink {
  override val channel: WritableByteChannel = Channels.newChannel(this)

  override def sendTo(native: NativeWriter, handle: Long): Array[Byte] = {
    val out = native.appendBytes(handle, buf, count)
    reset()
    out
  }

  override def drainToArray(): Array[Byte] = {
    val bytes = toByteArray
    reset()
    bytes
  }
}

/** A direct buffer, read in place by `appendDirect` (grown by doubling, reused across batches). */
private final class DirectSink extends WritableByteChannel with IpcSink {
  private[this] var buffer = ByteBuffer.allocateDirect(1 << 16)

  override val channel: WritableByteChannel = this

  override def write(src: ByteBuffer): Int = {
    val n = src.remaining()
    if (buffer.remaining() < n) {
      var capacity = buffer.capacity().toLong * 2
      while (capacity - buffer.position() < n) capacity *= 2
      if (capacity > Int.MaxValue) throw new RustParquetException(s"an Arrow batch exceeds 2 GiB; lower option `batchRows`")
      val grown = ByteBuffer.allocateDirect(capacity.toInt)
      buffer.flip()
      grown.put(buffer)
      buffer = grown
    }
    buffer.put(src)
    n
  }

  override def isOpen: Boolean = true

  override def close(): Unit = ()

  override def sendTo(native: NativeWriter, handle: Long): Array[Byte] = {
    val out = native.appendDirect(handle, buffer, buffer.position())
    buffer.clear()
    out
  }

  override def drainToArray(): Array[Byte] = {
    val bytes = new Array[Byte](buffer.position())
    buffer.flip()
    buffer.get(bytes)
    buffer.clear()
    bytes
  }
}
