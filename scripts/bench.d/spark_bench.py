#!/usr/bin/env python3
"""Spark section of the benchmarks: rustparquet's Spark data source against Spark's own writer.

    scripts/bench --spark [--docs N] [--runs N] [--output BENCHMARKS.md]

One pyspark 3.5.9 process, local[2], driver memory 4g, the rustparquet jar on spark.jars; same
data for every row (bench-data/activedata-<N>.ndjson, 141,000 documents = 309 MB by default,
generated with ../shared/bench/gen_corpus.py if missing). Timed in-process, session start-up
apart; rounds alternate between the tools (so load drifts hit all alike) and the median is
reported, with the range:

  raw JSON -> Parquet   Spark  spark.read.json(p).write.parquet(o)          (schema inferred)
                        Spark  spark.read.schema(s).json(p).write.parquet(o) (s: Spark's inferred)
                        ours   spark.read.text(p).write.format("rustparquet").option("jsonColumn","value")
                        ours   ... .option("schema", <rustparquet's inferred schema JSON>)
  typed write           Spark  df.write.parquet(o)  vs  df.write.format("rustparquet").save(o)
                        on the same cached DataFrame (Spark's own Parquet output, read back).

Every output is checked (row count) before its time is kept. The Spark section of the report
(between `<!-- spark:begin -->` and `<!-- spark:end -->`, inside the notes block that a full
`scripts/bench` run keeps) is rewritten; the rest is left alone.
"""

import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEGIN, END = "<!-- spark:begin -->", "<!-- spark:end -->"


def say(msg):
    print(f"spark-bench: {msg}", file=sys.stderr, flush=True)


