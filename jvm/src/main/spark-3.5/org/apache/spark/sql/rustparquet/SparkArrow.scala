package org.apache.spark.sql.rustparquet

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.types.pojo.Schema
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.util.ArrowUtils

/**
 * The two pieces of Spark's `private[sql]` ArrowUtils the rustparquet writer needs: Spark's own
 * Spark-to-Arrow schema mapping (so Arrow types mean what Spark's types mean) and its allocator.
 * Kept in Spark's package because of that visibility, and as small as possible (Spark 3.5 shim;
 * the Spark 4 one finds its `toArrowSchema` at run time).
 */
object SparkArrow {
  /** Spark's Arrow schema for `schema`: timestamps as microseconds in `timeZoneId`, no large types. */
  def toArrowSchema(schema: StructType, timeZoneId: String): Schema =
    ArrowUtils.toArrowSchema(schema, timeZoneId, true, false)

  /** A child of Spark's root Arrow allocator, closed by the caller. */
  def newAllocator(name: String): BufferAllocator =
    ArrowUtils.rootAllocator.newChildAllocator(name, 0, Long.MaxValue)
}
