#!/usr/bin/env python3
"""Spark section of the benchmarks: rustparquet's Spark data source against Spark's own writer,
on Spark 3.5 and Spark 4 in one invocation.

    scripts/bench --spark [--spark-version 3.5|4|all] [--docs N] [--runs N] [--quick]

Each Spark line runs in its own process with its venv's pyspark (.venv: 3.5.x, .venv-spark4:
4.x) and its jar (scripts/build-jar), one after the other, on the same data
(bench-data/activedata-<N>.ndjson, 141,000 documents = 309 MB by default): spark_run.py says what
is timed. Reported per line: raw JSON path vs `read.json → write.parquet` (target ≥ 3×), typed
path vs Spark's writer (target ≥ 1.5×), and the typed path's file sizes against Spark's own,
snappy and zstd (target: no larger).

The Spark section of the report (between `<!-- spark:begin -->` and `<!-- spark:end -->`, inside
the notes block that a full `scripts/bench` run keeps) is rewritten; running one line rewrites
only that line's part of it (`<!-- spark:LINE:begin -->` ... `<!-- spark:LINE:end -->`).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

from spark_common import HERE, LINES, ROOT, java_home, jar, python, say as _say, splice

BEGIN, END = "<!-- spark:begin -->", "<!-- spark:end -->"
QUICK_DOCS = 5000


def say(msg):
    _say("spark-bench", msg)


def line_markers(line):
    return f"<!-- spark:{line}:begin -->", f"<!-- spark:{line}:end -->"


def med(ts):
    return statistics.median(ts)


def line_block(r):
    """Markdown for one line's measurements R (spark_run.py's JSON)."""
    b, e = line_markers(r["line"])
    rt, rs, tt, ts, ns = r["raw_times"], r["raw_sizes"], r["typed_times"], r["typed_sizes"], r["numeric_sizes"]
    raw_rows = [
        ("spark_inferred", "Spark `read.json().write.parquet()`, schema inferred", None),
        ("spark_schema", "Spark `read.schema(s).json().write.parquet()`", None),
        ("ours_inferred", "rustparquet `read.text().write.format(\"rustparquet\").option(\"jsonColumn\")`, "
         "schema inferred", "spark_inferred"),
        ("ours_schema", "rustparquet, the same with `option(\"schema\", ...)`", "spark_schema"),
    ]
    lines = [
        b,
        f"#### Spark {r['pyspark']}",
        "",
        f"pyspark {r['pyspark']}, jar `{r['jar']}`, Java `{r['java']}`; median of {r['runs']} alternating "
        f"rounds (min–max). Session start-up (JVM, session, first job) **{r['startup']:.1f} s**, not "
        f"included. Load average (`uptime`: 1, 5, 15 min) at the start {r['load_start']}, at the end "
        f"{r['load_end']}.",
        "",
        "| raw JSON → Parquet | median s | min–max | output MB | vs Spark, same schema mode |",
        "|---|---|---|---|---|",
    ]
    for key, label, ref in raw_rows:
        t = rt[key]
        vs = "—" if ref is None else f"**{med(rt[ref]) / med(t):.2f}×** faster"
        lines.append(f"| {label} | {med(t):.2f} | {min(t):.2f}–{max(t):.2f} | {rs[key] / 1e6:.1f} | {vs} |")
    lines += [
        "",
        f"| typed write of the cached DataFrame ({r['cached_rows']:,} rows) | median s | min–max | output MB | vs Spark |",
        "|---|---|---|---|---|",
    ]
    for codec in ("snappy", "zstd"):
        for who, label in (("spark", "Spark `df.write.parquet()`"),
                           ("ours", "rustparquet `df.write.format(\"rustparquet\")`")):
            t = tt[f"{who}_{codec}"]
            vs = "—" if who == "spark" else f"**{med(tt[f'spark_{codec}']) / med(t):.2f}×** faster"
            lines.append(f"| {label}, {codec} | {med(t):.2f} | {min(t):.2f}–{max(t):.2f} | "
                         f"{ts[f'{who}_{codec}'] / 1e6:.2f} | {vs} |")
    lines += [
        "",
        "| typed path's file size vs Spark's own | codec | Spark MB | rustparquet MB | rustparquet / Spark |",
        "|---|---|---|---|---|",
    ]
    for what, sizes in ((f"activedata, cached DataFrame ({r['cached_rows']:,} rows)", ts),
                        (f"high-cardinality numeric table ({r['numeric_rows']:,} rows: id, random bigint, "
                         "double, int)", ns)):
        for codec in ("snappy", "zstd"):
            s, o = sizes[f"spark_{codec}"], sizes[f"ours_{codec}"]
            ratio = o / s
            mark = "" if ratio <= 1.0 else " (larger)"
            lines.append(f"| {what} | {codec} | {s / 1e6:.2f} | {o / 1e6:.2f} | **{ratio:.3f}**{mark} |")
    if "queries" in r:
        qf, qt = r["query_files"], r["query_times"]
        names = (("spark", "Spark's `write.parquet`"), ("ours_raw", "rustparquet raw path"),
                 ("ours_cli", "`rustparquet convert`"))
        lines += [
            "",
            "| Spark query (median s) | " + " | ".join(label for _, label in names) +
            " | ours / Spark (raw path, convert) |",
            "|---|---|---|---|---|",
        ]
        for q, label in r["queries"].items():
            t = {f: med(qt[q][f]) for f, _ in names}
            lines.append(f"| {label} | " + " | ".join(f"{t[f]:.2f}" for f, _ in names) +
                         f" | {t['ours_raw'] / t['spark']:.2f}, {t['ours_cli'] / t['spark']:.2f} |")
        lines.append("| files, row groups, Spark splits (tasks), MB | " + " | ".join(
            f"{qf[f]['files']}, {qf[f]['row_groups']}, {qf[f]['splits']}, {qf[f]['bytes'] / 1e6:.1f}"
            for f, _ in names) + " | |")
    raw_inf = med(rt["spark_inferred"]) / med(rt["ours_inferred"])
    raw_sch = med(rt["spark_schema"]) / med(rt["ours_schema"])
    typ = med(tt["spark_snappy"]) / med(tt["ours_snappy"])
    typ_z = med(tt["spark_zstd"]) / med(tt["ours_zstd"])

    def met(ok):
        return "met" if ok else "**not met**"

    sz = [sizes[f"ours_{c}"] / sizes[f"spark_{c}"] for sizes in (ts, ns) for c in ("snappy", "zstd")]
    lines += [
        "",
        f"Targets on Spark {r['pyspark']}: raw JSON ≥ 3× Spark: {raw_inf:.2f}× inferred, {raw_sch:.2f}× with "
        f"a schema ({met(min(raw_inf, raw_sch) >= 3)}); typed ≥ 1.5×: {typ:.2f}× snappy, {typ_z:.2f}× zstd "
        f"({met(min(typ, typ_z) >= 1.5)}); typed files no larger than Spark's: largest ratio "
        f"{max(sz):.3f} ({met(max(sz) <= 1.0)}). Least disturbed rounds (min against min): "
        f"{min(rt['spark_inferred']) / min(rt['ours_inferred']):.2f}× inferred, "
        f"{min(rt['spark_schema']) / min(rt['ours_schema']):.2f}× with a schema, "
        f"{min(tt['spark_snappy']) / min(tt['ours_snappy']):.2f}× typed snappy.",
        e,
    ]
    return "\n".join(lines)


def header(results):
    r = results[0]
    return "\n".join([
        BEGIN,
        "### Spark data source (`scripts/bench --spark`)",
        "",
        f"Each Spark line in its own pyspark process, `local[2]`, driver memory 4g, {r['machine']}; input "
        f"`{r['input']}` ({r['input_bytes'] / 1e6:.0f} MB, {r['rows']:,} documents); timed in-process "
        "(`scripts/bench.d/spark_run.py`), every output's row count checked. The rustparquet rows with "
        "inference include their distributed inference pass (a second read of the text), as Spark's do. "
        "\"With a schema\" gives each engine its own inferred schema (Spark's `StructType`; rustparquet's "
        "schema JSON from the footer of a first write), so neither pays for inference. The machine is "
        "shared (other jobs ran during these runs): the load averages are given with each table. "
        "`--spark-version 3.5|4` reruns one line and rewrites only its part.",
        "",
    ])


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench --spark", description=__doc__.splitlines()[0])
    p.add_argument("--spark-version", choices=["3.5", "4", "all"], default="all",
                   help="which Spark line(s) to run (default all: 3.5 then 4)")
    p.add_argument("--docs", type=int, default=141000, help="activedata documents (default 141000 = 309 MB)")
    p.add_argument("--runs", type=int, default=3, help="rounds per row; the median is reported (default 3)")
    p.add_argument("--numeric-rows", type=int, default=2_000_000,
                   help="rows of the generated numeric table (sizes only; default 2000000)")
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_DOCS} documents, 200,000 numeric rows, 1 round; the report goes to "
                   "bench-out/BENCHMARKS-spark-quick.md")
    p.add_argument("--output", default=None, help="report to update (default BENCHMARKS.md)")
    p.add_argument("--no-report", action="store_true", help="print the section only")
    args = p.parse_args(argv)
    if args.quick:
        args.docs, args.runs, args.numeric_rows = QUICK_DOCS, 1, 200_000
    output = args.output or (os.path.join(ROOT, "bench-out", "BENCHMARKS-spark-quick.md") if args.quick
                             else os.path.join(ROOT, "BENCHMARKS.md"))

    lines = ["3.5", "4"] if args.spark_version == "all" else [args.spark_version]
    os.makedirs(os.path.join(ROOT, "bench-out"), exist_ok=True)
    results = []
    for line in lines:
        py = python(line)
        jar(line)  # built now if missing, so spark_run.py finds it
        out = os.path.join(ROOT, "bench-out", f"spark-{line}.json")
        if os.path.exists(out):
            os.remove(out)
        env = dict(os.environ, JAVA_HOME=java_home(line), PYSPARK_PYTHON=py, PYSPARK_DRIVER_PYTHON=py)
        say(f"Spark {line}: {os.path.relpath(py, ROOT)} with JAVA_HOME={env['JAVA_HOME']}")
        subprocess.run([py, os.path.join(HERE, "spark_run.py"), "--line", line, "--docs", str(args.docs),
                        "--runs", str(args.runs), "--numeric-rows", str(args.numeric_rows), "--json", out],
                       env=env, check=True)
        with open(out) as f:
            results.append(json.load(f))

    blocks = [line_block(r) for r in results]
    print("\n\n".join(blocks))
    if args.no_report:
        return
    text = open(output).read() if os.path.exists(output) else ""
    if args.spark_version == "all" or BEGIN not in text:
        splice(output, BEGIN, END, header(results) + "\n\n".join(blocks) + "\n" + END)
    else:  # one line: its part only (added at the section's end if the section lacks it)
        for r, block in zip(results, blocks):
            b, e = line_markers(r["line"])
            if b in text:
                splice(output, b, e, block)
            else:
                splice(output, END, END, "\n" + block + "\n" + END)
            text = open(output).read()
    say(f"wrote the Spark section of {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
