package org.rustparquet.spark

import java.time.LocalDateTime
import java.time.format.DateTimeFormatter
import java.util.UUID

import org.apache.hadoop.fs.Path
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.types.{StringType, StructType}
import org.apache.spark.util.LongAccumulator
import org.slf4j.LoggerFactory

/**
 * The driver's part of one raw-JSON write, around the write itself: before it, the documents'
 * schema ([[RawJsonSchema]]), the run's bad-records directory and a malformed-document counter,
 * all handed to the tasks as options of the write ([[options]]); after it, one warning with the
 * count and the clean-up of attempt files that dead executors left ([[finish]]).
 */
private[spark] final class RawJsonWrite private (
    session: SparkSession,
    raw: RawJsonOptions,
    val options: Map[String, String],
    malformed: LongAccumulator) {

  private def badRecordsDir: Option[String] = options.get(RawJsonOptions.BadRecordsDirKey)

  /** Reports the malformed documents and removes abandoned attempt files; never throws. */
  def finish(): Unit = {
    if (malformed.sum > 0) {
      val where = badRecordsDir.map(d => s"; kept in $d").getOrElse("")
      RawJsonWrite.log.warn(s"rustparquet: ${malformed.sum} malformed JSON documents (mode ${raw.mode})$where")
    }
    badRecordsDir.foreach { dir =>
      try BadRecords.removeAbandoned(new Path(dir), session.sessionState.newHadoopConf())
      catch {
        // Never hides the write's own outcome; the files left are hidden ones.
        case e: java.io.IOException =>
          RawJsonWrite.log.warn(s"rustparquet: could not remove abandoned attempt files in $dir: $e")
      }
    }
  }
}

private[spark] object RawJsonWrite {
  private val log = LoggerFactory.getLogger("org.rustparquet.spark.RawJson")

  /** Checks `data`'s columns and resolves what the tasks need (inferring the schema if not given). */
  def prepare(data: DataFrame, raw: RawJsonOptions, file: RustParquetOptions,
      partitionColumns: Seq[String]): RawJsonWrite = {
    raw.checkColumns(data.schema, partitionColumns)
    create(data.sparkSession, raw, RawJsonSchema.resolve(data, raw, file))
  }

  /**
   * Whether a write that reached the file format without the front is a streaming query's
   * micro-batch of raw documents: Spark's file sink (`writeStream.format("rustparquet")`) writes
   * each micro-batch through the file format, on the query's thread, with the user's options.
   */
  def isStreamingDocuments(session: SparkSession, raw: RawJsonOptions, dataSchema: StructType): Boolean =
    session.sparkContext.getLocalProperty(StreamingQueryIdKey) != null &&
      dataSchema.fields.exists(f => f.name.equalsIgnoreCase(raw.jsonColumn) && f.dataType == StringType)

  /**
   * A micro-batch of a streaming raw write. Its schema must be given: inferred per micro-batch,
   * the files of one sink would disagree. Exactly once comes from Spark's file sink (its log).
   */
  def forStream(session: SparkSession, raw: RawJsonOptions): RawJsonWrite = {
    val schema = RawJsonSchema.given(raw).getOrElse(throw new IllegalArgumentException(
      "option `jsonColumn`: a streaming write of raw JSON documents needs option `schema` (Spark DDL or " +
        "rustparquet schema JSON): each micro-batch would otherwise infer a schema of its own"))
    create(session, raw, schema)
  }

  /** Spark's local property naming the streaming query a thread runs (`StreamExecution.QUERY_ID_KEY`). */
  private val StreamingQueryIdKey = "sql.streaming.queryId"

  private def create(session: SparkSession, raw: RawJsonOptions, schema: String): RawJsonWrite = {
    var options = Map(RawJsonOptions.ResolvedSchemaKey -> schema)
    raw.badRecordsPath.foreach { p =>
      val run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + "-" +
        UUID.randomUUID().toString.take(8)
      options += RawJsonOptions.BadRecordsDirKey -> new Path(p, run).toString
    }
    val malformed = session.sparkContext.longAccumulator("rustparquet malformed documents")
    options += RawJsonOptions.MalformedCounterKey -> malformed.id.toString
    new RawJsonWrite(session, raw, options, malformed)
  }
}
