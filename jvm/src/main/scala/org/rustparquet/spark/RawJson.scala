package org.rustparquet.spark

import java.nio.charset.StandardCharsets
import java.util.Locale
import java.util.concurrent.ConcurrentHashMap

import com.fasterxml.jackson.databind.JsonNode
import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.fs.{FSDataOutputStream, Path}
import org.apache.hadoop.mapreduce.TaskAttemptContext
import org.apache.spark.{TaskContext, TaskKilledException}
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.execution.datasources.{OutputWriter, OutputWriterFactory}
import org.apache.spark.sql.types._
import org.apache.spark.unsafe.Platform
import org.apache.spark.unsafe.types.UTF8String
import org.apache.spark.util.{LongAccumulator, SerializableConfiguration}

/**
 * Options of the raw-JSON path (`option("jsonColumn", ...)`), Spark's JSON vocabulary where it
 * has one: `mode` (FAILFAST, the default here, DROPMALFORMED, PERMISSIVE), `badRecordsPath`,
 * `columnNameOfCorruptRecord`, `schema` (a DDL string); plus `unionMode`, `maxDepth`.
 */
private[spark] class RawJsonOptions(val jsonColumn: String, parameters: CaseInsensitiveMap[String])
  extends Serializable {
  import RawJsonOptions._

  val mode: String = parameters.get("mode").map(_.trim.toUpperCase(Locale.ROOT)).getOrElse("FAILFAST")
  if (!Modes.contains(mode)) {
    throw new IllegalArgumentException(s"option `mode`: '$mode' is not one of ${Modes.mkString(", ")}")
  }

  val corruptColumn: String = parameters.getOrElse("columnNameOfCorruptRecord", "_corrupt_record")

  val badRecordsPath: Option[String] = parameters.get("badRecordsPath").filter(_.nonEmpty)

  /**
   * `schema`: the documents' schema as Spark DDL, or in rustparquet's schema JSON (starting with
   * `{`, as `rustparquet schema` prints it); inferred by a distributed pass when absent.
   */
  val schemaDdl: Option[String] = parameters.get("schema").filter(_.trim.nonEmpty)

  /** `unionMode`: union (default), string or error, for fields seen with several JSON types. */
  val unionMode: String = parameters.get("unionMode").map(_.trim.toLowerCase(Locale.ROOT)).getOrElse("union")
  if (!UnionModes.contains(unionMode)) {
    throw new IllegalArgumentException(
      s"option `unionMode`: '$unionMode' is not one of ${UnionModes.mkString(", ")}")
  }

  /** `maxDepth`: deepest document nesting accepted (deeper ones are malformed documents). */
  val maxDepth: Int = parameters.get("maxDepth").map { v =>
    val n = try v.trim.toInt catch { case _: NumberFormatException => 0 }
    if (n < 1 || n > MaxDepth) {
      throw new IllegalArgumentException(s"option `maxDepth`: '$v' is not a depth from 1 to $MaxDepth")
    }
    n
  }.getOrElse(DefaultMaxDepth)

  /** `batchBytes`: documents' bytes per JNI call (default 4m; a batch also ends at `batchRows`). */
  val batchBytes: Int = parameters.get("batchBytes")
    .map(v => math.min(RustParquetOptions.bytes("batchBytes", v), 1L << 30).toInt)
    .getOrElse(4 << 20)

  /** The schema resolved on the driver (rustparquet JSON), carried to the tasks as an option. */
  def resolvedSchema: Option[String] = parameters.get(ResolvedSchemaKey)

  /** The directory of this write's bad records, chosen on the driver. */
  def badRecordsDir: Option[String] = parameters.get(BadRecordsDirKey)

  /** The options document of [[NativeWriter.openJson]] / [[NativeWriter.openInferrer]]. */
  def nativeJson(file: java.util.Map[String, Any], schema: Option[String], partition: Int): Array[Byte] = {
    val doc = new java.util.LinkedHashMap[String, Any]()
    doc.put("writer", file)
    schema.foreach(s => doc.put("schema", s)) // as text: the core parses deep schemas itself
    doc.put("mode", mode)
    doc.put("corruptColumn", corruptColumn)
    doc.put("keepBad", badRecordsPath.isDefined)
    doc.put("partition", partition)
    doc.put("maxDepth", maxDepth)
    doc.put("unionMode", unionMode)
    RustParquetOptions.Json.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8)
  }
}

