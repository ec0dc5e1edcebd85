package org.rustparquet.spark

import org.apache.spark.sql.types.{DataType, VariantType}

/**
 * Types one Spark line has and the other lacks (Spark 4 shim): Spark 4's `VARIANT`, which the
 * typed path writes as a Parquet `VARIANT(1)` group (native/rustparquet-jni/src/variant.rs).
 */
private[spark] object SparkTypes {
  def isVariant(dataType: DataType): Boolean = dataType == VariantType

  /** Whether this Spark has a VARIANT type (and reads Parquet VARIANT groups). */
  val hasVariant: Boolean = true
}
