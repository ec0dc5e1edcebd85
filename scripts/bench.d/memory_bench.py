"""Peak memory of `rustparquet convert` as the input grows: each standard corpus converted whole
and given 3, 6 and 12 times (the same file named that many times, as `--spark-splits` does) into
one Parquet file, each run its own process under GNU time, default options (two threads, row
groups of 1,000,000 rows or 1 GiB of shredded data). Flat means the peak stops growing with the
input: what grows with a row group (its dictionaries, up to their page limit) stops with the
first row group, and nothing grows with the number of row groups.

The section between `<!-- memory:begin -->` and `<!-- memory:end -->` of the report (default
BENCHMARKS.md) is rewritten; the rest of the file is left as it is. Outputs go to
bench-out/memory/ and are removed after their run.

    scripts/bench --section memory [--corpus NAME ...] [--multiples 1,3,6,12] [--runs N] [--quick]
"""

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys

from spark_common import ROOT, corpus, splice, uptime

BEGIN, END = "<!-- memory:begin -->", "<!-- memory:end -->"
CORPORA = {"activedata": 141000, "wide": 65000, "heterogeneous": 23200, "eventlog": 100000}
QUICK_DOCS = 2000


def say(msg):
    print(f"bench (memory): {msg}", file=sys.stderr, flush=True)


def convert(binary, inputs, output, timeout):
    """(wall s, peak RSS MiB, row groups) of one `rustparquet convert` run of INPUTS into one file."""
    cmd = ["/usr/bin/time", "-f", "RESOURCES %e %M", binary, "convert", *inputs, "-o", output]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"convert failed ({done.returncode}): {' / '.join(tail)}")
    text = done.stdout + done.stderr
    wall, kib = re.findall(r"RESOURCES ([\d.]+) (\d+)", text)[-1]
    groups = re.search(r"([\d,]+) row groups?", text)
    return float(wall), int(kib) / 1024, int(groups.group(1).replace(",", "")) if groups else None


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench --section memory", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                   help="only this corpus (repeatable); default: all four")
    p.add_argument("--multiples", default="1,3,6,12",
                   help="copies of each corpus per input, comma-separated (default 1,3,6,12)")
    p.add_argument("--runs", type=int, default=1, help="runs per input, the median peak is reported (default 1)")
    p.add_argument("--quick", action="store_true", help=f"{QUICK_DOCS} documents per corpus: a smoke test")
    p.add_argument("--timeout", type=int, default=900, help="seconds per run (default 900)")
    p.add_argument("--output", help="report path (default BENCHMARKS.md; bench-out/BENCHMARKS-quick.md with --quick)")
    args = p.parse_args(argv)
    multiples = [int(m) for m in args.multiples.split(",")]
    # scripts/bench sets RUSTPARQUET_BIN to the PGO build (scripts/build-release).
    binary = os.environ.get("RUSTPARQUET_BIN") or os.path.join(ROOT, "target", "release", "rustparquet")
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found (scripts/bench builds it)")
    work = os.path.join(ROOT, "bench-out", "memory")
    os.makedirs(work, exist_ok=True)
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "?"
    loads = [uptime()]
    rows = []
    for name in args.corpus or list(CORPORA):
        source = corpus(name, QUICK_DOCS if args.quick else CORPORA[name], say)
        cells = []
        for times in multiples:
            # The corpus given `times` times, as `--spark-splits` gives it: one output file.
            output = os.path.join(work, f"{name}-x{times}.parquet")
            try:
                runs = [convert(binary, [source] * times, output, args.timeout) for _ in range(args.runs)]
                peak = statistics.median(r[1] for r in runs)
                wall = statistics.median(r[0] for r in runs)
                cells.append((times, peak, runs[0][2], wall, os.path.getsize(source)))
                say(f"{name} ×{times}: {peak:.0f} MiB, {runs[0][2]} row group(s), {wall:.2f} s")
            finally:
                if os.path.exists(output):
                    os.remove(output)
        loads.append(uptime())
        rows.append((name, cells))

    head = "| corpus | " + " | ".join(f"×{m}" for m in multiples) + " | largest ÷ ×1 | last ÷ the one before |"
    lines = [BEGIN, "### Memory as the input grows (`scripts/bench --section memory`)", "",
             f"Run: {started} · rustparquet commit {commit} · reproduce: `scripts/bench --section memory`"
             f"{' --quick' if args.quick else ''}. Peak RSS (MiB, GNU time's maximum resident set) of "
             "`rustparquet convert` with default options on each corpus and on 3, 6 and 12 copies of it (the "
             "file given that many times) into one Parquet file, each run its own process; in brackets the row groups written (a row group ends at 1,000,000 "
             "rows or past 1 GiB of shredded data). Median of "
             f"{args.runs} run(s). Load averages before and after: {loads[0]} … {loads[-1]}.",
             "", head, "|---|" + "--:|" * (len(multiples) + 2)]
    for name, cells in rows:
        by = {t: (peak, groups) for t, peak, groups, _w, _b in cells}
        parts = [f"{by[m][0]:.0f} ({by[m][1]})" if m in by else "–" for m in multiples]
        peaks = [c[1] for c in cells]
        ratio = f"{peaks[-1] / peaks[0]:.2f}" if len(peaks) > 1 else "–"
        step = f"{peaks[-1] / peaks[-2]:.2f}" if len(peaks) > 2 else "–"
        input_mb = cells[0][4] / 1e6
        lines.append(f"| {name} ({input_mb:.0f} MB) | " + " | ".join(parts) + f" | {ratio} | {step} |")
    lines += ["", END]
    out = args.output or os.path.join(ROOT, "bench-out/BENCHMARKS-quick.md" if args.quick else "BENCHMARKS.md")
    splice(out, BEGIN, END, "\n".join(lines))
    print("\n".join(lines))
    say(f"wrote {os.path.relpath(out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
