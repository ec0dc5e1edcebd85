package org.rustparquet.spark

import java.nio.charset.StandardCharsets

import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.internal.SQLConf
import org.apache.spark.sql.types.{LongType, StructField, StructType}
import org.scalatest.funsuite.AnyFunSuite

/** Native handles carry their kind: a wrong-kind, consumed or made-up handle is a clear exception. */
class NativeHandleSuite extends AnyFunSuite {

  private val native = NativeWriter.loaded
  private val schema = StructType(Seq(StructField("id", LongType)))
  private val raw = new RawJsonOptions("value", CaseInsensitiveMap(Map.empty[String, String]))

  private def typedWriter(): (Long, ArrowBatches) = {
    val batches = new ArrowBatches(schema, "UTC")
    val options = new RustParquetOptions(Map.empty[String, String], new SQLConf)
    (native.open(options.toNativeJson("handles", schema), batches.schemaMessage), batches)
  }

  private def inferrer(): Long = native.openInferrer(raw.nativeJson(new java.util.HashMap[String, Any](), None, 0))

  private def refused(call: => Any): String = intercept[RustParquetException](call).getMessage

  test("a handle given to another kind's method is refused, and stays usable as its own kind") {
    val (typed, batches) = typedWriter()
    try {
      assert(refused(native.appendJson(typed, new Array[Byte](0), new Array[Int](0), 0, 0)) ===
        s"native handle $typed is not a usable raw JSON writer: it is a typed writer")
      assert(refused(native.finishInferrer(typed)) ===
        s"native handle $typed is not a usable schema inferrer: it is a typed writer")
      val inference = inferrer()
      assert(refused(native.appendBytes(inference, new Array[Byte](0), 0)) ===
        s"native handle $inference is not a usable typed writer: it is a schema inferrer")
      assert(refused(native.closeJson(inference)) ===
        s"native handle $inference is not a usable raw JSON writer: it is a schema inferrer")
      val found = new String(native.finishInferrer(inference), StandardCharsets.UTF_8)
      assert(found.contains("\"documents\":0"), found)
      assert(native.close(typed) != null) // the footer
    } finally batches.close()
  }

  test("a consumed, zero or made-up handle is refused, never dereferenced") {
    val (typed, batches) = typedWriter()
    try {
      native.abort(typed)
      val gone = s"native handle $typed is not a usable typed writer: it is not open (already closed or aborted, or never opened)"
      assert(refused(native.close(typed)) === gone)
      assert(refused(native.abort(typed)) === gone)
      assert(refused(native.appendBytes(typed, new Array[Byte](0), 0)) === gone)
      assert(refused(native.abortJson(0L)).startsWith("native handle 0 is not a usable raw JSON writer: it is not open"))
      assert(refused(native.jsonCounts(0x7f00deadbeefL)).contains("it is not open"))
      assert(refused(native.abortInferrer(-1L)).contains("it is not open"))
    } finally batches.close()
  }
}
