package org.rustparquet.spark

import java.io.File
import java.nio.file.Files

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.Path
import org.apache.parquet.hadoop.ParquetFileReader
import org.apache.parquet.hadoop.metadata.ParquetMetadata
import org.apache.parquet.hadoop.util.HadoopInputFile
import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

/**
 * One local SparkSession per suite and a scratch directory deleted afterwards. The session has
 * 4 task slots on 2 cores (two concurrent writers per core) and a task may fail once
 * (`local[4,2]`); a suite adds its own settings through [[sparkConf]].
 */
trait SparkSessionSuite extends AnyFunSuite with BeforeAndAfterAll {

  protected var spark: SparkSession = _
  protected var scratch: File = _

  /** Prefix of the scratch directory's name under the system temp dir. */
  protected def scratchPrefix: String

  /** The suite's own settings; evaluated after [[scratch]] exists, so they may point into it. */
  protected def sparkConf: Seq[(String, String)] = Nil

  override def beforeAll(): Unit = {
    super.beforeAll()
    scratch = Files.createTempDirectory(scratchPrefix).toFile
    val builder = SparkSession.builder()
      .master("local[4,2]")
      .appName(getClass.getSimpleName)
      .config("spark.ui.enabled", "false")
      .config("spark.driver.host", "127.0.0.1")
    sparkConf.foreach { case (k, v) => builder.config(k, v) }
    spark = builder.getOrCreate()
  }

  override def afterAll(): Unit = {
    try if (spark != null) spark.stop()
    finally {
      try if (scratch != null) deleteRecursively(scratch)
      finally super.afterAll()
    }
  }

  private def deleteRecursively(f: File): Unit = {
    Option(f.listFiles()).foreach(_.foreach(deleteRecursively))
    f.delete()
  }

  private var counter = 0

  /** A path under the scratch directory that nothing has used yet. */
  protected def freshPath(name: String): String = {
    counter += 1
    new File(scratch, s"$name-$counter").getAbsolutePath
  }

  /** The Parquet footer of a local file. */
  protected def footer(file: File): ParquetMetadata = {
    val reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file.getAbsolutePath), new Configuration()))
    try reader.getFooter finally reader.close()
  }
}
