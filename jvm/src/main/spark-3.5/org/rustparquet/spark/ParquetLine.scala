package org.rustparquet.spark

/** What the Parquet writer of this Spark line writes (Spark 3.5 shim). */
private[spark] object ParquetLine {
  /**
   * Whether Spark's own Parquet writer writes Parquet's size statistics (level histograms and
   * unencoded byte-array sizes): Spark 3.5 ships parquet-mr 1.13, which neither writes nor reads them.
   */
  val writesSizeStatistics: Boolean = false
}
