package org.rustparquet.spark

import java.lang.reflect.{InvocationTargetException, Method}

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.catalog.{BucketSpec, CatalogTable}
import org.apache.spark.sql.execution.datasources.DataSource
import org.apache.spark.sql.sources.BaseRelation
import org.apache.spark.sql.types.StructType

/**
 * Spark's internal `DataSource`, as [[TableWrite]] makes and resolves it (Spark 4 shim).
 *
 * Its shape changes within Spark 4: 4.0's case class has eight fields and
 * `resolveRelation(checkFilesExist)`; 4.3 adds a ninth field and two more `resolveRelation`
 * parameters, all with defaults. A call compiled against one release does not link on the other,
 * so both are found at run time: our leading arguments, then Spark's own defaults
 * (`apply$default$N`, `resolveRelation$default$N`) for any parameter a later release added.
 */
private[spark] object SparkDataSource {
  def apply(
      session: SparkSession,
      className: String,
      userSpecifiedSchema: Option[StructType],
      partitionColumns: Seq[String],
      bucketSpec: Option[BucketSpec],
      options: Map[String, String],
      catalogTable: Option[CatalogTable]): DataSource = {
    // DataSource(sparkSession, className, paths, userSpecifiedSchema, partitionColumns, bucketSpec,
    //            options, catalogTable, ...)
    val leading = Seq[AnyRef](session, className, Nil, userSpecifiedSchema, partitionColumns, bucketSpec, options,
      catalogTable)
    callWithDefaults(DataSource, "apply", leading).asInstanceOf[DataSource]
  }

  /** The relation over what `source` names, without checking that its files exist. */
  def resolveRelation(source: DataSource): BaseRelation =
    callWithDefaults(source, "resolveRelation", Seq(java.lang.Boolean.FALSE)).asInstanceOf[BaseRelation]

  /** Calls `target.name` (the overload with fewest parameters beyond `leading`), the rest defaulted. */
  private def callWithDefaults(target: AnyRef, name: String, leading: Seq[AnyRef]): AnyRef = {
    val candidates = target.getClass.getMethods.toSeq.filter { m =>
      m.getName == name && m.getParameterCount >= leading.length &&
      m.getParameterTypes.toSeq.zip(leading).forall { case (t, a) => accepts(t, a) }
    }
    if (candidates.isEmpty) {
      throw new UnsupportedOperationException(s"rustparquet: this Spark's ${target.getClass.getName} has no " +
        s"$name taking ${leading.length} leading arguments of these types: " +
        target.getClass.getMethods.filter(_.getName == name).mkString("; "))
    }
    val method: Method = candidates.minBy(_.getParameterCount)
    val defaults = (leading.length + 1 to method.getParameterCount).map { n =>
      target.getClass.getMethod(s"$name$$default$$$n").invoke(target)
    }
    try method.invoke(target, (leading ++ defaults): _*)
    catch { case e: InvocationTargetException if e.getCause != null => throw e.getCause }
  }

  private def accepts(parameter: Class[_], argument: AnyRef): Boolean =
    if (parameter == java.lang.Boolean.TYPE) argument.isInstanceOf[java.lang.Boolean]
    else parameter.isInstance(argument)
}
