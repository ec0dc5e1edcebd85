package org.apache.spark.sql.rustparquet

import org.apache.spark.util.{AccumulatorContext, LongAccumulator}

/**
 * Spark's registry of the driver's live accumulators (`private[spark]`), by id: how a write's
 * file format finds the counter its front end registered, with only the id in the write's
 * options. Kept in Spark's package because of that visibility, and as small as possible.
 */
object SparkAccumulators {
  /** The registered `LongAccumulator` with this id, if it is still alive. */
  def long(id: Long): Option[LongAccumulator] = AccumulatorContext.get(id).collect { case a: LongAccumulator => a }
}
