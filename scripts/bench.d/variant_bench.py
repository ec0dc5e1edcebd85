#!/usr/bin/env python3
"""Variant section of the benchmarks: the whole document as a Parquet VARIANT column, written by
rustparquet, Spark 4 and DuckDB, then queried with Spark 4's `variant_get`.

    scripts/bench --section variant [--corpus heterogeneous,activedata] [--runs N] [--quick]

Runs with .venv-spark4's Python (pyspark 4.x and DuckDB), one Spark session, local[2], driver
memory 4g, the Spark 4 rustparquet jar. Per corpus (bench-data/, generated with
../shared/bench/gen_corpus.py as scripts/bench does), every writer makes snappy Parquet:

  rustparquet convert IN -o OUT                         our union layout (no variant), the baseline
  rustparquet convert --variant '$' IN -o OUT           shredding auto (inferred typed_value)
  ... --variant-shredding none                          metadata + value only
  Spark 4  read.text(p).select(parse_json(value) as document).write.parquet(o)
           with spark.sql.variant.writeShredding.enabled true, then false
  rustparquet data source, Spark 4: read.text(p).write.format("rustparquet")
           .option("jsonColumn", "value").option("variant", "$")
  DuckDB   COPY (SELECT json::VARIANT AS document FROM read_ndjson_objects(p)) TO o (FORMAT parquet)
           (if this DuckDB has the VARIANT type; else the row says so)

The CLI is timed as a process (wall), Spark and DuckDB in-process; rounds alternate between the
writers and the first round (warm-up) is not counted. Every output's row count is checked. Then
Spark 4 reads each variant file and runs the same `variant_get` queries on it (a bigint path, a
string path); each file's answers must equal those over Spark's own file, and the median time is
reported. The section between `<!-- variant:begin -->` and `<!-- variant:end -->` of the report
is rewritten; nothing else.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from spark_common import ROOT, corpus, dir_bytes, jar, java_home, say as _say, splice, start_spark, uptime

BEGIN, END = "<!-- variant:begin -->", "<!-- variant:end -->"
DOCS = {"heterogeneous": 23200, "activedata": 141000}
QUICK_DOCS = 5000
# The binary timed: scripts/bench sets RUSTPARQUET_BIN to the build with profile-guided
# optimisation (scripts/build-release); otherwise the plain release build.
RUSTPARQUET = os.environ.get("RUSTPARQUET_BIN") or os.path.join(ROOT, "target", "release", "rustparquet")
# (label, SQL expression over the variant column `document`, aggregate) per query; both paths
# are in every document of both corpora (gen_corpus.py's activedata base).
QUERIES = [
    ("`variant_get(document, '$.run.stats.total', 'bigint')`, count and sum",
     "variant_get(document, '$.run.stats.total', 'bigint') AS v", ("count(v) AS n", "sum(v) AS s")),
    ("`variant_get(document, '$.build.platform', 'string')`, count distinct",
     "variant_get(document, '$.build.platform', 'string') AS v", ("count(DISTINCT v) AS n", "max(v) AS s")),
]


def say(msg):
    _say("variant-bench", msg)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def med(ts):
    return statistics.median(ts)


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench --section variant", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default="heterogeneous,activedata", help="comma-separated corpora")
    p.add_argument("--runs", type=int, default=3, help="counted rounds per writer and query (default 3)")
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_DOCS} documents per corpus, 1 round; report in bench-out/BENCHMARKS-variant-quick.md")
    p.add_argument("--output", default=None, help="report to update (default BENCHMARKS.md)")
    p.add_argument("--no-report", action="store_true", help="print the section only")
    args = p.parse_args(argv)
    if args.quick:
        args.runs = 1
    output = args.output or os.path.join(ROOT, *(("bench-out", "BENCHMARKS-variant-quick.md") if args.quick
                                                 else ("BENCHMARKS.md",)))
    if not os.path.exists(RUSTPARQUET):
        sys.exit(f"{RUSTPARQUET} not found: cargo build --release -p rustparquet-cli")
    corpora = [c.strip() for c in args.corpus.split(",") if c.strip()]
    for c in corpora:
        if c not in DOCS:
            p.error(f"--corpus {c}: one of {', '.join(DOCS)}")
    load_start = uptime()

    import duckdb
    import pyspark
    if not pyspark.__version__.startswith("4."):
        sys.exit(f"pyspark {pyspark.__version__}: the variant bench needs Spark 4 (run it with .venv-spark4)")
    con = duckdb.connect()
    try:
        con.sql("""SELECT '{"a":1}'::JSON::VARIANT""").fetchall()
        duck_variant = None
    except duckdb.Error as e:
        duck_variant = f"DuckDB {duckdb.__version__} has no VARIANT type ({str(e).splitlines()[0]})"

    jar_path = jar("4", build=False)
    os.environ["JAVA_HOME"] = java_home("4")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t0 = time.perf_counter()
    spark = start_spark("rustparquet-variant-bench", jar_path)
    spark.range(1).count()
    startup = time.perf_counter() - t0
    confs = {k: spark.conf.get(k) for k in
             ("spark.sql.variant.writeShredding.enabled", "spark.sql.variant.inferShreddingSchema",
              "spark.sql.variant.shredding.maxSchemaWidth", "spark.sql.variant.shredding.maxSchemaDepth")}
    say(f"pyspark {pyspark.__version__} up in {startup:.1f} s; {confs}")

    sections = []
    for c in corpora:
        docs = QUICK_DOCS if args.quick else DOCS[c]
        data = corpus(c, docs, say)
        sections.append(run_corpus(spark, con, duck_variant, c, data, args.runs))
    spark.stop()

    lines = [
        BEGIN,
        "### VARIANT: whole document as one variant column (`scripts/bench --section variant`)",
        "",
        f"pyspark {pyspark.__version__} (`.venv-spark4`, `local[2]`, driver memory 4g, session start-up "
        f"{startup:.1f} s not included), DuckDB {duckdb.__version__}, rustparquet CLI (release); "
        f"{os.cpu_count()} cores; snappy everywhere; median of {args.runs} counted round(s) after a warm-up "
        "round, writers alternating; the CLI timed as a process (wall), Spark and DuckDB in-process "
        "(`scripts/bench.d/variant_bench.py`). Spark's variant settings as run: "
        + ", ".join(f"`{k}` = {v}" for k, v in confs.items())
        + " (the shredded Spark row sets `writeShredding.enabled` true; the other false). The machine is "
        f"shared with other jobs: load average (`uptime`: 1, 5, 15 min) at the start {load_start}, "
        f"at the end {uptime()}.",
        "",
    ]
    if duck_variant:
        lines += [duck_variant + ": its rows are left out, not estimated.", ""]
    lines += sections + [END]
    block = "\n".join(lines)
    print(block)
    if not args.no_report:
        splice(output, BEGIN, END, block)
        say(f"wrote the variant section of {os.path.relpath(output, ROOT)}")


def run_corpus(spark, con, duck_variant, name, data, runs):
    """Markdown for one corpus: the write table and the query table."""
    from pyspark.sql.functions import col, parse_json

    work = os.path.join(ROOT, "bench-out", "variant", name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rows = sum(1 for _ in open(data, "rb"))

    def cli(*extra):
        def run(o):
            subprocess.run([RUSTPARQUET, "convert", *extra, data, "-o", o], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return run

    def spark_write(shred):
        def run(o):
            spark.conf.set("spark.sql.variant.writeShredding.enabled", "true" if shred else "false")
            spark.read.text(data).select(parse_json(col("value")).alias("document")).write.parquet(o)
        return run

    def ours_ds(o):
        (spark.read.text(data).write.format("rustparquet").option("jsonColumn", "value")
         .option("variant", "$").save(o))

    def duck(o):
        con.sql(f"COPY (SELECT json::VARIANT AS document FROM read_ndjson_objects('{data}')) "
                f"TO '{o}' (FORMAT parquet, COMPRESSION snappy)")

    # key -> (label, writer, output is a file (else a folder), is a variant file Spark queries)
    writers = {
        "union": ("rustparquet `convert` (union layout, no variant)", cli(), True, False),
        "ours_auto": ("rustparquet `convert --variant '$'` (shredding auto)", cli("--variant", "$"), True, True),
        "ours_none": ("rustparquet `convert --variant '$' --variant-shredding none`",
                      cli("--variant", "$", "--variant-shredding", "none"), True, True),
        "spark_shred": ("Spark 4 `parse_json` + `write.parquet`, shredded", spark_write(True), False, True),
        "spark_plain": ("Spark 4 `parse_json` + `write.parquet`, unshredded", spark_write(False), False, True),
        "ours_ds": ("rustparquet data source on Spark 4, `option(\"variant\", \"$\")`", ours_ds, False, True),
    }
    if not duck_variant:
        writers["duckdb"] = ("DuckDB `COPY (SELECT json::VARIANT ...)`", duck, True, True)
    times = {k: [] for k in writers}
    sizes, failed = {}, {}
    for r in range(runs + 1):
        for key, (label, fn, is_file, _) in writers.items():
            if key in failed:
                continue
            o = os.path.join(work, key + (".parquet" if is_file else ""))
            if os.path.isdir(o):
                shutil.rmtree(o)
            elif os.path.exists(o):
                os.remove(o)
            try:
                t = timed(lambda: fn(o))
            except Exception as e:  # noqa: BLE001 - a writer that fails is reported, not hidden
                msg = getattr(e, "stderr", None) or str(e)
                msg = msg.decode() if isinstance(msg, bytes) else msg
                failed[key] = next((ln for ln in msg.splitlines() if ln.strip()), "failed")[:200]
                say(f"{name}: {key} failed: {failed[key]}")
                continue
            n = spark.read.parquet(o).count()
            if n != rows:
                raise SystemExit(f"{o}: {n} rows, expected {rows}")
            sizes[key] = dir_bytes(o)
            if r > 0:
                times[key].append(t)
            say(f"{name} round {r}: {key}: {t:.2f} s, {sizes[key] / 1e6:.1f} MB")

    mb = os.path.getsize(data) / 1e6
    base = "spark_shred"
    lines = [
        f"#### {name} (`{os.path.relpath(data, ROOT)}`, {mb:.0f} MB, {rows:,} documents)",
        "",
        "| writer | median s | min–max | MB/s | output MB | output vs Spark shredded |",
        "|---|---|---|---|---|---|",
    ]
    for key, (label, *_rest) in writers.items():
        if key in failed:
            lines.append(f"| {label} | failed: {failed[key]} | | | | |")
            continue
        t = times[key]
        rel = f"{sizes[key] / sizes[base]:.2f}×" if base in sizes else "—"
        lines.append(f"| {label} | {med(t):.2f} | {min(t):.2f}–{max(t):.2f} | {mb / med(t):.0f} | "
                     f"{sizes[key] / 1e6:.1f} | {rel} |")
    if duck_variant:
        lines.append(f"| DuckDB variant `COPY` | not run: {duck_variant} | | | | |")

    # Spark 4 queries over every variant file, answers checked against Spark's own file.
    lines += ["", "| Spark 4 query | over | median s | min–max | vs Spark's shredded file | same answer |",
              "|---|---|---|---|---|---|"]
    spark.conf.set("spark.sql.variant.writeShredding.enabled", "true")
    targets = [k for k, (_l, _f, _file, q) in writers.items() if q and k not in failed]
    for qlabel, expr, agg in QUERIES:
        qtimes, answers = {k: [] for k in targets}, {}
        for r in range(runs + 1):
            for key in targets:
                o = os.path.join(work, key + (".parquet" if writers[key][2] else ""))
                try:
                    df = spark.read.parquet(o)
                    t0 = time.perf_counter()
                    got = df.selectExpr(expr).selectExpr(*agg).collect()[0]
                    t = time.perf_counter() - t0
                except Exception as e:  # noqa: BLE001 - reported in the table
                    first = next((ln for ln in str(e).splitlines() if ln.strip()), type(e).__name__)
                    answers[key] = ("error", first[:200])
                    continue
                answers[key] = tuple(got)
                if r > 0:
                    qtimes[key].append(t)
        ref = answers.get(base)
        for key in targets:
            if not qtimes[key]:
                lines.append(f"| {qlabel} | {writers[key][0]} | failed: {answers[key][1]} | | | |")
                continue
            t = qtimes[key]
            vs = f"{med(qtimes[base]) / med(t):.2f}×" if qtimes.get(base) else "—"
            same = "yes" if answers[key] == ref else f"**no**: {answers[key]} vs {ref}"
            lines.append(f"| {qlabel} | {writers[key][0]} | {med(t):.2f} | {min(t):.2f}–{max(t):.2f} | {vs} | {same} |")
        say(f"{name}: {qlabel}: {answers.get(base)}")
    lines += ["", "\"vs Spark's shredded file\" above 1 means faster than over Spark's own file. "
              "rustparquet's CLI writes one file (one task reads it unless it has several row groups); "
              "Spark and the data source write one file per task (two here).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
