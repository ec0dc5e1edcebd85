package org.rustparquet.spark

import java.io.File
import java.net.URI
import java.nio.charset.StandardCharsets
import java.nio.file.Files

import org.apache.spark.sql.{AnalysisException, DataFrame, Row}
import org.apache.spark.sql.catalyst.TableIdentifier
import org.apache.spark.sql.functions.expr
import org.apache.spark.sql.types._

/**
 * Tables: `saveAsTable`, `insertInto`, SQL `CREATE TABLE ... USING rustparquet` and `INSERT`,
 * in Spark's in-memory catalog with its warehouse under the suite's scratch directory. Each table
 * is compared with the same DataFrame written as a table by Spark's own Parquet source, and its
 * files are checked to come from the Rust writer.
 */
class TableWriteSuite extends SparkSessionSuite {

  override protected def scratchPrefix: String = "rustparquet-tables"

  override protected def sparkConf: Seq[(String, String)] = Seq(
    "spark.sql.warehouse.dir" -> new File(scratch, "warehouse").getAbsolutePath,
    "spark.sql.shuffle.partitions" -> "4",
    "spark.sql.session.timeZone" -> "UTC")

  /** 300 rows over 3 days, nested columns and nulls, in 3 partitions. */
  private def events(from: Long = 0, count: Long = 300): DataFrame =
    spark.range(from, from + count, 1, 3).selectExpr(
      "id",
      "if(id % 7 = 3, null, concat('name-', cast(id as string))) as name",
      "cast(id / 8.0 as decimal(10, 2)) as price",
      "timestamp_micros(1700000000000000 + id * 1000003) as ts",
      "if(id % 5 = 0, array(), array(concat('t', cast(id % 3 as string)), 'u')) as tags",
      "map('k', cast(id as int), 'n', if(id % 2 = 0, null, 1)) as attrs",
      "if(id % 4 = 0, null, named_struct('a', cast(id as int), 'b', array(named_struct('c', cast(id * 2 as string))))) as st",
      "date_add(date'2024-01-01', cast(id % 3 as int)) as date")

  private def rows(df: DataFrame): Seq[Row] = df.orderBy("id").collect().toSeq

  private def location(table: String): File =
    new File(new URI(spark.sessionState.catalog.getTableMetadata(TableIdentifier(table)).location.toString))

  private def dataFiles(dir: File): Seq[File] = {
    def walk(f: File): Seq[File] = if (f.isDirectory) f.listFiles().toSeq.flatMap(walk) else Seq(f)
    walk(dir).filter(f => f.getName.startsWith("part-") && f.getName.endsWith(".parquet"))
  }

  /** Every data file of the table was written by the Rust writer (parquet-rs), not parquet-mr. */
  private def assertWrittenByRust(table: String): Unit = {
    val files = dataFiles(location(table))
    assert(files.nonEmpty, s"$table has no data files")
    files.foreach { f =>
      val createdBy = footer(f).getFileMetaData.getCreatedBy
      assert(createdBy.contains("parquet-rs"), s"$f: $createdBy")
    }
  }

  private def provider(table: String): Option[String] =
    spark.sessionState.catalog.getTableMetadata(TableIdentifier(table)).provider

  test("saveAsTable: the table reads back the rows and schema of Spark's own Parquet table") {
    val df = events()
    df.write.format("rustparquet").saveAsTable("t_basic")
    df.write.format("parquet").saveAsTable("t_basic_ref")
    val back = spark.table("t_basic")
    assert(provider("t_basic") === Some("rustparquet"))
    assert(back.schema === spark.table("t_basic_ref").schema)
    assert(back.schema.simpleString === df.schema.simpleString)
    assert(rows(back) === rows(df))
    assert(back.count() === 300)
    assert(location("t_basic").getParentFile === new File(scratch, "warehouse"))
    assertWrittenByRust("t_basic")
  }

  test("saveAsTable modes: errorifexists (default), append, overwrite, ignore") {
    val first = events(0, 100)
    first.write.format("rustparquet").saveAsTable("t_modes")
    val exists = intercept[AnalysisException](first.write.format("rustparquet").saveAsTable("t_modes"))
    assert(exists.getMessage.contains("already exists"), exists.getMessage)

    // Append resolves the DataFrame's columns by name, as for any table.
    val second = events(100, 50)
    second.select(second.columns.reverse.map(second.col): _*)
      .write.format("rustparquet").mode("append").saveAsTable("t_modes")
    assert(rows(spark.table("t_modes")) === rows(first.union(second)))

    val third = events(1000, 20)
    third.write.format("rustparquet").mode("overwrite").saveAsTable("t_modes")
    assert(rows(spark.table("t_modes")) === rows(third))

    first.write.format("rustparquet").mode("ignore").saveAsTable("t_modes")
    assert(rows(spark.table("t_modes")) === rows(third))
    assertWrittenByRust("t_modes")
  }

