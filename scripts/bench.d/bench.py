#!/usr/bin/env python3
"""rustparquet benchmark harness (run it through scripts/bench, which sets up what it needs).

For each corpus it times every tool converting the same NDJSON file into snappy Parquet, each as
its own process under GNU time (wall, user+sys CPU, peak RSS), N runs, and reports the medians,
checks the row count of every output, compares output sizes, and writes BENCHMARKS.md.

The read section (--section read, or read tool keys in --tools) times the other direction:
Parquet -> NDJSON (`rustparquet cat` against DuckDB, polars and pyarrow), every tool reading the
Parquet file DuckDB wrote in the conversion section. A run of the read section alone rewrites only
the read sections of the report, so the conversion tables of the last full run stay.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import sizes  # noqa: E402  (scripts/bench.d/sizes.py)

PY = sys.executable
PEERS_PY = os.path.join(HERE, "peers.py")
TIME = "/usr/bin/time"
RUSTPARQUET = os.path.join(ROOT, "target", "release", "rustparquet")
ARROW_RS = os.path.join(ROOT, "target", "release", "arrow-rs-convert")
PARSE_FLOOR = os.path.join(ROOT, "target", "release", "parse-floor")

# Standard corpora (gen_corpus.py profile -> documents), see ../shared/bench/README.md.
CORPORA = {"activedata": 141000, "wide": 65000, "heterogeneous": 23200}
# Paths of the heterogeneous corpus whose JSON type drifts (gen_corpus.py, _conflict).
CONFLICT_PATHS = ["account_admin", "build.date", "task.tags", "result.ok", "repo.push.id"]
QUICK_DOCS = 5000

NOTES_BEGIN = "<!-- notes:begin (kept by scripts/bench when it rewrites this file) -->"
NOTES_END = "<!-- notes:end -->"


# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

@dataclass
class Tool:
    """One benchmarked command. kind: 'ours' (rustparquet), 'peer', or 'floor' (parse floor)."""

    key: str
    label: str
    kind: str
    argv: Callable[["Ctx"], List[str]]
    available: Callable[[], Optional[str]] = lambda: None  # None = OK, else why skipped
    prepare: Optional[Callable[["Ctx"], None]] = None  # untimed step before the runs
    writes: bool = True
    threads: str = "default"
    only: Optional[List[str]] = None  # run on these corpora only (None: all)


@dataclass
class Ctx:
    corpus: str
    input: str
    outdir: str
    out: str = ""


def _missing(path, what):
    return None if os.access(path, os.X_OK) else f"{what} not built ({os.path.relpath(path, ROOT)} missing)"


_RP_STATUS = {}


def rustparquet_available():
    """None if target/release/rustparquet exists and its `convert` takes the flags we time."""
    if "why" not in _RP_STATUS:
        why = _missing(RUSTPARQUET, "rustparquet")
        if not why:
            help_text = subprocess.run([RUSTPARQUET, "convert", "--help"], capture_output=True,
                                       text=True).stdout
            lacking = [f for f in ("--quiet", "--schema", "--threads") if f not in help_text]
            if lacking:
                why = f"rustparquet convert not built yet (no {', '.join(lacking)} in its --help)"
        _RP_STATUS["why"] = why
    return _RP_STATUS["why"]


def rustparquet_schema(ctx: Ctx):
    """`rustparquet schema FILE --format rustparquet > SCHEMA.json` (not timed)."""
    path = os.path.join(ctx.outdir, "rustparquet.schema.json")
    with open(path, "wb") as f:
        subprocess.run([RUSTPARQUET, "schema", ctx.input, "--format", "rustparquet"],
                       stdout=f, stderr=subprocess.PIPE, check=True)


def chdb_structure(ctx: Ctx):
    """ClickHouse's own inference over all rows (DESCRIBE), saved as a structure string (not timed)."""
    path = os.path.join(ctx.outdir, "chdb.structure.txt")
    with open(path, "wb") as f:
        subprocess.run([PY, PEERS_PY, "chdb-structure", ctx.input], stdout=f,
                       stderr=subprocess.PIPE, check=True)


def pyspark_available():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark not installed in .venv (scripts/setup installs it)"
    return None


def peer(tool, *extra):
    return lambda ctx: [PY, PEERS_PY, tool, ctx.input, ctx.out, *extra]


TOOLS = [
    Tool("rustparquet", "rustparquet (schema inferred)", "ours",
         lambda c: [RUSTPARQUET, "convert", c.input, "-o", c.out, "--quiet"], rustparquet_available),
    Tool("rustparquet-schema", "rustparquet --schema", "ours",
         lambda c: [RUSTPARQUET, "convert", c.input, "-o", c.out, "--quiet", "--schema",
                    os.path.join(c.outdir, "rustparquet.schema.json")],
         rustparquet_available, prepare=rustparquet_schema),
    Tool("rustparquet-1t", "rustparquet --threads 1", "ours",
         lambda c: [RUSTPARQUET, "convert", c.input, "-o", c.out, "--quiet", "--threads", "1"],
         rustparquet_available, threads="1"),
    Tool("duckdb", "DuckDB", "peer", peer("duckdb")),
    Tool("duckdb-1t", "DuckDB threads=1", "peer", peer("duckdb", "--threads", "1"), threads="1"),
    Tool("pyarrow", "pyarrow", "peer", peer("pyarrow")),
    Tool("polars", "polars", "peer", peer("polars")),
    Tool("datafusion", "DataFusion (2 partitions)", "peer", peer("datafusion", "--threads", "2"),
         threads="2"),
    Tool("chdb", "chDB (schema inferred)", "peer", peer("chdb")),
    Tool("chdb-schema", "chDB (structure given)", "peer",
         lambda c: [PY, PEERS_PY, "chdb", c.input, c.out, "--structure-file",
                    os.path.join(c.outdir, "chdb.structure.txt")],
         prepare=chdb_structure),
    Tool("spark", "Spark 3.5 read.json → write.parquet (local[2], JVM start included)", "peer",
         peer("spark", "--threads", "2"), pyspark_available, threads="2", only=["heterogeneous"]),
    Tool("arrow-rs", "arrow-rs (arrow_json + ArrowWriter)", "peer",
         lambda c: [ARROW_RS, c.input, c.out], lambda: _missing(ARROW_RS, "arrow-rs-convert"),
         threads="1"),
    Tool("parse-floor", "parse floor (serde_json → IgnoredAny)", "floor",
         lambda c: [PARSE_FLOOR, c.input], lambda: _missing(PARSE_FLOOR, "parse-floor"),
         writes=False, threads="1"),
]



