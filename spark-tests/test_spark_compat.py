"""Spark 3.5 reads what rustparquet writes, and rustparquet reads what Spark writes.

For each dataset (datasets.py) and direction:
  cli, datasource   rustparquet writes (the CLI; df.write.format("rustparquet")) → spark.read.parquet
  spark-cat         Spark writes Parquet → `rustparquet cat` → JSON
every row is compared with Spark's reference read of the same JSON and with Spark's own Parquet
output (test_rows), and every query of the battery (queries.py) gives the same sorted row set
(test_query). For spark-cat, test_rows compares the JSON that `rustparquet cat` prints with
Spark's own df.toJSON() of the same DataFrame, value for value (parsed JSON, no normalisation:
these datasets hold no timestamps or binary; see test_spark_types.py for those). cli-cat checks
that every source value is recoverable from the CLI's file (`rustparquet cat`), unions included.
"""

import json
import re

import pytest

from conftest import DATA, run_rustparquet
from datasets import DATASETS, PreparedCache, read_documents
from queries import queries_for
from spark_support import assert_same_frames, assert_same_rows, collect_plain, start_spark


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = start_spark("rustparquet-spark-compat", tmp_path_factory.mktemp("warehouse"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def prepared(spark, tmp_path_factory):
    return PreparedCache(spark, tmp_path_factory.mktemp("datasets"))


def _marks(dataset, query, direction):
    marks = [pytest.mark.matrix(dataset=dataset.name, query=query, direction=direction)]
    if dataset.slow:
        marks.append(pytest.mark.slow)
    return marks


ROW_CASES = [
    pytest.param(d.name, direction, id=f"{d.name}:{direction}", marks=_marks(d, "(all rows)", direction))
    for d in DATASETS
    for direction in d.directions
]

QUERY_CASES = [
    pytest.param(d.name, q, direction, id=f"{d.name}:{q.name}:{direction}", marks=_marks(d, q.name, direction))
    for d in DATASETS
    for q in queries_for(d.family)
    for direction in d.directions
]


@pytest.mark.parametrize("dataset,direction", ROW_CASES)
def test_rows(prepared, dataset, direction):
    p = prepared.get(dataset)
    reference = _reference_rows(p)
    if direction == "spark-cat":
        # Value for value: the JSON `rustparquet cat` printed for Spark's file against Spark's toJSON().
        with open(p.paths["spark-cat"], encoding="utf-8") as f:
            got = [json.loads(line) for line in f if line.strip()]
        expected = [json.loads(s) for s in p.frames["spark"].toJSON().collect()]
        assert_same_rows(got, expected, f"{dataset}: rustparquet cat of Spark's Parquet vs Spark's toJSON()")
        # ... and Spark reads that JSON back to the same rows.
        assert_same_frames(p.frames["spark-cat"], reference, f"{dataset}: spark-cat rows")
        return
    frame = p.frames[direction]
    assert frame.schema == p.schema, f"{dataset}/{direction}: schema\n{frame.schema.simpleString()}\n!= {p.schema.simpleString()}"
    assert_same_frames(frame, reference, f"{dataset}/{direction}: rows vs Spark's JSON reference")


CAT_CASES = [
    pytest.param(d.name, id=f"{d.name}:cli-cat", marks=_marks(d, "(all rows)", "cli-cat"))
    for d in DATASETS
]


def _without_null_members(value):
    if isinstance(value, dict):
        return {k: _without_null_members(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_null_members(v) for v in value]
    return value


@pytest.mark.parametrize("dataset", CAT_CASES)
def test_cat_gives_back_the_source(prepared, dataset):
    """Every value is recoverable (unions included): `rustparquet cat --omit-nulls` of the CLI's
    file is the source documents. Parquet cannot tell a null member from a missing one, so null
    members are dropped on both sides; numbers compare by value (an integer in a column that
    also holds floats comes back as 2.0)."""
    p = prepared.get(dataset)
    proc = run_rustparquet("cat", "--omit-nulls", p.paths["cli"])
    got = [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]  # not splitlines: U+2028 is data
    expected = [_without_null_members(doc) for doc in read_documents(p.source)]
    assert_same_rows(got, expected, f"{dataset}: rustparquet cat --omit-nulls vs the source JSON", loose_numbers=True)


def _reference_rows(p):
    """Spark's JSON read, checked once against Spark's own Parquet round trip."""
    if not getattr(p, "reference_checked", False):
        reference = p.frames["json"]
        assert reference.count() > 0, f"{p.dataset.name}: the reference has no rows"
        assert_same_frames(p.frames["spark"], reference, f"{p.dataset.name}: Spark's Parquet vs Spark's JSON (reference check)")
        p.reference_checked = True
    return p.frames["json"]


def _run(spark, frame, sql):
    frame.createOrReplaceTempView("t")
    df = spark.sql(sql)
    return df, collect_plain(df)


def _pushed_filters(df) -> str:
    plan = df._jdf.queryExecution().executedPlan().toString()
    found = re.findall(r"PushedFilters: \[([^\]]*)\]", plan)
    return " ".join(found)


@pytest.mark.parametrize("dataset,query,direction", QUERY_CASES)
def test_query(spark, prepared, dataset, query, direction):
    p = prepared.get(dataset)
    sql = query.text(p.schema)
    refs = getattr(p, "query_refs", None)
    if refs is None:
        refs = p.query_refs = {}
    if query.name not in refs:
        _, expected = _run(spark, p.frames["json"], sql)
        _, from_spark_parquet = _run(spark, p.frames["spark"], sql)
        assert_same_rows(from_spark_parquet, expected, f"{dataset}/{query.name}: Spark's Parquet vs Spark's JSON (reference check)", sql)
        refs[query.name] = expected
    expected = refs[query.name]
    df, got = _run(spark, p.frames[direction], sql)
    assert_same_rows(got, expected, f"{dataset}/{query.name}/{direction}", sql)
    if query.pushdown and direction in ("cli", "datasource"):
        pushed = _pushed_filters(df)
        for column in query.pushdown:
            assert column in pushed, f"{dataset}/{query.name}/{direction}: `{column}` not pushed into the Parquet scan: [{pushed}]"


@pytest.mark.matrix(dataset="account_admin", query="(--unions string vs Spark's inference)", direction="cli")
def test_unions_string_mode_is_what_spark_infers(spark, tmp_path):
    """`convert --unions string` is Spark-like: a conflicting field is one string column holding
    what Spark's own JSON inference holds (strings as they are, other values as compact JSON),
    at the top level and inside an array of objects."""
    src = DATA / "account_admin.ndjson"
    out = tmp_path / "strings.parquet"
    run_rustparquet("convert", src, "-o", out, "--quiet", "--unions", "string")
    ours = spark.read.parquet(str(out))
    # Spark 4 keeps a non-string value's source text in a string column (`[1, 2, 3]` with its
    # spaces) unless spark.sql.json.enableExactStringParsing is off; Spark 3.5 and that setting
    # give compact JSON, as rustparquet writes it (docs/spark.md).
    exact = "spark.sql.json.enableExactStringParsing"
    if spark.version.startswith("4"):
        spark.conf.set(exact, "false")
    try:
        theirs = spark.read.json(str(src))
        for frame, who in ((ours, "rustparquet --unions string"), (theirs, "Spark's inference")):
            assert frame.schema["account_admin"].dataType.simpleString() == "string", f"{who}: {frame.schema.simpleString()}"
        sql = "SELECT id, account_admin, transform(perms, p -> p.v) AS v, transform(perms, p -> p.w) AS w FROM t"
        _, got = _run(spark, ours, sql)
        _, expected = _run(spark, theirs, sql)
    finally:
        if spark.version.startswith("4"):
            spark.conf.unset(exact)
    assert_same_rows(got, expected, "account_admin: --unions string vs spark.read.json", sql)


def test_the_comparisons_see_one_changed_value(spark):
    """The suite's two comparisons pass on reordered rows and fail on one changed nested value."""
    a = spark.sql("SELECT id, named_struct('x', array(id, id + 1), 'f', id / 3) AS s FROM range(100)")
    b = spark.sql("SELECT id, named_struct('x', array(id, IF(id = 42, 0, id + 1)), 'f', id / 3) AS s FROM range(100)")
    assert_same_frames(a.orderBy("id", ascending=False), a, "reordered")
    with pytest.raises(AssertionError, match=r"1 rows only in what was read, 1 only in the reference"):
        assert_same_frames(b, a, "one value changed")
    rows_a, rows_b = collect_plain(a), collect_plain(b)
    assert_same_rows(list(reversed(rows_a)), rows_a, "reordered")
    with pytest.raises(AssertionError, match=r"first difference at sorted row"):
        assert_same_rows(rows_b, rows_a, "one value changed")
