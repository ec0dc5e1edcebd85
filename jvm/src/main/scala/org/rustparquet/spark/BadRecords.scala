package org.rustparquet.spark

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FSDataOutputStream, Path}
import org.apache.spark.util.SerializableConfiguration

/**
 * One task attempt's bad records (`badRecordsPath`): the malformed documents' JSON lines, written
 * under a hidden attempt name and renamed to `part-<partition>.json` only when the attempt
 * succeeds; a failed or killed attempt's file is deleted, so retries leave no duplicates.
 */
private[spark] final class BadRecords(raw: RawJsonOptions, partition: Int, attempt: Int,
    hadoopConf: SerializableConfiguration) {
  private[this] var out: FSDataOutputStream = _
  private[this] var failed = false

  private def dir = new Path(raw.badRecordsDir.getOrElse(
    throw new IllegalStateException("badRecordsPath without its directory (internal error)")))
  private def temp = new Path(dir, BadRecords.tempName(partition, attempt))
  private def target = new Path(dir, f"part-$partition%05d.json")

  /** Appends JSON lines of malformed documents. */
  def keep(lines: Array[Byte]): Unit = {
    if (out == null) out = dir.getFileSystem(hadoopConf.value).create(temp, true)
    out.write(lines)
  }

  /** The attempt failed or was killed: its records are deleted at [[complete]]. */
  def fail(): Unit = failed = true

  /** The attempt ended: its records are published, or deleted if it failed. */
  def complete(): Unit = if (out != null) {
    val fs = dir.getFileSystem(hadoopConf.value)
    try out.close() catch { case _: java.io.IOException => failed = true }
    if (failed || !fs.rename(temp, target)) fs.delete(temp, false)
  }
}

private[spark] object BadRecords {

  /** The hidden name an attempt's bad records are written under until the attempt succeeds. */
  def tempName(partition: Int, attempt: Int): String = f".part-$partition%05d-attempt-$attempt.json.tmp"

  private val TempName = """\.part-\d+-attempt-\d+\.json\.tmp""".r

  /**
   * Deletes attempt files left in a write's bad-records directory once the write has ended: an
   * attempt whose executor died (killed, lost) never ran its listeners to delete its own. Winning
   * attempts renamed theirs before reporting success; losing ones still running delete theirs.
   */
  def removeAbandoned(dir: Path, conf: Configuration): Unit = {
    val fs = dir.getFileSystem(conf)
    if (fs.exists(dir)) {
      for (status <- fs.listStatus(dir) if TempName.pattern.matcher(status.getPath.getName).matches()) {
        fs.delete(status.getPath, false)
      }
    }
  }
}
