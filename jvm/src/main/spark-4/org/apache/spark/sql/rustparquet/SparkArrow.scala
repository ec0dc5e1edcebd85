package org.apache.spark.sql.rustparquet

import java.lang.reflect.{InvocationTargetException, Method}

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.types.pojo.Schema
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.util.ArrowUtils

/**
 * The two pieces of Spark's `private[sql]` ArrowUtils the rustparquet writer needs: Spark's own
 * Spark-to-Arrow schema mapping (so Arrow types mean what Spark's types mean) and its allocator.
 * Kept in Spark's package because of that visibility (Spark 4 shim).
 *
 * `toArrowSchema` changes shape within Spark 4: 4.0 has `(schema, timeZoneId,
 * errorOnDuplicatedFieldNames, largeVarTypes)`, later releases add parameters with defaults (4.3:
 * a fifth). A call compiled against one would not link on the other, so the method is found once
 * at run time: the shortest overload starting with those four parameters, any further parameter
 * given Spark's own default (`toArrowSchema$default$N`).
 */
object SparkArrow {
  private lazy val toArrowSchemaCall: (StructType, String) => Schema = {
    val utils = ArrowUtils
    val bool = java.lang.Boolean.TYPE
    val prefix = Seq[Class[_]](classOf[StructType], classOf[String], bool, bool)
    val candidates = utils.getClass.getMethods.toSeq.filter { m =>
      m.getName == "toArrowSchema" && m.getParameterCount >= prefix.length &&
      m.getParameterTypes.toSeq.take(prefix.length) == prefix
    }
    if (candidates.isEmpty) {
      throw new UnsupportedOperationException(
        "rustparquet: this Spark's ArrowUtils has no toArrowSchema(StructType, String, boolean, boolean, ...): " +
          utils.getClass.getMethods.filter(_.getName == "toArrowSchema").mkString("; "))
    }
    val method = candidates.minBy(_.getParameterCount)
    val defaults: Seq[AnyRef] = (prefix.length + 1 to method.getParameterCount).map { n =>
      val default: Method = utils.getClass.getMethod(s"toArrowSchema$$default$$$n")
      default.invoke(utils)
    }
    (schema: StructType, timeZoneId: String) => {
      val args = Seq[AnyRef](schema, timeZoneId, java.lang.Boolean.TRUE, java.lang.Boolean.FALSE) ++ defaults
      try method.invoke(utils, args: _*).asInstanceOf[Schema]
      catch { case e: InvocationTargetException if e.getCause != null => throw e.getCause }
    }
  }

  /** Spark's Arrow schema for `schema`: timestamps as microseconds in `timeZoneId`, no large types. */
  def toArrowSchema(schema: StructType, timeZoneId: String): Schema = toArrowSchemaCall(schema, timeZoneId)

  /** A child of Spark's root Arrow allocator, closed by the caller. */
  def newAllocator(name: String): BufferAllocator =
    ArrowUtils.rootAllocator.newChildAllocator(name, 0, Long.MaxValue)
}
