package org.rustparquet.spark

import java.time.LocalDateTime
import java.time.format.DateTimeFormatter
import java.util.UUID

import org.apache.hadoop.fs.Path
import org.apache.spark.sql.{DataFrame, SparkSession}
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
    val session = data.sparkSession
    raw.checkColumns(data.schema, partitionColumns)
    var options = Map(RawJsonOptions.ResolvedSchemaKey -> RawJsonSchema.resolve(data, raw, file))
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
