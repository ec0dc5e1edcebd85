package org.rustparquet.spark

import java.io.File
import java.math.{BigDecimal => JBigDecimal}
import java.sql.{Date, Timestamp}
import java.time.LocalDateTime

import scala.collection.JavaConverters._
import scala.concurrent.{Await, Future}
import scala.concurrent.ExecutionContext.Implicits.global
import scala.concurrent.duration._

import org.apache.parquet.column.Encoding
import org.apache.parquet.schema.{LogicalTypeAnnotation, MessageType, PrimitiveType}
import org.apache.spark.{SparkException, TaskContext}
import org.apache.spark.sql.{AnalysisException, DataFrame, Row}
import org.apache.spark.sql.functions.{col, udf}
import org.apache.spark.sql.types._

/**
 * The typed write path end to end: DataFrames written with `format("rustparquet")`, read back
 * with Spark's own Parquet reader and compared with the source and with Spark's own Parquet write.
 * One SparkSession: 4 task slots on 2 cores (two concurrent writers per core), a task may fail once.
 */
class RustParquetWriteSuite extends SparkSessionSuite {

  override protected def scratchPrefix: String = "rustparquet-suite"

  override protected def sparkConf: Seq[(String, String)] = Seq(
    "spark.sql.shuffle.partitions" -> "4",
    "spark.sql.session.timeZone" -> "America/Los_Angeles",
    // Only for Spark's own reference writes: store ancient dates as they are (proleptic
    // Gregorian), which is what the rustparquet writer always does.
    "spark.sql.parquet.datetimeRebaseModeInWrite" -> "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInWrite" -> "CORRECTED")

  // ---- data -------------------------------------------------------------------------------

  private val allTypes = StructType(Seq(
    StructField("id", LongType, nullable = false),
    StructField("b", ByteType),
    StructField("s", ShortType),
    StructField("i", IntegerType),
    StructField("f", FloatType),
    StructField("d", DoubleType),
    StructField("flag", BooleanType),
    StructField("str", StringType),
    StructField("bin", BinaryType),
    StructField("dec9", DecimalType(9, 2)),
    StructField("dec18", DecimalType(18, 3)),
    StructField("dec38", DecimalType(38, 10)),
    StructField("day", DateType),
    StructField("ts", TimestampType),
    StructField("ntz", TimestampNTZType),
    StructField("st", StructType(Seq(
      StructField("a", IntegerType),
      StructField("inner", StructType(Seq(
        StructField("x", StringType),
        StructField("ys", ArrayType(IntegerType)))))))),
    StructField("tags", ArrayType(StructType(Seq(
      StructField("k", StringType),
      StructField("v", DoubleType))))),
    StructField("m", MapType(StringType, StructType(Seq(StructField("q", LongType))))),
    StructField("mi", MapType(IntegerType, ArrayType(StringType, containsNull = false), valueContainsNull = true)),
    StructField("nested", ArrayType(ArrayType(LongType)))))

  private def allTypesRow(n: Int): Row = {
    val id = n.toLong
    if (n % 7 == 3) {
      // every nullable column null
      Row(id, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)
    } else {
      Row(
        id,
        (n % 256 - 128).toByte,
        (n * 31 % 65536 - 32768).toShort,
        n * 1000003,
        n / 3.0f,
        if (n % 11 == 0) Double.NaN else n * 1.5e10,
        n % 2 == 0,
        if (n % 5 == 0) "" else s"héllo ✓ $n",
        Array[Byte](0, 1, (n % 128).toByte, -1),
        new JBigDecimal(s"${n % 10000000}.${n % 100}").setScale(2),
        new JBigDecimal(s"-${n}123456789.123").setScale(3),
        new JBigDecimal(s"1234567890123456789012345678.${n}").setScale(10),
        if (n == 0) Date.valueOf("0001-01-01") else Date.valueOf(s"20${10 + n % 15}-0${1 + n % 9}-1${n % 9}"),
        if (n == 0) Timestamp.valueOf("1500-01-01 00:00:00") else new Timestamp(1700000000000L + n * 3600123L),
        LocalDateTime.of(1990 + n % 30, 1 + n % 12, 1 + n % 28, n % 24, n % 60, n % 60, (n % 1000) * 1000000),
        Row(n, Row(if (n % 4 == 0) null else s"x$n", if (n % 6 == 0) Seq.empty[Int] else Seq(n, n + 1, n + 2))),
        if (n % 9 == 0) Seq.empty[Row] else Seq(Row(s"k$n", n.toDouble), Row(null, null), Row("z", -0.5)),
        if (n % 10 == 0) Map.empty[String, Row] else Map(s"a$n" -> Row(n.toLong), "none" -> null),
        Map(n -> Seq("p", "q"), (n + 1) -> null, -n - 100 -> Seq.empty[String]),
        if (n % 8 == 0) Seq(Seq.empty[Long], null, Seq(1L, 2L)) else Seq(Seq(n.toLong)))
    }
  }

