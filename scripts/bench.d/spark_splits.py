#!/usr/bin/env python3
"""The splits Spark makes for one ~1 GB Parquet file of ours and one of its own, and Spark's query
time on each (issue 17, "the query side").

    scripts/bench --spark-splits [--spark-version 3.5|4|all] [--copies N] [--runs N] [--keep]
                                 [--also SIZE]   # e.g. --also 900MiB: one more file of ours, written
                                                 # with `convert --row-group-size SIZE`

Files (bench-out/spark-splits/, deleted at the end unless --keep):

  ours    `rustparquet convert` of bench-data/activedata-141000.ndjson given COPIES times (31 by
          default: 9.6 GB of JSON, 4,371,000 documents, each distinct one 31 times) into one file,
          the CLI's default layout (`--row-group-size` as `convert --help` gives it, 1 GiB of
          shredded data per row group since 2026-12-07, 256 MiB before; at most 1,000,000 rows).
  spark   that file read by Spark and written back by Spark's own `df.coalesce(1).write.parquet`
          (default settings: parquet.block.size 128 MB, snappy) as one file. Written once, by the
          first Spark line run (3.5 by default), and read by both lines; --spark-file-per-line has
          each line write its own.

Per Spark line (its own pyspark process, local[2], driver memory 4g, the line's jar), per file:
size, row groups and their on-disk sizes (pyarrow footer), `spark.sql.files.maxPartitionBytes`,
`openCostInBytes` and parallelism in effect and the split size Spark derives from them
(FilePartition.maxSplitBytes), `spark.read.parquet(f).rdd.getNumPartitions()` (splits = tasks of a
scan), and, from one scan of one column, the rows each split's task read (`spark_partition_id()`, checked
against recordsRead of the task metrics in Spark's status store): a split whose range holds no row
group's midpoint reads no rows. The split each row group should go to by that midpoint rule is
computed from the footer and compared, and gives the compressed bytes each split reads.

Timed (in-process, session start-up apart): the queries of scripts/bench.d/spark_run.py (explode +
filter, group by nested fields, point lookup, projection; --queries), one warm-up round then --runs
rounds (5), the files alternating (which file goes first alternates too); the median is reported and
the answers of the two files must agree. The conversion and Spark's write are timed once, for
information.

The report's block between `<!-- spark-splits:begin -->` and `<!-- spark-splits:end -->` (placed
after `<!-- spark:end -->`) is rewritten.
"""

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

from spark_common import HERE, ROOT, corpus, java_home, jar, python, say as _say, splice, uptime

BEGIN, END = "<!-- spark-splits:begin -->", "<!-- spark-splits:end -->"
AFTER = "<!-- spark:end -->"
DEFAULT_QUERIES = "explode_filter,group_nested,point_lookup,projection"
PROG = "spark-splits"


def say(msg):
    _say(PROG, msg)


def default_row_group_size(cli):
    """The CLI's default `--row-group-size`, from its help."""
    text = subprocess.run([cli, "convert", "--help"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"--row-group-size <SIZE>.*?\[default: ([^\]]+)\]", text, re.S)
    return m.group(1) if m else "?"


def mb(n):
    return n / 1e6


# ---------------------------------------------------------------------------------------------
# Footer facts and Spark's split rule (no Spark needed)
# ---------------------------------------------------------------------------------------------

def row_groups(path):
    """[(start offset, compressed bytes, rows)] of the file's row groups, as parquet-mr places
    them for splits: the start of the first column chunk (its dictionary page if any), the sum of
    the chunks' compressed sizes."""
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path)
    out = []
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        first = rg.column(0)
        start = first.data_page_offset
        if first.has_dictionary_page and 0 < first.dictionary_page_offset < start:
            start = first.dictionary_page_offset
        size = sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
        out.append((start, size, rg.num_rows))
    return out


