"""Spark plumbing of the compatibility suites: which Spark line they run on (3.5 or 4), finding a
Java that Spark runs on and the rustparquet jar of that line, starting a local SparkSession, and
comparing row sets.

The Spark line is the pyspark of the Python running pytest (`.venv`: 3.5.9, `.venv-spark4`:
4.x); `RUSTPARQUET_SPARK=3.5|4` states it and fails the run when that Python has another pyspark.
The jar is the matching `scripts/build-jar` output: `rustparquet-spark-3.5_2.12-*.jar` or
`rustparquet-spark-4_2.13-*.jar` under jvm/target/.

Row sets are compared as sorted multisets of plain Python values (Rows become dicts, maps dicts,
arrays lists) with a float tolerance; a mismatch raises an AssertionError naming what was
compared and showing the first differing rows as a diff, so a failure can be read without
rerunning anything.
"""

import difflib
import json
import math
import os
import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Spark 3.5 runs on Java 8, 11 and 17 (21 is not supported by 3.5's Arrow and Hadoop); Spark 4
# on 17 and 21.
SUPPORTED_JAVA = {"3.5": (17, 11, 8), "4": (17, 21)}

# The jar of each line (scripts/build-jar): its file name's start.
JAR_PREFIX = {"3.5": "rustparquet-spark-3.5_2.12-", "4": "rustparquet-spark-4_2.13-"}


def spark_line() -> str:
    """"3.5" or "4": the line of the installed pyspark, checked against $RUSTPARQUET_SPARK."""
    import pyspark

    installed = pyspark.__version__
    line = "3.5" if installed.startswith("3.5.") else "4" if installed.startswith("4.") else None
    wanted = os.environ.get("RUSTPARQUET_SPARK")
    if wanted is not None and wanted not in JAR_PREFIX:
        pytest.fail(f"RUSTPARQUET_SPARK={wanted!r}: use 3.5 or 4", pytrace=False)
    if line is None:
        pytest.fail(f"pyspark {installed} is neither 3.5.x nor 4.x; the suites run on those", pytrace=False)
    if wanted is not None and wanted != line:
        venv = ".venv" if wanted == "3.5" else ".venv-spark4"
        pytest.fail(
            f"RUSTPARQUET_SPARK={wanted} but this Python ({sys.executable}) has pyspark {installed}: "
            f"run pytest with {venv}/bin/python (scripts/setup makes it)",
            pytrace=False,
        )
    return line


def java_version(home: Path):
    """The major version of the JDK/JRE at `home`, or None when it has no working java."""
    java = home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 else major  # "1.8.0_x" is Java 8


def find_java_home() -> Path:
    """A Java home the Spark line runs on: $JAVA_HOME if it is one, else a Java 17 under
    /usr/lib/jvm, else the `java` on PATH. Machines may carry newer JDKs (e.g. 25) that
    Spark cannot run on, so a version is checked, not just presence."""
    supported = SUPPORTED_JAVA[spark_line()]
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += sorted(p for p in jvm.iterdir() if "17" in p.name)
    on_path = subprocess.run(["sh", "-c", "command -v java"], capture_output=True, text=True).stdout.strip()
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent.parent)
    seen = []
    for home in candidates:
        version = java_version(home)
        seen.append(f"{home} ({version or 'no java'})")
        if version in supported:
            return home
    pytest.fail(
        f"no Java that Spark {spark_line()} runs on ({', '.join(map(str, supported))}); "
        "scripts/setup installs openjdk-17-jre-headless. "
        f"Looked at: {', '.join(seen) or 'nothing'}",
        pytrace=False,
    )


def find_jar(line=None) -> Path:
    """The data source jar of the Spark line (default: the running one) that scripts/build-jar
    leaves under jvm/target/spark-<version>/ (scripts/test builds it first)."""
    pattern = JAR_PREFIX[line or spark_line()] + "*.jar"
    jars = [
        j
        for j in sorted((ROOT / "jvm" / "target").glob(f"spark-*/{pattern}"))
        if not re.search(r"-(sources|javadoc|tests)\.jar$", j.name)
    ]
    if not jars:
        pytest.fail(f"jvm/target/spark-*/{pattern} not found: run scripts/build-jar first", pytrace=False)
    return jars[-1]