# Parquet -> NDJSON (the read section). Every tool reads the same Parquet file (Ctx.input) and
# writes NDJSON to Ctx.out; `stdout` tools write it to their standard output, sent to Ctx.out.
_CAT_STATUS = {}


def rustparquet_cat_available():
    """None if target/release/rustparquet has a working `cat` subcommand."""
    if "why" not in _CAT_STATUS:
        why = _missing(RUSTPARQUET, "rustparquet")
        if not why:
            r = subprocess.run([RUSTPARQUET, "cat", "--help"], capture_output=True, text=True)
            if r.returncode != 0:
                why = "rustparquet cat not built yet (`rustparquet cat --help` fails)"
        _CAT_STATUS["why"] = why
    return _CAT_STATUS["why"]


def peer_cat(tool, *extra):
    return lambda ctx: [PY, PEERS_PY, tool, ctx.input, ctx.out, *extra]


def _polars_cat_label():
    try:
        import polars as pl

        if hasattr(pl.LazyFrame, "sink_ndjson"):
            return "polars (scan_parquet → sink_ndjson, streaming)"
    except ImportError:
        pass
    return "polars (read_parquet → write_ndjson)"


def _pyarrow_cat_label():
    import peers  # scripts/bench.d/peers.py: the route it takes depends on what is installed

    return f"pyarrow (read_table → {peers.pyarrow_cat_route()})"


READ_TOOLS = [
    Tool("cat", "rustparquet cat", "ours", lambda c: [RUSTPARQUET, "cat", c.input],
         rustparquet_cat_available),
    Tool("duckdb-cat", "DuckDB COPY … TO (FORMAT JSON)", "peer", peer_cat("duckdb-cat")),
    Tool("duckdb-cat-1t", "DuckDB COPY … TO (FORMAT JSON) threads=1", "peer",
         peer_cat("duckdb-cat", "--threads", "1"), threads="1"),
    Tool("polars-cat", _polars_cat_label(), "peer", peer_cat("polars-cat")),
    Tool("pyarrow-cat", _pyarrow_cat_label(), "peer", peer_cat("pyarrow-cat")),
]
STDOUT_TOOLS = {"cat"}  # read tools whose NDJSON goes to standard output
DEFAULT_READ_INPUTS = ("duckdb", "rustparquet")  # conversion outputs the read section reads, first found


# ---------------------------------------------------------------------------------------------
# Running and measuring
# ---------------------------------------------------------------------------------------------

@dataclass
class Run:
    ok: bool
    wall: float = 0.0
    cpu: float = 0.0
    rss_kib: int = 0
    error: str = ""
    out_bytes: int = 0
    rows: Optional[int] = None
    busy: float = 0.0  # cores used by other processes just before this run


@dataclass
class Result:
    tool: Tool
    runs: List[Run] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok_runs(self):
        return [r for r in self.runs if r.ok]

    @property
    def failed(self):
        return next((r for r in self.runs if not r.ok), None)

    def median(self, attr):
        vals = [getattr(r, attr) for r in self.ok_runs]
        return statistics.median(vals) if vals else None


