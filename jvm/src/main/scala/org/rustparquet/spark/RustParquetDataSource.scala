package org.rustparquet.spark


import org.apache.hadoop.fs.Path
import org.apache.spark.sql.{DataFrame, SQLContext, SaveMode}
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.execution.datasources.DataSourceUtils
import org.apache.spark.sql.sources.{BaseRelation, CreatableRelationProvider, DataSourceRegister}
import org.apache.spark.sql.types.StructType

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
    val raw: Option[RawJsonWrite] = options.raw.flatMap { rawOptions =>
      val out = original.collectFirst { case (k, v) if k.equalsIgnoreCase("path") => v }
        .getOrElse(throw new IllegalArgumentException("'path' is not specified"))
      val outPath = new Path(out)
      val exists = outPath.getFileSystem(session.sessionState.newHadoopConf()).exists(outPath)
      // Spark decides these without touching the data: do not infer a schema first.
      if (exists && (mode == SaveMode.Ignore || mode == SaveMode.ErrorIfExists)) None
      else Some(RawJsonWrite.prepare(data, rawOptions, options, partitionColumns))
    }
    // A raw write Spark would not run (Ignore on an existing path) is skipped here; ErrorIfExists
    // goes on so that Spark reports the existing path as it does for any source.
    val skip = options.raw.isDefined && raw.isEmpty && mode == SaveMode.Ignore
    val extra = raw.map(_.options).getOrElse(Map.empty[String, String])
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
      } finally raw.foreach(_.finish())
    }
    val ctx = sqlContext
    val dataSchema = data.schema
    written.getOrElse(new BaseRelation {
      override def sqlContext: SQLContext = ctx
      override def schema: StructType = dataSchema
    })
  }
}