def configure_spark_launch():
    """Options that only count when pyspark launches its JVM (once per pytest process, by
    whichever module first starts a session): the Java, the jar on the driver's class path
    (`spark.jars` given to a later session reaches only the executors, and `format("rustparquet")`
    is looked up on the driver), driver memory and time zone. Set before any module runs
    (conftest), and again by start_spark; a PYSPARK_SUBMIT_ARGS of the user's wins."""
    os.environ["JAVA_HOME"] = str(find_java_home())
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ["TZ"] = "UTC"
    os.environ.setdefault(
        "PYSPARK_SUBMIT_ARGS",
        f"--jars {find_jar()} --driver-memory 2g "
        "--conf spark.driver.extraJavaOptions=-Duser.timezone=UTC pyspark-shell",
    )


def start_spark(app_name: str, warehouse: Path):
    """A local[2] SparkSession with the rustparquet jar, UI and progress bars off, two shuffle
    partitions, UTC, and JSON output that keeps null fields (so toJSON() and `rustparquet cat`
    both write every field)."""
    configure_spark_launch()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.jars", str(find_jar()))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
        .config("spark.sql.warehouse.dir", str(warehouse))
        # plans print their whole PushedFilters (the pushdown checks read them)
        .config("spark.sql.maxMetadataStringLength", "100000")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------------------------------------
# Plain values and row-set comparison


