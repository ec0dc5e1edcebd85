package org.rustparquet.spark

import java.nio.charset.StandardCharsets

import com.fasterxml.jackson.databind.JsonNode
import org.apache.spark.sql.DataFrame

/**
 * The raw path's distributed schema inference: one job in which each partition's documents go
 * to a Rust `SchemaInferrer` in batches, and the partitions' schemas are merged on the driver by
 * the core's rules (`unionMode`, `variant`).
 */
private[spark] object RawJsonInference {

  /** What the inference pass found, over all partitions. */
  final case class Inferred(schema: String, documents: Long, bad: Long, blank: Long)

  def infer(data: DataFrame, options: RawJsonOptions, file: RustParquetOptions): Inferred = {
    val column = data.schema.fieldIndex(options.jsonColumn)
    val batchRows = file.batchRows
    val opts = options
    val perPartition = data.queryExecution.toRdd.mapPartitionsWithIndex { (partition, rows) =>
      val native = NativeWriter.loaded
      val handle = native.openInferrer(opts.nativeJson(new java.util.HashMap[String, Any](), None, partition))
      val batch = new JsonBatch(batchRows, opts.batchBytes)
      var row = 0L
      var first = 0L
      var done = false
      try {
        while (rows.hasNext) {
          val r = rows.next()
          if (!r.isNullAt(column)) {
            if (batch.count == 0) first = row
            batch.add(r.getUTF8String(column))
            if (batch.full) { native.inferJson(handle, batch.data, batch.ends, batch.count, first); batch.clear() }
          }
          row += 1
        }
        if (batch.count > 0) native.inferJson(handle, batch.data, batch.ends, batch.count, first)
        done = true
        Iterator(new String(native.finishInferrer(handle), StandardCharsets.UTF_8))
      } finally if (!done) native.abortInferrer(handle)
    }.collect()
    val native = NativeWriter.loaded
    // The merge follows the same options (union mode, variant paths) as the partitions did.
    val mergeOptions = options.nativeJson(new java.util.HashMap[String, Any](), None, 0)
    var schema: Option[String] = None
    var documents, bad, blank = 0L
    perPartition.foreach { text =>
      val node: JsonNode = RustParquetOptions.Json.readTree(text)
      val s = RustParquetOptions.Json.writeValueAsString(node.get("schema"))
      schema = Some(schema match {
        case None => s
        case Some(acc) =>
          new String(native.mergeSchemas(acc.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8), mergeOptions),
            StandardCharsets.UTF_8)
      })
      documents += node.get("documents").asLong()
      bad += node.get("bad").asLong()
      blank += node.get("blank").asLong()
    }
    Inferred(schema.getOrElse("""{"name":"schema","fields":[]}"""), documents, bad, blank)
  }
}
