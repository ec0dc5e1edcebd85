package org.rustparquet.spark;

/** What this build is for (Spark 3.5 shim): checked by {@link RustParquetSource} before any use. */
final class SparkTarget {
  private SparkTarget() {}

  /** The running Spark's version must be this or start with it and a dot. */
  static final String SPARK_LINE = "3.5";
  static final String SCALA_BINARY = "2.12";
  static final String JAR = "rustparquet-spark-3.5_2.12";
}