def first_error_line(text: str) -> str:
    """The line that says what went wrong (for a Python traceback, its last line)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    lines = [l for l in lines if not l.startswith(("Command exited with", "Command terminated"))]
    if not lines:
        return ""
    if lines[0].startswith("Traceback"):
        return lines[-1][:300]
    return lines[0][:300]


def remove_output(path):
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path, topdown=False):
            for f in files:
                os.unlink(os.path.join(root, f))
            for d in dirs:
                os.rmdir(os.path.join(root, d))
        os.rmdir(path)
    elif os.path.exists(path):
        os.unlink(path)


def output_size(path):
    return sum(os.path.getsize(p) for p in sizes.parquet_parts(path))


def parquet_rows(path):
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in sizes.parquet_parts(path))


def timed(argv, log_prefix, timeout, stdout_path=None):
    """Run argv under GNU time in its own process group; kill the group on timeout.

    stdout goes to LOG_PREFIX.stdout, or to STDOUT_PATH (a tool that writes its output there)."""
    tfile = log_prefix + ".time"
    out_log, err_log = stdout_path or log_prefix + ".stdout", log_prefix + ".stderr"
    cmd = [TIME, "-f", "%e %U %S %M", "-o", tfile] + argv
    with open(out_log, "wb") as so, open(err_log, "wb") as se:
        p = subprocess.Popen(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            return Run(False, error=f"timeout after {timeout} s")
    with open(err_log, "r", errors="replace") as f:
        err = f.read()
    tinfo = open(tfile).read() if os.path.exists(tfile) else ""
    m = None
    for line in tinfo.splitlines():
        m = re.fullmatch(r"([\d.]+) ([\d.]+) ([\d.]+) (\d+)", line.strip()) or m
    if rc != 0 or m is None:
        sig = re.search(r"terminated by signal (\d+)", tinfo)
        if sig:
            why = f"killed by signal {sig.group(1)}" + (" (out of memory?)" if sig.group(1) == "9" else "")
            msg = first_error_line(err)
            return Run(False, error=why + (f": {msg}" if msg else ""))
        return Run(False, error=f"exit {rc}: {first_error_line(err) or '(no message)'}")
    wall, user, sys_, rss = float(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4))
    return Run(True, wall=wall, cpu=user + sys_, rss_kib=rss)


def _cpu_jiffies():
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return sum(vals), idle


def background_cores(interval=1.0):
    """How many cores other processes keep busy, measured over INTERVAL seconds while we idle."""
    t0, i0 = _cpu_jiffies()
    time.sleep(interval)
    t1, i1 = _cpu_jiffies()
    return (1 - (i1 - i0) / max(1, t1 - t0)) * (os.cpu_count() or 1)


def wait_idle(max_wait, log):
    """Wait (up to MAX_WAIT s) until other processes use < 0.25 core; return the load seen."""
    busy = background_cores()
    deadline = time.time() + max_wait
    warned = False
    while busy >= 0.25 and time.time() < deadline:
        if not warned:
            log(f"  (machine busy: {busy:.1f} cores used by other processes; waiting up to {max_wait} s)")
            warned = True
        time.sleep(4)
        busy = background_cores()
    return busy


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def run_tool(tool: Tool, ctx: Ctx, runs: int, timeout: int, idle_wait: int, log) -> Result:
    res = Result(tool)
    why = tool.available()
    if why:
        res.skipped = why
        log(f"  {tool.label:<40} skipped: {why}")
        return res
    if tool.prepare:
        try:
            tool.prepare(ctx)
        except subprocess.CalledProcessError as e:
            msg = first_error_line((e.stderr or b"").decode(errors="replace"))
            res.runs.append(Run(False, error=f"preparation failed: {msg or e}"))
            log(f"  {tool.label:<40} FAILED (preparation): {msg}")
            return res
    ctx.out = os.path.join(ctx.outdir, tool.key + ".parquet")
    logs = os.path.join(ctx.outdir, "logs")
    os.makedirs(logs, exist_ok=True)
    for i in range(runs):
        remove_output(ctx.out)
        subprocess.run(["sync"], check=False)
        # Wait for a quiet machine before a tool's first run; only briefly between its runs.
        busy = wait_idle(idle_wait if i == 0 else min(idle_wait, 10), log)
        r = timed(tool.argv(ctx), os.path.join(logs, f"{tool.key}.run{i + 1}"), timeout)
        if r.ok and tool.writes:
            if not os.path.exists(ctx.out):
                r = Run(False, error="no output file written")
            else:
                try:
                    r.out_bytes = output_size(ctx.out)
                    r.rows = parquet_rows(ctx.out)
                except Exception as e:  # noqa: BLE001 - an unreadable output is a failure
                    r = Run(False, error=f"output unreadable by pyarrow: {first_error_line(str(e))}")
        r.busy = busy
        res.runs.append(r)
        if r.ok:
            log(f"  {tool.label:<40} run {i + 1}: {r.wall:7.2f} s  cpu {r.cpu:7.2f} s  "
                f"rss {r.rss_kib / 1024:7.1f} MiB" + (f"  rows {r.rows}" if tool.writes else "")
                + (f"  (other load {r.busy:.1f} cores)" if r.busy >= 0.25 else ""))
        else:
            log(f"  {tool.label:<40} run {i + 1}: FAILED: {r.error}")
            break  # a tool that fails once is reported failed; don't spend time repeating it
    return res


def ndjson_check(path):
    """(lines, first and last line parse as JSON objects) of an NDJSON file, read in big blocks."""
    n, last_byte, first, tail = 0, b"\n", b"", b""
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 24)
            if not block:
                break
            if not first:
                first = block[:1 << 20].split(b"\n", 1)[0]
            n += block.count(b"\n")
            last_byte = block[-1:]
            tail = (tail + block)[-(1 << 20):]
    if last_byte != b"\n":
        n += 1  # a last line without its newline
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]

    def obj(line):
        try:
            return isinstance(json.loads(line), dict)
        except ValueError:
            return False

    return n, bool(first) and obj(first) and obj(last)


def read_input(outdir):
    """The Parquet file the read section reads: DuckDB's conversion output, else rustparquet's.
    On the heterogeneous corpus DuckDB's file is one map of JSON text per row, so every tool
    reads rustparquet's (union groups) instead."""
    order = DEFAULT_READ_INPUTS
    if "heterogeneous" in os.path.basename(outdir):
        order = ["rustparquet"] + [k for k in DEFAULT_READ_INPUTS if k != "rustparquet"]
    for key in order:
        path = os.path.join(outdir, key + ".parquet")
        if os.path.isfile(path):
            return key, path
    return None, None


def parquet_facts(path):
    import pyarrow.parquet as pq

    md = pq.ParquetFile(path).metadata
    rgs = [md.row_group(i) for i in range(md.num_row_groups)]
    return {"rows": md.num_rows, "row_groups": md.num_row_groups, "columns": md.num_columns,
            "max_rg_rows": max((rg.num_rows for rg in rgs), default=0),
            "max_rg_uncompressed": max((rg.total_byte_size for rg in rgs), default=0),
            "created_by": md.created_by or "?"}


def run_read_tool(tool: Tool, ctx: Ctx, rows: int, runs: int, timeout: int, idle_wait: int, log) -> Result:
    """Time one Parquet -> NDJSON tool; each run's output is checked (lines = rows, JSON objects)."""
    res = Result(tool)
    why = tool.available()
    if why:
        res.skipped = why
        log(f"  {tool.label:<48} skipped: {why}")
        return res
    readdir = os.path.join(ctx.outdir, "read")
    logs = os.path.join(readdir, "logs")
    os.makedirs(logs, exist_ok=True)
    ctx.out = os.path.join(readdir, tool.key + ".ndjson")
    for i in range(runs):
        remove_output(ctx.out)
        subprocess.run(["sync"], check=False)
        busy = wait_idle(idle_wait if i == 0 else min(idle_wait, 10), log)
        r = timed(tool.argv(ctx), os.path.join(logs, f"{tool.key}.run{i + 1}"), timeout,
                  stdout_path=ctx.out if tool.key in STDOUT_TOOLS else None)
        if r.ok:
            if not os.path.isfile(ctx.out):
                r = Run(False, error="no output file written")
            else:
                r.out_bytes = os.path.getsize(ctx.out)
                r.rows, json_ok = ndjson_check(ctx.out)
                if not json_ok:
                    r = Run(False, error="output is not NDJSON (first or last line is not a JSON object)")
        r.busy = busy
        res.runs.append(r)
        if r.ok:
            log(f"  {tool.label:<48} run {i + 1}: {r.wall:7.2f} s  cpu {r.cpu:7.2f} s  "
                f"rss {r.rss_kib / 1024:7.1f} MiB  out {mb(r.out_bytes):7.1f} MB  lines {r.rows}"
                + ("" if r.rows == rows else f" (≠ {rows} rows)")
                + (f"  (other load {r.busy:.1f} cores)" if r.busy >= 0.25 else ""))
        else:
            log(f"  {tool.label:<48} run {i + 1}: FAILED: {r.error}")
            break
    return res


