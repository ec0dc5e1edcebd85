package org.rustparquet.spark

import java.nio.charset.StandardCharsets
import java.util.Locale

import com.fasterxml.jackson.databind.ObjectMapper
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.internal.SQLConf
import org.apache.spark.sql.types.{ArrayType, DataType, MapType, StructType}

/**
 * Options of the `rustparquet` source, read case-insensitively and resolved on the driver.
 * Names follow Spark's Parquet source where it has one (`compression`, `parquet.block.size`, ...).
 * Values are checked by the Rust side ([[NativeWriter.validateOptions]]) so both agree on them.
 */
private[spark] class RustParquetOptions(parameters: CaseInsensitiveMap[String], sqlConf: SQLConf)
  extends Serializable {
  import RustParquetOptions._

  def this(parameters: Map[String, String], sqlConf: SQLConf) =
    this(CaseInsensitiveMap(parameters), sqlConf)

  // `option("schema", None)` from Python arrives as a null value.
  parameters.originalMap.collectFirst { case (key, null) => key }.foreach { key =>
    throw new IllegalArgumentException(
      s"option `$key` has no value (null, or None from Python); give it a value or leave the option out")
  }

  private def first(keys: String*): Option[String] = keys.iterator.flatMap(k => parameters.get(k)).toSeq.headOption

  /**
   * The session's `spark.sql.caseSensitive`: when on, sibling names equal after case folding
   * (`a` and `A`) are written, as Spark's own Parquet writer does, and Spark reads them back.
   */
  val caseSensitive: Boolean = sqlConf.caseSensitiveAnalysis

  /** `compression`: snappy (default, or `spark.sql.parquet.compression.codec`), zstd, gzip, lz4, none. */
  val compression: String = first("compression")
    .getOrElse(sqlConf.getConfString("spark.sql.parquet.compression.codec", "snappy"))
    .toLowerCase(Locale.ROOT)

  /** `rowGroupSize` / `parquet.block.size`: row group bytes (default 128m); bounds native memory per file. */
  val rowGroupBytes: Option[Long] = first("rowGroupSize", "parquet.block.size").map(bytes("rowGroupSize", _))

  /** `pageSize` / `parquet.page.size`: data page bytes (default 1m). */
  val pageBytes: Option[Long] = first("pageSize", "parquet.page.size").map(bytes("pageSize", _))

  /** `dictionary` / `parquet.enable.dictionary`: dictionary encoding (default true). */
  val dictionary: Boolean = first("dictionary", "parquet.enable.dictionary").forall(boolean("dictionary", _))

  /**
   * `sizeStatistics`: write Parquet's size statistics (level histograms, unencoded byte-array
   * sizes) on the typed path; default: what this Spark line's own Parquet writer does (Spark 4
   * yes, Spark 3.5 no).
   */
  val sizeStatistics: Boolean =
    first("sizeStatistics").map(boolean("sizeStatistics", _)).getOrElse(ParquetLine.writesSizeStatistics)

  /** `bloomFilterColumns`: comma-separated dotted Parquet column paths that get a bloom filter. */
  val bloomFilterColumns: Seq[String] =
    first("bloomFilterColumns").toSeq.flatMap(_.split(",")).map(_.trim).filter(_.nonEmpty)

  /** `batchRows`: rows per Arrow batch handed to Rust in one JNI call (default 4096). */
  val batchRows: Int = first("batchRows").map { v =>
    val n = try v.trim.toInt catch { case _: NumberFormatException => 0 }
    if (n <= 0) throw new IllegalArgumentException(s"option `batchRows`: '$v' is not a positive integer")
    n
  }.getOrElse(DefaultBatchRows)

  /** `jsonColumn`: the string column holding one raw JSON document per row (the raw-JSON path). */
  val jsonColumn: Option[String] = first("jsonColumn")

  /** The raw path's options, when `jsonColumn` is set. */
  val raw: Option[RawJsonOptions] = jsonColumn.map(c => new RawJsonOptions(c, parameters))

  /** The file name extension Spark's Parquet writer would use for this codec. */
  def extension: String = compression match {
    case "none" | "uncompressed" => ".parquet"
    case "gzip" => ".gz.parquet"
    case "lz4" | "lz4_raw" => ".lz4raw.parquet"
    case other => s".$other.parquet"
  }

  /** The options document the native writer parses (native/rustparquet-jni/src/options.rs). */
  def toNativeJson(path: String, schema: StructType): Array[Byte] =
    Json.writeValueAsString(nativeOptions(path, Some(schema))).getBytes(StandardCharsets.UTF_8)

  /**
   * The file options as a map; `schema` is the Spark schema of a typed write (the raw path's
   * Spark schema is derived by the native side from the rustparquet schema).
   */
  def nativeOptions(path: String, schema: Option[StructType]): java.util.Map[String, Any] = {
    val doc = new java.util.LinkedHashMap[String, Any]()
    doc.put("path", path)
    doc.put("compression", compression)
    rowGroupBytes.foreach(v => doc.put("rowGroupBytes", v))
    pageBytes.foreach(v => doc.put("pageBytes", v))
    doc.put("dictionary", dictionary)
    doc.put("sizeStatistics", sizeStatistics)
    doc.put("bloomFilterColumns", java.util.Arrays.asList(bloomFilterColumns: _*))
    val metadata = new java.util.LinkedHashMap[String, String]()
    // What Spark's ParquetWriteSupport writes: the row schema, and the version that tells the
    // reader the dates and timestamps are proleptic Gregorian (no rebasing).
    schema.foreach(s => metadata.put(SparkRowMetadataKey, s.json))
    metadata.put(SparkVersionMetadataKey, org.apache.spark.SPARK_VERSION_SHORT)
    doc.put("keyValueMetadata", metadata)
    schema.foreach(s => doc.put("nestingDepth", nestingDepth(s)))
    if (caseSensitive) doc.put("caseSensitive", true)
    doc
  }
}

private[spark] object RustParquetOptions {
  val DefaultBatchRows = 4096
  val SparkRowMetadataKey = "org.apache.spark.sql.parquet.row.metadata"
  val SparkVersionMetadataKey = "org.apache.spark.version"

  private[spark] val Json = new ObjectMapper()

  /** Levels of nesting of the deepest column (1 for a flat schema), counted as the native side does. */
  def nestingDepth(schema: StructType): Int = (0 +: schema.fields.map(f => fieldDepth(f.dataType))).max

  private def fieldDepth(dataType: DataType): Int = 1 + (dataType match {
    case s: StructType => nestingDepth(s)
    case a: ArrayType => fieldDepth(a.elementType)
    case m: MapType => 1 + math.max(fieldDepth(m.keyType), fieldDepth(m.valueType))
    case _ => 0
  })

  /**
   * A size option's value (`128m`, `64MiB`, `1048576`), read by the core's one size parser
   * through JNI, so Spark and the CLI take the same sizes; a bad one is a [[RustParquetException]]
   * naming the option (``option `rowGroupSize`: `big` is not a size (e.g. 128m, ...)``).
   */
  private[spark] def bytes(option: String, value: String): Long =
    NativeWriter.loaded.parseSize(option.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))

  private def boolean(option: String, value: String): Boolean = value.trim.toLowerCase(Locale.ROOT) match {
    case "true" => true
    case "false" => false
    case _ => throw new IllegalArgumentException(s"option `$option`: '$value' is not true or false")
  }
}
