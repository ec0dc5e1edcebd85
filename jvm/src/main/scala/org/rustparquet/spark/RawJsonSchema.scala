package org.rustparquet.spark

import java.nio.charset.StandardCharsets

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.node.{ArrayNode, ObjectNode}
import org.apache.spark.sql.DataFrame
import org.slf4j.LoggerFactory

/**
 * The schema every task of a raw write writes with, resolved once on the driver in rustparquet's
 * schema JSON: `option("schema")` parsed by the core (any form `rustparquet convert --schema`
 * takes: Spark DDL, Spark JSON, rustparquet JSON, ...), or found by the distributed inference pass
 * ([[RawJsonInference]]), its fields sorted by name as Spark's inference sorts them unless
 * `fieldOrder` is `document`. PERMISSIVE adds the corrupt-record column (to a given schema always, to
 * an inferred one when a document was malformed, as Spark's inference does).
 */
private[spark] object RawJsonSchema {

  def resolve(data: DataFrame, options: RawJsonOptions, file: RustParquetOptions): String =
    given(options).getOrElse {
      val found = RawJsonInference.infer(data, options, file)
      val schema = if (options.mode == "PERMISSIVE" && found.bad > 0) {
        withCorruptColumn(found.schema, options.corruptColumn)
      } else found.schema
      checked(if (options.fieldOrder == "name") sortedByName(schema) else schema)
    }

  /**
   * `schema` (rustparquet JSON) with the fields of every object sorted by name, as Spark's JSON
   * inference orders them (`String.compareTo`, UTF-16 order: upper case before `_` before lower
   * case), at every level; a union's members keep their order (they are types, not keys).
   */
  def sortedByName(schemaJson: String): String = {
    def key(f: JsonNode): String = Option(f.get("key")).map(_.asText()).getOrElse(f.path("name").asText())
    def sort(node: JsonNode): Unit = node match {
      case o: ObjectNode =>
        Option(o.get("fields")).collect { case a: ArrayNode => a }.foreach { a =>
          val sorted = (0 until a.size()).map(i => a.get(i)).sortWith { (x, y) =>
            val c = key(x).compareTo(key(y))
            if (c != 0) c < 0 else x.path("name").asText() < y.path("name").asText()
          }
          a.removeAll()
          sorted.foreach(n => a.add(n))
        }
        o.elements().forEachRemaining(child => sort(child))
      case a: ArrayNode => a.elements().forEachRemaining(child => sort(child))
      case _ =>
    }
    val root = RustParquetOptions.Json.readTree(schemaJson)
    sort(root)
    RustParquetOptions.Json.writeValueAsString(root)
  }

  /**
   * `option("schema")`, parsed by the core as `rustparquet convert --schema` parses it: the same
   * text means the same Parquet schema on both paths.
   */
  def given(options: RawJsonOptions): Option[String] = options.schemaText.map { text =>
    val json = new String(NativeWriter.loaded.parseSchema(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
    checked(if (options.mode == "PERMISSIVE") withCorruptColumn(json, options.corruptColumn) else json)
  }

  /**
   * Checks a schema as the files will carry it, with the core's message. On Spark 3.5 a schema
   * with variants is written (the files are valid Parquet, for Spark 4 and other readers) with a
   * warning: Spark 3.5's Parquet reader cannot read them back.
   */
  private def checked(schema: String): String = {
    val spark = new String(NativeWriter.loaded.sparkSchema(schema.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
    if (!SparkTypes.hasVariant && hasVariant(spark)) log.warn(Spark35Variant)
    schema
  }

  private val log = LoggerFactory.getLogger("org.rustparquet.spark.RawJson")

  /** Whether a Spark schema JSON (as `NativeWriter.sparkSchema` returns it) has a VARIANT. */
  def hasVariant(sparkSchemaJson: String): Boolean = sparkSchemaJson.contains("\"type\":\"variant\"")

  /** What Spark 3.5 does with the variant columns the raw path writes. */
  val Spark35Variant: String =
    "rustparquet: the schema has VARIANT columns (option `variant`, unionMode variant or VARIANT in option " +
      "`schema`): the files hold Parquet VARIANT groups, which Spark 4 reads as VARIANT; Spark 3.5 cannot read " +
      "them back (its Parquet reader fails on the VARIANT annotation with CANNOT_READ_FILE_FOOTER)"

  /** `schema` with a nullable string column `name` appended, unless it has one. */
  def withCorruptColumn(schemaJson: String, name: String): String = {
    val root = RustParquetOptions.Json.readTree(schemaJson).asInstanceOf[ObjectNode]
    val fields = root.withArray("fields")
    val has = (0 until fields.size()).exists(i => fields.get(i).path("name").asText() == name)
    if (!has) {
      val f = fields.addObject()
      f.put("name", name)
      f.put("repetition", "optional")
      f.put("type", "string")
    }
    RustParquetOptions.Json.writeValueAsString(root)
  }
}
