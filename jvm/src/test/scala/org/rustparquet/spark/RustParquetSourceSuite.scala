package org.rustparquet.spark

import org.scalatest.funsuite.AnyFunSuite

/**
 * The registered class and its version check, without a session: the class must load on any Spark
 * and Scala (plain Java supertypes only), and refuses the Spark it was not built for with one
 * message naming both jars. (spark-tests/test_spark_wrong_jar.py runs each jar on the other Spark.)
 */
class RustParquetSourceSuite extends AnyFunSuite {

  test("META-INF/services registers the version-neutral class") {
    val in = getClass.getResourceAsStream("/META-INF/services/org.apache.spark.sql.sources.DataSourceRegister")
    val listed = try scala.io.Source.fromInputStream(in, "UTF-8").mkString.trim finally in.close()
    assert(listed == classOf[RustParquetSource].getName)
  }

  test("the registered class has no Scala supertype and no Scala field") {
    val cls = classOf[RustParquetSource]
    assert(cls.getSuperclass == classOf[Object])
    cls.getInterfaces.foreach(i => assert(!i.getName.startsWith("scala."), i.getName))
    cls.getDeclaredFields.foreach(f => assert(!f.getType.getName.startsWith("scala."), f.toString))
  }

  test("the running Spark is the one this build is for") {
    assert(RustParquetSource.mismatchWith(org.apache.spark.SPARK_VERSION, scala.util.Properties.versionNumberString) == null)
    RustParquetSource.requireBuiltForRunningSpark()
  }

  test("another Spark or Scala gets one message naming the jar to use") {
    val running = org.apache.spark.SPARK_VERSION
    val (otherSpark, otherScala) = if (running.startsWith("3.5.")) ("4.3.0", "2.13.18") else ("3.5.9", "2.12.18")
    val thisScala = scala.util.Properties.versionNumberString
    for ((spark, scalaVersion) <- Seq((otherSpark, otherScala), (running, otherScala), (otherSpark, thisScala),
        ("3.4.1", "2.12.17"))) {
      val message = RustParquetSource.mismatchWith(spark, scalaVersion)
      assert(message != null, s"$spark / $scalaVersion")
      assert(message.contains(s"but this session runs Spark $spark on Scala $scalaVersion."), message)
      assert(message.contains("rustparquet-spark-3.5_2.12 for Spark 3.5 (Scala 2.12)"), message)
      assert(message.contains("rustparquet-spark-4_2.13 for Spark 4.x (Scala 2.13)"), message)
    }
  }
}
