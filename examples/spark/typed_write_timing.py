"""Times the typed DataFrame write: Spark's Parquet writer against format("rustparquet").

    spark-submit --master 'local[2]' --driver-memory 4g --jars JAR \
        examples/spark/typed_write_timing.py NDJSON_FILE SCRATCH_DIR [ROUNDS]

The documents are read once with spark.read.json and written with Spark's Parquet writer; that
Parquet is read back and cached (as in ../shared/SPARK-FACTS.md section 4), then both writers write
the cached DataFrame in alternating rounds in this one process. Prints first and warm-median seconds.
"""

import shutil
import sys
import time

from pyspark.sql import SparkSession


def main(source: str, scratch: str, rounds: int) -> None:
    spark = SparkSession.builder.appName("rustparquet typed write timing").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.json(source).write.mode("overwrite").parquet(f"{scratch}/spark-out")
    df = spark.read.parquet(f"{scratch}/spark-out").cache()
    print(f"rows {df.count()}", flush=True)
    writers = {
        "spark parquet": lambda out: df.write.parquet(out),
        "rustparquet": lambda out: df.write.format("rustparquet").save(out),
    }
    seconds = {name: [] for name in writers}
    for i in range(rounds):
        for name, write in writers.items():
            out = f"{scratch}/round-{i}"
            start = time.monotonic()
            write(out)
            seconds[name].append(time.monotonic() - start)
            shutil.rmtree(out, ignore_errors=True)
    for name, values in seconds.items():
        warm = sorted(values[1:]) or values
        print(f"{name:14} first {values[0]:.2f} s  warm median {warm[len(warm) // 2]:.2f} s  "
              f"all {[round(v, 2) for v in values]}")
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        print("usage: typed_write_timing.py NDJSON_FILE SCRATCH_DIR [ROUNDS]", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 6)
