package org.rustparquet.spark

import java.time.LocalDateTime
import java.time.format.DateTimeFormatter
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap

import org.apache.hadoop.fs.Path
import org.apache.spark.sql.{DataFrame, SQLContext, SaveMode}
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.execution.datasources.DataSourceUtils
import org.apache.spark.sql.sources.{BaseRelation, CreatableRelationProvider, DataSourceRegister}
import org.apache.spark.sql.types.{StringType, StructType}
import org.apache.spark.util.LongAccumulator
import org.slf4j.LoggerFactory

/**
 * The `rustparquet` short name. Writes arrive here first (Spark prefers a
 * `CreatableRelationProvider` to a `FileFormat` when planning a write), which gives the raw-JSON
 * path the DataFrame it needs for its schema: given (`option("schema")`) or inferred by a
 * distributed pass whose per-partition results are merged here. Then the write itself runs
 * as any file source's does, through [[RustParquetFileFormat]] and Spark's `FileFormatWriter`
 * (save modes, `partitionBy`, `maxRecordsPerFile`, the commit protocol), with the resolved
 * schema carried to the tasks as an option. `saveAsTable` and `CREATE TABLE ... AS SELECT` write
 * through [[TableWrite]], which brings the table's partitioning and bucketing. Reads are the
 * inherited `FileFormat` (Spark's own Parquet reader).
 */
class RustParquetDataSource extends RustParquetFileFormat with CreatableRelationProvider with DataSourceRegister {

  override def shortName(): String = "rustparquet"

  override def createRelation(
      sqlContext: SQLContext,
      mode: SaveMode,
      parameters: Map[String, String],
      data: DataFrame): BaseRelation = {
    val original = parameters match {
      case c: CaseInsensitiveMap[String @unchecked] => c.originalMap
      case m => m
    }
    val partitionKey = DataSourceUtils.PARTITIONING_COLUMNS_KEY
    val session = data.sparkSession
    // saveAsTable / CREATE TABLE AS SELECT: the table's partitioning is not in `parameters`.
    val table = TableWrite.current(session, original.collectFirst { case (k, v) if k.equalsIgnoreCase("path") => v })
    val partitionColumns = table.map(_.partitionColumnNames).getOrElse(
      original.get(partitionKey).map(DataSourceUtils.decodePartitioningColumns).getOrElse(Nil))
    val options = new RustParquetOptions(original, session.sessionState.conf)
    var extra = Map.empty[String, String]
    var writeId: Option[String] = None
    val skip = options.raw.exists { raw =>
      val out = original.collectFirst { case (k, v) if k.equalsIgnoreCase("path") => v }
        .getOrElse(throw new IllegalArgumentException("'path' is not specified"))
      val outPath = new Path(out)
      val exists = outPath.getFileSystem(session.sessionState.newHadoopConf()).exists(outPath)
      // Spark decides these without touching the data: do not infer a schema first.
      if (exists && (mode == SaveMode.Ignore || mode == SaveMode.ErrorIfExists)) mode == SaveMode.Ignore
      else {
        RawJsonPlan.checkColumns(data.schema, raw.jsonColumn, partitionColumns)
        extra += RawJsonOptions.ResolvedSchemaKey -> RawJsonSchema.resolve(data, raw, options)
        raw.badRecordsPath.foreach { p =>
          val run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")) + "-" +
            UUID.randomUUID().toString.take(8)
          extra += RawJsonOptions.BadRecordsDirKey -> new Path(p, run).toString
        }
        val id = UUID.randomUUID().toString
        RawJsonPlan.writes.put(id, session.sparkContext.longAccumulator("rustparquet malformed documents"))
        extra += RawJsonPlan.WriteIdKey -> id
        writeId = Some(id)
        false
      }
    }
    var written: Option[BaseRelation] = None
    if (!skip) {
      try table match {
        case Some(t) =>
          written = Some(TableWrite.write(t, mode, original ++ extra, data, extra.get(RawJsonOptions.ResolvedSchemaKey)))
        case None =>
          data.write
            .format(classOf[RustParquetFileFormat].getName)
            .mode(mode)
            .options(original.filter { case (k, _) => k != partitionKey } ++ extra)
            .partitionBy(partitionColumns: _*)
            .save()
      } finally writeId.foreach { id =>
        val malformed = RawJsonPlan.writes.remove(id)
        if (malformed != null && malformed.sum > 0) {
          val where = extra.get(RawJsonOptions.BadRecordsDirKey).map(d => s"; kept in $d").getOrElse("")
          RawJsonPlan.log.warn(s"rustparquet: ${malformed.sum} malformed JSON documents " +
            s"(mode ${options.raw.map(_.mode).getOrElse("")})$where")
        }
        extra.get(RawJsonOptions.BadRecordsDirKey).foreach { dir =>
          try TaskState.removeAbandoned(new Path(dir), session.sessionState.newHadoopConf())
          catch {
            // Never hides the write's own outcome; the files left are hidden ones.
            case e: java.io.IOException =>
              RawJsonPlan.log.warn(s"rustparquet: could not remove abandoned attempt files in $dir: $e")
          }
        }
      }
    }
    val ctx = sqlContext
    val dataSchema = data.schema
    written.getOrElse(new BaseRelation {
      override def sqlContext: SQLContext = ctx
      override def schema: StructType = dataSchema
    })
  }
}

/** Driver-side bookkeeping of raw-JSON writes in flight. */
private[spark] object RawJsonPlan {
  val log = LoggerFactory.getLogger("org.rustparquet.spark.RawJson")
  val WriteIdKey = "rustparquet.internal.writeId"

  /** Malformed-document counters of the raw writes running in this driver, by write id. */
  val writes = new ConcurrentHashMap[String, LongAccumulator]()

  /** The raw path takes the JSON column and partition columns, nothing else. */
  def checkColumns(schema: StructType, jsonColumn: String, partitionColumns: Seq[String]): Unit = {
    val resolver = (a: String, b: String) => a.equalsIgnoreCase(b)
    val json = schema.fields.find(f => resolver(f.name, jsonColumn)).getOrElse(
      throw new IllegalArgumentException(
        s"option `jsonColumn`: no column `$jsonColumn` (columns: ${schema.fieldNames.mkString(", ")})"))
    if (json.dataType != StringType) {
      throw new IllegalArgumentException(
        s"option `jsonColumn`: column `${json.name}` is ${json.dataType.simpleString}; it must be a string " +
          "column holding one JSON document per row (e.g. spark.read.text(...).value)")
    }
    val others = schema.fieldNames.filterNot(n => resolver(n, jsonColumn) || partitionColumns.exists(resolver(n, _)))
    if (others.nonEmpty) {
      throw new IllegalArgumentException(
        s"option `jsonColumn`: the DataFrame also has ${others.map(n => s"`$n`").mkString(", ")}, which the raw " +
          "JSON path would not write; select the JSON column (and any partitionBy columns) only")
    }
  }
}
