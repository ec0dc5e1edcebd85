package org.rustparquet.spark

import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.Files

import scala.concurrent.{Await, Future}
import scala.concurrent.ExecutionContext.Implicits.global
import scala.concurrent.duration._

import org.apache.spark.{SparkException, TaskContext}
import org.apache.spark.sql.{DataFrame, Row}
import org.apache.spark.sql.functions.{col, udf}
import org.apache.spark.sql.types._

/**
 * The raw-JSON path end to end: `spark.read.text(...)` written with
 * `format("rustparquet").option("jsonColumn", "value")`, read back with Spark's own reader.
 * One session: 4 task slots on 2 cores, a task may fail once, speculation on (in local mode
 * Spark never launches the copy on the same executor, so it only checks nothing breaks).
 */
class RawJsonWriteSuite extends SparkSessionSuite {

  override protected def scratchPrefix: String = "rustparquet-raw"

  override protected def sparkConf: Seq[(String, String)] = Seq(
    "spark.speculation" -> "true",
    "spark.speculation.interval" -> "100ms",
    "spark.speculation.quantile" -> "0.5",
    "spark.speculation.minTaskRuntime" -> "50ms")

  /** The lines as a text file, read back with `spark.read.text` in `partitions` partitions. */
  private def text(lines: Seq[String], partitions: Int = 1): DataFrame = {
    val file = new File(freshPath("in") + ".json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    spark.read.text(file.getPath).repartition(partitions)
  }

  private def files(dir: String): Seq[File] = {
    def walk(f: File): Seq[File] =
      if (f.isDirectory) Option(f.listFiles()).toSeq.flatten.flatMap(walk) else if (f.exists()) Seq(f) else Nil
    walk(new File(dir))
  }

  private def dataFiles(dir: String): Seq[File] = files(dir).filter(f => f.getName.startsWith("part-") && f.getName.endsWith(".parquet"))

  /** Everything but data files, `_SUCCESS` and the CRC files Hadoop's local file system adds. */
  private def strayFiles(dir: String): Seq[String] =
    files(dir).map(_.getName).filterNot(n => n.endsWith(".parquet") || n == "_SUCCESS" || n.endsWith(".crc"))

  private val nested = Seq(
    """{"id": 1, "a": {"b": [1, 2], "c": "x"}, "u": 1, "e": [], "o": {}, "big": 12345678901234567890}""",
    """{"id": 2, "a": null, "u": "two", "e": null, "o": {"k": null}}""",
    """{"id": 3, "a": {"b": []}, "u": [true], "e": [{"z": 1.5}]}""",
    "",
    """{"id": 4, "a": {"b": [null]}, "u": {"v": 1}}""")

  test("inferred schema: nested values, unions, null and empty kept apart, read back by Spark") {
    val out = freshPath("inferred")
    text(nested, 2).write.format("rustparquet").option("jsonColumn", "value").save(out)
    val back = spark.read.parquet(out)
    // Fields sorted by name at every level, as Spark's inference sorts them; a union's members
    // are types and keep their order.
    assert(back.schema.simpleString ===
      "struct<a:struct<b:array<bigint>,c:string>,big:decimal(38,0),e:array<struct<z:double>>,id:bigint," +
        "o:struct<k:string>,u:struct<long:bigint,string:string,array:array<boolean>,object:struct<v:bigint>>>")
    val rows = back.orderBy("id").select("id").collect()
    assert(rows.map(_.getLong(0)).toSeq === Seq(1L, 2L, 3L, 4L))
    val a = back.orderBy("id").select(col("a.b")).collect().map(r => Option(r.getSeq[Any](0)).map(_.toList))
    assert(a.toSeq === Seq(Some(List(1L, 2L)), None, Some(Nil), Some(List(null))))
    val e = back.orderBy("id").select(col("e")).collect().map(r => Option(r.getSeq[Row](0)).map(_.map(_.get(0)).toList))
    assert(e.toSeq === Seq(Some(Nil), None, Some(List(1.5)), None))
    val u = back.orderBy("id").select(col("u.long"), col("u.string")).collect().map(r => (r.get(0), r.get(1)))
    assert(u.toSeq === Seq((1L, null), (null, "two"), (null, null), (null, null)))
    assert(back.orderBy("id").select(col("big")).head().getDecimal(0).toString === "12345678901234567890")
    // The footer's Spark schema is the schema Spark reads, and format("rustparquet") reads too.
    assert(spark.read.format("rustparquet").load(out).schema === back.schema)
    assert(strayFiles(out).isEmpty, strayFiles(out).mkString(", "))
  }

  test("a DDL schema is the schema written; types the raw path cannot store are refused") {
    val out = freshPath("ddl")
    val ddl = "id BIGINT NOT NULL, tags ARRAY<STRING>, m MAP<STRING, DOUBLE>, s STRUCT<x: BOOLEAN>"
    text(Seq("""{"id": 1, "tags": ["a"], "m": {"k": 0.5}, "s": {"x": true}}""", """{"id": 2}"""))
      .write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl).save(out)
    val back = spark.read.parquet(out)
    // Spark reads every file column as nullable, as for its own files; the footer keeps NOT NULL.
    assert(back.schema === StructType.fromDDL(ddl.replace(" NOT NULL", "")))
    assert(back.orderBy("id").collect().toSeq ===
      Seq(Row(1L, Seq("a"), Map("k" -> 0.5), Row(true)), Row(2L, null, null, null)))
    val refused = intercept[RustParquetException] {
      text(Seq("{}")).write.format("rustparquet").option("jsonColumn", "value")
        .option("schema", "n TIMESTAMP").save(freshPath("ddl-timestamp"))
    }
    assert(refused.getMessage.startsWith(
      "schema (option schema): ddl form: `n`: Spark type `timestamp` has no rustparquet equivalent"), refused.getMessage)
  }