private[spark] object RawJsonOptions {
  val Modes = Seq("FAILFAST", "DROPMALFORMED", "PERMISSIVE")
  val UnionModes = Seq("union", "string", "error")
  val DefaultMaxDepth = 128
  val MaxDepth = 190
  val ResolvedSchemaKey = "rustparquet.internal.schema"
  val BadRecordsDirKey = "rustparquet.internal.badRecordsDir"

  /**
   * A Spark schema (from `option("schema", DDL)`) in rustparquet's schema JSON: the types the
   * raw path stores exactly what JSON holds in. Others are refused with the type to use instead.
   */
  def fromSpark(schema: StructType): String = {
    val doc = new java.util.LinkedHashMap[String, Any]()
    doc.put("name", "schema")
    doc.put("fields", fields("", schema))
    RustParquetOptions.Json.writeValueAsString(doc)
  }

  private def fields(parent: String, struct: StructType): java.util.List[Any] = {
    val out = new java.util.ArrayList[Any]()
    struct.fields.foreach { f =>
      val path = if (parent.isEmpty) f.name else s"$parent.${f.name}"
      val field = typeOf(path, f.dataType)
      field.put("name", f.name)
      field.put("repetition", if (f.nullable) "optional" else "required")
      out.add(field)
    }
    out
  }

  private def typeOf(path: String, dataType: DataType): java.util.LinkedHashMap[String, Any] = {
    val m = new java.util.LinkedHashMap[String, Any]()
    dataType match {
      case BooleanType => m.put("type", "boolean")
      case LongType => m.put("type", "int64")
      case DoubleType => m.put("type", "double")
      case StringType => m.put("type", "string")
      case d: DecimalType if d.precision == 38 && d.scale == 0 => m.put("type", "decimal(38,0)")
      case s: StructType => m.put("fields", fields(path, s))
      case a: ArrayType =>
        val element = typeOf(s"$path[]", a.elementType)
        element.put("repetition", if (a.containsNull) "optional" else "required")
        m.put("type", "list")
        m.put("element", element)
      case MapType(StringType, valueType, valueContainsNull) =>
        val value = typeOf(s"$path{}", valueType)
        value.put("repetition", if (valueContainsNull) "optional" else "required")
        m.put("type", "map")
        m.put("value", value)
      case other =>
        val instead = other match {
          case ByteType | ShortType | IntegerType => " (use bigint)"
          case FloatType => " (use double)"
          case _: DecimalType => " (use decimal(38,0) for integers, double otherwise)"
          case DateType | TimestampType | TimestampNTZType => " (use string; convert after reading)"
          case _: MapType => " (map keys are JSON object keys: use map<string, ...>)"
          case _ => ""
        }
        throw new IllegalArgumentException(
          s"option `schema`: `$path` has type ${other.simpleString}, which the raw JSON path does not " +
            s"store$instead; it stores boolean, bigint, double, string, decimal(38,0), array, struct " +
            "and map<string, ...>")
    }
    m
  }

  /** `schema` with a nullable string column `name` appended, unless it has one. */
  def withCorruptColumn(schemaJson: String, name: String): String = {
    val root = RustParquetOptions.Json.readTree(schemaJson).asInstanceOf[com.fasterxml.jackson.databind.node.ObjectNode]
    val fields = root.withArray("fields")
    val has = (0 until fields.size()).exists(i => fields.get(i).path("name").asText() == name)
    if (!has) {
      val f = fields.addObject()
      f.put("name", name)
      f.put("repetition", "optional")
      f.put("type", "string")
    }
    RustParquetOptions.Json.writeValueAsString(root)
  }
}