# ---------------------------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------------------------

def shared_dir():
    return os.path.abspath(os.environ.get("RUSTPARQUET_SHARED") or os.path.join(ROOT, "..", "shared"))


def ensure_corpus(profile, docs, data_dir, log):
    """bench-data/PROFILE-DOCS.ndjson, generated once; reused while its size matches the record."""
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"{profile}-{docs}.ndjson")
    meta = path + ".meta.json"
    if os.path.exists(path) and os.path.exists(meta):
        with open(meta) as f:
            m = json.load(f)
        if m.get("bytes") == os.path.getsize(path) and m.get("docs") == docs:
            return path
    gen = os.path.join(shared_dir(), "bench", "gen_corpus.py")
    if not os.path.exists(gen):
        sys.exit(f"bench: {gen} not found (set RUSTPARQUET_SHARED to the shared folder)")
    log(f"generating {os.path.relpath(path, ROOT)} ({profile}, {docs} docs) ...")
    tmp = path + ".tmp"
    subprocess.run(["python3", gen, "--profile", profile, "--docs", str(docs), "-o", tmp], check=True)
    os.replace(tmp, path)
    with open(meta, "w") as f:
        json.dump({"profile": profile, "docs": docs, "seed": 42, "bytes": os.path.getsize(path)}, f)
    return path


# ---------------------------------------------------------------------------------------------
# Versions and machine
# ---------------------------------------------------------------------------------------------

def cmd_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def versions():
    v = {}
    for mod in ["duckdb", "pyarrow", "polars", "datafusion", "chdb"]:
        code = f"import importlib.metadata as m; print(m.version({mod!r}))"
        v[mod] = cmd_out([PY, "-c", code])
    v["python"] = platform.python_version()
    v["rustc"] = cmd_out(["rustc", "--version"])
    lock = os.path.join(ROOT, "Cargo.lock")
    v["parquet crate"] = "?"
    if os.path.exists(lock):
        m = re.search(r'name = "parquet"\nversion = "([^"]+)"', open(lock).read())
        if m:
            v["parquet crate"] = m.group(1)
    v["rustparquet"] = (cmd_out([RUSTPARQUET, "--version"]) if not rustparquet_available()
                        else "not built")
    v["rustparquet commit"] = cmd_out(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    return v


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "kernel": platform.release()}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def mb(nbytes):
    return nbytes / 1e6


def corpus_table(corpus, input_path, in_bytes, lines, results):
    """Markdown table + summary lines for one corpus."""
    def speed(r):
        w = r.median("wall")
        return mb(in_bytes) / w if w else None

    peers = [r for r in results if r.tool.kind == "peer" and r.ok_runs and not r.failed]
    fastest = max(peers, key=speed, default=None)
    fastest_speed = speed(fastest) if fastest else None
    duck1 = next((r for r in peers if r.tool.key == "duckdb-1t"), None)

    rows_ok_all = True
    out = []
    out.append(f"Input: `{os.path.relpath(input_path, ROOT)}`, {mb(in_bytes):.1f} MB, {lines:,} documents.\n")
    out.append("| tool | threads | wall s | MB/s | best wall s | CPU s | peak RSS MB | output MB | rows OK | "
               "× fastest peer |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|---|--:|")
    for r in results:
        t = r.tool
        name = f"**{t.label}**" if t.kind == "ours" else t.label
        if r.skipped:
            note = "pending" if t.kind == "ours" else "skipped"
            out.append(f"| {name} | {t.threads} | {note}: {r.skipped} | | | | | | | |")
            continue
        if r.failed:
            rows_ok_all = False
            out.append(f"| {name} | {t.threads} | FAILED: {r.failed.error.replace('|', '/')} | | | | | | | |")
            continue
        wall, cpu = r.median("wall"), r.median("cpu")
        rss = r.median("rss_kib") * 1024
        s = speed(r)
        if t.writes:
            counts = {x.rows for x in r.ok_runs}
            ok = counts == {lines}
            rows_ok_all &= ok
            rows = "yes" if ok else f"NO ({', '.join(str(c) for c in sorted(counts))})"
            outmb = f"{mb(statistics.median(x.out_bytes for x in r.ok_runs)):.1f}"
        else:
            rows, outmb = "n/a", "–"
        ratio = f"{s / fastest_speed:.2f}×" if fastest_speed else "–"
        if t.key == "rustparquet-1t" and duck1:
            ratio += f" ({s / speed(duck1):.2f}× DuckDB threads=1)"
        best = min(x.wall for x in r.ok_runs)
        out.append(f"| {name} | {t.threads} | {wall:.2f} | {s:.1f} | {best:.2f} | {cpu:.2f} | {rss / 1e6:.0f} | "
                   f"{outmb} | {rows} | {ratio} |")
    out.append("")
    if fastest:
        out.append(f"Fastest peer: **{fastest.tool.label}**, {fastest_speed:.1f} MB/s.")
    ours = [r for r in results if r.tool.kind == "ours" and r.ok_runs and not r.failed]
    for r in ours:
        out.append(f"{r.tool.label}: {speed(r) / fastest_speed:.2f}× the fastest peer." if fastest_speed else "")
    if not ours:
        ours_rows = [r for r in results if r.tool.kind == "ours"]
        if any(r.failed for r in ours_rows):
            out.append("rustparquet: **failed** in this run (see the table).")
        elif ours_rows:
            out.append(f"rustparquet: pending ({ours_rows[0].skipped}).")
    written = [r for r in results if r.tool.writes and r.runs and not r.skipped]
    busy = [x.busy for r in results for x in r.runs]
    if busy:
        out.append(f"Other processes' CPU use just before each run: at most {max(busy):.2f} cores "
                   f"(median {statistics.median(busy):.2f}) of {os.cpu_count()}.")
    out.append("Row counts: " + ("every tool that ran wrote all "
                                 f"{lines:,} rows." if rows_ok_all else
                                 "**MISMATCH or failure** — see the table."))
    return "\n".join(out), fastest, written


