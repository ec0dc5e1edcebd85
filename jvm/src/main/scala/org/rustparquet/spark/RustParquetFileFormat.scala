package org.rustparquet.spark

import java.util.Locale

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FileStatus, Path}
import org.apache.hadoop.mapreduce.Job
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.util.CharVarcharUtils
import org.apache.spark.sql.execution.datasources.{FileFormat, OutputWriterFactory, PartitionedFile}
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat
import org.apache.spark.sql.rustparquet.SparkAccumulators
import org.apache.spark.sql.sources.Filter
import org.apache.spark.util.SerializableConfiguration
import org.apache.spark.sql.types._
import org.apache.spark.sql.vectorized.ColumnarBatch

/**
 * The `rustparquet` file format (registered as `rustparquet` through [[RustParquetDataSource]]).
 * Writes go through Spark's `FileFormatWriter` (save modes, `partitionBy`, `maxRecordsPerFile`,
 * the commit protocol) into [[RustParquetOutputWriter]]s (typed rows) or
 * [[RawJsonOutputWriter]]s (`jsonColumn`: raw JSON documents); reads are Spark's own Parquet
 * reader, since the files are plain Parquet.
 */
class RustParquetFileFormat extends FileFormat with Serializable {

  private def parquet = new ParquetFileFormat

  override def toString: String = "RustParquet"

  override def hashCode(): Int = getClass.hashCode()

  override def equals(other: Any): Boolean = other.isInstanceOf[RustParquetFileFormat]

  override def inferSchema(
      sparkSession: SparkSession,
      options: Map[String, String],
      files: Seq[FileStatus]): Option[StructType] =
    parquet.inferSchema(sparkSession, options, files)

  override def prepareWrite(
      sparkSession: SparkSession,
      job: Job,
      options: Map[String, String],
      declaredSchema: StructType): OutputWriterFactory = {
    // CHAR(n) / VARCHAR(n) columns hold strings (Spark has padded and checked them); the files
    // say string, with Spark's own metadata keeping the declared type, as Spark's Parquet writes.
    val dataSchema = CharVarcharUtils.replaceCharVarcharWithStringInSchema(declaredSchema)
    val conf = sparkSession.sessionState.conf
    if (!conf.caseSensitiveAnalysis) RustParquetFileFormat.checkNames(dataSchema)
    val given = new RustParquetOptions(options, conf)
    // Checked by the native side on the driver, so a bad value fails before any task starts. A
    // driver on another platform than the executors (no library for it) leaves this to the tasks.
    def validate(rustOptions: RustParquetOptions, schema: Option[StructType]): Unit = if (NativeLoader.available) {
      NativeWriter.loaded.validateOptions(
        RustParquetOptions.Json.writeValueAsBytes(rustOptions.nativeOptions("(options)", schema)))
    }
    // Raw when the front resolved the documents' schema, or for a streaming query's micro-batch
    // of documents (Spark's file sink comes here without the front). Inserts into a table
    // (INSERT, insertInto) come here without the front, with the table's stored options: rows of
    // the table's schema, also for a table made from raw JSON (whose options keep `jsonColumn`).
    val raw = given.raw.flatMap { raw =>
      val resolved =
        if (raw.resolvedSchema.isDefined) Some(given)
        else if (RawJsonWrite.isStreamingDocuments(sparkSession, raw, dataSchema)) {
          Some(new RustParquetOptions(options ++ RawJsonWrite.forStream(sparkSession, raw).options, conf))
        } else None
      for (file <- resolved; raw <- file.raw; schema <- raw.resolvedSchema) yield (file, raw, schema)
    }
    raw match {
      case Some((rustOptions, raw, schema)) =>
        raw.checkColumns(dataSchema, Nil)
        // The counter the front end registered ([[RawJsonWrite]]) when there is one.
        val malformed = raw.malformedCounterId.flatMap(SparkAccumulators.long)
          .getOrElse(sparkSession.sparkContext.longAccumulator("rustparquet malformed documents"))
        validate(rustOptions, None)
        new RawJsonOutputWriterFactory(rustOptions, raw, schema, malformed,
          new SerializableConfiguration(job.getConfiguration))
      case None =>
        validate(given, Some(dataSchema))
        new RustParquetOutputWriterFactory(given, conf.sessionLocalTimeZone)
    }
  }