def corpus(docs):
    path = os.path.join(ROOT, "bench-data", f"activedata-{docs}.ndjson")
    if not os.path.exists(path):
        shared = os.environ.get("RUSTPARQUET_SHARED", os.path.join(ROOT, "..", "shared"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        say(f"generating {path}")
        with open(path, "wb") as out:
            subprocess.run([sys.executable, os.path.join(shared, "bench", "gen_corpus.py"),
                            "--profile", "activedata", "--docs", str(docs)], stdout=out, check=True)
    return path


def jar():
    found = sorted(glob.glob(os.path.join(ROOT, "jvm", "target", "spark-3.5.*", "rustparquet-spark-3.5_2.12-*.jar")))
    found = [j for j in found if not j.endswith(("-sources.jar", "-tests.jar"))]
    if not found:
        say("building the jar (scripts/build-jar)")
        subprocess.run([os.path.join(ROOT, "scripts", "build-jar")], check=True)
        return jar()
    return found[-1]


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench --spark", description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=141000, help="activedata documents (default 141000 = 309 MB)")
    p.add_argument("--runs", type=int, default=3, help="rounds per row; the median is reported (default 3)")
    p.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"), help="report to update")
    p.add_argument("--no-report", action="store_true", help="print the table only")
    args = p.parse_args(argv)

    data = corpus(args.docs)
    jar_path = jar()
    work = os.path.join(ROOT, "bench-out", "spark")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    t0 = time.perf_counter()
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("rustparquet-spark-bench")
             .config("spark.driver.memory", "4g")
             .config("spark.jars", jar_path)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .getOrCreate())
    spark.range(1).count()
    startup = time.perf_counter() - t0
    say(f"session up in {startup:.1f} s")
    spark.sparkContext.setLogLevel("ERROR")

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
        "Spark `read.json().write.parquet()`, schema inferred":
            lambda o: spark.read.json(data).write.parquet(o),
        "Spark `read.schema(s).json().write.parquet()`":
            lambda o: spark.read.schema(spark_schema).json(data).write.parquet(o),
        "rustparquet `read.text().write.format(\"rustparquet\").option(\"jsonColumn\")`, schema inferred":
            lambda o: spark.read.text(data).write.format("rustparquet").option("jsonColumn", "value").save(o),
        "rustparquet, the same with `option(\"schema\", ...)`":
            lambda o: spark.read.text(data).write.format("rustparquet").option("jsonColumn", "value")
            .option("schema", our_schema).save(o),
    }
    times = {k: [] for k in raw}
    sizes = {}
    for r in range(args.runs):
        for i, (name, fn) in enumerate(raw.items()):
            o = out(f"raw{i}")
            t = timed(lambda: fn(o))
            check(o, rows)
            times[name].append(t)
            sizes[name] = sum(os.path.getsize(f) for f in glob.glob(os.path.join(o, "*.parquet")))
            say(f"round {r + 1}: {name}: {t:.2f} s")

    cached = spark.read.parquet(os.path.join(work, "raw0")).cache()
    cached_rows = cached.count()
    typed = {
        "Spark `df.write.parquet()`": lambda o: cached.write.parquet(o),
        "rustparquet `df.write.format(\"rustparquet\")`": lambda o: cached.write.format("rustparquet").save(o),
    }
    ttimes = {k: [] for k in typed}
    for r in range(args.runs + 1):  # the first round warms both writers up and is not counted
        for i, (name, fn) in enumerate(typed.items()):
            o = out(f"typed{i}")
            t = timed(lambda: fn(o))
            check(o, cached_rows)
            if r > 0:
                ttimes[name].append(t)
            say(f"typed round {r}: {name}: {t:.2f} s")
    spark.stop()

    def med(ts):
        return statistics.median(ts)

    names = list(raw)
    spark_inf, spark_sch, ours_inf, ours_sch = (med(times[n]) for n in names)
    tnames = list(typed)
    t_spark, t_ours = med(ttimes[tnames[0]]), med(ttimes[tnames[1]])
    mb = os.path.getsize(data) / 1e6
    load = os.getloadavg()
    lines = [
        BEGIN,
        "### Spark data source (`scripts/bench --spark`)",
        "",
        f"pyspark 3.5.9 in-process, `local[2]`, driver memory 4g, {platform.machine()}, {os.cpu_count()} cores; "
        f"input `{os.path.relpath(data, ROOT)}` ({mb:.0f} MB, {rows:,} documents); median of {args.runs} "
        f"alternating rounds (min–max); load average at the end {load[0]:.1f}. "
        f"Spark session start-up (JVM, session, first job): **{startup:.1f} s**, not included below.",
        "",
        "| raw JSON → Parquet | median s | min–max | output MB | vs Spark, same schema mode |",
        "|---|---|---|---|---|",
    ]
    ref = {names[0]: spark_inf, names[1]: spark_sch, names[2]: spark_inf, names[3]: spark_sch}
    for n in names:
        ts = times[n]
        ratio = ref[n] / med(ts)
        lines.append(f"| {n} | {med(ts):.2f} | {min(ts):.2f}–{max(ts):.2f} | {sizes[n] / 1e6:.1f} | "
                     f"{'—' if n in names[:2] else f'**{ratio:.2f}×** faster'} |")
    lines += [
        "",
        f"| typed write of the cached DataFrame ({cached_rows:,} rows) | median s | min–max | vs Spark |",
        "|---|---|---|---|",
    ]
    for n in tnames:
        ts = ttimes[n]
        lines.append(f"| {n} | {med(ts):.2f} | {min(ts):.2f}–{max(ts):.2f} | "
                     f"{'—' if n == tnames[0] else f'**{t_spark / t_ours:.2f}×** faster'} |")
    lines += [
        "",
        f"Targets (issue 9): raw JSON ≥ 3× Spark with and without a schema "
        f"(measured {spark_inf / ours_inf:.2f}× inferred, {spark_sch / ours_sch:.2f}× with a schema); "
        f"typed ≥ 1.5× (measured {t_spark / t_ours:.2f}×). Least disturbed rounds (min against min): "
        f"{min(times[names[0]]) / min(times[names[2]]):.2f}× inferred, "
        f"{min(times[names[1]]) / min(times[names[3]]):.2f}× with a schema, "
        f"{min(ttimes[tnames[0]]) / min(ttimes[tnames[1]]):.2f}× typed. The rustparquet rows with inference include "
        "their distributed inference pass (a second read of the text), as Spark's do. \"With a schema\" "
        "gives each engine its own inferred schema (Spark's `StructType`; rustparquet's schema JSON "
        "from the footer of a first write), so neither pays for inference.",
        END,
    ]
    block = "\n".join(lines)
    print(block)
    if not args.no_report:
        text = open(args.output).read() if os.path.exists(args.output) else ""
        notes_end = "<!-- notes:end -->"  # scripts/bench keeps the notes block when it rewrites the file
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        elif notes_end in text:
            text = text.replace(notes_end, block + "\n" + notes_end, 1)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(args.output, "w") as f:
            f.write(text)
        say(f"wrote the Spark section of {args.output}")


if __name__ == "__main__":
    main(sys.argv[1:])