  private def allTypesFrame(rows: Int, partitions: Int): DataFrame =
    spark.createDataFrame(spark.sparkContext.parallelize((0 until rows).map(allTypesRow), partitions), allTypes)

  private def sortedRows(df: DataFrame): Seq[Row] = df.orderBy("id").collect().toSeq

  private def dataFiles(dir: String): Seq[File] = {
    def walk(f: File): Seq[File] = if (f.isDirectory) f.listFiles().toSeq.flatMap(walk) else Seq(f)
    walk(new File(dir)).filter(f => f.getName.startsWith("part-"))
  }

  /** What Spark's file sources report on read: every field, element and value nullable. */
  private def nullable(dataType: DataType): DataType = dataType match {
    case s: StructType => StructType(s.fields.map(f => f.copy(dataType = nullable(f.dataType), nullable = true)))
    case a: ArrayType => ArrayType(nullable(a.elementType), containsNull = true)
    case m: MapType => MapType(nullable(m.keyType), nullable(m.valueType), valueContainsNull = true)
    case other => other
  }

  private def rootCause(t: Throwable): Seq[Throwable] =
    Iterator.iterate(t)(_.getCause).takeWhile(_ != null).toSeq

  // ---- tests ------------------------------------------------------------------------------

  test("every supported type reads back as the source rows and as Spark's own Parquet write") {
    val df = allTypesFrame(200, 3)
    val ours = freshPath("ours")
    val theirs = freshPath("spark")
    df.write.format("rustparquet").save(ours)
    df.write.parquet(theirs)

    val back = spark.read.parquet(ours)
    val reference = spark.read.parquet(theirs)
    assert(back.schema === reference.schema)
    assert(back.schema === nullable(allTypes))
    val expected = sortedRows(df)
    assert(expected.length === 200)
    assert(sortedRows(back) === expected)
    assert(sortedRows(back) === sortedRows(reference))
    // Ancient values are not rebased: the footer says the file is from Spark 3.x.
    val first = back.where("id = 0").select("day", "ts").head()
    assert(first.getDate(0) === Date.valueOf("0001-01-01"))
    assert(first.getTimestamp(1) === Timestamp.valueOf("1500-01-01 00:00:00"))
    assert(new File(ours, "_SUCCESS").exists())
  }