def predicted_splits(length, max_split, groups):
    """Spark's splits of one file of LENGTH bytes (offsets 0, MAX_SPLIT, ...) and, per split, the
    rows and compressed bytes of the row groups whose midpoint falls in it (parquet-mr's rule for
    which split reads a row group): ([rows], [bytes])."""
    n = max(1, -(-length // max_split))
    rows, size_of = [0] * n, [0] * n
    for start, size, nrows in groups:
        i = min((start + size // 2) // max_split, n - 1)
        rows[i] += nrows
        size_of[i] += size
    return rows, size_of


# ---------------------------------------------------------------------------------------------
# One Spark line (run with the line's venv Python: --worker)
# ---------------------------------------------------------------------------------------------

def task_inputs(spark, group):
    """[(partition, input bytes, input records)] of the tasks of the first stage (the scan) of the
    jobs in job group GROUP, from Spark's status store (updated by the listener bus: waited for);
    None if they cannot be had."""
    sc = spark.sparkContext
    tracker = sc.statusTracker()
    stages = []
    for job in tracker.getJobIdsForGroup(group):
        info = tracker.getJobInfo(job)
        for sid in info.stageIds:
            st = tracker.getStageInfo(sid)
            if st is not None:
                stages.append((st.numTasks, sid, st.currentAttemptId))
    if not stages:
        return None
    num_tasks, sid, attempt = min(stages, key=lambda s: s[1])  # the scan: the job's first stage
    store = sc._jsc.sc().statusStore()
    for _ in range(100):
        tasks = store.taskList(sid, attempt, 1 << 20)
        got = []
        for i in range(tasks.size()):
            t = tasks.apply(i)
            if t.status() != "SUCCESS" or t.taskMetrics().isEmpty():
                continue
            im = t.taskMetrics().get().inputMetrics()
            got.append((t.partitionId(), im.bytesRead(), im.recordsRead()))
        if len(got) == num_tasks:
            return sorted(got)
        time.sleep(0.1)
    return None


def split_facts(spark, path, label):
    """What Spark does with the file at PATH: settings, splits, the rows each split read (and the
    tasks' input metrics), the row groups each split should read by the midpoint rule."""
    from pyspark.sql import functions as F

    conf = spark._jsparkSession.sessionState().conf()
    max_part = int(conf.filesMaxPartitionBytes())
    open_cost = int(conf.filesOpenCostInBytes())
    parallelism = spark.sparkContext.defaultParallelism
    min_parts = spark.conf.get("spark.sql.files.minPartitionNum", None)
    min_parts = int(min_parts) if min_parts else parallelism
    length = os.path.getsize(path)
    bytes_per_core = (length + open_cost) // min_parts
    max_split = min(max_part, max(open_cost, bytes_per_core))  # FilePartition.maxSplitBytes
    groups = row_groups(path)

    df = spark.read.parquet(path)
    splits = df.rdd.getNumPartitions()
    group = f"splits-{label}"
    spark.sparkContext.setJobGroup(group, f"rows per split of {label}")
    per_split = dict(df.select(F.spark_partition_id().alias("split"), F.col("task.id").isNotNull().alias("x"))
                     .groupBy("split").count().collect())
    inputs = task_inputs(spark, group)
    spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
    rows = [per_split.get(i, 0) for i in range(splits)]
    predicted_rows, predicted_bytes = predicted_splits(length, max_split, groups)
    return {
        "path": os.path.relpath(path, ROOT),
        "bytes": length,
        "rows": sum(rows),
        "row_groups": len(groups),
        "row_group_bytes": [g[1] for g in groups],
        "row_group_rows": [g[2] for g in groups],
        "max_partition_bytes": max_part,
        "open_cost_bytes": open_cost,
        "min_partitions": min_parts,
        "max_split_bytes": max_split,
        "splits": splits,
        "split_rows": rows,
        "split_input": inputs,
        "predicted_split_rows": predicted_rows,
        "predicted_split_bytes": predicted_bytes,
    }


def worker(args):
    import pyarrow.parquet as pq

    sys.path.insert(0, HERE)
    from spark_run import query_set, timed_rounds
    from spark_common import start_spark

    work = os.path.dirname(args.ours)
    t0 = time.perf_counter()
    spark = start_spark(f"rustparquet-spark-splits-{args.line}", jar(args.line, build=False))
    spark.range(1).count()
    startup = time.perf_counter() - t0
    import pyspark
    say(f"pyspark {pyspark.__version__} up in {startup:.1f} s")
    load_start = uptime()

    spark_file, write_time = args.spark_file, None
    if not spark_file:
        out = os.path.join(work, f"spark-{args.line}")
        shutil.rmtree(out, ignore_errors=True)
        say(f"Spark {pyspark.__version__} writes {os.path.relpath(args.ours, ROOT)} back as one file")
        t0 = time.perf_counter()
        spark.read.parquet(args.ours).coalesce(1).write.parquet(out)
        write_time = time.perf_counter() - t0
        parts = glob.glob(os.path.join(out, "part-*.parquet"))
        if len(parts) != 1:
            raise SystemExit(f"{out}: {len(parts)} part files, expected one")
        spark_file = parts[0]
        say(f"Spark's file: {mb(os.path.getsize(spark_file)):.1f} MB in {write_time:.1f} s")
    writer = pq.read_metadata(spark_file).created_by
    files = {"ours": args.ours, "spark": spark_file}
    for extra in args.extra or []:
        name, path = extra.split("=", 1)
        files[name] = path

    facts = {}
    for name, path in files.items():
        facts[name] = split_facts(spark, path, name)
        f = facts[name]
        say(f"{name}: {mb(f['bytes']):.1f} MB, {f['row_groups']} row groups, {f['splits']} splits of "
            f"{mb(f['max_split_bytes']):.1f} MB; rows per split {f['split_rows']} (midpoint rule: "
            f"{f['predicted_split_rows']})")
    if len({f["rows"] for f in facts.values()}) != 1:
        raise SystemExit(f"the files differ in rows: { {n: f['rows'] for n, f in facts.items()} }")

    queries = {q: v for q, v in query_set(args.task_id).items() if q in args.queries.split(",")}
    tables = {f: spark.read.parquet(p) for f, p in files.items()}
    times = timed_rounds(queries, list(files), tables.get, args.runs, say, alternate=True)
    spark.stop()

    result = {
        "line": args.line,
        "pyspark": pyspark.__version__,
        "jar": os.path.relpath(jar(args.line, build=False), ROOT),
        "java": os.environ.get("JAVA_HOME", ""),
        "startup": startup,
        "spark_file": spark_file,
        "spark_file_writer": writer,
        "spark_write_time": write_time,
        "facts": facts,
        "queries": {q: label for q, (label, _) in queries.items()},
        "times": times,
        "runs": args.runs,
        "load_start": load_start,
        "load_end": uptime(),
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def render(meta, results):
    med = statistics.median
    o = meta

    def rows_per_rg(f):
        return med(results[0]["facts"][f]["row_group_rows"])
    lines = [
        BEGIN,
        "### Spark splits of one ~1 GB file (`scripts/bench --spark-splits`)",
        "",
        f"Our file: `rustparquet convert` of `{o['input']}` ({mb(o['input_bytes']):.0f} MB) given "
        f"{o['copies']} times ({mb(o['input_bytes'] * o['copies']) / 1e3:.1f} GB of JSON, {o['rows']:,} "
        f"documents: each distinct document {o['copies']} times, which changes nothing for the splits; a row "
        f"group of {rows_per_rg('spark'):,.0f} rows holds each about {rows_per_rg('spark') * o['copies'] / o['rows']:.1f} "
        f"times, one of {rows_per_rg('ours'):,.0f} about {rows_per_rg('ours') * o['copies'] / o['rows']:.1f} times, "
        "so the repeats help the dictionaries of Spark's larger row groups more than ours: the file sizes "
        "favour Spark's), the CLI's default "
        f"layout (`--row-group-size {o['default_row_group_size']}` of shredded data per row group); "
        f"{o['convert_time']:.0f} s, 2 threads. "
        + "".join(f"Also ours with `convert --row-group-size {size}` (for comparison: the default before 2026-12-07), from the same input. "
                  for size in o["also"])
        + "Spark's "
        "file: ours read by Spark and written back with `df.coalesce(1).write.parquet()`, default settings "
        "(parquet.block.size 128 MB, snappy), as one file"
        + (", by each Spark line for itself" if o["per_line"] else
           f", written once by Spark {results[0]['pyspark']} ({results[0]['spark_write_time']:.0f} s, one "
           f"task; `created_by` {results[0]['spark_file_writer']}) and read by both lines")
        + ". `local[2]`, driver memory 4g, 2 cores; splits = `spark.read.parquet(f).rdd.getNumPartitions()`; "
        "rows per split from one scan of `task.id` grouped by `spark_partition_id()` (checked against the "
        "tasks' recordsRead); row-group MB per split: the compressed size of the row groups each split "
        "reads, from the footer. Split size = min(`maxPartitionBytes`, max(`openCostInBytes`, (file + "
        "openCost) / parallelism)), Spark's FilePartition.maxSplitBytes; a split reads the row groups whose "
        "midpoint (first chunk's offset + compressed size / 2) lies in it, none if it holds no midpoint.",
        "",
        "| Spark | file | MB | row groups | row group MB on disk (min–median–max) | rows per row group "
        "(median) | split MB (maxPartitionBytes, parallelism) | splits | splits that read rows | "
        "rows per split (thousands) | row-group MB per split |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = [("ours", "ours (`rustparquet convert`)"), ("spark", "Spark's `write.parquet`")]
    names += [(f"ours-{size}", f"ours, `--row-group-size {size}`") for size in o["also"]]
    for r in results:
        for f, label in names:
            x = r["facts"][f]
            rgb = x["row_group_bytes"]
            used = sum(1 for n in x["split_rows"] if n > 0)
            mark = "" if used == x["splits"] else f" **({x['splits'] - used} idle)**"
            lines.append(
                f"| {r['pyspark']} | {label} | {mb(x['bytes']):.1f} | {x['row_groups']} | "
                f"{mb(min(rgb)):.1f}–{mb(med(rgb)):.1f}–{mb(max(rgb)):.1f} | {med(x['row_group_rows']):,.0f} | "
                f"{mb(x['max_split_bytes']):.1f} ({mb(x['max_partition_bytes']):.1f}, {x['min_partitions']}) | "
                f"{x['splits']} | {used}{mark} | "
                + ", ".join(f"{n / 1e3:.0f}" for n in x["split_rows"]) + " | "
                + ", ".join(f"{mb(n):.0f}" for n in x["predicted_split_bytes"]) + " |")
    notes = []
    for r in results:
        for f, _ in names:
            x = r["facts"][f]
            if x["predicted_split_rows"] != x["split_rows"]:
                notes.append(f"Spark {r['pyspark']}, {f}: the rows per split differ from the midpoint rule's "
                             f"({', '.join(str(n) for n in x['predicted_split_rows'])}).")
            got = x["split_input"]
            if got and [g[2] for g in got] != x["split_rows"]:
                notes.append(f"Spark {r['pyspark']}, {f}: the tasks' recordsRead ({', '.join(str(g[2]) for g in got)}) "
                             "differ from the rows per split.")
    if not notes:
        notes.append("Every split read the rows the midpoint rule assigns it, and the tasks' input metrics "
                     "(recordsRead) agree.")
    foot = {f: sorted({g[1] for r in results for g in (r["facts"][f]["split_input"] or [])}) for f, _ in names}
    if all(foot.values()):
        notes.append("The tasks' bytesRead metric is no measure of the data read here: every task reports "
                     + ", ".join(f"{', '.join(f'{b / 1e3:.0f}' for b in foot[f])} KB on {label}" for f, label in names)
                     + " (about the footer, which each task reads whole; the column chunks are read "
                     "through a path the local file system's statistics do not count), hence the "
                     "row-group MB per split from the footer.")
    lines += ["", " ".join(notes), ""]
    lines += [
        "| Spark | query (median s of " + str(results[0]["runs"]) + " alternating rounds after a warm-up; "
        "min–max) | " + " | ".join(label for _, label in names) + " | "
        + " | ".join(f"{label} / Spark's" for f, label in names if f != "spark") + " |",
        "|---|---|" + "---|" * (2 * len(names) - 1),
    ]
    for r in results:
        for q, label in r["queries"].items():
            t = r["times"][q]
            m = {f: med(t[f]) for f, _ in names}
            lines.append(f"| {r['pyspark']} | {label} | "
                         + " | ".join(f"{m[f]:.2f} ({min(t[f]):.2f}–{max(t[f]):.2f})" for f, _ in names) + " | "
                         + " | ".join(f"**{m[f] / m['spark']:.2f}**" for f, _ in names if f != "spark") + " |")
    lines += [
        "",
        "Answers of the files agree on every query. Session start-up not included ("
        + ", ".join(f"Spark {r['pyspark']} {r['startup']:.1f} s" for r in results)
        + "). Load average (`uptime`: 1, 5, 15 min) "
        + "; ".join(f"Spark {r['pyspark']}: {r['load_start']} at the start, {r['load_end']} at the end"
                    for r in results)
        + f" (the machine is shared). Whole run {meta['wall'] / 60:.1f} min.",
        END,
    ]
    return "\n".join(lines)


def write_report(output, block):
    text = open(output).read() if os.path.exists(output) else ""
    if BEGIN not in text and AFTER in text:  # first time: right after the Spark section
        with open(output, "w") as f:
            f.write(text.replace(AFTER, AFTER + "\n\n" + BEGIN + "\n" + END, 1))
    splice(output, BEGIN, END, block)


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench --spark-splits", description=" ".join(__doc__.split("\n\n")[0].split()))
    p.add_argument("--spark-version", choices=["3.5", "4", "all"], default="all",
                   help="which Spark line(s) to run (default all: 3.5 then 4)")
    p.add_argument("--docs", type=int, default=141000, help="activedata documents (default 141000 = 309 MB)")
    p.add_argument("--copies", type=int, default=31,
                   help="times the corpus is given to convert (default 31: about 1 GB of Parquet)")
    p.add_argument("--runs", type=int, default=5, help="counted query rounds; the median is reported (default 5)")
    p.add_argument("--queries", default=DEFAULT_QUERIES,
                   help=f"spark_run.py queries to time, comma-separated (default {DEFAULT_QUERIES})")
    p.add_argument("--spark-file-per-line", action="store_true",
                   help="each Spark line writes its own file (default: the first line's, read by both)")
    p.add_argument("--also", action="append", default=[], metavar="SIZE",
                   help="also time a file of ours written with `convert --row-group-size SIZE` (e.g. 900MiB: "
                   "a candidate default); repeatable")
    p.add_argument("--cli", default=os.path.join(ROOT, "target", "release", "rustparquet"),
                   help="the rustparquet CLI (default target/release/rustparquet)")
    p.add_argument("--keep", action="store_true", help="keep bench-out/spark-splits/ (about 1 GB a file)")
    p.add_argument("--output", default=None, help="report to update (default BENCHMARKS.md)")
    p.add_argument("--no-report", action="store_true", help="print the block only")
    # worker mode (one Spark line, run by main with the line's venv Python)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--line", help=argparse.SUPPRESS)
    p.add_argument("--ours", help=argparse.SUPPRESS)
    p.add_argument("--spark-file", help=argparse.SUPPRESS)
    p.add_argument("--task-id", help=argparse.SUPPRESS)
    p.add_argument("--json", help=argparse.SUPPRESS)
    p.add_argument("--extra", action="append", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker(args)

    wall = time.perf_counter()
    output = args.output or os.path.join(ROOT, "BENCHMARKS.md")
    data = corpus("activedata", args.docs, say)
    work = os.path.join(ROOT, "bench-out", "spark-splits")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if not os.path.exists(args.cli):
        sys.exit(f"{args.cli} not found: cargo build --release -p rustparquet-cli")
    ours = os.path.join(work, "ours.parquet")
    say(f"rustparquet convert: {os.path.relpath(data, ROOT)} x {args.copies} -> {os.path.relpath(ours, ROOT)}")
    t0 = time.perf_counter()
    subprocess.run([args.cli, "convert", "--quiet", *([data] * args.copies), "-o", ours], check=True)
    convert_time = time.perf_counter() - t0
    say(f"{mb(os.path.getsize(ours)):.1f} MB in {convert_time:.1f} s")
    extras = []
    for size in args.also:
        path = os.path.join(work, f"ours-{size}.parquet")
        say(f"rustparquet convert --row-group-size {size} -> {os.path.relpath(path, ROOT)}")
        subprocess.run([args.cli, "convert", "--quiet", "--row-group-size", size, *([data] * args.copies),
                        "-o", path], check=True)
        extras.append(f"ours-{size}={path}")

    # A task id from the middle of the corpus: the point lookup finds its COPIES documents.
    with open(data) as f:
        for i, line in enumerate(f):
            if i == args.docs // 2:
                task_id = json.loads(line)["task"]["id"]
                break

    lines = ["3.5", "4"] if args.spark_version == "all" else [args.spark_version]
    results, spark_file = [], None
    for line in lines:
        py = python(line)
        jar(line)  # built now if missing
        out = os.path.join(work, f"spark-{line}.json")
        env = dict(os.environ, JAVA_HOME=java_home(line), PYSPARK_PYTHON=py, PYSPARK_DRIVER_PYTHON=py)
        say(f"Spark {line}: {os.path.relpath(py, ROOT)} with JAVA_HOME={env['JAVA_HOME']}")
        cmd = [py, os.path.abspath(__file__), "--worker", "--line", line, "--ours", ours, "--task-id", task_id,
               "--runs", str(args.runs), "--queries", args.queries, "--json", out]
        if spark_file and not args.spark_file_per_line:
            cmd += ["--spark-file", spark_file]
        for extra in extras:
            cmd += ["--extra", extra]
        subprocess.run(cmd, env=env, check=True)
        with open(out) as f:
            results.append(json.load(f))
        spark_file = results[-1]["spark_file"]

    meta = {
        "input": os.path.relpath(data, ROOT),
        "input_bytes": os.path.getsize(data),
        "copies": args.copies,
        "rows": results[0]["facts"]["ours"]["rows"],
        "convert_time": convert_time,
        "default_row_group_size": default_row_group_size(args.cli),
        "per_line": args.spark_file_per_line,
        "also": args.also,
        "wall": time.perf_counter() - wall,
    }
    with open(os.path.join(ROOT, "bench-out", "spark-splits.json"), "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    block = render(meta, results)
    print(block)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.no_report:
        return
    write_report(output, block)
    say(f"wrote the spark-splits block of {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