  test("option(\"schema\") and `rustparquet convert --schema` make the same Parquet schema of the same DDL") {
    val bin = Seq(sys.env.get("RUSTPARQUET_BIN"), Some("../target/release/rustparquet"))
      .flatten.map(new File(_)).find(_.canExecute)
      .getOrElse(cancel("no rustparquet binary (set RUSTPARQUET_BIN or build target/release)"))
    // int, float and decimal(p,0) are widened by the core's DDL parser, as for the CLI.
    val ddl = "id INT NOT NULL, f FLOAT, d DECIMAL(10,0), s STRUCT<a: SMALLINT, t: STRUCT<x: TINYINT, y: STRING>>, " +
      "tags ARRAY<STRING>, m MAP<STRING, ARRAY<INT>>, ok BOOLEAN, n BIGINT, x DOUBLE"
    val docs = Seq(
      """{"id": 1, "f": 1.5, "d": 12345678901, "s": {"a": 2, "t": {"x": 3, "y": "z"}}, "tags": ["a"], """ +
        """"m": {"k": [1, 2]}, "ok": true, "n": 7, "x": 0.25}""",
      """{"id": 2}""")
    val dir = new File(freshPath("ddl-cli"))
    dir.mkdirs()
    val ddlFile = new File(dir, "s.ddl")
    val input = new File(dir, "in.json")
    val cliOut = new File(dir, "cli.parquet")
    Files.write(ddlFile.toPath, ddl.getBytes(StandardCharsets.UTF_8))
    Files.write(input.toPath, docs.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    val cli = new ProcessBuilder(bin.getPath, "convert", "--schema", ddlFile.getPath, input.getPath, "-o", cliOut.getPath)
      .redirectErrorStream(true).start()
    val cliText = scala.io.Source.fromInputStream(cli.getInputStream, "UTF-8").mkString
    assert(cli.waitFor() === 0, cliText)
    val out = freshPath("ddl-spark")
    text(docs).write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl).save(out)
    val sparkFiles = dataFiles(out)
    assert(sparkFiles.length === 1, sparkFiles)
    val ours = footer(sparkFiles.head).getFileMetaData.getSchema
    val theirs = footer(cliOut).getFileMetaData.getSchema
    assert(ours === theirs, s"\nspark:\n$ours\ncli:\n$theirs")
    assert(ours.getType(ours.getFieldIndex("id")).asPrimitiveType().getPrimitiveTypeName.name() === "INT64")
    assert(spark.read.parquet(out).schema === spark.read.parquet(cliOut.getPath).schema)
    assert(spark.read.parquet(out).orderBy("id").collect().toSeq ===
      spark.read.parquet(cliOut.getPath).orderBy("id").collect().toSeq)
  }

