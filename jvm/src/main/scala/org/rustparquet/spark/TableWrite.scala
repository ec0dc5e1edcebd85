package org.rustparquet.spark

import java.nio.charset.StandardCharsets.UTF_8

import org.apache.spark.sql.{DataFrame, SaveMode, SparkSession}
import org.apache.spark.sql.catalyst.catalog.{CatalogTable, CatalogUtils}
import org.apache.spark.sql.execution.SQLExecution
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand
import org.apache.spark.sql.sources.BaseRelation
import org.apache.spark.sql.types.{DataType, StructType}

/**
 * `saveAsTable` and `CREATE TABLE ... USING rustparquet AS SELECT` (Spark's
 * `CreateDataSourceTableAsSelectCommand`). Spark hands a `CreatableRelationProvider` only the
 * table's options and location: the partitioning and bucketing stay in the command, and the
 * catalog entry is made from the relation returned. Written as a plain path, a partitioned
 * table's files came out flat (Spark then failed reading them), buckets were dropped, and a raw
 * JSON table got the DataFrame's `value` column as its schema. So the write runs here as Spark
 * runs it for any file-source table (partition directories, bucket files, the catalog's
 * partitions on append), and the relation returned has the schema the files hold.
 */
private[spark] object TableWrite {

  /**
   * The table the running `saveAsTable` / CTAS writes, when the write in progress (to `path`) is
   * one: the command of the SQL execution this thread runs, if it is a CTAS into `path`.
   */
  def current(session: SparkSession, path: Option[String]): Option[CatalogTable] =
    Option(session.sparkContext.getLocalProperty(SQLExecution.EXECUTION_ID_KEY))
      .flatMap(id => Option(SQLExecution.getQueryExecution(id.toLong)))
      .flatMap(_.logical.collectFirst { case c: CreateDataSourceTableAsSelectCommand => c.table })
      .filter { t =>
        // Where Spark's command puts the table (its `path` option is built the same way).
        val location = t.storage.locationUri.getOrElse(session.sessionState.catalog.defaultTablePath(t.identifier))
        path.contains(CatalogUtils.URIToString(location))
      }

  /**
   * Writes `data` into `table` through [[RustParquetFileFormat]] and returns the table's relation.
   * `rawSchema` is the raw path's resolved schema (rustparquet JSON), which the files hold in
   * place of the DataFrame's JSON column.
   */
  def write(
      table: CatalogTable,
      mode: SaveMode,
      options: Map[String, String],
      data: DataFrame,
      rawSchema: Option[String]): BaseRelation = {
    val session = data.sparkSession
    // Spark 3.5 has no VARIANT: its catalog cannot hold such a table (checked before writing).
    rawSchema.map(sparkSchema).filter(s => !SparkTypes.hasVariant && RawJsonSchema.hasVariant(s)).foreach { _ =>
      throw new IllegalArgumentException(s"${RawJsonSchema.Spark35Variant}; a table of them cannot be made " +
        "on this Spark: write them to a path (save) instead, or use Spark 4")
    }
    // An append finds the table in the catalog (new partitions are added to it); a new table is
    // entered by Spark after this returns.
    val existing = Some(table).filter(t => session.sessionState.catalog.tableExists(t.identifier))
    def source(schema: Option[StructType]) = SparkDataSource(session, classOf[RustParquetFileFormat].getName,
      schema, table.partitionColumnNames, table.bucketSpec, options, existing)
    session.sessionState.executePlan(source(None).planForWriting(mode, data.queryExecution.analyzed))
      .assertCommandExecuted()
    val written = rawSchema match {
      case None => data.schema
      case Some(json) =>
        val documents = DataType.fromJson(sparkSchema(json)).asInstanceOf[StructType]
        val resolver = session.sessionState.conf.resolver
        StructType(documents.fields ++
          data.schema.fields.filter(f => table.partitionColumnNames.exists(resolver(_, f.name))))
    }
    SparkDataSource.resolveRelation(source(Some(written)))
  }

  /** The Spark schema JSON of the raw path's resolved schema (rustparquet JSON). */
  private def sparkSchema(json: String): String =
    new String(NativeWriter.loaded.sparkSchema(json.getBytes(UTF_8)), UTF_8)
}