/**
 * A batch of documents for one JNI call: their UTF-8 bytes back to back in `data` and their end
 * offsets in `ends`. Arrays are reused from batch to batch and grow as needed.
 */
private[spark] final class JsonBatch(maxRows: Int, maxBytes: Int) {
  var data: Array[Byte] = new Array[Byte](math.min(maxBytes, 1 << 20) + 1024)
  var ends: Array[Int] = new Array[Int](math.min(maxRows, 1 << 16))
  var count = 0
  private var length = 0

  def add(doc: UTF8String): Unit = {
    val n = doc.numBytes()
    if (length + n > data.length) {
      val grown = math.max(data.length.toLong * 2, length.toLong + n)
      if (grown > Int.MaxValue - 16) throw new RustParquetException(s"a batch of documents outgrew 2 GiB")
      data = java.util.Arrays.copyOf(data, grown.toInt)
    }
    doc.writeToMemory(data, Platform.BYTE_ARRAY_OFFSET + length)
    length += n
    if (count == ends.length) ends = java.util.Arrays.copyOf(ends, ends.length * 2)
    ends(count) = length
    count += 1
  }

  def full: Boolean = count >= maxRows || length >= maxBytes

  def clear(): Unit = { count = 0; length = 0 }
}

/** The driver's half of the raw path: schema resolution (given or inferred by a distributed pass). */
private[spark] object RawJsonSchema {

  /** What the inference pass found, over all partitions. */
  final case class Inferred(schema: String, documents: Long, bad: Long, blank: Long)

  /**
   * The schema every task writes with (rustparquet JSON): `option("schema")` converted, or
   * each partition's documents inferred in Rust and the results merged here by the union rules.
   * PERMISSIVE adds the corrupt-record column (a given schema always, an inferred one when a
   * document was malformed, as Spark's inference does).
   */
  def resolve(data: DataFrame, options: RawJsonOptions, file: RustParquetOptions): String = {
    val native = NativeWriter.loaded
    val schema = options.schemaDdl match {
      case Some(json) if json.trim.startsWith("{") =>
        // rustparquet's own schema JSON (`rustparquet schema` prints it): used as it is.
        if (options.mode == "PERMISSIVE") RawJsonOptions.withCorruptColumn(json, options.corruptColumn) else json
      case Some(ddl) =>
        val struct = try StructType.fromDDL(ddl)
        catch {
          case e: Exception =>
            throw new IllegalArgumentException(s"option `schema`: not a Spark DDL schema: ${e.getMessage}", e)
        }
        val json = RawJsonOptions.fromSpark(struct)
        if (options.mode == "PERMISSIVE") RawJsonOptions.withCorruptColumn(json, options.corruptColumn) else json
      case None =>
        val found = infer(data, options, file)
        if (options.mode == "PERMISSIVE" && found.bad > 0) {
          RawJsonOptions.withCorruptColumn(found.schema, options.corruptColumn)
        } else found.schema
    }
    native.sparkSchema(schema.getBytes(StandardCharsets.UTF_8)) // checks it, with the core's message
    schema
  }

  def infer(data: DataFrame, options: RawJsonOptions, file: RustParquetOptions): Inferred = {
    val column = data.schema.fieldIndex(options.jsonColumn)
    val batchRows = file.batchRows
    val opts = options
    val perPartition = data.queryExecution.toRdd.mapPartitionsWithIndex { (partition, rows) =>
      val native = NativeWriter.loaded
      val handle = native.openInferrer(opts.nativeJson(new java.util.HashMap[String, Any](), None, partition))
      val batch = new JsonBatch(batchRows, opts.batchBytes)
      var row = 0L
      var first = 0L
      var done = false
      try {
        while (rows.hasNext) {
          val r = rows.next()
          if (!r.isNullAt(column)) {
            if (batch.count == 0) first = row
            batch.add(r.getUTF8String(column))
            if (batch.full) { native.inferJson(handle, batch.data, batch.ends, batch.count, first); batch.clear() }
          }
          row += 1
        }
        if (batch.count > 0) native.inferJson(handle, batch.data, batch.ends, batch.count, first)
        done = true
        Iterator(new String(native.finishInferrer(handle), StandardCharsets.UTF_8))
      } finally if (!done) native.abortInferrer(handle)
    }.collect()
    val native = NativeWriter.loaded
    val mode = options.unionMode.getBytes(StandardCharsets.UTF_8)
    var schema: Option[String] = None
    var documents, bad, blank = 0L
    perPartition.foreach { text =>
      val node: JsonNode = RustParquetOptions.Json.readTree(text)
      val s = RustParquetOptions.Json.writeValueAsString(node.get("schema"))
      schema = Some(schema match {
        case None => s
        case Some(acc) =>
          new String(native.mergeSchemas(acc.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8), mode),
            StandardCharsets.UTF_8)
      })
      documents += node.get("documents").asLong()
      bad += node.get("bad").asLong()
      blank += node.get("blank").asLong()
    }
    Inferred(schema.getOrElse("""{"name":"schema","fields":[]}"""), documents, bad, blank)
  }
}

