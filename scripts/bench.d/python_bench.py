"""scripts/bench --section python: JSON -> an in-memory Arrow table from Python.

rustparquet.read_json against pyarrow.json.read_json, polars.read_ndjson and DuckDB
read_json_auto(...).arrow(), on the activedata and heterogeneous corpora, in the same run. Each
tool runs in its own process (wall time, peak RSS from the kernel); a tool that fails is
reported with its first error line, and the rustparquet row shows what the others could not
take (typed: unions as structs, one member per JSON type). Results go to
bench-out/python.json and the python section of the report (BENCHMARKS.md, or --output),
rewritten alone between its markers.

Run by scripts/bench --section python, which builds the wheel (scripts/build-wheel) and
installs it with the peers into target/python-bench-venv; that venv's python runs this.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from bench import ensure_corpus, first_error_line, mb  # noqa: E402

CORPORA = {"activedata": 141_000, "heterogeneous": 23_200}

TOOLS = {
    "rustparquet.read_json": "import rustparquet\nt = rustparquet.read_json(PATH)\n",
    "pyarrow.json.read_json": "import pyarrow.json\nt = pyarrow.json.read_json(PATH)\n",
    "polars.read_ndjson": "import polars\nt = polars.read_ndjson(PATH).to_arrow()\n",
    "duckdb read_json_auto().arrow()": (
        "import duckdb\nt = duckdb.connect().sql(f\"SELECT * FROM read_json_auto('{PATH}')\").arrow()\n"
        "t = t.read_all() if hasattr(t, 'read_all') else t\n"
    ),
}

RUNNER = r"""
import json, resource, sys, time
PATH = sys.argv[1]
start = time.perf_counter()
{body}
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"wall": wall, "rows": t.num_rows, "columns": t.num_columns, "rss": rss}}))
"""

BEGIN = "<!-- python:begin (JSON → Arrow from Python; `scripts/bench --section python` rewrites only this part) -->"
END = "<!-- python:end -->"


def run(tool, path, timeout):
    code = RUNNER.format(body=TOOLS[tool])
    try:
        r = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if r.returncode != 0:
        return {"error": first_error_line(r.stderr) or f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def section(results, meta):
    lines = [BEGIN, "", "## Python: JSON → Arrow table", "",
             f"{meta['machine']}; median wall time of {meta['runs']} run(s), the tools taking turns, each in "
             f"its own process (import included), peak RSS from the kernel. Reproduce: `{meta['cmd']}`.", ""]
    for corpus, rows in results.items():
        info = meta["corpora"][corpus]
        lines += [f"### {corpus} ({info['docs']:,} documents, {mb(info['bytes']):.1f} MB)", "",
                  "| tool | wall s | MB/s | peak RSS MB | rows | columns | result |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for tool, r in rows.items():
            if "error" in r:
                lines.append(f"| {tool} | | | | | | failed: {r['error'][:160]} |")
            else:
                speed = info["bytes"] / r["wall"] / 1e6
                lines.append(f"| {tool} | {r['wall']:.2f} | {speed:.0f} | {r['rss'] / 1e6:.0f} | "
                             f"{r['rows']:,} | {r['columns']} | ok |")
        ok = {t: r["wall"] for t, r in rows.items() if "error" not in r}
        ours = ok.get("rustparquet.read_json")
        peers = {t: w for t, w in ok.items() if t != "rustparquet.read_json"}
        if ours and peers:
            best = min(peers, key=peers.get)
            lines.append("")
            lines.append(f"rustparquet.read_json vs the fastest peer that succeeded ({best}): "
                         f"{peers[best] / ours:.2f}×.")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def splice(text, block):
    i = text.find(BEGIN)
    if i >= 0 and text.find(END, i) >= 0:
        j = text.find(END, i) + len(END)
        return text[:i] + block + text[j:]
    k = text.find("\n## Notes")
    if k < 0:
        return text.rstrip("\n") + "\n\n" + block + "\n"
    return text[:k + 1] + block + "\n\n" + text[k + 1:]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="5,000 documents per corpus, 1 run")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--docs", type=int, help="documents per corpus (default: the standard sizes)")
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--output", help="report (default BENCHMARKS.md; bench-out/BENCHMARKS-quick.md with --quick)")
    args = p.parse_args(argv)
    runs = 1 if args.quick else args.runs
    out_md = args.output or os.path.join(
        ROOT, "bench-out/BENCHMARKS-quick.md" if args.quick else "BENCHMARKS.md")
    data_dir = os.path.join(ROOT, "bench-data")
    os.makedirs(os.path.join(ROOT, "bench-out"), exist_ok=True)

    def log(msg):
        print(f"bench python: {msg}", file=sys.stderr, flush=True)

    meta = {"runs": runs, "corpora": {}, "cmd": "scripts/bench --section python"
            + (" --quick" if args.quick else ""),
            "machine": f"{os.cpu_count()} cores"}
    results = {}
    for corpus, standard in CORPORA.items():
        docs = args.docs or (5000 if args.quick else standard)
        path = ensure_corpus(corpus, docs, data_dir, log)
        meta["corpora"][corpus] = {"docs": docs, "bytes": os.path.getsize(path)}
        # Round robin (each run times every tool once), so that a slow spell of the machine
        # falls on all tools alike; a tool that fails is not run again.
        tries = {tool: [] for tool in TOOLS}
        for n in range(runs):
            for tool in TOOLS:
                if any("error" in r for r in tries[tool]):
                    continue
                log(f"{corpus}: {tool} run {n + 1}/{runs}")
                tries[tool].append(run(tool, path, args.timeout))
        results[corpus] = {}
        for tool, done in tries.items():
            ok = [r for r in done if "error" not in r]
            if len(ok) == len(done):
                best = dict(ok[0])
                best["wall"] = statistics.median(r["wall"] for r in ok)
                best["rss"] = max(r["rss"] for r in ok)
                results[corpus][tool] = best
            else:
                results[corpus][tool] = done[-1]
    with open(os.path.join(ROOT, "bench-out", "python.json"), "w") as f:
        json.dump({"meta": meta, "results": results, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())},
                  f, indent=1)
    text = open(out_md).read() if os.path.exists(out_md) else "# Benchmarks\n"
    with open(out_md, "w") as f:
        f.write(splice(text, section(results, meta)))
    log(f"wrote {os.path.relpath(out_md, ROOT)} (python section) and bench-out/python.json")


if __name__ == "__main__":
    main(sys.argv[1:])