  test("a partitioned table: partitionBy, append, insertInto and SQL INSERT, INSERT OVERWRITE of one partition") {
    val df = events()
    df.write.format("rustparquet").partitionBy("date").saveAsTable("t_parts")
    val dirs = location("t_parts").listFiles().filter(_.isDirectory).map(_.getName).sorted.toSeq
    assert(dirs === Seq("date=2024-01-01", "date=2024-01-02", "date=2024-01-03"))
    assert(spark.sql("SHOW PARTITIONS t_parts").collect().map(_.getString(0)).sorted.toSeq === dirs)
    df.write.format("parquet").partitionBy("date").saveAsTable("t_parts_ref")
    val back = spark.table("t_parts")
    assert(back.schema === spark.table("t_parts_ref").schema)
    assert(back.schema.fieldNames.toSeq === df.schema.fieldNames.toSeq)
    assert(rows(back) === rows(df))
    assert(back.where("date = date'2024-01-02'").count() === 100)

    // New partitions appended through saveAsTable are entered in the catalog.
    val appended = events(300, 30).withColumn("date", expr("date_add(date, 40)"))
    appended.write.format("rustparquet").mode("append").partitionBy("date").saveAsTable("t_parts")
    assert(spark.sql("SHOW PARTITIONS t_parts").collect().map(_.getString(0)).sorted.toSeq ===
      dirs ++ Seq("date=2024-02-10", "date=2024-02-11", "date=2024-02-12"))
    assert(rows(spark.table("t_parts")) === rows(df.union(appended)))

    // insertInto is by position: the table's column order, partition column last.
    val inserted = events(400, 30)
    inserted.write.insertInto("t_parts")
    assert(spark.table("t_parts").count() === 360)
    assert(rows(spark.table("t_parts").where("id >= 400")) === rows(inserted))

    spark.sql(
      """INSERT INTO t_parts SELECT id + 1000, name, price, ts, tags, attrs, st, date'2024-02-01' AS date
        |FROM t_parts WHERE id < 10""".stripMargin)
    assert(spark.sql("SHOW PARTITIONS t_parts").collect().map(_.getString(0)).toSet.contains("date=2024-02-01"))
    assert(spark.table("t_parts").where("date = date'2024-02-01'").orderBy("id").select("id").collect()
      .map(_.getLong(0)).toSeq === (1000L until 1010L))

    df.where("date = date'2024-01-02' AND id < 30").drop("date").createOrReplaceTempView("day2")
    spark.sql("INSERT OVERWRITE TABLE t_parts PARTITION (date = date'2024-01-02') SELECT * FROM day2")
    assert(spark.table("t_parts").where("date = date'2024-01-02'").orderBy("id").select("id").collect()
      .map(_.getLong(0)).toSeq === Seq(1L, 4L, 7L, 10L, 13L, 16L, 19L, 22L, 25L, 28L))
    assert(spark.table("t_parts").where("date = date'2024-01-01'").count() === 100 + 10)
    assertWrittenByRust("t_parts")
  }

  test("CREATE TABLE ... USING rustparquet, INSERT INTO ... VALUES and SELECT") {
    spark.sql("CREATE TABLE t_sql (id BIGINT, s STRUCT<a: ARRAY<INT>>) USING rustparquet")
    assert(spark.table("t_sql").count() === 0)
    spark.sql(
      """INSERT INTO t_sql VALUES
        |  (1, named_struct('a', array(1, 2))),
        |  (2, named_struct('a', array())),
        |  (3, null),
        |  (4, named_struct('a', null)),
        |  (5, named_struct('a', array(null, 3)))""".stripMargin)
    spark.sql("INSERT INTO t_sql VALUES (6, named_struct('a', array(6)))")
    // size(NULL) is -1 on Spark 3.5 and NULL on Spark 4 (spark.sql.legacy.sizeOfNull): the
    // coalesce keeps the check (null array vs empty array) the same on both.
    val back = spark.sql("SELECT id, s, coalesce(size(s.a), -1) AS n FROM t_sql ORDER BY id")
    assert(back.schema("s").dataType === StructType.fromDDL("a ARRAY<INT>"))
    assert(back.collect().toSeq === Seq(
      Row(1L, Row(Seq(1, 2)), 2),
      Row(2L, Row(Seq()), 0),
      Row(3L, null, -1),
      Row(4L, Row(null), -1),
      Row(5L, Row(Seq(null, 3)), 2),
      Row(6L, Row(Seq(6)), 1)))
    assert(dataFiles(location("t_sql")).nonEmpty)
    assertWrittenByRust("t_sql")
  }