def plain(value):
    """Spark's Python values as plain, comparable structures: Row → dict, bytearray → bytes."""
    from pyspark.sql import Row

    if isinstance(value, Row):
        return {k: plain(v) for k, v in zip(value.__fields__, value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _canonical(value, loose=False):
    """A JSON-able form whose text orders rows; floats rounded so that the tolerance of
    `same_value` cannot reorder rows, exact types kept apart by tags (unless `loose`: then
    an int and a float of the same value sort together)."""
    if isinstance(value, bool) or value is None:
        return value
    if loose and isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return ["n", f"{float(value):.6g}"]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        if math.isnan(value):
            return ["f", "nan"]
        return ["f", f"{value:.6g}"]
    if isinstance(value, Decimal):
        return ["d", str(value)]
    if isinstance(value, bytes):
        return ["b", value.hex()]
    if isinstance(value, (datetime, date)):
        return ["t", value.isoformat()]
    if isinstance(value, dict):
        items = ([json.dumps(_canonical(k, loose)), _canonical(v, loose)] for k, v in value.items())
        return ["o", sorted(items, key=lambda kv: kv[0])]
    if isinstance(value, list):
        return ["a", [_canonical(v, loose) for v in value]]
    return ["s", value]


def canonical_text(row, loose=False) -> str:
    return json.dumps(_canonical(row, loose), ensure_ascii=False, sort_keys=True)


def same_value(a, b, rel=1e-9, abs_tol=1e-12, loose=False) -> bool:
    """Equality with a float tolerance (NaN equals NaN); types must agree (1 is not 1.0)
    unless `loose`, where numbers compare by value (2 == 2.0, exactly)."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)
    if loose and isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k], rel, abs_tol, loose) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y, rel, abs_tol, loose) for x, y in zip(a, b))
    return a == b


def _exact_text(row) -> str:
    # repr keeps Decimal, bytes and datetime values exact (and apart from strings)
    return json.dumps(row, sort_keys=True, default=repr, ensure_ascii=False)


def _has_map(dtype) -> bool:
    from pyspark.sql import types as T

    if isinstance(dtype, T.MapType):
        return True
    if isinstance(dtype, T.StructType):
        return any(_has_map(f.dataType) for f in dtype.fields)
    if isinstance(dtype, T.ArrayType):
        return _has_map(dtype.elementType)
    return False


def assert_same_frames(got_df, expected_df, what: str):
    """Two DataFrames of one schema hold the same rows (as multisets), compared by Spark itself
    (exceptAll both ways, exact values; NaN equals NaN, -0.0 equals 0.0 as in Spark SQL), so
    large datasets are not collected. On a difference, the differing rows are collected and
    shown as by assert_same_rows. Set operations refuse map columns: those frames are collected
    and compared in Python."""
    if _has_map(expected_df.schema):
        assert_same_rows(collect_plain(got_df), collect_plain(expected_df), what)
        return
    only_got = got_df.exceptAll(expected_df)
    only_expected = expected_df.exceptAll(got_df)
    n_got, n_expected = only_got.count(), only_expected.count()
    if n_got or n_expected:
        assert_same_rows(
            collect_plain(only_got.limit(5)),
            collect_plain(only_expected.limit(5)),
            f"{what}: {n_got} rows only in what was read, {n_expected} only in the reference (up to 5 of each follow)",
        )
        raise AssertionError(f"{what}: {n_got} rows only in what was read, {n_expected} only in the reference")


def _show(row, width=600) -> str:
    text = json.dumps(row, ensure_ascii=False, default=str, sort_keys=False)
    return text if len(text) <= width else text[:width] + f"... ({len(text)} chars)"


def assert_same_rows(got, expected, what: str, context: str = "", loose_numbers=False):
    """`got` and `expected` (lists of plain rows) hold the same rows in any order.

    On a mismatch the message names `what`, repeats `context` (the query), gives the counts and
    shows the first differing rows of both sides (in sorted order) plus a unified diff."""
    # Fast path: the same rows exactly (the usual case) need no tolerance.
    if len(got) == len(expected) and sorted(map(_exact_text, got)) == sorted(map(_exact_text, expected)):
        return
    loose = loose_numbers

    def key(row):
        return canonical_text(row, loose)

    def same(a, b):
        return same_value(a, b, loose=loose)

    got_sorted = sorted(got, key=key)
    exp_sorted = sorted(expected, key=key)
    if len(got_sorted) == len(exp_sorted) and all(same(g, e) for g, e in zip(got_sorted, exp_sorted)):
        return
    # Rounding at a float boundary can order two equal-within-tolerance sets differently:
    # before failing, match each expected row to any unused tolerant-equal row.
    if len(got_sorted) == len(exp_sorted) and len(got_sorted) <= 5000:
        unused = list(got_sorted)
        for e in exp_sorted:
            for i, g in enumerate(unused):
                if same(g, e):
                    del unused[i]
                    break
            else:
                break
        else:
            return
    first = next(
        (i for i, (g, e) in enumerate(zip(got_sorted, exp_sorted)) if not same(g, e)),
        min(len(got_sorted), len(exp_sorted)),
    )
    lines = [f"{what}: {len(got_sorted)} rows, expected {len(exp_sorted)}; first difference at sorted row {first}"]
    if context:
        lines.append(f"query: {context}")
    shown = 0
    for i in range(first, min(first + 50, max(len(got_sorted), len(exp_sorted)))):
        if i < len(got_sorted) and i < len(exp_sorted) and same(got_sorted[i], exp_sorted[i]):
            continue
        shown += 1
        if shown > 3:
            break
        g = _show(got_sorted[i]) if i < len(got_sorted) else "<none>"
        e = _show(exp_sorted[i]) if i < len(exp_sorted) else "<none>"
        lines.append(f"  row {i}\n    got:      {g}\n    expected: {e}")
    diff = difflib.unified_diff(
        [_show(r) for r in exp_sorted[first : first + 20]],
        [_show(r) for r in got_sorted[first : first + 20]],
        "expected",
        "got",
        lineterm="",
        n=1,
    )
    lines.append("\n".join(list(diff)[:40]))
    raise AssertionError("\n".join(lines))


def collect_plain(df):
    """The DataFrame's rows as dicts of plain values; repeated column names get a `#n` suffix."""
    names, seen = [], {}
    for name in df.columns:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return [{n: plain(v) for n, v in zip(names, row)} for row in df.collect()]