  test("the Parquet schema uses the physical and logical types Spark's writer uses") {
    val out = freshPath("schema")
    allTypesFrame(50, 1).write.format("rustparquet").save(out)
    val files = dataFiles(out)
    assert(files.length === 1)
    assert(files.head.getName.endsWith(".snappy.parquet"))
    val meta = footer(files.head)
    val schema: MessageType = meta.getFileMetaData.getSchema
    def node(path: String*): org.apache.parquet.schema.Type = schema.getType(path: _*)
    def leaf(path: String*): PrimitiveType = node(path: _*).asPrimitiveType()
    def logical(path: String*): LogicalTypeAnnotation = leaf(path: _*).getLogicalTypeAnnotation

    assert(node("id").isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED))
    assert(leaf("b").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.INT32)
    assert(logical("b") === LogicalTypeAnnotation.intType(8, true))
    assert(logical("s") === LogicalTypeAnnotation.intType(16, true))
    assert(logical("str") === LogicalTypeAnnotation.stringType())
    assert(leaf("bin").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.BINARY)
    assert(logical("bin") === null)
    assert(leaf("dec9").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.INT32)
    assert(leaf("dec18").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.INT64)
    assert(leaf("dec38").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
    assert(leaf("dec38").getTypeLength === 16)
    assert(logical("dec38") === LogicalTypeAnnotation.decimalType(10, 38))
    assert(logical("day") === LogicalTypeAnnotation.dateType())
    assert(leaf("ts").getPrimitiveTypeName === PrimitiveType.PrimitiveTypeName.INT64)
    assert(logical("ts") === LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
    assert(logical("ntz") === LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
    assert(node("tags").getLogicalTypeAnnotation === LogicalTypeAnnotation.listType())
    assert(leaf("tags", "list", "element", "k").getName === "k")
    assert(node("m").getLogicalTypeAnnotation === LogicalTypeAnnotation.mapType())
    assert(node("m", "key_value", "key").isRepetition(org.apache.parquet.schema.Type.Repetition.REQUIRED))
    assert(leaf("nested", "list", "element", "list", "element").getPrimitiveTypeName ===
      PrimitiveType.PrimitiveTypeName.INT64)

    val kv = meta.getFileMetaData.getKeyValueMetaData.asScala
    assert(DataType.fromJson(kv("org.apache.spark.sql.parquet.row.metadata")) === allTypes)
    assert(kv("org.apache.spark.version") === org.apache.spark.SPARK_VERSION_SHORT)
    assert(!kv.contains("ARROW:schema"))
    val encodings = meta.getBlocks.asScala.flatMap(_.getColumns.asScala).flatMap(_.getEncodings.asScala).toSet
    assert(!encodings.contains(Encoding.BYTE_STREAM_SPLIT))
  }

  test("save modes: errorifexists (default), append, overwrite, ignore") {
    val out = freshPath("modes")
    val df = spark.range(0, 100).selectExpr("id", "cast(id as string) as s")
    df.write.format("rustparquet").save(out)
    val error = intercept[AnalysisException](df.write.format("rustparquet").save(out))
    assert(error.getMessage.contains("already exists"))
    df.write.format("rustparquet").mode("append").save(out)
    assert(spark.read.parquet(out).count() === 200)
    spark.range(1000, 1010).selectExpr("id", "cast(id as string) as s")
      .write.format("rustparquet").mode("overwrite").save(out)
    assert(spark.read.parquet(out).orderBy("id").collect().map(_.getLong(0)).toSeq === (1000L until 1010L))
    df.write.format("rustparquet").mode("ignore").save(out)
    assert(spark.read.parquet(out).count() === 10)
    assert(spark.read.format("rustparquet").load(out).count() === 10)
  }

  test("partitionBy and maxRecordsPerFile split the output as Spark's writer does") {
    val out = freshPath("partitioned")
    val df = spark.range(0, 1000, 1, 2).selectExpr("id", "id % 3 as p", "array(id, id * 2) as xs")
    df.write.format("rustparquet").partitionBy("p").option("maxRecordsPerFile", 100).save(out)
    val dirs = new File(out).listFiles().filter(_.isDirectory).map(_.getName).sorted.toSeq
    assert(dirs === Seq("p=0", "p=1", "p=2"))
    val files = dataFiles(out)
    // 2 tasks x 3 partitions, about 167 rows each, at most 100 rows per file.
    assert(files.length === 12)
    val back = spark.read.parquet(out)
    assert(back.schema.fieldNames.toSeq === Seq("id", "xs", "p"))
    assert(sortedRows(back.select("id", "p", "xs")) === sortedRows(df.select("id", "p", "xs")))
  }

  test("concurrent writers in one JVM: two jobs at once, each with more tasks than cores") {
    val outs = Seq(freshPath("concurrent-a"), freshPath("concurrent-b"))
    val frames = outs.indices.map(k => allTypesFrame(400, 6).withColumn("job", org.apache.spark.sql.functions.lit(k)))
    val jobs = outs.zip(frames).map { case (out, df) =>
      Future(df.write.format("rustparquet").option("batchRows", 16).save(out))
    }
    jobs.foreach(Await.result(_, 5.minutes))
    outs.zip(frames).foreach { case (out, df) =>
      assert(dataFiles(out).length === 6)
      assert(sortedRows(spark.read.parquet(out)) === sortedRows(df))
    }
  }

  test("a task that fails on its first attempt leaves no duplicate or partial files") {
    val out = freshPath("retried")
    val failOnce = udf { (id: Long) =>
      val ctx = TaskContext.get()
      if (ctx.partitionId() == 1 && ctx.attemptNumber() == 0 && id == 350L) {
        throw new IllegalStateException("injected failure on the first attempt")
      }
      id
    }
    val df = spark.range(0, 1000, 1, 4).select(failOnce(col("id")).as("id"), col("id").cast("string").as("s"))
    df.write.format("rustparquet").option("batchRows", 100).save(out)
    val back = spark.read.parquet(out)
    assert(back.count() === 1000)
    assert(back.select("id").distinct().count() === 1000)
    assert(dataFiles(out).length === 4)
    val leftovers = new File(out).listFiles().map(_.getName).filterNot(n => n.startsWith("part-") || n.startsWith("._SUCCESS") || n.startsWith(".part-") || n == "_SUCCESS")
    assert(leftovers.isEmpty, leftovers.mkString(", "))
  }

  test("a cancelled write leaves no files and the session keeps writing") {
    val out = freshPath("cancelled")
    val slow = udf { (id: Long) => if (id % 1000 == 999) Thread.sleep(50); id }
    val df = spark.range(0, 1000000, 1, 4).select(slow(col("id")).as("id"), col("id").cast("string").as("s"))
    val session = spark
    val writing = Future {
      session.sparkContext.setJobGroup("cancel-me", "cancelled write", interruptOnCancel = true)
      df.write.format("rustparquet").option("batchRows", 100).save(out)
    }
    Thread.sleep(3000) // every task is inside its writer by now
    spark.sparkContext.cancelJobGroup("cancel-me")
    val error = intercept[SparkException](Await.result(writing, 2.minutes))
    assert(error.getMessage.contains("cancel"), error.getMessage)
    assert(dataFiles(out).isEmpty, dataFiles(out).mkString(", "))
    // The session still writes (nothing leaked into the next job, no JVM damage).
    spark.range(10).write.format("rustparquet").save(freshPath("after-cancel"))
  }

  test("an error raised in Rust arrives as a RustParquetException with its message") {
    val df = spark.range(10).toDF("id")
    // On the driver: options are checked by the native side before any task starts.
    val onDriver = intercept[RustParquetException] {
      df.write.format("rustparquet").option("compression", "brotli").save(freshPath("brotli"))
    }
    assert(onDriver.getMessage ===
      "option `compression`: \"brotli\" is not supported; use snappy, zstd, gzip, lz4, none (Spark 3.5 cannot read brotli)")
    // In a task: the native writer refuses a bloom filter on a column that does not exist.
    val inTask = intercept[SparkException] {
      df.write.format("rustparquet").option("bloomFilterColumns", "nope").save(freshPath("bloom"))
    }
    val native = rootCause(inTask).collectFirst { case e: RustParquetException => e }
    assert(native.isDefined, s"no RustParquetException in ${rootCause(inTask)}")
    assert(native.get.getMessage.contains("option `bloomFilterColumns`: no column `nope`; leaf columns are: id"))
  }

  test("sibling names equal after case folding are refused, nested too") {
    val df = spark.range(3).selectExpr("named_struct('ID', id, 'id', id) as s")
    val error = intercept[RustParquetException](df.write.format("rustparquet").save(freshPath("case")))
    assert(error.getMessage === "fields `ID` and `id` under s differ only in case; Spark cannot read such a file " +
      "back in a case-insensitive session (rename one, or set spark.sql.caseSensitive)")
  }

  test("under spark.sql.caseSensitive, names equal after case folding are written and read back") {
    spark.conf.set("spark.sql.caseSensitive", "true")
    try {
      val df = spark.range(3).selectExpr("id", "id * 2 as ID", "named_struct('x', id, 'X', -id) as s")
      val out = freshPath("case-sensitive")
      df.write.format("rustparquet").save(out)
      val back = spark.read.parquet(out)
      assert(back.schema === nullable(df.schema))
      assert(sortedRows(back) === sortedRows(df))
    } finally spark.conf.unset("spark.sql.caseSensitive")
  }

  test("codecs, small row groups and bloom filters give the same rows") {
    val df = allTypesFrame(3000, 2)
    val expected = sortedRows(df)
    val cases = Seq(
      Map("compression" -> "zstd") -> ".zstd.parquet",
      Map("compression" -> "GZIP") -> ".gz.parquet",
      Map("compression" -> "lz4", "dictionary" -> "false") -> ".lz4raw.parquet",
      Map("compression" -> "none", "rowGroupSize" -> "64k", "batchRows" -> "100",
        "bloomFilterColumns" -> "str,st.inner.x") -> ".parquet")
    cases.foreach { case (options, extension) =>
      val out = freshPath("codec")
      df.write.format("rustparquet").options(options).save(out)
      val files = dataFiles(out)
      assert(files.length === 2 && files.forall(_.getName.endsWith(extension)), s"$options: ${files.map(_.getName)}")
      assert(sortedRows(spark.read.parquet(out)) === expected, options.toString)
      if (options.contains("rowGroupSize")) {
        val meta = footer(files.head)
        assert(meta.getBlocks.size() > 1, "64k row groups should split 1500 rows")
        val str = meta.getBlocks.get(0).getColumns.asScala.find(_.getPath.toDotString == "str")
        assert(str.exists(_.getBloomFilterOffset > 0), "str has a bloom filter")
      }
    }
  }

  test("an empty DataFrame still writes a readable file with the schema") {
    val out = freshPath("empty")
    allTypesFrame(0, 1).write.format("rustparquet").save(out)
    val back = spark.read.parquet(out)
    assert(back.schema === nullable(allTypes))
    assert(back.count() === 0)
  }

  test("real nested JSON (shared testdata: tweets, GitHub events, telemetry, ...) round-trips") {
    // $RUSTPARQUET_TESTDATA (as the other suites take it), else ../shared/testdata beside the
    // project root (README of shared/testdata); Maven runs in jvm/.
    val candidates = sys.env.get("RUSTPARQUET_TESTDATA").filter(_.nonEmpty).map(_ + "/json-real").toSeq ++
      Seq("../../shared/testdata/json-real", "../shared/testdata/json-real")
    val testdata = candidates.map(new File(_)).find(_.isDirectory)
      .getOrElse(cancel(s"no json-real test data (looked in ${candidates.mkString(", ")}; set RUSTPARQUET_TESTDATA)"))
    // main_pings.ndjson (15,583 paths) is left out: Spark's own reader needs more heap for it.
    val files = Seq("twitter.ndjson", "github_events.ndjson", "citm_catalog.ndjson", "gsoc-2018.ndjson",
      "instruments.ndjson", "mozilla-telemetry/glean_pings.ndjson", "mozilla-telemetry/bhr_hangs.ndjson")
    files.foreach { name =>
      val df = spark.read.json(new File(testdata, name).getPath).coalesce(1).cache()
      val out = freshPath("real")
      df.write.format("rustparquet").save(out)
      val back = spark.read.parquet(out)
      assert(back.schema === df.schema, name)
      // One task, one file: the rows come back in the order they were written.
      assert(back.collect().toSeq === df.collect().toSeq, name)
      df.unpersist()
    }
  }

  test("deep nesting round-trips: 200 levels of arrays, 120 of structs") {
    // The native side runs deep schemas on a stack of its own (checked on a JVM-sized 1 MiB
    // stack by the JNI crate's `stack` tests). Spark's own recursion needs more: its analyzer
    // on the driver thread (hence the large stack here) and its task deserialization on the
    // executor threads, which overflowed 1 MiB at 120 struct levels on a loaded machine and
    // stopped the SparkContext; the suites' JVM runs with -Xss16m (jvm/pom.xml, test.jvm.args)
    // as a cluster with such schemas sets spark.executor.extraJavaOptions.
    onLargeStack(deepRoundTrips())
  }

  private def onLargeStack(body: => Unit): Unit = {
    var failure: Option[Throwable] = None
    val thread = new Thread(null, () => try body catch { case t: Throwable => failure = Some(t) }, "deep", 64L << 20)
    thread.start()
    thread.join()
    failure.foreach(t => throw t)
  }

  private def deepRoundTrips(): Unit = {
    val session = spark
    import session.implicits._
    // (200-level structs were checked by hand through pyspark, see docs/spark.md)
    val arrays = "[" * 200 + "1" + "]" * 200
    val structs = "{\"a\":" * 120 + "1" + "}" * 120
    Seq("arrays" -> arrays, "structs" -> structs).foreach { case (kind, deep) =>
      val df = spark.read.json(Seq(s"""{"id":1,"d":$deep}""", """{"id":2,"d":null}""").toDS())
      val out = freshPath(s"deep-$kind")
      df.write.format("rustparquet").save(out)
      val back = spark.read.parquet(out)
      assert(back.schema === df.schema, kind)
      // (inferred JSON fields come out sorted by name)
      assert(back.orderBy("id").toJSON.collect().toSeq === Seq(s"""{"d":$deep,"id":1}""", """{"id":2}"""), kind)
    }
  }

  test("types Spark's Parquet writer handles differently are refused clearly") {
    val df = spark.sql("select interval '1' year as y")
    // Spark refuses intervals itself for any CreatableRelationProvider (the rustparquet front);
    // Spark 4 asks the source (CreatableRelationProvider.supportsDataType) and names it.
    val error = intercept[AnalysisException](df.write.format("rustparquet").save(freshPath("interval")))
    assert(error.getMessage.contains("Cannot save interval data type into external storage") ||
      error.getMessage.contains("The RustParquet datasource doesn't support the column `y`"), error.getMessage)
    // Other types Spark's Parquet writer stores differently reach RustParquetFileFormat.supportDataType.
    val void = intercept[AnalysisException](spark.sql("select null as v").write.format("rustparquet").save(freshPath("void")))
    assert(void.getMessage.contains("RustParquet"), void.getMessage)
  }
}
