#!/usr/bin/env python3
"""One Spark line's measurements for `scripts/bench --spark` (spark_bench.py runs this file with
that line's venv Python and renders the JSON it writes).

One pyspark process, local[2], driver memory 4g, the line's rustparquet jar; timed in-process,
session start-up apart; rounds alternate between the tools (so load drifts hit all alike):

  raw JSON -> Parquet   Spark  spark.read.json(p).write.parquet(o)          (schema inferred)
                        Spark  spark.read.schema(s).json(p).write.parquet(o) (s: Spark's inferred)
                        ours   spark.read.text(p).write.format("rustparquet").option("jsonColumn","value")
                        ours   ... .option("schema", <rustparquet's inferred schema JSON>)
  typed write           Spark  df.write.parquet(o)  vs  df.write.format("rustparquet").save(o),
                        snappy and zstd, on the same cached DataFrame (Spark's own Parquet output
                        of the corpus, read back), and on a generated high-cardinality numeric
                        table (sizes; one round).

Every output is checked (row count) before its time is kept.
"""

import argparse
import glob
import json
import os
import platform
import shutil
import sys
import time

from spark_common import ROOT, corpus, dir_bytes, jar, say as _say, start_spark, uptime


def say(msg):
    _say("spark-bench", msg)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv):
    p = argparse.ArgumentParser(prog="spark_run.py", description=__doc__.splitlines()[0])
    p.add_argument("--line", required=True, choices=["3.5", "4"])
    p.add_argument("--docs", type=int, required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--numeric-rows", type=int, required=True)
    p.add_argument("--json", required=True, help="where to write the measurements")
    args = p.parse_args(argv)

    data = corpus("activedata", args.docs, say)
    jar_path = jar(args.line, build=False)
    work = os.path.join(ROOT, "bench-out", f"spark-{args.line}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    load_start = uptime()

    t0 = time.perf_counter()
    spark = start_spark(f"rustparquet-spark-bench-{args.line}", jar_path)
    spark.range(1).count()
    startup = time.perf_counter() - t0
    import pyspark
    say(f"pyspark {pyspark.__version__} up in {startup:.1f} s")

    def out(name):
        path = os.path.join(work, name)
        shutil.rmtree(path, ignore_errors=True)
        return path

    def check(path, rows):
        n = spark.read.parquet(path).count()
        if n != rows:
            raise SystemExit(f"{path}: {n} rows, expected {rows}")

    # Schemas for the "with a schema" rows, found once, outside the timings.
    spark_schema = spark.read.json(data).schema
    ours_probe = out("probe")
    spark.read.text(data).write.format("rustparquet").option("jsonColumn", "value").save(ours_probe)
    import pyarrow.parquet as pq
    first = sorted(glob.glob(os.path.join(ours_probe, "part-*.parquet")))[0]
    our_schema = pq.read_metadata(first).metadata[b"rustparquet.schema"].decode()
    rows = spark.read.parquet(ours_probe).count()

    raw = {
        "spark_inferred": lambda o: spark.read.json(data).write.parquet(o),
        "spark_schema": lambda o: spark.read.schema(spark_schema).json(data).write.parquet(o),
        "ours_inferred": lambda o: spark.read.text(data).write.format("rustparquet")
        .option("jsonColumn", "value").save(o),
        "ours_schema": lambda o: spark.read.text(data).write.format("rustparquet")
        .option("jsonColumn", "value").option("schema", our_schema).save(o),
    }
    raw_times = {k: [] for k in raw}
    raw_sizes = {}
    for r in range(args.runs):
        for name, fn in raw.items():
            o = out(f"raw-{name}")
            t = timed(lambda: fn(o))
            check(o, rows)
            raw_times[name].append(t)
            raw_sizes[name] = dir_bytes(o)
            say(f"round {r + 1}: {name}: {t:.2f} s")

    cached = spark.read.parquet(os.path.join(work, "raw-spark_inferred")).cache()
    cached_rows = cached.count()
    typed = {}
    for codec in ("snappy", "zstd"):
        typed[f"spark_{codec}"] = lambda o, c=codec: cached.write.option("compression", c).parquet(o)
        typed[f"ours_{codec}"] = lambda o, c=codec: cached.write.format("rustparquet").option("compression", c).save(o)
    typed_times = {k: [] for k in typed}
    typed_sizes = {}
    for r in range(args.runs + 1):  # the first round warms both writers up and is not counted
        for name, fn in typed.items():
            o = out(f"typed-{name}")
            t = timed(lambda: fn(o))
            check(o, cached_rows)
            typed_sizes[name] = dir_bytes(o)
            if r > 0:
                typed_times[name].append(t)
            say(f"typed round {r}: {name}: {t:.2f} s")
    cached.unpersist()

    # A high-cardinality numeric table (where dictionary encoding does not pay): sizes only.
    numeric = (spark.range(0, args.numeric_rows, 1, 2)
               .selectExpr("id", "cast(rand(7) * 1e12 as bigint) as big", "rand(8) as d",
                           "cast(rand(9) * 1e6 as int) as i")
               .cache())
    numeric.count()
    numeric_sizes = {}
    for codec in ("snappy", "zstd"):
        for name, fn in ((f"spark_{codec}", lambda o: numeric.write.option("compression", codec).parquet(o)),
                         (f"ours_{codec}", lambda o: numeric.write.format("rustparquet")
                          .option("compression", codec).save(o))):
            o = out(f"numeric-{name}")
            fn(o)
            check(o, args.numeric_rows)
            numeric_sizes[name] = dir_bytes(o)
            say(f"numeric table: {name}: {numeric_sizes[name] / 1e6:.1f} MB")
    spark.stop()

    result = {
        "line": args.line,
        "pyspark": pyspark.__version__,
        "jar": os.path.relpath(jar_path, ROOT),
        "java": os.environ.get("JAVA_HOME", ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "input": os.path.relpath(data, ROOT),
        "input_bytes": os.path.getsize(data),
        "rows": rows,
        "cached_rows": cached_rows,
        "numeric_rows": args.numeric_rows,
        "runs": args.runs,
        "startup": startup,
        "raw_times": raw_times,
        "raw_sizes": raw_sizes,
        "typed_times": typed_times,
        "typed_sizes": typed_sizes,
        "numeric_sizes": numeric_sizes,
        "load_start": load_start,
        "load_end": uptime(),
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
