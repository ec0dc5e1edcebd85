"""`rustparquet cat DIR` on a table Spark wrote with partitionBy: the same rows, and the same
columns in the same order, as Spark's own `spark.read.parquet(DIR)` (docs/reading.md,
partitioned directories). The partition values cover Spark's inference: int and long in one
column (read as long), double, date, timestamp, strings needing escapes (`/`, `:`, `%`), a
string that looks like nothing else, and null (`__HIVE_DEFAULT_PARTITION__`)."""

import json
from datetime import datetime

import pytest

from conftest import run_rustparquet
from spark_support import start_spark


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = start_spark("rustparquet-partitions", tmp_path_factory.mktemp("warehouse"))
    yield session
    session.stop()


ROWS = [
    # id, payload, nested, day, n, ratio, at, label
    (1, "a", {"k": [1, 2]}, "2026-12-01", 1, 0.5, "2026-12-01 10:00:00", "plain"),
    (2, "b", {"k": []}, "2026-12-01", 1, 0.5, "2026-12-01 10:00:00", "plain"),
    (3, None, None, "2026-12-02", 3000000000, 1.5, "2026-12-02 23:59:59.5", "a/b:c%d"),
    (4, "d", {"k": None}, None, 7, 2.0, None, None),
    (5, "e", {"k": [3]}, "2026-12-03", -2, -0.25, "2026-12-03 00:00:00", "x y"),
]


def _normalise(row: dict) -> dict:
    """Timestamps parsed (Spark's toJSON writes `.000Z` milliseconds, cat only the digits that
    are not zero); everything else as it is."""
    out = {}
    for k, v in row.items():
        if k == "at" and v is not None:
            v = datetime.fromisoformat(v.replace("Z", "+00:00"))
        out[k] = v
    return out


def test_cat_of_a_partitioned_table_matches_sparks_read(spark, tmp_path):
    df = spark.createDataFrame(
        ROWS,
        "id INT, payload STRING, nested STRUCT<k: ARRAY<INT>>, day STRING, n BIGINT, "
        "ratio DOUBLE, at STRING, label STRING",
    )
    table = tmp_path / "table"
    df.repartition(2).write.partitionBy("day", "n", "ratio", "at", "label").parquet(str(table))
    assert (table / "_SUCCESS").exists()

    expected_df = spark.read.parquet(str(table))
    # Spark's inference, which cat must follow.
    types = {f.name: f.dataType.simpleString() for f in expected_df.schema.fields}
    assert types == {
        "id": "int", "payload": "string", "nested": "struct<k:array<int>>",
        "day": "date", "n": "bigint", "ratio": "double", "at": "timestamp", "label": "string",
    }
    expected = sorted((json.loads(j) for j in expected_df.toJSON().collect()), key=lambda r: r["id"])

    got_lines = run_rustparquet("cat", table).stdout.splitlines()
    got = sorted((json.loads(line) for line in got_lines), key=lambda r: r["id"])

    assert [list(r) for r in got] == [list(r) for r in expected], "column order"
    assert [_normalise(r) for r in got] == [_normalise(r) for r in expected]

    # Partition columns can be selected alone.
    only = run_rustparquet("cat", table, "--columns", "label,day").stdout.splitlines()
    assert sorted(json.dumps(json.loads(line), sort_keys=True) for line in only) == sorted(
        json.dumps({"day": r["day"], "label": r["label"]}, sort_keys=True) for r in expected
    )
