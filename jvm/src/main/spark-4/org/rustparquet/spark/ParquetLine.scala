package org.rustparquet.spark

/** What the Parquet writer of this Spark line writes (Spark 4 shim). */
private[spark] object ParquetLine {
  /**
   * Whether Spark's own Parquet writer writes Parquet's size statistics (level histograms and
   * unencoded byte-array sizes): Spark 4 ships parquet-mr 1.15, which writes them (from 1.14 on).
   */
  val writesSizeStatistics: Boolean = true
}