def size_section(corpus, outdir, results):
    """Which peer writes the smallest file, by how much, and per-file facts from the metadata."""
    done = [r for r in results if r.tool.writes and r.ok_runs and not r.failed]
    if not done:
        return "No outputs."
    files = {r.tool.key: os.path.join(outdir, r.tool.key + ".parquet") for r in done}
    summ = {k: sizes.file_summary(p) for k, p in files.items()}
    peers = [r for r in done if r.tool.kind == "peer"]
    smallest = min(peers, key=lambda r: summ[r.tool.key]["size"], default=None)
    base = summ[smallest.tool.key]["size"] if smallest else None
    out = []
    if smallest:
        out.append(f"Smallest peer output: **{smallest.tool.label}**, {mb(base):.2f} MB.\n")
    out.append("| tool | output MB | vs smallest peer | column data MB | bloom filters MB | page index KB | "
               "footer KB | row groups | data pages | dictionary columns | dict → plain fallback | "
               "compressed / uncompressed |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in sorted(done, key=lambda r: summ[r.tool.key]["size"]):
        s = summ[r.tool.key]
        rel = f"{(s['size'] / base - 1) * 100:+.1f}%" if base else "–"
        name = f"**{r.tool.label}**" if r.tool.kind == "ours" else r.tool.label
        ratio = s["compressed"] / s["uncompressed"] if s["uncompressed"] else 0
        out.append(f"| {name} | {mb(s['size']):.2f} | {rel} | {mb(s['compressed']):.2f} | "
                   f"{mb(s['bloom_bytes']):.2f} | {s['page_index_bytes'] / 1e3:.0f} | "
                   f"{s['footer'] / 1e3:.0f} | {s['row_groups']} | {s['data_pages']} | "
                   f"{s['dict_columns']}/{s['columns']} | {s['fallback_columns']} | {ratio:.2f} |")
    # The columns where the largest peer file loses most to the smallest one.
    if smallest and len(peers) > 1:
        largest = max(peers, key=lambda r: summ[r.tool.key]["size"])
        a, b = summ[smallest.tool.key]["cols"], summ[largest.tool.key]["cols"]
        diffs = sorted(((b[k]["compressed"] - a[k]["compressed"], k) for k in a if k in b), reverse=True)
        out.append("")
        out.append(f"Columns where {largest.tool.label} ({mb(summ[largest.tool.key]['size']):.2f} MB) "
                   f"loses most to {smallest.tool.label}: "
                   + "; ".join(f"`{k}` +{d / 1e3:.0f} KB ({sizes.enc_label(b[k])} vs {sizes.enc_label(a[k])})"
                               for d, k in diffs[:5]) + ".")
    keys = ",".join(files)
    out.append("")
    out.append("Per column: `.venv/bin/python scripts/bench.d/sizes.py --top 30 --labels "
               f"{keys} " + " ".join(os.path.relpath(p, ROOT) for p in files.values()) + "`")
    return "\n".join(out)


def describe_type(t) -> str:
    """A short name for how a drifting field came out: a union group, JSON text, ..."""
    import pyarrow as pa

    members = {"boolean", "long", "decimal", "double", "string", "array", "object"}
    if pa.types.is_struct(t) and t.num_fields and {t.field(i).name for i in range(t.num_fields)} <= members:
        return "typed: union<" + ", ".join(t.field(i).name for i in range(t.num_fields)) + ">"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string (JSON text for non-strings)"
    text = str(t)
    return text if len(text) <= 60 else text[:57] + "..."


def conflict_section(outdir, results):
    """How each tool stored the fields whose JSON type drifts, and whether it finished."""
    import pyarrow.parquet as pq

    lines = ["Fields whose JSON type drifts (`" + "`, `".join(CONFLICT_PATHS) + "`), as each tool wrote them:", "",
             "| tool | finished | " + " | ".join(f"`{p}`" for p in CONFLICT_PATHS) + " |",
             "|---|---|" + "---|" * len(CONFLICT_PATHS)]
    for r in results:
        if not r.tool.writes or r.skipped:
            continue
        name = f"**{r.tool.label}**" if r.tool.kind == "ours" else r.tool.label
        if r.failed or not r.ok_runs:
            why = r.failed.error if r.failed else "no run"
            lines.append(f"| {name} | no: {why.replace('|', '/')[:120]} |" + " |" * len(CONFLICT_PATHS))
            continue
        parts = sizes.parquet_parts(os.path.join(outdir, r.tool.key + ".parquet"))
        schema = pq.read_schema(parts[0]) if parts else None
        cells = []
        for path in CONFLICT_PATHS:
            t, steps = schema, path.split(".")
            try:
                field = schema.field(steps[0])
                t = field.type
                for step in steps[1:]:
                    t = t.field(step).type
                cells.append(describe_type(t))
            except (KeyError, AttributeError, TypeError):
                if len(schema) == 1:
                    cells.append(f"no column: each row is one `{schema[0].name}` {describe_type(schema[0].type)}")
                else:
                    cells.append("no column")
        lines.append(f"| {name} | yes | " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def read_begin(corpus):
    return f"<!-- read:{corpus}:begin (Parquet → NDJSON; `scripts/bench --section read` rewrites only this part) -->"


def read_end(corpus):
    return f"<!-- read:{corpus}:end -->"


def read_section(corpus, rd, meta):
    """Markdown for one corpus's Parquet -> NDJSON section (RD: the read dict of the raw data)."""
    results, facts, in_bytes = rd["results"], rd["facts"], rd["bytes"]
    rows = facts["rows"]

    def wall(r):
        return r.median("wall")

    peers = [r for r in results if r.tool.kind == "peer" and r.ok_runs and not r.failed]
    fastest = min(peers, key=wall, default=None)
    by_key = {r.tool.key: r for r in results if r.ok_runs and not r.failed}
    vers = meta.get("versions", {})
    out = [f"### {corpus}: Parquet → NDJSON", ""]
    out.append(f"Input: `{os.path.relpath(rd['input'], ROOT)}` (written by {rd['input_tool']} in the conversion "
               f"section; every tool reads this same file), {mb(in_bytes):.1f} MB, {rows:,} rows, "
               f"{facts['columns']} leaf columns, {facts['row_groups']} row group(s), largest "
               f"{facts['max_rg_rows']:,} rows / {mb(facts['max_rg_uncompressed']):.0f} MB uncompressed "
               f"(created by `{facts['created_by']}`).")
    out.append("")
    out.append(f"Run: {meta['started']} · rustparquet commit {vers.get('rustparquet commit', '?')} · "
               f"median of {meta['runs']} run(s) · reproduce: `{meta.get('read_cmd', 'scripts/bench --section read')}`. "
               "Each tool is its own process under GNU time and writes NDJSON to a file (`rustparquet cat`: "
               "its standard output redirected to the file). NDJSON MB/s = output MB / wall s (the outputs "
               "differ in size: number formatting, nulls, key order); Parquet MB/s = input MB / wall s; "
               "`× fastest peer` = the fastest peer's wall s / this wall s (same input, same documents); "
               "lines OK = the output has one line per row and its first and last lines are JSON objects.")
    out.append("")
    out.append("| tool | threads | wall s | NDJSON MB/s | Parquet MB/s | best wall s | CPU s | peak RSS MB | "
               "output MB | lines OK | × fastest peer |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|")
    lines_ok_all = True
    for r in results:
        t = r.tool
        name = f"**{t.label}**" if t.kind == "ours" else t.label
        if r.skipped:
            note = "pending" if t.kind == "ours" else "skipped"
            out.append(f"| {name} | {t.threads} | {note}: {r.skipped} | | | | | | | | |")
            continue
        if r.failed:
            lines_ok_all = False
            out.append(f"| {name} | {t.threads} | FAILED: {r.failed.error.replace('|', '/')} | | | | | | | | |")
            continue
        w, cpu, rss = wall(r), r.median("cpu"), r.median("rss_kib") * 1024
        outb = statistics.median(x.out_bytes for x in r.ok_runs)
        counts = {x.rows for x in r.ok_runs}
        ok = counts == {rows}
        lines_ok_all &= ok
        lines = "yes" if ok else f"NO ({', '.join(str(c) for c in sorted(counts))})"
        ratio = f"{wall(fastest) / w:.2f}×" if fastest else "–"
        best = min(x.wall for x in r.ok_runs)
        out.append(f"| {name} | {t.threads} | {w:.2f} | {mb(outb) / w:.1f} | {mb(in_bytes) / w:.1f} | {best:.2f} | "
                   f"{cpu:.2f} | {rss / 1e6:.0f} | {mb(outb):.1f} | {lines} | {ratio} |")
    out.append("")
    if fastest:
        out.append(f"Fastest peer: **{fastest.tool.label}**, {wall(fastest):.2f} s.")
    ours = by_key.get("cat")
    if ours:
        parts = [f"{wall(fastest) / wall(ours):.2f}× the fastest peer"] if fastest else []
        for key, target in (("duckdb-cat", "target ≥ 2×"), ("polars-cat", "target > 1×")):
            if key in by_key:
                parts.append(f"{wall(by_key[key]) / wall(ours):.2f}× {by_key[key].tool.label} ({target})")
        out.append("rustparquet cat: " + ", ".join(parts) + "; peak RSS "
                   f"{ours.median('rss_kib') * 1024 / 1e6:.0f} MB against a largest row group of "
                   f"{mb(facts['max_rg_uncompressed']):.0f} MB uncompressed.")
    elif any(r.tool.kind == "ours" for r in results):
        r = next(r for r in results if r.tool.kind == "ours")
        out.append("rustparquet cat: " + ("**failed** in this run (see the table)." if r.failed
                                          else f"pending ({r.skipped})."))
    busy = [x.busy for r in results for x in r.runs]
    if busy:
        out.append(f"Other processes' CPU use just before each run: at most {max(busy):.2f} cores "
                   f"(median {statistics.median(busy):.2f}) of {os.cpu_count()}.")
    out.append("Line counts: " + (f"every tool that ran wrote all {rows:,} rows." if lines_ok_all
                                  else "**MISMATCH or failure** — see the table."))
    return "\n".join([read_begin(corpus)] + out + [read_end(corpus)])


def splice_read(text, corpus, block):
    """TEXT (a BENCHMARKS.md) with CORPUS's read section replaced by BLOCK, or inserted at the end
    of the corpus's `## CORPUS` part (before the next `## ` heading), or as a new part before Notes."""
    b, e = read_begin(corpus), read_end(corpus)
    i = text.find(b)
    if i >= 0 and text.find(e, i) >= 0:
        j = text.find(e, i) + len(e)
        return text[:i] + block + text[j:]
    lines = text.split("\n")
    try:
        start = lines.index(f"## {corpus}")
    except ValueError:
        start = None
    if start is not None:
        k = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines))
        return "\n".join(lines[:k] + [block, ""] + lines[k:])
    k = next((n for n, l in enumerate(lines) if l == "## Notes"), len(lines))
    return "\n".join(lines[:k] + [f"## {corpus}", "", block, ""] + lines[k:])


