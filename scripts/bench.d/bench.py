#!/usr/bin/env python3
"""rustparquet benchmark harness (run it through scripts/bench, which sets up what it needs).

For each corpus it times every tool converting the same NDJSON file into snappy Parquet, each as
its own process under GNU time (wall, user+sys CPU, peak RSS), N runs, and reports the medians,
checks the row count of every output, compares output sizes, and writes BENCHMARKS.md.
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
CORPORA = {"activedata": 141000, "wide": 65000}
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
    Tool("arrow-rs", "arrow-rs (arrow_json + ArrowWriter)", "peer",
         lambda c: [ARROW_RS, c.input, c.out], lambda: _missing(ARROW_RS, "arrow-rs-convert"),
         threads="1"),
    Tool("parse-floor", "parse floor (serde_json → IgnoredAny)", "floor",
         lambda c: [PARSE_FLOOR, c.input], lambda: _missing(PARSE_FLOOR, "parse-floor"),
         writes=False, threads="1"),
]


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


def timed(argv, log_prefix, timeout):
    """Run argv under GNU time in its own process group; kill the group on timeout."""
    tfile = log_prefix + ".time"
    out_log, err_log = log_prefix + ".stdout", log_prefix + ".stderr"
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


def save_raw(path, meta, corpora_done):
    """Every run's measurements (the report can be re-rendered from this with --from-raw)."""
    data = dict(meta)
    data["corpora"] = [
        {**c, "results": [{"key": r.tool.key, "skipped": r.skipped,
                           "runs": [vars(x) for x in r.runs]} for r in c["results"]]}
        for c in corpora_done
    ]
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def load_raw(path):
    with open(path) as f:
        data = json.load(f)
    by_key = {t.key: t for t in TOOLS}
    for c in data["corpora"]:
        c["results"] = [Result(by_key[r["key"]], [Run(**x) for x in r["runs"]], r["skipped"])
                        for r in c["results"]]
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
    for corpus, table, sizes_md in sections:
        lines += [f"## {corpus}", "", table, "", f"### {corpus}: output sizes", "", sizes_md, ""]
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
                   + ",".join(t.key for t in TOOLS))
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
    tools = TOOLS
    if args.tools:
        want = args.tools.split(",")
        bad = [w for w in want if w not in {t.key for t in TOOLS}]
        if bad:
            p.error(f"unknown tool(s): {', '.join(bad)}")
        tools = [t for t in TOOLS if t.key in want]
    out_md = args.output or os.path.join(ROOT, "bench-out/BENCHMARKS-quick.md" if args.quick else "BENCHMARKS.md")

    def log(msg):
        print(msg, flush=True)

    if args.from_raw:
        return rerender(args.from_raw, out_md, log)

    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    vers, mach = versions(), machine()
    meta = {"started": started, "argv": args.argv_str, "runs": args.runs, "versions": vers,
            "machine": mach}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw_path = os.path.join(ROOT, "bench-out", f"raw-{stamp}{'-quick' if args.quick else ''}.json")
    corpora_done = []
    log(f"bench: {mach['nproc']} cores, {mach['cpu']}; runs={args.runs}; timeout={args.timeout}s")
    sections = []
    for corpus in corpora:
        docs = args.docs or (QUICK_DOCS if args.quick else CORPORA[corpus])
        path = ensure_corpus(corpus, docs, os.path.join(ROOT, "bench-data"), log)
        in_bytes = os.path.getsize(path)
        lines = count_lines(path)
        outdir = os.path.join(ROOT, "bench-out", f"{corpus}-{docs}")
        os.makedirs(outdir, exist_ok=True)
        log(f"\n== {corpus}: {os.path.relpath(path, ROOT)} ({mb(in_bytes):.1f} MB, {lines} documents)")
        ctx = Ctx(corpus, path, outdir)
        results = [run_tool(t, ctx, args.runs, args.timeout, args.idle_wait, log) for t in tools]
        corpora_done.append({"corpus": corpus, "input": path, "bytes": in_bytes, "lines": lines,
                             "outdir": outdir, "results": results})
        save_raw(raw_path, meta, corpora_done)
        table, _fastest, _ = corpus_table(corpus, path, in_bytes, lines, results)
        sizes_md = size_section(corpus, outdir, results)
        sections.append((corpus, table, sizes_md))
        log("\n" + table + "\n\n" + sizes_md)
    notes = read_notes(out_md)
    with open(out_md, "w") as f:
        f.write(render(args, started, vers, mach, sections, notes))
    log(f"\nwrote {os.path.relpath(out_md, ROOT)} (raw measurements: {os.path.relpath(raw_path, ROOT)})")
    return 0


def rerender(raw_path, out_md, log):
    data = load_raw(raw_path)
    args = argparse.Namespace(argv_str=data["argv"], runs=data["runs"])
    sections = []
    for c in data["corpora"]:
        table, _f, _ = corpus_table(c["corpus"], c["input"], c["bytes"], c["lines"], c["results"])
        sections.append((c["corpus"], table, size_section(c["corpus"], c["outdir"], c["results"])))
    notes = read_notes(out_md)  # before opening for writing, which empties the file
    with open(out_md, "w") as f:
        f.write(render(args, data["started"], data["versions"], data["machine"], sections, notes))
    log(f"re-rendered {os.path.relpath(out_md, ROOT)} from {raw_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
