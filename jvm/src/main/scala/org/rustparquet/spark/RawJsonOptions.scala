package org.rustparquet.spark

import java.nio.charset.StandardCharsets
import java.util.Locale

import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.types.{StringType, StructType}

/**
 * Options of the raw-JSON path (`option("jsonColumn", ...)`), Spark's JSON vocabulary where it
 * has one: `mode` (FAILFAST, the default here, DROPMALFORMED, PERMISSIVE), `badRecordsPath`,
 * `columnNameOfCorruptRecord`, `schema`; plus `schemaMatch`, `fieldOrder`, `unionMode` (alias
 * `unions`), `variant`, `maxDepth`, `batchBytes`. Also the
 * two values the driver resolves for the tasks ([[resolvedSchema]], [[badRecordsDir]]), which
 * travel to them as options of the write like any other.
 */
private[spark] class RawJsonOptions(val jsonColumn: String, parameters: CaseInsensitiveMap[String])
  extends Serializable {
  import RawJsonOptions._

  val mode: String = parameters.get("mode").map(_.trim.toUpperCase(Locale.ROOT)).getOrElse("FAILFAST")
  if (!Modes.contains(mode)) {
    throw new IllegalArgumentException(s"option `mode`: '$mode' is not one of ${Modes.mkString(", ")}")
  }

  val corruptColumn: String = parameters.getOrElse("columnNameOfCorruptRecord", "_corrupt_record")

  val badRecordsPath: Option[String] = parameters.get("badRecordsPath").filter(_.nonEmpty)

  /**
   * `schema`: the documents' schema in any form `rustparquet convert --schema` takes (Spark DDL,
   * Spark JSON, rustparquet JSON as `rustparquet schema` prints it, ...); inferred by a
   * distributed pass when absent.
   */
  val schemaText: Option[String] = parameters.get("schema").filter(_.trim.nonEmpty)

  /**
   * `schemaMatch`: how documents meet a given `schema`: `lenient` (default, Spark's JSON reader's
   * rule: keys the schema lacks are ignored, a string column takes any value as JSON text, a
   * field whose value has another type is null and the document counts as malformed, kept in
   * PERMISSIVE) or `strict` (either makes the whole document malformed). An inferred schema fits
   * every document, and is met strictly.
   */
  val schemaMatch: String = parameters.get("schemaMatch").map(_.trim.toLowerCase(Locale.ROOT)).getOrElse("lenient")
  if (!SchemaMatches.contains(schemaMatch)) {
    throw new IllegalArgumentException(
      s"option `schemaMatch`: '$schemaMatch' is not one of ${SchemaMatches.mkString(", ")}")
  }

  /**
   * `fieldOrder`: the order of an inferred schema's fields: `name` (default: sorted by name at
   * every level, as Spark's JSON inference orders them) or `document` (the order the documents
   * first show them in). A given schema keeps its own order.
   */
  val fieldOrder: String = parameters.get("fieldOrder").map(_.trim.toLowerCase(Locale.ROOT)).getOrElse("name")
  if (!FieldOrders.contains(fieldOrder)) {
    throw new IllegalArgumentException(
      s"option `fieldOrder`: '$fieldOrder' is not one of ${FieldOrders.mkString(", ")}")
  }

  /**
   * `unionMode` (or `unions`, as the CLI's `--unions`): union (default), string, variant or
   * error, for fields seen with several JSON types. `variant` writes such a field as a Parquet
   * `VARIANT` (Spark 4 reads it as `VARIANT`).
   */
  val unionMode: String = {
    val given = Seq("unionMode", "unions").flatMap(k => parameters.get(k).map(v => k -> v.trim.toLowerCase(Locale.ROOT)))
    if (given.map(_._2).distinct.length > 1) {
      throw new IllegalArgumentException(
        s"options `unionMode` ('${given.head._2}') and `unions` ('${given(1)._2}') disagree; give one of them")
    }
    given.headOption.map(_._2).getOrElse("union")
  }
  if (!UnionModes.contains(unionMode)) {
    throw new IllegalArgumentException(
      s"option `unionMode`: '$unionMode' is not one of ${UnionModes.mkString(", ")}")
  }

  /**
   * `variant`: comma-separated paths (as `rustparquet convert --variant` takes them: `payload`,
   * `runs[].attrs`) whose values the inferred schema writes as Parquet `VARIANT`s, whatever
   * types they were seen with; `$` is the whole document as one variant column `document`.
   */
  val variantPaths: Seq[String] =
    parameters.get("variant").toSeq.flatMap(_.split(",")).map(_.trim).filter(_.nonEmpty).distinct
  if (variantPaths.nonEmpty && schemaText.isDefined) {
    throw new IllegalArgumentException(
      "option `variant` names paths of an inferred schema; with option `schema`, declare those fields " +
        "VARIANT in the schema instead (e.g. `payload VARIANT`)")
  }
  if (variantPaths.contains(WholeDocument) && mode == "PERMISSIVE") {
    throw new IllegalArgumentException(
      "option `variant`: '$' (the whole document as one VARIANT column) leaves no column for mode PERMISSIVE " +
        "to keep a malformed document in; use mode DROPMALFORMED (with badRecordsPath to keep them) or FAILFAST")
  }

  /** `maxDepth`: deepest document nesting accepted (deeper ones are malformed documents). */
  val maxDepth: Int = parameters.get("maxDepth").map { v =>
    val n = try v.trim.toInt catch { case _: NumberFormatException => 0 }
    if (n < 1 || n > MaxDepth) {
      throw new IllegalArgumentException(s"option `maxDepth`: '$v' is not a depth from 1 to $MaxDepth")
    }
    n
  }.getOrElse(DefaultMaxDepth)

  /** `batchBytes`: documents' bytes per JNI call (default 4m; a batch also ends at `batchRows`). */
  val batchBytes: Int = parameters.get("batchBytes")
    .map(v => math.min(RustParquetOptions.bytes("batchBytes", v), 1L << 30).toInt)
    .getOrElse(4 << 20)

  /** The schema resolved on the driver (rustparquet JSON), carried to the tasks as an option. */
  def resolvedSchema: Option[String] = parameters.get(ResolvedSchemaKey)

  /** The directory of this write's bad records, chosen on the driver. */
  def badRecordsDir: Option[String] = parameters.get(BadRecordsDirKey)

  /** The id of the driver's malformed-document counter of this write (a Spark accumulator). */
  def malformedCounterId: Option[Long] = parameters.get(MalformedCounterKey).map(_.toLong)

  /** The options document of [[NativeWriter.openJson]] / [[NativeWriter.openInferrer]]. */
  def nativeJson(file: java.util.Map[String, Any], schema: Option[String], partition: Int): Array[Byte] = {
    val doc = new java.util.LinkedHashMap[String, Any]()
    doc.put("writer", file)
    schema.foreach(s => doc.put("schema", s)) // as text: the core parses deep schemas itself
    doc.put("mode", mode)
    doc.put("corruptColumn", corruptColumn)
    doc.put("keepBad", badRecordsPath.isDefined)
    doc.put("partition", partition)
    doc.put("maxDepth", maxDepth)
    doc.put("unionMode", unionMode)
    doc.put("variantPaths", java.util.Arrays.asList(variantPaths: _*))
    doc.put("schemaMatch", if (schemaText.isDefined) schemaMatch else "strict")
    RustParquetOptions.Json.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8)
  }

  /** The raw path takes the JSON column and partition columns, nothing else. */
  def checkColumns(schema: StructType, partitionColumns: Seq[String]): Unit = {
    val resolver = (a: String, b: String) => a.equalsIgnoreCase(b)
    val json = schema.fields.find(f => resolver(f.name, jsonColumn)).getOrElse(
      throw new IllegalArgumentException(
        s"option `jsonColumn`: no column `$jsonColumn` (columns: ${schema.fieldNames.mkString(", ")})"))
    if (json.dataType != StringType) {
      throw new IllegalArgumentException(
        s"option `jsonColumn`: column `${json.name}` is ${json.dataType.simpleString}; it must be a string " +
          "column holding one JSON document per row (e.g. spark.read.text(...).value)")
    }
    val others = schema.fieldNames.filterNot(n => resolver(n, jsonColumn) || partitionColumns.exists(resolver(n, _)))
    if (others.nonEmpty) {
      throw new IllegalArgumentException(
        s"option `jsonColumn`: the DataFrame also has ${others.map(n => s"`$n`").mkString(", ")}, which the raw " +
          "JSON path would not write; select the JSON column (and any partitionBy columns) only")
    }
  }
}

private[spark] object RawJsonOptions {
  val Modes = Seq("FAILFAST", "DROPMALFORMED", "PERMISSIVE")
  val UnionModes = Seq("union", "string", "variant", "error")
  /** The `variant` path of the whole document. */
  val WholeDocument = "$"
  val SchemaMatches = Seq("lenient", "strict")
  val FieldOrders = Seq("name", "document")
  val DefaultMaxDepth = 128
  val MaxDepth = 190
  val ResolvedSchemaKey = "rustparquet.internal.schema"
  val BadRecordsDirKey = "rustparquet.internal.badRecordsDir"
  val MalformedCounterKey = "rustparquet.internal.malformedCounter"
}
