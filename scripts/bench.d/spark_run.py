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
  queries               Spark's query time (explode + filter, group by nested fields, point lookup,
                        projection) on Spark's own file of the corpus, ours from the raw path, and
                        ours from `rustparquet convert`; answers must agree.

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

    queries, query_times, query_files = run_queries(spark, args, data, work, rows, say)

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
        "queries": queries,
        "query_times": query_times,
        "query_files": query_files,
        "load_start": load_start,
        "load_end": uptime(),
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)


def query_set(task_id):
    """The Spark queries timed on each file: name -> (label, function of a DataFrame returning an
    answer that compares equal across files). TASK_ID: the `task.id` the point lookup looks for."""
    from pyspark.sql import functions as F

    return {
        "explode_filter": ("explode `result.subtests`, keep FAIL, count",
                           lambda t: t.selectExpr("explode(result.subtests) as st")
                           .where("st.status = 'FAIL'").count()),
        "group_nested": ("group by `build.platform`, `run.machine.os`: count, sum `run.stats.lines`",
                         lambda t: sorted(tuple(r) for r in t.groupBy("build.platform", "run.machine.os")
                                          .agg(F.count("*"), F.sum("run.stats.lines")).collect())),
        "point_lookup": ("`task.id` = one id (high cardinality)",
                         lambda t: t.where(f"task.id = '{task_id}'").select("_id").collect()),
        "projection": ("3 of 107 columns: sum `run.stats.bytes`, max `task.timing.duration`, "
                       "count distinct `build.revision`",
                       lambda t: tuple(t.selectExpr("sum(run.stats.bytes)", "max(task.timing.duration)",
                                                    "count(distinct build.revision)").collect()[0])),
    }


def run_queries(spark, args, data, work, rows, say):
    """Spark's query time on our files against its own files of the same documents: the file
    Spark's `read.json().write.parquet()` made, the one our raw JSON path made (both from the
    raw rounds above), and the one `rustparquet convert` makes. Each query runs on each file set
    in alternating rounds; their answers must agree. Returns (queries, times, file facts)."""
    import subprocess
    import pyarrow.parquet as pq

    cli_dir = os.path.join(work, "cli")
    shutil.rmtree(cli_dir, ignore_errors=True)
    os.makedirs(cli_dir)
    cli = os.path.join(ROOT, "target", "release", "rustparquet")
    subprocess.run([cli, "convert", data, "-o", os.path.join(cli_dir, "part-0.parquet")], check=True,
                   stdout=subprocess.DEVNULL)
    files = {
        "spark": os.path.join(work, "raw-spark_inferred"),
        "ours_raw": os.path.join(work, "raw-ours_inferred"),
        "ours_cli": cli_dir,
    }
    # A task id from the middle of the input: a point lookup that finds one document.
    with open(data) as f:
        for i, line in enumerate(f):
            if i == rows // 2:
                task_id = json.loads(line)["task"]["id"]
                break
    queries = query_set(task_id)
    facts = {}
    for name, path in files.items():
        parts = sorted(glob.glob(os.path.join(path, "*.parquet")))
        metas = [pq.read_metadata(p) for p in parts]
        facts[name] = {
            "files": len(parts),
            "row_groups": sum(m.num_row_groups for m in metas),
            "bytes": sum(os.path.getsize(p) for p in parts),
            "splits": spark.read.parquet(path).rdd.getNumPartitions(),
        }
    times = timed_rounds(queries, list(files), lambda f: spark.read.parquet(files[f]), args.runs, say)
    return {q: label for q, (label, _) in queries.items()}, times, facts


def timed_rounds(queries, files, table, runs, say, alternate=False):
    """Times each of QUERIES ({name: (label, run)}) on each of FILES (TABLE(f) gives its
    DataFrame, made before the clock starts): a warm-up round that also checks that the files
    answer alike, then RUNS counted rounds; with ALTERNATE the files' order flips every round.
    Returns {query: {file: [seconds of each counted round]}}."""
    times = {q: {f: [] for f in files} for q in queries}
    for r in range(runs + 1):  # round 0 warms up and checks the answers
        order = list(reversed(files)) if alternate and r % 2 else list(files)
        for q, (_, run) in queries.items():
            answers = {}
            for f in order:
                frame = table(f)
                t0 = time.perf_counter()
                answers[f] = run(frame)
                t = time.perf_counter() - t0
                if r > 0:
                    times[q][f].append(t)
                say(f"query round {r}: {q} on {f}: {t:.2f} s")
            if len({repr(a) for a in answers.values()}) != 1:
                raise SystemExit(f"query {q}: the files answer differently: {answers}")
    return times


if __name__ == "__main__":
    main(sys.argv[1:])