/** Built on the driver, shipped to tasks: one [[RawJsonOutputWriter]] per output file. */
private[spark] class RawJsonOutputWriterFactory(
    options: RustParquetOptions,
    raw: RawJsonOptions,
    schema: String,
    malformed: LongAccumulator,
    hadoopConf: SerializableConfiguration) extends OutputWriterFactory {

  override def getFileExtension(context: TaskAttemptContext): String = options.extension

  override def newInstance(path: String, dataSchema: StructType, context: TaskAttemptContext): OutputWriter =
    new RawJsonOutputWriter(path, dataSchema.fieldIndex(raw.jsonColumn), context, options, raw, schema, malformed,
      hadoopConf)
}

/**
 * Writes one task attempt's file from raw JSON documents: rows' document bytes are batched
 * (bytes + end offsets, `batchRows` documents or `batchBytes` bytes per JNI call) and shredded
 * and encoded in Rust; Parquet bytes come back and go to the Hadoop stream, as on the typed path.
 */
private[spark] final class RawJsonOutputWriter(
    val path: String,
    column: Int,
    context: TaskAttemptContext,
    options: RustParquetOptions,
    raw: RawJsonOptions,
    schema: String,
    malformed: LongAccumulator,
    hadoopConf: SerializableConfiguration) extends OutputWriter {

  private[this] val native = NativeWriter.loaded
  private[this] val task = TaskState.current(raw, hadoopConf)
  private[this] val file = new Path(path)
  private[this] val out: FSDataOutputStream = file.getFileSystem(context.getConfiguration).create(file, false)
  private[this] var handle: Long =
    try native.openJson(raw.nativeJson(options.nativeOptions(path, None), Some(schema), task.partition))
    catch { case e: Throwable => out.close(); throw e }
  private[this] val batch = new JsonBatch(options.batchRows, raw.batchBytes)
  private[this] var firstRow = 0L
  private[this] var failed = false

  override def write(row: InternalRow): Unit = {
    try {
      if (row.isNullAt(column)) task.nulls += 1
      else {
        if (batch.count == 0) firstRow = task.rows
        batch.add(row.getUTF8String(column))
        if (batch.full) send()
      }
      task.rows += 1
    } catch {
      case e: Throwable => failed = true; throw e
    }
  }

  private def send(): Unit = {
    val bytes = native.appendJson(handle, batch.data, batch.ends, batch.count, firstRow)
    batch.clear()
    if (bytes != null) out.write(bytes)
    if (raw.badRecordsPath.isDefined) {
      val bad = native.takeBadRecords(handle)
      if (bad != null) task.keepBad(bad)
    }
  }

  override def close(): Unit = if (handle != 0) {
    val h = handle
    val ctx = Option(TaskContext.get())
    if (ctx.exists(_.isInterrupted())) failed = true
    var consumed = false
    try {
      if (!failed) {
        if (batch.count > 0) send()
        val counts = native.jsonCounts(h)
        handle = 0
        consumed = true
        val last = native.closeJson(h)
        if (last != null) out.write(last)
        out.close()
        malformed.add(counts(2))
      }
    } catch {
      case e: Throwable => failed = true; throw e
    } finally {
      handle = 0
      if (failed) {
        try if (!consumed) native.abortJson(h)
        finally {
          try out.close() catch { case _: java.io.IOException => () }
          file.getFileSystem(context.getConfiguration).delete(file, false)
        }
      }
    }
    if (ctx.exists(_.isInterrupted())) {
      throw new TaskKilledException(s"interrupted while closing $path; the file was discarded")
    }
  }
}