def save_raw(path, meta, corpora_done):
    """Every run's measurements (the report can be re-rendered from this with --from-raw)."""
    data = dict(meta)
    def ser(results):
        return [{"key": r.tool.key, "skipped": r.skipped, "runs": [vars(x) for x in r.runs]}
                for r in results]

    data["corpora"] = []
    for c in corpora_done:
        d = {**c, "results": ser(c["results"])}
        if c.get("read"):
            d["read"] = {**c["read"], "results": ser(c["read"]["results"])}
        data["corpora"].append(d)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def load_raw(path):
    with open(path) as f:
        data = json.load(f)
    by_key = {t.key: t for t in TOOLS + READ_TOOLS}

    def de(results):
        return [Result(by_key[r["key"]], [Run(**x) for x in r["runs"]], r["skipped"]) for r in results]

    for c in data["corpora"]:
        c["results"] = de(c["results"])
        if c.get("read"):
            c["read"]["results"] = de(c["read"]["results"])
    return data


def read_notes(path):
    if not os.path.exists(path):
        return None
    text = open(path).read()
    i, j = text.find(NOTES_BEGIN), text.find(NOTES_END)
    if i < 0 or j < 0:
        return None
    return text[i + len(NOTES_BEGIN):j].strip("\n")


def render(args, started, vers, mach, sections, notes):
    cmd = "scripts/bench" + ("" if args.argv_str == "" else " " + args.argv_str)
    runs = args.runs
    lines = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench` (this whole file except the notes at the end, which it keeps). "
        "Every tool converts the same NDJSON file into snappy Parquet, in the same run, each as its own process "
        f"under GNU time; figures are the median of {runs} run(s) (best wall s: the fastest of them, "
        "the least disturbed by other processes). MB = 10^6 bytes; MB/s = input MB / wall s; "
        "CPU s = user + sys; peak RSS = max resident set size. Python peers are driven by "
        "`scripts/bench.d/peers.py` (interpreter start and import included, ≈ 0.2–0.5 s). "
        "`× fastest peer` = the row's MB/s / the fastest peer's MB/s (the parse floor and rustparquet rows are not peers).",
        "",
        f"Reproduce: `{cmd}`",
        "",
        f"Run: {started} · machine: {mach['nproc']} cores, {mach['cpu']}, {mach['memory']} RAM, Linux {mach['kernel']}",
        "",
        "Versions: " + ", ".join(f"{k} {str(v).removeprefix(k + ' ')}" for k, v in vers.items()),
        "",
    ]
    for corpus, table, sizes_md, *read_md in sections:
        lines += [f"## {corpus}", "", table, "", f"### {corpus}: output sizes", "", sizes_md, ""]
        if read_md and read_md[0]:
            lines += [read_md[0], ""]
    lines += ["## Notes", "", NOTES_BEGIN, notes or "(none yet)", NOTES_END, ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------

def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help=f"small corpora ({QUICK_DOCS} docs) and 1 run: a smoke test")
    p.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                   help="run only this corpus (repeatable); default: all")
    p.add_argument("--runs", type=int, help="runs per tool, the median is reported (default 3; 1 with --quick)")
    p.add_argument("--docs", type=int, help="documents per corpus (default: the standard size)")
    p.add_argument("--tools", help="comma-separated tool keys to run (default: all): "
                   + ",".join(t.key for t in TOOLS) + "; read section: "
                   + ",".join(t.key for t in READ_TOOLS))
    p.add_argument("--section", choices=["all", "convert", "read"],
                   help="convert: NDJSON -> Parquet; read: Parquet -> NDJSON, reading the Parquet file "
                   "DuckDB wrote in the last conversion run (rustparquet's if DuckDB's is missing) and "
                   "rewriting only the read sections of the report; default: all, or the sections "
                   "of the --tools given")
    p.add_argument("--timeout", type=int, default=600, help="seconds per run (default 600)")
    p.add_argument("--idle-wait", type=int, default=None,
                   help="before each tool wait up to this many seconds for other processes to leave "
                   "the CPU idle (default 60; 0 with --quick); the load seen is reported")
    p.add_argument("--from-raw", metavar="RAW_JSON",
                   help="don't run anything: re-render the report from a saved bench-out/raw-*.json "
                   "(its outputs must still be in bench-out/)")
    p.add_argument("--output", help="markdown report path (default BENCHMARKS.md; "
                   "bench-out/BENCHMARKS-quick.md with --quick)")
    args = p.parse_args(argv)
    args.argv_str = " ".join(shlex.quote(a) for a in argv)
    args.runs = args.runs or (1 if args.quick else 3)
    if args.idle_wait is None:
        args.idle_wait = 0 if args.quick else 60
    corpora = args.corpus or list(CORPORA)
    tools, read_tools = TOOLS, READ_TOOLS
    if args.tools:
        want = args.tools.split(",")
        bad = [w for w in want if w not in {t.key for t in TOOLS + READ_TOOLS}]
        if bad:
            p.error(f"unknown tool(s): {', '.join(bad)}")
        tools = [t for t in TOOLS if t.key in want]
        read_tools = [t for t in READ_TOOLS if t.key in want]
    section = args.section or ("all" if not args.tools else
                               "all" if tools and read_tools else "read" if read_tools else "convert")
    if section == "read" and args.tools and not read_tools:
        p.error("--section read: none of the --tools is a read tool")
    if section == "convert" and args.tools and not tools:
        p.error("--section convert: none of the --tools is a conversion tool")
    do_convert, do_read = section in ("all", "convert"), section in ("all", "read")
    out_md = args.output or os.path.join(ROOT, "bench-out/BENCHMARKS-quick.md" if args.quick else "BENCHMARKS.md")

    def log(msg):
        print(msg, flush=True)

    if args.from_raw:
        return rerender(args.from_raw, out_md, log)

    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    vers, mach = versions(), machine()
    meta = {"started": started, "argv": args.argv_str, "runs": args.runs, "versions": vers,
            "machine": mach, "section": section,
            "read_cmd": "scripts/bench" + (f" {args.argv_str}" if args.argv_str else "")
            + ("" if section == "read" else " --section read")}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw_path = os.path.join(ROOT, "bench-out", f"raw-{stamp}{'-quick' if args.quick else ''}.json")
    corpora_done = []
    log(f"bench: {mach['nproc']} cores, {mach['cpu']}; runs={args.runs}; timeout={args.timeout}s; "
        f"section={section}")
    sections = []
    for corpus in corpora:
        docs = args.docs or (QUICK_DOCS if args.quick else CORPORA[corpus])
        outdir = os.path.join(ROOT, "bench-out", f"{corpus}-{docs}")
        os.makedirs(outdir, exist_ok=True)
        entry = {"corpus": corpus, "outdir": outdir, "results": []}
        table = sizes_md = read_md = None
        if do_convert:
            path = ensure_corpus(corpus, docs, os.path.join(ROOT, "bench-data"), log)
            in_bytes = os.path.getsize(path)
            lines = count_lines(path)
            log(f"\n== {corpus}: {os.path.relpath(path, ROOT)} ({mb(in_bytes):.1f} MB, {lines} documents)")
            ctx = Ctx(corpus, path, outdir)
            results = [run_tool(t, ctx, args.runs, args.timeout, args.idle_wait, log)
                       for t in tools if t.only is None or corpus in t.only]
            entry.update({"input": path, "bytes": in_bytes, "lines": lines, "results": results})
            corpora_done.append(entry)
            save_raw(raw_path, meta, corpora_done)
            table, _fastest, _ = corpus_table(corpus, path, in_bytes, lines, results)
            sizes_md = size_section(corpus, outdir, results)
            if corpus == "heterogeneous":
                sizes_md += "\n\n" + conflict_section(outdir, results)
            log("\n" + table + "\n\n" + sizes_md)
        if do_read:
            rd = run_read(corpus, outdir, read_tools, args, log)
            if rd:
                entry["read"] = rd
                if entry not in corpora_done:
                    corpora_done.append(entry)
                save_raw(raw_path, meta, corpora_done)
                read_md = read_section(corpus, rd, meta)
                log("\n" + read_md)
        sections.append((corpus, table, sizes_md, read_md))
    write_report(out_md, args, meta, sections, do_convert, log)
    log(f"\nwrote {os.path.relpath(out_md, ROOT)} (raw measurements: {os.path.relpath(raw_path, ROOT)})")
    return 0


def run_read(corpus, outdir, read_tools, args, log):
    """The read section for one corpus: every read tool on the same Parquet file (None: no input)."""
    src, path = read_input(outdir)
    if not path:
        log(f"\n== {corpus} (read): no Parquet input in {os.path.relpath(outdir, ROOT)} "
            f"(none of {', '.join(k + '.parquet' for k in DEFAULT_READ_INPUTS)}): run the conversion "
            "section first; read section skipped")
        return None
    facts = parquet_facts(path)
    label = next((t.label for t in TOOLS if t.key == src), src)
    log(f"\n== {corpus} (read): {os.path.relpath(path, ROOT)} ({mb(os.path.getsize(path)):.1f} MB, "
        f"{facts['rows']} rows, {facts['row_groups']} row group(s), written by {label})")
    ctx = Ctx(corpus, path, outdir)
    results = [run_read_tool(t, ctx, facts["rows"], args.runs, args.timeout, args.idle_wait, log)
               for t in read_tools]
    return {"input": path, "input_tool": label, "bytes": os.path.getsize(path), "facts": facts,
            "results": results}


def write_report(out_md, args, meta, sections, full, log):
    """A full (conversion) run writes the whole report; a read-only run (FULL false) splices its read
    sections into the existing one. Either way the notes, and read sections not re-run, are kept."""
    old = open(out_md).read() if os.path.exists(out_md) else None
    if full:
        text = render(args, meta["started"], meta["versions"], meta["machine"], sections, read_notes(out_md))
    elif old is None:
        log(f"(no {os.path.relpath(out_md, ROOT)} yet: writing one with the read sections only)")
        text = render_read_only(sections, read_notes(out_md))
    else:
        text = old
    for corpus, _t, _s, read_md in sections:
        if read_md and not full and old is not None:
            text = splice_read(text, corpus, read_md)
        elif not read_md and old and read_begin(corpus) in old and read_begin(corpus) not in text:
            # Read section not run this time: keep the previous one (it carries its own run date).
            i = old.find(read_begin(corpus))
            j = old.find(read_end(corpus), i)
            if j >= 0:
                text = splice_read(text, corpus, old[i:j + len(read_end(corpus))])
    with open(out_md, "w") as f:
        f.write(text)


def render_read_only(sections, notes):
    lines = ["# Benchmarks", "",
             "Generated by `scripts/bench --section read` (no conversion run recorded in this file yet).", ""]
    for corpus, _t, _s, read_md in sections:
        if read_md:
            lines += [f"## {corpus}", "", read_md, ""]
    lines += ["## Notes", "", NOTES_BEGIN, notes or "(none yet)", NOTES_END, ""]
    return "\n".join(lines)


def rerender(raw_path, out_md, log):
    data = load_raw(raw_path)
    args = argparse.Namespace(argv_str=data["argv"], runs=data["runs"])
    data.setdefault("read_cmd", "scripts/bench" + (f" {data['argv']}" if data["argv"] else "")
                    + ("" if data.get("section") == "read" else " --section read"))
    full = data.get("section", "all") != "read"  # a read-only raw file re-renders its read sections only
    sections = []
    for c in data["corpora"]:
        table = sizes_md = read_md = None
        if full:
            table, _f, _ = corpus_table(c["corpus"], c["input"], c["bytes"], c["lines"], c["results"])
            sizes_md = size_section(c["corpus"], c["outdir"], c["results"])
        if c.get("read"):
            read_md = read_section(c["corpus"], c["read"], data)
        sections.append((c["corpus"], table, sizes_md, read_md))
    write_report(out_md, args, data, sections, full, log)
    log(f"re-rendered {os.path.relpath(out_md, ROOT)} from {raw_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
