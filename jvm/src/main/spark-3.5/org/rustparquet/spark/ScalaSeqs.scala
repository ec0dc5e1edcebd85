package org.rustparquet.spark

/**
 * `Seq` as Scala 2.12 means it (`scala.collection.Seq`), from either JVM form Spark may pass to
 * [[RustParquetSource]] (Spark 3.5 shim).
 */
private[spark] object ScalaSeqs {
  def fromCollection[A](s: scala.collection.Seq[A]): Seq[A] = s
  def fromImmutable[A](s: scala.collection.immutable.Seq[A]): Seq[A] = s
}
