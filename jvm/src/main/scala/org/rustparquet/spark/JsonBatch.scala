package org.rustparquet.spark

import org.apache.spark.unsafe.Platform
import org.apache.spark.unsafe.types.UTF8String

/**
 * A batch of documents for one JNI call: their UTF-8 bytes back to back in `data` and their end
 * offsets in `ends`. Arrays are reused from batch to batch and grow as needed.
 */
private[spark] final class JsonBatch(maxRows: Int, maxBytes: Int) {
  var data: Array[Byte] = new Array[Byte](math.min(maxBytes, 1 << 20) + 1024)
  var ends: Array[Int] = new Array[Int](math.min(maxRows, 1 << 16))
  var count = 0
  private var length = 0

  def add(doc: UTF8String): Unit = {
    val n = doc.numBytes()
    if (length + n > data.length) {
      val grown = math.max(data.length.toLong * 2, length.toLong + n)
      if (grown > Int.MaxValue - 16) throw new RustParquetException(s"a batch of documents outgrew 2 GiB")
      data = java.util.Arrays.copyOf(data, grown.toInt)
    }
    doc.writeToMemory(data, Platform.BYTE_ARRAY_OFFSET + length)
    length += n
    if (count == ends.length) ends = java.util.Arrays.copyOf(ends, ends.length * 2)
    ends(count) = length
    count += 1
  }

  def full: Boolean = count >= maxRows || length >= maxBytes

  def clear(): Unit = { count = 0; length = 0 }
}