  test("CHAR and VARCHAR columns: accepted like Spark's Parquet, written as strings, same rows back") {
    for (format <- Seq("rustparquet", "parquet")) {
      spark.sql(s"CREATE TABLE t_char_$format (id INT, c CHAR(5), v VARCHAR(3), s STRUCT<x: VARCHAR(2)>) USING $format")
      spark.sql(s"INSERT INTO t_char_$format VALUES (1, 'ab', 'xyz', named_struct('x', 'q')), (2, null, '', null)")
      val tooLong = intercept[Exception](spark.sql(s"INSERT INTO t_char_$format VALUES (3, 'a', 'wxyz', null)"))
      assert(tooLong.getMessage.toLowerCase.contains("length limitation: 3"), tooLong.getMessage)
    }
    val ours = spark.table("t_char_rustparquet")
    val theirs = spark.table("t_char_parquet")
    assert(ours.schema === theirs.schema)
    assert(rows(ours) === rows(theirs))
    assert(rows(ours).head === Row(1, "ab   ", "xyz", Row("q")))
    assertWrittenByRust("t_char_rustparquet")
    // The file holds strings, as Spark's Parquet writes them.
    val written = footer(dataFiles(location("t_char_rustparquet")).head).getFileMetaData.getSchema
    assert(written.getType(written.getFieldIndex("c")).asPrimitiveType().getLogicalTypeAnnotation.toString === "STRING")
  }

  test("SQL CTAS and a partitioned CREATE TABLE with OPTIONS: the options reach the writer") {
    spark.sql(
      """CREATE TABLE t_ctas USING rustparquet OPTIONS (compression 'zstd') PARTITIONED BY (p)
        |AS SELECT id, cast(id * 2 as string) AS s, id % 2 AS p FROM range(0, 50, 1, 2)""".stripMargin)
    assert(spark.table("t_ctas").schema.simpleString === "struct<id:bigint,s:string,p:bigint>")
    assert(rows(spark.table("t_ctas")) === rows(spark.range(0, 50).selectExpr("id", "cast(id * 2 as string) as s", "id % 2 as p")))
    assert(dataFiles(location("t_ctas")).forall(_.getName.endsWith(".zstd.parquet")), dataFiles(location("t_ctas")))
    assert(location("t_ctas").list().filter(_.startsWith("p=")).sorted.toSeq === Seq("p=0", "p=1"))

    spark.sql("CREATE TABLE t_opts (id BIGINT, v STRING, p INT) USING rustparquet OPTIONS (compression 'gzip') PARTITIONED BY (p)")
    spark.sql("INSERT INTO t_opts PARTITION (p = 7) SELECT id, cast(id as string) FROM range(5)")
    spark.sql("INSERT INTO t_opts SELECT id, 'x', 8 FROM range(3)")
    assert(spark.sql("SELECT p, count(*) FROM t_opts GROUP BY p ORDER BY p").collect().toSeq === Seq(Row(7, 5L), Row(8, 3L)))
    assert(dataFiles(location("t_opts")).map(_.getName).forall(_.endsWith(".gz.parquet")), dataFiles(location("t_opts")))
    assertWrittenByRust("t_ctas")
    assertWrittenByRust("t_opts")
  }

  test("an external table (option path): partitioned files under that path, rows back") {
    val df = events(0, 60)
    val path = freshPath("external")
    df.write.format("rustparquet").option("path", path).partitionBy("date").saveAsTable("t_ext")
    assert(location("t_ext") === new File(path))
    assert(new File(path).list().filter(_.startsWith("date=")).sorted.toSeq ===
      Seq("date=2024-01-01", "date=2024-01-02", "date=2024-01-03"))
    assert(rows(spark.table("t_ext")) === rows(df))
    assertWrittenByRust("t_ext")
  }