  /** The messages of `e` and its causes. */
  private def messages(e: Throwable): String =
    Iterator.iterate(e)(_.getCause).takeWhile(_ != null).map(t => String.valueOf(t.getMessage)).mkString("\n")

  private val drifting = Seq(
    """{"id": 1, "x": 1, "p": {"a": [1, {"b": null}]}}""",
    """{"id": 2, "x": "two", "p": 2.5}""",
    """{"id": 3, "x": null}""")

  test("option variant, unions variant and VARIANT in a DDL schema: Parquet VARIANT groups (Spark 4 reads VARIANT)") {
    def raw(partitions: Int) = text(drifting, partitions).write.format("rustparquet").option("jsonColumn", "value")
    val paths = freshPath("variant-paths")
    raw(2).option("variant", "p").option("unions", "variant").save(paths)
    val whole = freshPath("variant-whole")
    raw(2).option("variant", "$").save(whole)
    val ddl = freshPath("variant-ddl")
    raw(1).option("schema", "id BIGINT, x VARIANT, p VARIANT").save(ddl)
    if (org.apache.spark.SPARK_VERSION.startsWith("3.")) {
      // Spark 3.5's Parquet reader (parquet-mr 1.13) fails on the VARIANT annotation: never a silent read.
      for (dir <- Seq(paths, whole, ddl)) {
        val e = intercept[Exception](spark.read.parquet(dir).collect())
        assert(messages(e).contains("CANNOT_READ_FILE_FOOTER") || messages(e).contains("footer"), messages(e))
      }
      // Nor can its catalog hold a VARIANT column: a table of them is refused before writing.
      val table = intercept[Exception] {
        text(drifting).write.format("rustparquet").option("jsonColumn", "value").option("variant", "p")
          .saveAsTable("raw_variant_35")
      }
      assert(messages(table).contains("Spark 3.5 cannot read them back"), messages(table))
    } else {
      val fields = (dir: String) => spark.read.parquet(dir).schema.fields.map(f => s"${f.name}:${f.dataType.simpleString}").toSeq
      def json(dir: String, exprs: String*): Set[List[Any]] =
        spark.read.parquet(dir).selectExpr(exprs: _*).collect().map(_.toSeq.toList).toSet
      // An inferred schema is in Spark's field order (by name); a DDL schema keeps its own.
      assert(fields(paths) === Seq("id:bigint", "p:variant", "x:variant"))
      assert(fields(ddl) === Seq("id:bigint", "x:variant", "p:variant"))
      // A JSON null is a variant null ("null"), a missing key SQL NULL, as parse_json has them.
      val expected = Set(
        List("1", "1", """{"a":[1,{"b":null}]}"""), List("2", "\"two\"", "2.5"), List("3", "null", null))
      val columns = Seq("CAST(id AS STRING)", "to_json(x)", "to_json(p)")
      assert(json(paths, columns: _*) === expected)
      assert(json(ddl, columns: _*) === expected)
      assert(fields(whole) === Seq("document:variant"))
      assert(json(whole, "to_json(document)") === Set(
        List("""{"id":1,"p":{"a":[1,{"b":null}]},"x":1}"""), List("""{"id":2,"p":2.5,"x":"two"}"""),
        List("""{"id":3,"x":null}""")))
    }
  }

