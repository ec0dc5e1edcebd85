package org.rustparquet.spark

import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.Files

import org.apache.spark.sql.Row
import org.apache.spark.sql.streaming.{StreamingQueryException, Trigger}
import org.apache.spark.sql.types.StructType

/**
 * Structured Streaming into `format("rustparquet")`: Spark's file sink writes each micro-batch
 * through the file format and records it in the sink's log, so a restarted query writes each
 * input once. Typed rows and raw JSON documents (with a given schema) both work; raw documents
 * without a schema are refused, never written as text.
 */
class StreamingWriteSuite extends SparkSessionSuite {

  override protected def scratchPrefix: String = "rustparquet-streaming"

  /** A new input directory with one file of `lines`; more files go in with [[addFile]]. */
  private def input(lines: Seq[String]): File = {
    val dir = new File(freshPath("in"))
    dir.mkdirs()
    addFile(dir, lines)
    dir
  }

  private def addFile(dir: File, lines: Seq[String]): Unit = {
    val file = new File(dir, s"part-${dir.list().length}.json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
  }

  private def dataFiles(dir: String): Seq[File] =
    Option(new File(dir).listFiles()).toSeq.flatten.filter(f => f.getName.startsWith("part-") && f.getName.endsWith(".parquet"))

  /** Runs the query over everything in `in` (Trigger.AvailableNow) and waits for it to end. */
  private def runOnce(in: File, out: String, checkpoint: String, options: Map[String, String],
      typed: Boolean): Unit = {
    val lines = spark.readStream.text(in.getPath)
    val rows = if (typed) lines.selectExpr("value", "length(value) as n") else lines
    val query = rows.writeStream.format("rustparquet").options(options)
      .option("checkpointLocation", checkpoint).trigger(Trigger.AvailableNow()).start(out)
    try query.awaitTermination()
    finally query.stop()
  }

  private val docs = (0 until 50).map(i => s"""{"id": $i, "tags": ["t${i % 3}"]}""")
  private val more = (50 until 80).map(i => s"""{"id": $i, "tags": []}""")

  test("typed rows: every micro-batch written once, also across a restart") {
    val in = input(docs)
    val (out, checkpoint) = (freshPath("typed-out"), freshPath("typed-cp"))
    runOnce(in, out, checkpoint, Map.empty, typed = true)
    addFile(in, more)
    runOnce(in, out, checkpoint, Map.empty, typed = true)
    val back = spark.read.parquet(out)
    assert(back.schema.simpleString === "struct<value:string,n:int>")
    assert(back.count() === 80 && back.select("value").distinct().count() === 80)
    assert(dataFiles(out).forall(f => footer(f).getFileMetaData.getCreatedBy.contains("parquet-rs")))
  }

  test("raw documents with a schema: shredded into its columns, each once, also across a restart") {
    val in = input(docs)
    val (out, checkpoint) = (freshPath("raw-out"), freshPath("raw-cp"))
    val options = Map("jsonColumn" -> "value", "schema" -> "id INT, tags ARRAY<STRING>")
    runOnce(in, out, checkpoint, options, typed = false)
    addFile(in, more)
    runOnce(in, out, checkpoint, options, typed = false)
    val back = spark.read.parquet(out)
    assert(back.schema === StructType.fromDDL("id BIGINT, tags ARRAY<STRING>"))
    assert(back.count() === 80 && back.select("id").distinct().count() === 80)
    assert(back.where("id = 4").head() === Row(4L, Seq("t1")))
    assert(back.where("id = 60").head() === Row(60L, Seq()))
  }

  test("raw documents without a schema are refused with a clear error, nothing written") {
    val in = input(docs)
    val out = freshPath("raw-refused")
    val error = intercept[StreamingQueryException] {
      runOnce(in, out, freshPath("raw-refused-cp"), Map("jsonColumn" -> "value"), typed = false)
    }
    val message = Iterator.iterate[Throwable](error)(_.getCause).takeWhile(_ != null).map(_.getMessage).mkString("\n")
    assert(message.contains("option `jsonColumn`: a streaming write of raw JSON documents needs option `schema`"), message)
    assert(dataFiles(out).isEmpty, dataFiles(out))
  }
}
