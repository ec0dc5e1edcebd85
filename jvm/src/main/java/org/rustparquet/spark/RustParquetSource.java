package org.rustparquet.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The class registered for {@code rustparquet} in META-INF/services, i.e. the provider Spark
 * instantiates. Spark's ServiceLoader instantiates <em>every</em> registered source whenever any
 * source is looked up, so a class here that fails to load on some Spark breaks {@code read.parquet}
 * and every other source of that session. This class therefore loads on any Spark and Scala: it is
 * Java (no Scala-version-specific supertype, no constructor call into Scala traits), and each method
 * that does work first checks that the running Spark is the one this jar was built for
 * ({@link SparkTarget}, a per-version shim), then delegates to {@link RustParquetDataSource}. On the
 * wrong Spark, using {@code rustparquet} fails with one message naming the right jar.
 *
 * <p>Scala 2.12 and 2.13 compile {@code Seq} parameters to different JVM types, so the methods
 * taking one exist in both forms: whichever Spark calls, it reaches the check.
 */
public final class RustParquetSource
    implements FileFormat, CreatableRelationProvider, DataSourceRegister, java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** The implementation, made only after the version check (its classes are Scala-version-bound). */
  private transient RustParquetDataSource delegate;

  private RustParquetDataSource delegate() {
    requireBuiltForRunningSpark();
    if (delegate == null) {
      delegate = new RustParquetDataSource();
    }
    return delegate;
  }

  @Override
  public String shortName() {
    return "rustparquet";
  }

  @Override
  public String toString() {
    return "RustParquet";
  }

  @Override
  public int hashCode() {
    return getClass().hashCode();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RustParquetSource;
  }

  @Override
  public BaseRelation createRelation(
      SQLContext sqlContext,
      SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters,
      Dataset<Row> data) {
    return delegate().createRelation(sqlContext, mode, parameters, data);
  }

  @Override
  public OutputWriterFactory prepareWrite(
      SparkSession sparkSession,
      Job job,
      scala.collection.immutable.Map<String, String> options,
      StructType dataSchema) {
    return delegate().prepareWrite(sparkSession, job, options, dataSchema);
  }

  @Override
  public boolean supportDataType(DataType dataType) {
    return delegate().supportDataType(dataType);
  }

  /**
   * Spark 4's `CreatableRelationProvider.supportsDataType`, checked by `DataSource.planForWriting`
   * before the write: its default refuses VARIANT, which the typed path writes. The same answer as
   * the file format's. (Spark 3.5 has no such method: there this is an ordinary one.)
   */
  public boolean supportsDataType(DataType dataType) {
    return delegate().supportDataType(dataType);
  }

  // Scala 2.12's Seq (scala.collection.Seq).
  public scala.Option<StructType> inferSchema(
      SparkSession sparkSession,
      scala.collection.immutable.Map<String, String> options,
      scala.collection.Seq<FileStatus> files) {
    return delegate().inferSchema(sparkSession, options, ScalaSeqs.fromCollection(files));
  }

  // Scala 2.13's Seq (scala.collection.immutable.Seq).
  public scala.Option<StructType> inferSchema(
      SparkSession sparkSession,
      scala.collection.immutable.Map<String, String> options,
      scala.collection.immutable.Seq<FileStatus> files) {
    return delegate().inferSchema(sparkSession, options, ScalaSeqs.fromImmutable(files));
  }

  @Override
  public boolean isSplitable(
      SparkSession sparkSession, scala.collection.immutable.Map<String, String> options, Path path) {
    return delegate().isSplitable(sparkSession, options, path);
  }

  @Override
  public boolean supportBatch(SparkSession sparkSession, StructType dataSchema) {
    return delegate().supportBatch(sparkSession, dataSchema);
  }

  // Raw Option: its element is a Seq, whose JVM type depends on the Scala version.
  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public scala.Option vectorTypes(StructType requiredSchema, StructType partitionSchema, SQLConf sqlConf) {
    return delegate().vectorTypes(requiredSchema, partitionSchema, sqlConf);
  }

  // Scala 2.12's Seq.
  public scala.Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> buildReaderWithPartitionValues(
      SparkSession sparkSession,
      StructType dataSchema,
      StructType partitionSchema,
      StructType requiredSchema,
      scala.collection.Seq<Filter> filters,
      scala.collection.immutable.Map<String, String> options,
      Configuration hadoopConf) {
    return delegate().buildReaderWithPartitionValues(
        sparkSession, dataSchema, partitionSchema, requiredSchema, ScalaSeqs.fromCollection(filters), options,
        hadoopConf);
  }

  // Scala 2.13's Seq.
  public scala.Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> buildReaderWithPartitionValues(
      SparkSession sparkSession,
      StructType dataSchema,
      StructType partitionSchema,
      StructType requiredSchema,
      scala.collection.immutable.Seq<Filter> filters,
      scala.collection.immutable.Map<String, String> options,
      Configuration hadoopConf) {
    return delegate().buildReaderWithPartitionValues(
        sparkSession, dataSchema, partitionSchema, requiredSchema, ScalaSeqs.fromImmutable(filters), options,
        hadoopConf);
  }

  // ------------------------------------------------------------------------------------------
  // The version check

  /** Null when the running Spark is the one this jar is for; else the message (computed once). */
  private static volatile String mismatch;
  private static volatile boolean checked;

  /**
   * Fails with one clear message when the running Spark or Scala is not what this jar was built
   * for. Reads both versions by reflection, so the check itself links on any Spark and Scala.
   */
  static void requireBuiltForRunningSpark() {
    if (!checked) {
      mismatch = mismatchWith(runningSparkVersion(), runningScalaVersion());
      checked = true;
    }
    if (mismatch != null) {
      throw new UnsupportedOperationException(mismatch);
    }
  }

  /** The message for a session running `spark` on `scala`, or null when this jar fits it. */
  static String mismatchWith(String spark, String scala) {
    boolean sparkFits = spark.equals(SparkTarget.SPARK_LINE) || spark.startsWith(SparkTarget.SPARK_LINE + ".");
    boolean scalaFits = scala.equals(SparkTarget.SCALA_BINARY) || scala.startsWith(SparkTarget.SCALA_BINARY + ".");
    if (sparkFits && scalaFits) {
      return null;
    }
    return "rustparquet: this jar (" + SparkTarget.JAR + ") is built for Spark " + SparkTarget.SPARK_LINE
        + ".x on Scala " + SparkTarget.SCALA_BINARY + ", but this session runs Spark " + spark + " on Scala "
        + scala + ". Use the jar built for it: rustparquet-spark-3.5_2.12 for Spark 3.5 (Scala 2.12), "
        + "rustparquet-spark-4_2.13 for Spark 4.x (Scala 2.13).";
  }

  private static String runningSparkVersion() {
    // `org.apache.spark.SPARK_VERSION`, a val of Spark's package object (the same on 3.x and 4.x).
    return staticString("org.apache.spark.package", "SPARK_VERSION");
  }

  private static String runningScalaVersion() {
    return staticString("scala.util.Properties", "versionNumberString");
  }

  private static String staticString(String className, String method) {
    try {
      Object value = Class.forName(className).getMethod(method).invoke(null);
      return String.valueOf(value);
    } catch (ReflectiveOperationException | LinkageError e) {
      return "unknown (" + className + "." + method + ": " + e + ")";
    }
  }
}
