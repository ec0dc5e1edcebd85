package org.rustparquet.spark

import java.io.File
import java.nio.file.Files

import java.nio.ByteBuffer
import java.nio.channels.WritableByteChannel

import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.ipc.ArrowStreamWriter
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.execution.arrow.ArrowWriter
import org.apache.spark.sql.rustparquet.SparkArrow
import org.apache.spark.sql.types.StructType

/**
 * A quick timing, not a test: writes one cached DataFrame with Spark's Parquet writer and with
 * rustparquet over each transfer form (`direct` ByteBuffer, `bytes` byte[]), in one process,
 * several rounds, and prints the median seconds per write. Then, on one thread and without
 * Spark's job machinery, it splits the per-row cost: rows to Arrow vectors, + IPC encoding,
 * + the JNI append with each transfer form (Parquet encoding included). Run by hand (docs/spark.md):
 *   java -cp "jvm/target/classes:jvm/target/test-classes:$(cat jvm/target/test-classpath)" \
 *     org.rustparquet.spark.TransferTiming [rows] [rounds]
 */
object TransferTiming {
  def main(args: Array[String]): Unit = {
    val rows = if (args.length > 0) args(0).toLong else 500000L
    val rounds = if (args.length > 1) args(1).toInt else 5
    val spark = SparkSession.builder().master("local[2]").appName("TransferTiming")
      .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate()
    val scratch = Files.createTempDirectory("rustparquet-timing").toFile
    try {
      val df = spark.range(0, rows, 1, 2).selectExpr(
        "id",
        "concat('name-', cast(id % 5000 as string)) as name",
        "timestamp_micros(1700000000000000 + id * 1000) as ts",
        "cast(id % 100000 / 100.0 as decimal(12,2)) as price",
        "array(concat('t', cast(id % 7 as string)), concat('u', cast(id % 11 as string))) as tags",
        "named_struct('a', cast(id % 1000 as int), 'b', id / 3.0, 'c', sha1(cast(id as string))) as st",
        "array(named_struct('k', 'x', 'v', id), named_struct('k', 'y', 'v', id * 2)) as items",
        "map('m1', id, 'm2', id + 1) as m").cache()
      println(s"rows=${df.count()} columns=${df.schema.fieldNames.mkString(",")}")
      val writers: Seq[(String, String => Unit)] = Seq(
        "spark parquet (snappy)" -> (p => df.write.parquet(p)),
        "rustparquet transfer=direct" -> (p => df.write.format("rustparquet").option("transfer", "direct").save(p)),
        "rustparquet transfer=bytes" -> (p => df.write.format("rustparquet").option("transfer", "bytes").save(p)))
      writers.foreach { case (_, write) => write(new File(scratch, s"warm-${System.nanoTime}").getPath) }
      val times = writers.map { case (name, _) => name -> Seq.newBuilder[Double] }.toMap
      for (round <- 1 to rounds; (name, write) <- writers) {
        val start = System.nanoTime()
        write(new File(scratch, s"r$round-${name.hashCode}").getPath)
        times(name) += (System.nanoTime() - start) / 1e9
      }
      writers.foreach { case (name, _) =>
        val sorted = times(name).result().sorted
        val bytes = new File(scratch, s"r1-${name.hashCode}").listFiles().filter(_.getName.startsWith("part-")).map(_.length).sum
        println(f"$name%-30s median ${sorted(sorted.length / 2)}%.3f s  (min ${sorted.head}%.3f, max ${sorted.last}%.3f)  ${rows / sorted(sorted.length / 2) / 1000}%.0fk rows/s  output ${bytes / 1e6}%.1f MB")
      }
      val internal = df.limit(200000).queryExecution.toRdd.map(_.copy()).collect()
      println(s"single thread, ${internal.length} rows, median of $rounds:")
      for (batchRows <- Seq(1024, 4096, 16384)) {
        for (stage <- Seq("arrow", "arrow+ipc", "direct", "bytes")) {
          val sorted = (1 to rounds).map(_ => stageSeconds(df.schema, internal, batchRows, stage)).sorted
          println(f"  batchRows=$batchRows%5d  $stage%-10s ${sorted(sorted.length / 2)}%.3f s  ${internal.length / sorted(sorted.length / 2) / 1000}%.0fk rows/s")
        }
      }
    } finally {
      spark.stop()
      def rm(f: File): Unit = { Option(f.listFiles()).foreach(_.foreach(rm)); f.delete() }
      rm(scratch)
    }
  }

  /** Seconds to push `rows` through one stage of the pipeline, in batches of `batchRows`. */
  private def stageSeconds(schema: StructType, rows: Array[InternalRow], batchRows: Int, stage: String): Double = {
    val start = System.nanoTime()
    if (stage == "direct" || stage == "bytes") {
      val options = new RustParquetOptions(Map("transfer" -> stage), new org.apache.spark.sql.internal.SQLConf)
      val batches = new ArrowBatches(schema, "UTC", stage)
      val native = NativeWriter.loaded
      val handle = native.open(options.toNativeJson("timing", schema), batches.schemaMessage)
      var n = 0L
      rows.foreach { row =>
        batches.add(row)
        if (batches.rows >= batchRows) n += Option(batches.send(native, handle)).map(_.length).getOrElse(0)
      }
      if (batches.rows > 0) batches.send(native, handle)
      native.close(handle)
      batches.close()
    } else {
      val allocator = SparkArrow.newAllocator("timing")
      val root = VectorSchemaRoot.create(SparkArrow.toArrowSchema(schema, "UTC"), allocator)
      val writer = ArrowWriter.create(root)
      val sink = new WritableByteChannel {
        def write(src: ByteBuffer): Int = { val n = src.remaining(); src.position(src.limit()); n }
        def isOpen: Boolean = true
        def close(): Unit = ()
      }
      val ipc = new ArrowStreamWriter(root, null, sink)
      ipc.start()
      var inBatch = 0
      def flush(): Unit = {
        writer.finish()
        if (stage == "arrow+ipc") ipc.writeBatch()
        writer.reset()
        inBatch = 0
      }
      rows.foreach { row =>
        writer.write(row)
        inBatch += 1
        if (inBatch >= batchRows) flush()
      }
      if (inBatch > 0) flush()
      root.close()
      allocator.close()
    }
    (System.nanoTime() - start) / 1e9
  }
}
