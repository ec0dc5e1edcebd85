package org.rustparquet.spark

import java.nio.charset.StandardCharsets

import com.fasterxml.jackson.databind.ObjectMapper
import org.apache.spark.sql.internal.SQLConf
import org.apache.spark.sql.types.{LongType, StructField, StructType}
import org.scalatest.funsuite.AnyFunSuite

/** Option parsing and the native options document, without a SparkSession. */
class RustParquetOptionsSuite extends AnyFunSuite {

  private def options(pairs: (String, String)*): RustParquetOptions = new RustParquetOptions(pairs.toMap, new SQLConf)

  test("names are case-insensitive and Spark's Parquet spellings are accepted") {
    val o = options("COMPRESSION" -> "ZSTD", "parquet.block.size" -> "64m", "PageSize" -> "8192",
      "parquet.enable.dictionary" -> "false", "bloomFilterColumns" -> " a , b.c ,")
    assert(o.compression === "zstd")
    assert(o.rowGroupBytes === Some(64L * 1024 * 1024))
    assert(o.pageBytes === Some(8192L))
    assert(!o.dictionary)
    assert(o.bloomFilterColumns === Seq("a", "b.c"))
    assert(o.extension === ".zstd.parquet")
  }

  test("defaults follow Spark: snappy from the session conf, 4096-row batches") {
    val conf = new SQLConf
    val o = new RustParquetOptions(Map.empty[String, String], conf)
    assert(o.compression === "snappy" && o.extension === ".snappy.parquet")
    assert(o.batchRows === 4096 && o.dictionary)
    conf.setConfString("spark.sql.parquet.compression.codec", "gzip")
    assert(new RustParquetOptions(Map.empty[String, String], conf).extension === ".gz.parquet")
  }

  test("bad values name the option and what would work") {
    def message(pairs: (String, String)*): String = intercept[IllegalArgumentException](options(pairs: _*)).getMessage
    assert(message("batchRows" -> "0") === "option `batchRows`: '0' is not a positive integer")
    assert(message("dictionary" -> "yes") === "option `dictionary`: 'yes' is not true or false")
    assert(message("jsonColumn" -> "value", "mode" -> "sometimes") ===
      "option `mode`: 'SOMETIMES' is not one of FAILFAST, DROPMALFORMED, PERMISSIVE")
    assert(message("jsonColumn" -> "value", "unionMode" -> "merge") ===
      "option `unionMode`: 'merge' is not one of union, string, variant, error")
    assert(message("jsonColumn" -> "value", "maxDepth" -> "500") ===
      "option `maxDepth`: '500' is not a depth from 1 to 190")
  }

  test("sizes are read by the core's one size parser, as the CLI reads them") {
    val o = options("rowGroupSize" -> "64MiB", "pageSize" -> " 512KB ", "jsonColumn" -> "value", "batchBytes" -> "2m")
    assert(o.rowGroupBytes === Some(64L << 20))
    assert(o.pageBytes === Some(512L << 10))
    assert(o.raw.map(_.batchBytes) === Some(2 << 20))
    def message(pairs: (String, String)*): String = intercept[RustParquetException](options(pairs: _*)).getMessage
    assert(message("rowGroupSize" -> "big") ===
      "option `rowGroupSize`: `big` is not a size (e.g. 128m, 64MiB, 512KB, 1048576)")
    assert(message("parquet.page.size" -> "12 parsecs") ===
      "option `pageSize`: unknown unit in `12 parsecs` (use B, KiB, MiB, GiB or TiB)")
    assert(message("jsonColumn" -> "value", "batchBytes" -> "0") === "option `batchBytes`: `0` is not a usable size")
  }

  test("the native options document carries Spark's footer metadata") {
    val schema = StructType(Seq(StructField("id", LongType)))
    val json = new String(options("compression" -> "lz4").toNativeJson("file:/x/part-0.parquet", schema), StandardCharsets.UTF_8)
    val doc = new ObjectMapper().readTree(json)
    assert(doc.get("path").asText() === "file:/x/part-0.parquet")
    assert(doc.get("compression").asText() === "lz4")
    assert(doc.get("keyValueMetadata").get("org.apache.spark.sql.parquet.row.metadata").asText() === schema.json)
    assert(doc.get("keyValueMetadata").get("org.apache.spark.version").asText() === org.apache.spark.SPARK_VERSION_SHORT)
    assert(doc.get("nestingDepth").asInt() === 1)
  }

  test("size statistics follow this Spark line's own writer unless asked for") {
    def sent(pairs: (String, String)*): Boolean = new ObjectMapper()
      .readTree(options(pairs: _*).toNativeJson("f", StructType(Seq(StructField("id", LongType)))))
      .get("sizeStatistics").asBoolean()
    // parquet-mr 1.14+ writes them (Spark 4); Spark 3.5's 1.13 does not
    assert(sent() === org.apache.spark.SPARK_VERSION_SHORT.startsWith("4"))
    assert(sent("sizeStatistics" -> "true") && !sent("SIZESTATISTICS" -> "false"))
    assert(intercept[IllegalArgumentException](options("sizeStatistics" -> "maybe")).getMessage ===
      "option `sizeStatistics`: 'maybe' is not true or false")
  }

  test("nesting depth counts struct, list and map levels like the native side") {
    val deep = StructType.fromDDL("a bigint, s struct<t: struct<x: int>>, l array<array<int>>, m map<string, array<int>>")
    assert(RustParquetOptions.nestingDepth(deep) === 4) // m -> key_value -> value -> element
    assert(RustParquetOptions.nestingDepth(StructType.fromDDL("a int")) === 1)
  }

  test("the native library's resource path names the platform") {
    assert(NativeLoader.resourcePath === "/org/rustparquet/spark/native/linux/amd64/librustparquet_jni.so")
    assert(NativeLoader.available)
  }
}