  test("bucketBy with saveAsTable writes a bucketed table, as Spark's Parquet source does") {
    val df = events(0, 200)
    df.write.format("rustparquet").bucketBy(4, "id").sortBy("id").saveAsTable("t_buckets")
    df.write.format("parquet").bucketBy(4, "id").sortBy("id").saveAsTable("t_buckets_ref")
    assert(rows(spark.table("t_buckets")) === rows(df))
    def bucketsOf(table: String) = dataFiles(location(table)).map { f =>
      val bucket = "_(\\d{5})\\.".r.findFirstMatchIn(f.getName).map(_.group(1).toInt)
      bucket -> spark.read.parquet(f.getPath).select("id").collect().map(_.getLong(0)).toSet
    }.groupBy(_._1).map { case (b, ids) => b -> ids.flatMap(_._2).toSet }
    assert(bucketsOf("t_buckets") === bucketsOf("t_buckets_ref"))
    assertWrittenByRust("t_buckets")
  }

  /** Newline-delimited JSON documents in a new file; returns its path. */
  private def jsonFile(lines: Seq[String]): String = {
    val file = new File(freshPath("docs") + ".json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    file.getPath
  }

  /** The documents as `spark.read.text` gives them: one `value` string per line. */
  private def text(lines: Seq[String]): DataFrame = spark.read.text(jsonFile(lines))

  private val docs = Seq(
    """{"id": 1, "user": {"name": "a", "langs": ["en", "fr"]}, "n": 1.5, "day": "d1"}""",
    """{"id": 2, "user": {"name": "b", "langs": []}, "day": "d2"}""",
    """{"id": 3, "user": null, "n": 2.5, "day": "d1"}""")

  test("raw JSON into a table: saveAsTable with jsonColumn stores the documents' schema and values") {
    text(docs).write.format("rustparquet").option("jsonColumn", "value").option("fieldOrder", "document").saveAsTable("raw_t")
    val back = spark.table("raw_t")
    assert(back.schema.simpleString === "struct<id:bigint,user:struct<name:string,langs:array<string>>,n:double,day:string>")
    assert(back.orderBy("id").collect().toSeq === Seq(
      Row(1L, Row("a", Seq("en", "fr")), 1.5, "d1"),
      Row(2L, Row("b", Seq()), null, "d2"),
      Row(3L, null, 2.5, "d1")))
    assertWrittenByRust("raw_t")

    // Partitioned by a column next to the documents, as with save().
    text(docs).selectExpr("value", "get_json_object(value, '$.day') AS part")
      .write.format("rustparquet").option("jsonColumn", "value").option("fieldOrder", "document")
      .partitionBy("part").saveAsTable("raw_parts")
    assert(spark.table("raw_parts").schema.fieldNames.toSeq === Seq("id", "user", "n", "day", "part"))
    assert(spark.sql("SHOW PARTITIONS raw_parts").collect().map(_.getString(0)).sorted.toSeq === Seq("part=d1", "part=d2"))
    assert(spark.table("raw_parts").where("part = 'd1'").orderBy("id").select("id").collect().map(_.getLong(0)).toSeq ===
      Seq(1L, 3L))
    assertWrittenByRust("raw_parts")
  }

  test("raw JSON tables: appending documents with saveAsTable is refused by Spark; typed inserts and save() work") {
    text(docs).write.format("rustparquet").option("jsonColumn", "value").option("fieldOrder", "document").saveAsTable("raw_more")
    val more = Seq("""{"id": 10, "user": {"name": "z", "langs": ["de"]}, "n": 0.5, "day": "d3"}""")
    val refused = intercept[AnalysisException] {
      text(more).write.format("rustparquet").option("jsonColumn", "value").mode("append").saveAsTable("raw_more")
    }
    assert(refused.getMessage.contains("doesn't match the data schema (struct<value:string>)"), refused.getMessage)

    // The table keeps `jsonColumn` among its options; an insert is rows of the table's schema.
    val schema = spark.table("raw_more").schema
    spark.read.schema(schema).json(jsonFile(more)).write.insertInto("raw_more")
    spark.sql("INSERT INTO raw_more SELECT 11, named_struct('name', 'y', 'langs', array()), null, 'd4'")
    // More documents through the raw path: saved into the table's location with its schema.
    text(Seq("""{"id": 12, "n": 7.0}""")).write.format("rustparquet").option("jsonColumn", "value")
      .option("schema", schema.toDDL).mode("append").save(location("raw_more").getPath)
    spark.sql("REFRESH TABLE raw_more")
    assert(spark.table("raw_more").orderBy("id").collect().toSeq === Seq(
      Row(1L, Row("a", Seq("en", "fr")), 1.5, "d1"),
      Row(2L, Row("b", Seq()), null, "d2"),
      Row(3L, null, 2.5, "d1"),
      Row(10L, Row("z", Seq("de")), 0.5, "d3"),
      Row(11L, Row("y", Seq()), null, "d4"),
      Row(12L, null, 7.0, null)))
    assertWrittenByRust("raw_more")
  }
}