/**
 * What one task attempt of a raw write shares between its files (a partitioned write opens
 * several): the row counter behind the positions in messages, and its bad-records file. That
 * file is written under a hidden attempt name and renamed to `part-<partition>.json` only when
 * the attempt succeeds; a failed or killed attempt's is deleted, so retries leave no duplicates.
 */
private[spark] final class TaskState(val partition: Int, attempt: Int, raw: RawJsonOptions,
    hadoopConf: SerializableConfiguration) {
  var rows = 0L
  var nulls = 0L
  private[this] var badOut: FSDataOutputStream = _
  private[this] var failed = false

  private def dir = new Path(raw.badRecordsDir.getOrElse(
    throw new IllegalStateException("badRecordsPath without its directory (internal error)")))
  private def temp = new Path(dir, TaskState.tempName(partition, attempt))
  private def target = new Path(dir, f"part-$partition%05d.json")

  def keepBad(lines: Array[Byte]): Unit = {
    if (badOut == null) badOut = dir.getFileSystem(hadoopConf.value).create(temp, true)
    badOut.write(lines)
  }

  def fail(): Unit = failed = true

  def complete(): Unit = if (badOut != null) {
    val fs = dir.getFileSystem(hadoopConf.value)
    try badOut.close() catch { case _: java.io.IOException => failed = true }
    if (failed || !fs.rename(temp, target)) fs.delete(temp, false)
  }
}

private[spark] object TaskState {
  private val states = new ConcurrentHashMap[Long, TaskState]()

  /** The hidden name an attempt's bad records are written under until the attempt succeeds. */
  def tempName(partition: Int, attempt: Int): String = f".part-$partition%05d-attempt-$attempt.json.tmp"

  private val TempName = """\.part-\d+-attempt-\d+\.json\.tmp""".r

  /**
   * Deletes attempt files left in a write's bad-records directory once the write has ended: an
   * attempt whose executor died (killed, lost) never ran its listeners to delete its own. Winning
   * attempts renamed theirs before reporting success; losing ones still running delete theirs.
   */
  def removeAbandoned(dir: Path, conf: Configuration): Unit = {
    val fs = dir.getFileSystem(conf)
    if (fs.exists(dir)) {
      for (status <- fs.listStatus(dir) if TempName.pattern.matcher(status.getPath.getName).matches()) {
        fs.delete(status.getPath, false)
      }
    }
  }

  /** This task attempt's state, created (with its completion listeners) at the first file. */
  def current(raw: RawJsonOptions, hadoopConf: SerializableConfiguration): TaskState = {
    val ctx = TaskContext.get()
    val id = ctx.taskAttemptId()
    val existing = states.get(id)
    if (existing != null) existing
    else {
      val state = new TaskState(ctx.partitionId(), ctx.attemptNumber(), raw, hadoopConf)
      states.put(id, state)
      // Failure listeners run before completion listeners.
      ctx.addTaskFailureListener((_: TaskContext, _: Throwable) => state.fail())
      ctx.addTaskCompletionListener[Unit] { c =>
        states.remove(id)
        if (c.isInterrupted()) state.fail()
        state.complete()
      }
      state
    }
  }
}
