"""Nested JSON to a partitioned rustparquet dataset, then a few queries with Spark's own reader.

Run with spark-submit (examples/spark/run does it, building the jar if needed):

    spark-submit --master 'local[2]' --jars jvm/target/spark-3.5.9/rustparquet-spark-3.5_2.12-0.1.0.jar \
        examples/spark/nested_json_etl.py INPUT_DIR OUTPUT_DIR

INPUT_DIR holds NDJSON documents shaped like Mozilla ActiveData test results (the benchmark corpus
of ../shared/bench/gen_corpus.py --profile activedata). The job hands the raw JSON lines to the
rustparquet source (spark.read.text + option("jsonColumn", "value")): the schema is inferred in Rust,
partition by partition, merged on the driver, and every document is shredded in Rust untouched.
It partitions by build branch, keeps malformed documents under OUTPUT_DIR/_bad (none are expected),
reads the result back with spark.read.parquet, checks it against Spark's own JSON reader, and runs
a few queries.
"""

import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main(input_dir: str, output_dir: str) -> int:
    spark = SparkSession.builder.appName("rustparquet nested JSON ETL").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    started = time.monotonic()
    lines = spark.read.text(input_dir).withColumn("branch", F.get_json_object("value", "$.build.branch"))
    (lines.write.format("rustparquet")
        .mode("overwrite")
        .option("jsonColumn", "value")
        .option("compression", "zstd")
        .option("mode", "DROPMALFORMED")
        .option("badRecordsPath", output_dir.rstrip("/") + "_bad")
        .partitionBy("branch")
        .save(output_dir))
    print(f"wrote {output_dir} in {time.monotonic() - started:.1f} s (schema inference included)")

    table = spark.read.parquet(output_dir)
    table.createOrReplaceTempView("t")
    docs = spark.read.json(input_dir)
    expected = docs.count()
    got = table.count()
    if got != expected:
        print(f"row count differs: {got} in Parquet, {expected} in the JSON", file=sys.stderr)
        return 1
    json_cols = set(docs.columns) | {"branch"}
    if set(table.columns) != json_cols:
        print(f"columns differ: {sorted(set(table.columns) ^ json_cols)}", file=sys.stderr)
        return 1
    print(f"{got} documents, {len(table.columns)} top-level columns, "
          f"{table.select('branch').distinct().count()} branch partitions")

    queries = {
        "failing subtests": """
            SELECT count(*) AS failures, count(DISTINCT st.name) AS distinct_names
            FROM t LATERAL VIEW explode(result.subtests) s AS st
            WHERE st.status = 'FAIL'""",
        "runs per branch": """
            SELECT branch, count(*) AS runs, round(avg(run.stats.total), 2) AS avg_total
            FROM t GROUP BY branch ORDER BY runs DESC LIMIT 5""",
        "slowest suites": """
            SELECT run.suite AS suite, round(max(result.duration), 1) AS max_duration
            FROM t GROUP BY run.suite ORDER BY max_duration DESC LIMIT 3""",
    }
    for title, sql in queries.items():
        print(f"-- {title}")
        spark.sql(sql).show(truncate=False)
    spark.stop()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: nested_json_etl.py INPUT_DIR OUTPUT_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
