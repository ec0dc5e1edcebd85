package org.rustparquet.spark

import java.nio.charset.StandardCharsets

import com.fasterxml.jackson.databind.node.ObjectNode
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.types._

/**
 * The schema every task of a raw write writes with, resolved once on the driver in rustparquet's
 * schema JSON: `option("schema")` as given, or found by the distributed inference pass
 * ([[RawJsonInference]]). PERMISSIVE adds the corrupt-record column (to a given schema always, to
 * an inferred one when a document was malformed, as Spark's inference does).
 */
private[spark] object RawJsonSchema {

  def resolve(data: DataFrame, options: RawJsonOptions, file: RustParquetOptions): String = {
    val native = NativeWriter.loaded
    val schema = options.schemaDdl match {
      case Some(json) if json.trim.startsWith("{") =>
        // rustparquet's own schema JSON (`rustparquet schema` prints it): used as it is.
        if (options.mode == "PERMISSIVE") withCorruptColumn(json, options.corruptColumn) else json
      case Some(ddl) =>
        val struct = try StructType.fromDDL(ddl)
        catch {
          case e: Exception =>
            throw new IllegalArgumentException(s"option `schema`: not a Spark DDL schema: ${e.getMessage}", e)
        }
        val json = fromSpark(struct)
        if (options.mode == "PERMISSIVE") withCorruptColumn(json, options.corruptColumn) else json
      case None =>
        val found = RawJsonInference.infer(data, options, file)
        if (options.mode == "PERMISSIVE" && found.bad > 0) {
          withCorruptColumn(found.schema, options.corruptColumn)
        } else found.schema
    }
    native.sparkSchema(schema.getBytes(StandardCharsets.UTF_8)) // checks it, with the core's message
    schema
  }

  /**
   * A Spark schema (from `option("schema", DDL)`) in rustparquet's schema JSON: the types the
   * raw path stores exactly what JSON holds in. Others are refused with the type to use instead.
   */
  def fromSpark(schema: StructType): String = {
    val doc = new java.util.LinkedHashMap[String, Any]()
    doc.put("name", "schema")
    doc.put("fields", fields("", schema))
    RustParquetOptions.Json.writeValueAsString(doc)
  }

  private def fields(parent: String, struct: StructType): java.util.List[Any] = {
    val out = new java.util.ArrayList[Any]()
    struct.fields.foreach { f =>
      val path = if (parent.isEmpty) f.name else s"$parent.${f.name}"
      val field = typeOf(path, f.dataType)
      field.put("name", f.name)
      field.put("repetition", if (f.nullable) "optional" else "required")
      out.add(field)
    }
    out
  }

  private def typeOf(path: String, dataType: DataType): java.util.LinkedHashMap[String, Any] = {
    val m = new java.util.LinkedHashMap[String, Any]()
    dataType match {
      case BooleanType => m.put("type", "boolean")
      case LongType => m.put("type", "int64")
      case DoubleType => m.put("type", "double")
      case StringType => m.put("type", "string")
      case d: DecimalType if d.precision == 38 && d.scale == 0 => m.put("type", "decimal(38,0)")
      case s: StructType => m.put("fields", fields(path, s))
      case a: ArrayType =>
        val element = typeOf(s"$path[]", a.elementType)
        element.put("repetition", if (a.containsNull) "optional" else "required")
        m.put("type", "list")
        m.put("element", element)
      case MapType(StringType, valueType, valueContainsNull) =>
        val value = typeOf(s"$path{}", valueType)
        value.put("repetition", if (valueContainsNull) "optional" else "required")
        m.put("type", "map")
        m.put("value", value)
      case other =>
        val instead = other match {
          case ByteType | ShortType | IntegerType => " (use bigint)"
          case FloatType => " (use double)"
          case _: DecimalType => " (use decimal(38,0) for integers, double otherwise)"
          case DateType | TimestampType | TimestampNTZType => " (use string; convert after reading)"
          case _: MapType => " (map keys are JSON object keys: use map<string, ...>)"
          case _ => ""
        }
        throw new IllegalArgumentException(
          s"option `schema`: `$path` has type ${other.simpleString}, which the raw JSON path does not " +
            s"store$instead; it stores boolean, bigint, double, string, decimal(38,0), array, struct " +
            "and map<string, ...>")
    }
    m
  }

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
