package org.rustparquet.spark

import org.apache.spark.sql.types.DataType

/**
 * Types one Spark line has and the other lacks (Spark 3.5 shim): Spark 3.5 has no `VARIANT`.
 */
private[spark] object SparkTypes {
  def isVariant(dataType: DataType): Boolean = false

  /** Whether this Spark has a VARIANT type (and reads Parquet VARIANT groups). */
  val hasVariant: Boolean = false
}