  override def supportDataType(dataType: DataType): Boolean = RustParquetFileFormat.supported(dataType)

  override def isSplitable(sparkSession: SparkSession, options: Map[String, String], path: Path): Boolean =
    parquet.isSplitable(sparkSession, options, path)

  override def supportBatch(sparkSession: SparkSession, dataSchema: StructType): Boolean =
    parquet.supportBatch(sparkSession, dataSchema)

  override def vectorTypes(
      requiredSchema: StructType,
      partitionSchema: StructType,
      sqlConf: org.apache.spark.sql.internal.SQLConf): Option[Seq[String]] =
    parquet.vectorTypes(requiredSchema, partitionSchema, sqlConf)

  override def buildReaderWithPartitionValues(
      sparkSession: SparkSession,
      dataSchema: StructType,
      partitionSchema: StructType,
      requiredSchema: StructType,
      filters: Seq[Filter],
      options: Map[String, String],
      hadoopConf: Configuration): PartitionedFile => Iterator[InternalRow] =
    parquet.buildReaderWithPartitionValues(
      sparkSession, dataSchema, partitionSchema, requiredSchema, filters, options, hadoopConf)
}

private[spark] object RustParquetFileFormat {

  /** The Spark types the typed path writes, as Spark's Parquet writer would (intervals and UDTs are not). */
  def supported(dataType: DataType): Boolean = dataType match {
    case BooleanType | ByteType | ShortType | IntegerType | LongType | FloatType | DoubleType => true
    case BinaryType | DateType | TimestampType | TimestampNTZType => true
    // Written as strings, as Spark's Parquet source does (Spark pads and checks the lengths).
    case _: CharType | _: VarcharType => true
    // Every StringType: Spark 4's collated strings (a StringType with a collation) are strings in
    // the file, the collation kept in the Spark schema of the footer, as Spark's writer does.
    case _: StringType => true
    case _: DecimalType => true
    // Spark 4's VARIANT: a Parquet VARIANT(1) group {metadata, value}, as Spark 4.1+ writes it.
    case t if SparkTypes.isVariant(t) => true
    case s: StructType => s.fields.nonEmpty && s.fields.forall(f => supported(f.dataType))
    case a: ArrayType => supported(a.elementType)
    case m: MapType => supported(m.keyType) && supported(m.valueType)
    case _ => false
  }

  /**
   * Sibling names equal after case folding make the file unreadable for a case-insensitive
   * session (Spark's default): refuse them early. A `spark.sql.caseSensitive` session skips this.
   */
  def checkNames(schema: StructType): Unit = checkStruct("the root", schema)

  private def checkStruct(where: String, struct: StructType): Unit = {
    struct.fields.groupBy(_.name.toLowerCase(Locale.ROOT)).values.find(_.length > 1).foreach { same =>
      throw new RustParquetException(
        s"fields ${same.map(f => s"`${f.name}`").mkString(" and ")} under $where differ only in case; " +
          "Spark cannot read such a file back in a case-insensitive session (rename one, or set spark.sql.caseSensitive)")
    }
    struct.fields.foreach(f => checkType(if (where == "the root") f.name else s"$where.${f.name}", f.dataType))
  }

  private def checkType(path: String, dataType: DataType): Unit = dataType match {
    case s: StructType => checkStruct(path, s)
    case a: ArrayType => checkType(path, a.elementType)
    case m: MapType => checkType(path, m.keyType); checkType(path, m.valueType)
    case _ => ()
  }
}
