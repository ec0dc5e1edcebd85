"""Shared fixtures of the compatibility suites: where the rustparquet binary and the shared
test data are, and helpers to convert JSON with the CLI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def shared_dir() -> Path:
    """The read-only shared folder: $RUSTPARQUET_SHARED, else ../shared beside the repo."""
    return Path(os.environ.get("RUSTPARQUET_SHARED", ROOT.parent / "shared"))


def rustparquet_bin() -> Path:
    return Path(os.environ.get("RUSTPARQUET_BIN", ROOT / "target" / "release" / "rustparquet"))


def run_rustparquet(*args, check=True, stdin=None):
    """Runs the CLI; returns the CompletedProcess (stdout/stderr as text)."""
    proc = subprocess.run(
        [str(rustparquet_bin()), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=stdin is None or isinstance(stdin, str),
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"rustparquet {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def generate_corpus(profile: str, docs: int, out: Path) -> Path:
    gen = shared_dir() / "bench" / "gen_corpus.py"
    if not gen.exists():
        pytest.skip(f"{gen} not found (set RUSTPARQUET_SHARED)")
    subprocess.run([sys.executable, str(gen), "--profile", profile, "--docs", str(docs), "-o", str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def corpora(tmp_path_factory):
    """Small generated corpora, made once per session."""
    d = tmp_path_factory.mktemp("corpora")
    return {
        "activedata": generate_corpus("activedata", 1500, d / "activedata.ndjson"),
        "wide": generate_corpus("wide", 1500, d / "wide.ndjson"),
    }


# ---------------------------------------------------------------------------------------------
# The Spark suites: the slow option and the compatibility matrix printed at the end.


def pytest_addoption(parser):
    parser.addoption(
        "--slow",
        action="store_true",
        default=bool(os.environ.get("RUSTPARQUET_SPARK_SLOW")),
        help="also run the large variants of the generated datasets (RUSTPARQUET_SPARK_SLOW=1)",
    )


def pytest_configure(config):
    # Whichever module starts Spark first launches the one JVM of this process: give it the
    # Java, the jar and the driver options of the Spark suites (spark_support). Without a jar
    # or a Java this stays unset and the Spark suites fail with the reason when they start.
    try:
        import spark_support

        spark_support.configure_spark_launch()
    except BaseException:  # noqa: BLE001 - pytest.fail outside a test; reported by the suites
        pass
    config.addinivalue_line("markers", "slow: large datasets, run with --slow (every query also runs on a small one)")
    config.addinivalue_line("markers", "matrix(dataset, query, direction): one cell of the Spark compatibility matrix")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="large dataset: run with --slow (the same queries ran on the small sample)")
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)


# (dataset, query, direction) -> "passed" | "failed" | "skipped"
MATRIX = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("matrix")
    if marker is None:
        return
    cell = (marker.kwargs["dataset"], marker.kwargs["query"], marker.kwargs["direction"])
    if hasattr(report, "wasxfail"):
        MATRIX[cell] = "xfailed"  # a known bug, named in the test's xfail reason
    elif report.skipped:
        MATRIX.setdefault(cell, "skipped")
    elif report.failed:
        MATRIX[cell] = "failed"
    elif report.when == "call":
        MATRIX.setdefault(cell, "passed")


def pytest_terminal_summary(terminalreporter):
    """One line per dataset: queries x directions and what passed, then the totals."""
    if not MATRIX:
        return
    write = terminalreporter.write_line
    terminalreporter.section("Spark compatibility matrix")
    datasets = {}
    for (dataset, query, direction), result in MATRIX.items():
        d = datasets.setdefault(
            dataset, {"queries": set(), "directions": set(), "passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
        )
        if not query.startswith("("):  # "(all rows)" and other whole-file checks are not queries
            d["queries"].add(query)
        d["directions"].add(direction)
        d[result] += 1
    all_queries, all_directions = set(), set()
    write(f"{'dataset':<20} {'queries':>7} {'directions':<28} {'cells':>5}  result")
    for name, d in sorted(datasets.items()):
        ran = d["passed"] + d["failed"]
        if ran:
            all_queries |= d["queries"]
            all_directions |= d["directions"]
        cells = d["passed"] + d["failed"] + d["skipped"] + d["xfailed"]
        result = "all passed" if d["failed"] == 0 and d["passed"] else f"{d['failed']} FAILED" if d["failed"] else ""
        if d["xfailed"]:
            result += f"{', ' if result else ''}{d['xfailed']} known bug (xfail)"
        if d["skipped"]:
            result += f"{', ' if result else ''}{d['skipped']} skipped"
        write(f"{name:<20} {len(d['queries']):>7} {', '.join(sorted(d['directions'])):<28} {cells:>5}  {result}")
    passed = sum(1 for r in MATRIX.values() if r == "passed")
    failed = sum(1 for r in MATRIX.values() if r == "failed")
    xfailed = sum(1 for r in MATRIX.values() if r == "xfailed")
    ran_datasets = sum(1 for d in datasets.values() if d["passed"] + d["failed"])
    write(
        f"total: {len(all_queries)} distinct queries x {ran_datasets} datasets x {len(all_directions)} directions "
        f"({', '.join(sorted(all_directions))}): {passed + failed} cells, "
        + ("all passed" if failed == 0 else f"{failed} FAILED")
        + (f", {xfailed} known bug(s) marked xfail" if xfailed else "")
    )