  test("variant options that cannot work are refused on the driver, naming the option") {
    def refused(options: (String, String)*): String = messages(intercept[IllegalArgumentException] {
      options.foldLeft(text(drifting).write.format("rustparquet").option("jsonColumn", "value")) {
        case (w, (k, v)) => w.option(k, v)
      }.save(freshPath("variant-refused"))
    })
    assert(refused("variant" -> "p", "schema" -> "id BIGINT").contains(
      "option `variant` names paths of an inferred schema; with option `schema`, declare those fields VARIANT"))
    assert(refused("variant" -> "$", "mode" -> "PERMISSIVE").contains(
      "option `variant`: '$' (the whole document as one VARIANT column) leaves no column for mode PERMISSIVE"))
    assert(refused("unionMode" -> "union", "unions" -> "variant").contains(
      "options `unionMode` ('union') and `unions` ('variant') disagree"))
    assert(refused("unions" -> "struct").contains(
      "option `unionMode`: 'struct' is not one of union, string, variant, error"))
  }

  test("an option without a value (None from Python) is refused by name, not with a NullPointerException") {
    val error = intercept[IllegalArgumentException] {
      text(Seq("""{"id": 1}""")).write.format("rustparquet").option("jsonColumn", "value")
        .option("schema", null: String).save(freshPath("null-schema"))
    }
    assert(error.getMessage ===
      "option `schema` has no value (null, or None from Python); give it a value or leave the option out")
  }

  test("documents 128 levels deep are written on the task's own stack; deeper ones are malformed") {
    def deep(levels: Int) = "{\"d\": " + "[" * (levels - 1) + "1" + "]" * (levels - 1) + "}"
    val out = freshPath("deep")
    text(Seq(deep(128), deep(128)), 2).write.format("rustparquet").option("jsonColumn", "value").save(out)
    assert(spark.read.parquet(out).count() === 2)
    val error = intercept[SparkException] {
      text(Seq(deep(129))).write.format("rustparquet").option("jsonColumn", "value").save(freshPath("too-deep"))
    }
    val message = Iterator.iterate[Throwable](error)(_.getCause).takeWhile(_ != null).map(_.getMessage).mkString("\n")
    assert(message.contains("nested deeper than 128 levels"), message)
  }

  private val withBad = Seq(
    """{"id": 1}""",
    """{"id": 2, "x": [1, }""",
    """{"id": 3}""",
    """[{"id": 4}, 5]""")

  test("FAILFAST (the default) fails naming the document's partition, row, line, column and text") {
    val out = freshPath("failfast")
    val error = intercept[SparkException] {
      text(withBad).write.format("rustparquet").option("jsonColumn", "value")
        .option("schema", "id BIGINT, x ARRAY<BIGINT>").save(out)
    }
    val message = Iterator.iterate[Throwable](error)(_.getCause).takeWhile(_ != null).map(_.getMessage).mkString("\n")
    assert(message.contains("malformed JSON document at partition 0, row 1, line 1, column 20: invalid JSON: " +
      "expected a value, found '}' (document: {\"id\": 2, \"x\": [1, })"), message)
    assert(dataFiles(out).isEmpty, dataFiles(out).mkString(", "))
    // Inference fails the same way, before anything is written.
    val inferred = intercept[SparkException] {
      text(withBad).write.format("rustparquet").option("jsonColumn", "value").save(freshPath("failfast-infer"))
    }
    assert(Iterator.iterate[Throwable](inferred)(_.getCause).takeWhile(_ != null).map(_.getMessage)
      .exists(_.contains("schema inference: malformed JSON document at partition 0, row 1")))
  }

  test("DROPMALFORMED drops bad documents and badRecordsPath keeps each with its position") {
    val out = freshPath("drop")
    val bad = freshPath("bad")
    text(withBad).write.format("rustparquet").option("jsonColumn", "value")
      .option("mode", "DROPMALFORMED").option("badRecordsPath", bad).save(out)
    assert(spark.read.parquet(out).orderBy("id").collect().map(_.getLong(0)).toSeq === Seq(1L, 3L))
    val kept = spark.read.json(bad + "/*/part-*.json").orderBy("row")
    assert(kept.select("partition", "row", "line", "column").collect().toSeq === Seq(Row(0L, 1L, 1L, 20L), Row(0L, 3L, 1L, 13L)))
    assert(kept.select("document").collect().map(_.getString(0)).toSeq === Seq(withBad(1), withBad(3)))
    assert(kept.select("error").head().getString(0) === "invalid JSON: expected a value, found '}'")
    assert(files(bad).map(_.getName).filterNot(_.endsWith(".crc")).forall(_.matches("part-\\d{5}\\.json")), files(bad))
  }

