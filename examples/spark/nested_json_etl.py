"""Nested JSON to a partitioned rustparquet dataset, then a few queries with Spark's own reader.

Run with spark-submit (examples/spark/run does it, building the jar if needed):

    spark-submit --master 'local[2]' --jars jvm/target/rustparquet-spark_2.12-0.1.0.jar \
        examples/spark/nested_json_etl.py INPUT_DIR OUTPUT_DIR

INPUT_DIR holds NDJSON documents shaped like Mozilla ActiveData test results (the benchmark corpus
of ../shared/bench/gen_corpus.py --profile activedata). The job infers the schema with Spark's JSON
reader, writes the typed DataFrame with format("rustparquet") partitioned by build branch, reads the
result back with spark.read.parquet and checks it against the JSON before printing the answers.
"""

import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def main(input_dir: str, output_dir: str) -> int:
    spark = SparkSession.builder.appName("rustparquet nested JSON ETL").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    started = time.monotonic()
    docs = spark.read.json(input_dir).withColumn("branch", F.col("build.branch"))
    (docs.write.format("rustparquet")
        .mode("overwrite")
        .option("compression", "zstd")
        .partitionBy("branch")
        .save(output_dir))
    print(f"wrote {output_dir} in {time.monotonic() - started:.1f} s (schema inference included)")

    table = spark.read.parquet(output_dir)
    table.createOrReplaceTempView("t")
    expected = docs.count()
    got = table.count()
    if got != expected:
        print(f"row count differs: {got} in Parquet, {expected} in the JSON", file=sys.stderr)
        return 1
    json_cols = set(docs.columns)
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
