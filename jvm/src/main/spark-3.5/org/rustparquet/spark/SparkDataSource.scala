package org.rustparquet.spark

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.catalog.{BucketSpec, CatalogTable}
import org.apache.spark.sql.execution.datasources.DataSource
import org.apache.spark.sql.sources.BaseRelation
import org.apache.spark.sql.types.StructType

/** Spark's internal `DataSource`, as [[TableWrite]] makes and resolves it (Spark 3.5 shim). */
private[spark] object SparkDataSource {
  def apply(
      session: SparkSession,
      className: String,
      userSpecifiedSchema: Option[StructType],
      partitionColumns: Seq[String],
      bucketSpec: Option[BucketSpec],
      options: Map[String, String],
      catalogTable: Option[CatalogTable]): DataSource =
    DataSource(
      session,
      className = className,
      userSpecifiedSchema = userSpecifiedSchema,
      partitionColumns = partitionColumns,
      bucketSpec = bucketSpec,
      options = options,
      catalogTable = catalogTable)

  /** The relation over what `source` names, without checking that its files exist. */
  def resolveRelation(source: DataSource): BaseRelation = source.resolveRelation(checkFilesExist = false)
}