  test("PERMISSIVE keeps a bad document's text in _corrupt_record, as Spark's JSON reader does") {
    val out = freshPath("permissive")
    text(withBad).write.format("rustparquet").option("jsonColumn", "value").option("mode", "PERMISSIVE").save(out)
    val back = spark.read.parquet(out)
    assert(back.schema.fieldNames.toSeq === Seq("_corrupt_record", "id"))
    assert(back.collect().toSet === Set(Row(null, 1L), Row(withBad(1), null), Row(null, 3L), Row(withBad(3), null)))
  }

  test("a given schema is met as Spark's JSON reader meets it: unknown keys ignored, a mismatched field null") {
    val lines = Seq(
      """{"a": 1, "zz": {"q": [1,2]}, "b": "x"}""",
      """{"a": "notint", "b": "y"}""",
      """{"a": 2, "o": {"x": "bad", "y": 5, "extra": [1]}, "b": "z"}""",
      """{"a": 3, "l": [1, "s", 3], "lo": [{"x": 1}, {"x": "bad"}], "b": 7}""",
      // (no spaces inside `b`: Spark 4 keeps a nested value's text as written, Spark 3.5 and we compact it)
      """{"a": 4, "b": {"k":1}, "c": 3, "d": "true"}""",
      """{"a": 5, "o": 5}""",
      """{"a": 6, "l": [1, }""")
    val ddl = "a BIGINT, b STRING, c DOUBLE, d BOOLEAN, o STRUCT<x: BIGINT, y: BIGINT>, l ARRAY<BIGINT>, " +
      "lo ARRAY<STRUCT<x: BIGINT>>, _corrupt_record STRING"
    val input = text(lines)
    val file = new File(freshPath("lenient-in") + ".json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    for (mode <- Seq("PERMISSIVE", "DROPMALFORMED")) {
      val out = freshPath("lenient-" + mode)
      input.write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl)
        .option("mode", mode).save(out)
      val spark_ = spark.read.schema(ddl).option("mode", mode).json(file.getPath)
      assert(spark.read.parquet(out).collect().toSet === spark_.collect().toSet, mode)
    }
    // FAILFAST: an unknown key is no fault; a mismatched field is.
    val ok = freshPath("lenient-failfast")
    text(lines.take(1)).write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl).save(ok)
    assert(spark.read.parquet(ok).select("a", "b").collect().toSeq === Seq(Row(1L, "x")))
    val failed = intercept[SparkException] {
      text(lines.take(2)).write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl)
        .save(freshPath("lenient-failfast-2"))
    }
    assert(Iterator.iterate[Throwable](failed)(_.getCause).takeWhile(_ != null).map(_.getMessage)
      .exists(_.contains("row 1, line 1, column 7: `a` is an integer in the schema but a string here")))
    // schemaMatch=strict: today's rule, the whole document is malformed.
    val strict = freshPath("strict")
    input.write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl)
      .option("mode", "PERMISSIVE").option("schemaMatch", "strict").save(strict)
    assert(spark.read.parquet(strict).where("_corrupt_record IS NULL").count() === 0)
    assert(spark.read.parquet(strict).count() === lines.size)
    val refused = intercept[IllegalArgumentException] {
      input.write.format("rustparquet").option("jsonColumn", "value").option("schemaMatch", "loose").save(freshPath("x"))
    }
    assert(refused.getMessage === "option `schemaMatch`: 'loose' is not one of lenient, strict")
  }

  test("a row holding an array of objects is one row per object; text after the JSON is ignored, as in Spark") {
    val lines = Seq(
      """[{"b": 1, "a": "x"}, {"a": "y"}]""",
      """{"a": "z", "b": 2} trailing""",
      """{"a": "w"} {"a": "v"}""",
      "[]",
      """[{"a": "u"}, 5]""")
    val file = new File(freshPath("arrays-in") + ".json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    val ddl = "a STRING, b BIGINT, _corrupt_record STRING"
    val out = freshPath("arrays")
    text(lines).write.format("rustparquet").option("jsonColumn", "value").option("schema", ddl)
      .option("mode", "PERMISSIVE").save(out)
    assert(spark.read.parquet(out).collect().toSet ===
      spark.read.schema(ddl).option("mode", "PERMISSIVE").json(file.getPath).collect().toSet)
    // Inferred: the array's objects are documents of the inference too.
    val inferred = freshPath("arrays-inferred")
    text(lines).write.format("rustparquet").option("jsonColumn", "value").option("mode", "DROPMALFORMED").save(inferred)
    assert(spark.read.parquet(inferred).select("a", "b").collect().toSet ===
      Set(Row("x", 1L), Row("y", null), Row("z", 2L), Row("w", null)))
  }

  test("an inferred schema's fields are in Spark's order (by name, every level); fieldOrder=document keeps theirs") {
    val lines = Seq("""{"b": 1, "a": {"z": 1, "c": 2}, "Q": 1}""", """{"_x": 1, "Z": [{"y": 1, "b": 2}]}""")
    val file = new File(freshPath("order-in") + ".json")
    Files.write(file.toPath, lines.mkString("", "\n", "\n").getBytes(StandardCharsets.UTF_8))
    val out = freshPath("order")
    text(lines).write.format("rustparquet").option("jsonColumn", "value").save(out)
    assert(spark.read.parquet(out).schema === spark.read.json(file.getPath).schema)
    assert(spark.read.parquet(out).schema.simpleString ===
      "struct<Q:bigint,Z:array<struct<b:bigint,y:bigint>>,_x:bigint,a:struct<c:bigint,z:bigint>,b:bigint>")
    val kept = freshPath("order-document")
    text(lines).write.format("rustparquet").option("jsonColumn", "value").option("fieldOrder", "document").save(kept)
    assert(spark.read.parquet(kept).schema.simpleString ===
      "struct<b:bigint,a:struct<z:bigint,c:bigint>,Q:bigint,_x:bigint,Z:array<struct<y:bigint,b:bigint>>>")
    val refused = intercept[IllegalArgumentException] {
      text(lines).write.format("rustparquet").option("jsonColumn", "value").option("fieldOrder", "alpha").save(freshPath("x"))
    }
    assert(refused.getMessage === "option `fieldOrder`: 'alpha' is not one of name, document")
  }

  test("save modes, partitionBy and maxRecordsPerFile on the raw path") {
    val out = freshPath("modes")
    val docs = (0 until 100).map(i => s"""{"id": $i, "tags": ["t${i % 3}"]}""")
    val df = text(docs, 2).selectExpr("value", "cast(get_json_object(value, '$.id') % 2 as int) as half")
    def write(mode: String) = df.write.format("rustparquet").option("jsonColumn", "value").mode(mode)
      .partitionBy("half").option("maxRecordsPerFile", 20).save(out)
    write("errorifexists")
    assert(new File(out, "_SUCCESS").exists())
    assert(new File(out).list().filter(_.startsWith("half=")).sorted.toSeq === Seq("half=0", "half=1"))
    assert(dataFiles(out).length >= 6, dataFiles(out).map(_.getName))
    val first = spark.read.parquet(out)
    assert(first.count() === 100 && first.select("id").distinct().count() === 100)
    assert(first.where("half = 1").select("id").collect().forall(_.getLong(0) % 2 == 1))
    val exists = intercept[Exception](write("errorifexists"))
    assert(exists.getMessage.contains("already exists"), exists.getMessage)
    write("append")
    assert(spark.read.parquet(out).count() === 200)
    write("overwrite")
    assert(spark.read.parquet(out).count() === 100)
    text(Seq("""{"other": 1}""")).write.format("rustparquet").option("jsonColumn", "value").mode("ignore").save(out)
    assert(spark.read.parquet(out).count() === 100)
    assert(strayFiles(out).isEmpty, strayFiles(out).mkString(", "))
  }

  test("a task failing on its first attempt: rows and bad records exactly once, no stray files") {
    val out = freshPath("retried")
    val bad = freshPath("retried-bad")
    val failOnce = udf { (s: String) =>
      val ctx = TaskContext.get()
      if (ctx.partitionId() == 1 && ctx.attemptNumber() == 0 && s.contains("\"id\": 350,")) {
        throw new IllegalStateException("injected failure on the first attempt")
      }
      s
    }
    val docs = (0 until 1000).map(i => if (i % 100 == 7) s"""{"id": $i, oops}""" else s"""{"id": $i, "s": "v$i"}""")
    text(docs).repartition(4, col("value")).select(failOnce(col("value")).as("value"))
      .write.format("rustparquet").option("jsonColumn", "value").option("batchRows", 50)
      .option("mode", "DROPMALFORMED").option("badRecordsPath", bad).save(out)
    val back = spark.read.parquet(out)
    assert(back.count() === 990 && back.select("id").distinct().count() === 990)
    assert(dataFiles(out).length === 4)
    assert(strayFiles(out).isEmpty, strayFiles(out).mkString(", "))
    val kept = spark.read.json(bad + "/*/*.json")
    assert(kept.count() === 10 && kept.select("document").distinct().count() === 10)
    assert(files(bad).map(_.getName).filterNot(_.endsWith(".crc")).forall(_.matches("part-\\d{5}\\.json")), files(bad))
  }

  test("two raw writes at once in one JVM (two tasks per core)") {
    val a = freshPath("twin-a")
    val b = freshPath("twin-b")
    val docs = (0 until 20000).map(i => s"""{"id": $i, "nested": {"list": [$i, ${i + 1}], "s": "x$i"}}""")
    val dfA = text(docs, 4)
    val dfB = text(docs.map(_.replace("nested", "other")), 4)
    val writes = Seq(
      Future(dfA.write.format("rustparquet").option("jsonColumn", "value").option("batchRows", 64).save(a)),
      Future(dfB.write.format("rustparquet").option("jsonColumn", "value").option("batchRows", 64).save(b)))
    writes.foreach(Await.result(_, 5.minutes))
    for ((dir, field) <- Seq(a -> "nested", b -> "other")) {
      val back = spark.read.parquet(dir)
      assert(back.count() === 20000 && back.select("id").distinct().count() === 20000)
      assert(back.where("id = 777").select(col(s"$field.list"), col(s"$field.s")).head() === Row(Seq(777L, 778L), "x777"))
    }
  }

  test("a raw write cancelled mid-write leaves no data files and no bad-record files") {
    val out = freshPath("cancelled")
    val bad = freshPath("cancelled-bad")
    val slow = udf { (s: String) => if (s.hashCode % 200 == 0) Thread.sleep(20); s }
    val docs = (0 until 200000).map(i => if (i % 1000 == 1) "{bad" else s"""{"id": $i}""")
    val df = text(docs, 4).select(slow(col("value")).as("value"))
    val session = spark
    val writing = Future {
      session.sparkContext.setJobGroup("cancel-raw", "cancelled raw write", interruptOnCancel = true)
      df.write.format("rustparquet").option("jsonColumn", "value").option("schema", "id BIGINT")
        .option("mode", "DROPMALFORMED").option("badRecordsPath", bad).option("batchRows", 100).save(out)
    }
    Thread.sleep(4000)
    spark.sparkContext.cancelJobGroup("cancel-raw")
    val error = intercept[SparkException](Await.result(writing, 2.minutes))
    assert(error.getMessage.contains("cancel"), error.getMessage)
    Thread.sleep(500) // task completion listeners run after the job is reported cancelled
    assert(dataFiles(out).isEmpty, dataFiles(out).mkString(", "))
    assert(files(bad).filterNot(_.getName.endsWith(".crc")).isEmpty, files(bad).mkString(", "))
  }
}
