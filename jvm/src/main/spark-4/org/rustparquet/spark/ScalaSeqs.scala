package org.rustparquet.spark

/**
 * `Seq` as Scala 2.13 means it (`scala.collection.immutable.Seq`), from either JVM form Spark may
 * pass to [[RustParquetSource]] (Spark 4 shim).
 */
private[spark] object ScalaSeqs {
  def fromCollection[A](s: scala.collection.Seq[A]): Seq[A] = s.toSeq
  def fromImmutable[A](s: scala.collection.immutable.Seq[A]): Seq[A] = s
}
