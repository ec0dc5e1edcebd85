"""Drifting JSON (docs/format.md, unions, maps and datasets) read by other engines.

* A union group is an ordinary struct to pyarrow, DuckDB and Spark: exactly one member is set
  per present value (`account_admin.string`, `account_admin.long`, ...).
* An object written as a map reads as map<string, T>.
* An evolving dataset written in three batches (a new field; a field changes type; a field
  becomes an array) stays readable with Spark's `mergeSchema` and returns every value of every
  batch; `rustparquet cat` gives each part's documents back.
* The heterogeneous corpus (type conflicts in ~10% of documents) converts and comes back
  through `rustparquet cat` value for value.
"""

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import generate_corpus, run_rustparquet

ACCOUNT_ADMIN = [
    {"id": 1, "account_admin": "james"},
    {"id": 2, "account_admin": 12345},
    {"id": 3, "account_admin": [12345, 1000]},
    {"id": 4, "account_admin": ["Timothy", "Carl"]},
    {"id": 5, "account_admin": {"primary": "jackie"}},
    {"id": 6, "account_admin": {"primary": 100001}},
    {"id": 7, "account_admin": None},
    {"id": 8},
]

# The one member set in each row above (None: the whole group is null).
ACCOUNT_ADMIN_MEMBERS = [
    ("string", "james"),
    ("long", 12345),
    ("array", [{"long": 12345, "string": None}, {"long": 1000, "string": None}]),
    ("array", [{"long": None, "string": "Timothy"}, {"long": None, "string": "Carl"}]),
    ("object", {"primary": {"long": None, "string": "jackie"}}),
    ("object", {"primary": {"long": 100001, "string": None}}),
    None,
    None,
]

BATCHES = [
    [
        {"id": 1, "name": "a", "owner": "james", "tags": [1, 2], "run": {"ms": 10}},
        {"id": 2, "name": "b", "owner": "carl", "tags": [], "run": None},
    ],
    [{"id": 3, "name": "c", "owner": "tim", "tags": [3], "run": {"ms": 11, "ok": True}, "added": 1.5}],
    [
        {"id": 4, "name": 44, "owner": 12345, "tags": ["s"], "run": {"ms": "slow"}},
        {"id": 5, "name": "e", "owner": [1, 2], "tags": None},
        {"id": 6, "owner": {"primary": "jackie"}},
    ],
]


def write_ndjson(path: Path, docs) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def cat(path) -> list:
    out = run_rustparquet("cat", "--omit-nulls", path).stdout
    return [json.loads(line) for line in out.splitlines()]


def without_nulls(v):
    if isinstance(v, dict):
        return {k: without_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [without_nulls(x) for x in v]
    return v


@pytest.fixture(scope="module")
def union_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("unions")
    src = write_ndjson(d / "account_admin.ndjson", ACCOUNT_ADMIN)
    out = d / "account_admin.parquet"
    run_rustparquet("convert", src, "-o", out)
    return out


def set_members(group):
    if group is None:
        return None
    set_ = [(k, v) for k, v in group.items() if v is not None]
    assert len(set_) == 1, f"exactly one member must be set: {group}"
    return set_[0]


def test_pyarrow_reads_a_union_as_a_struct_with_one_member_set(union_file):
    rows = pq.read_table(union_file).to_pylist()
    assert [set_members(r["account_admin"]) for r in rows] == ACCOUNT_ADMIN_MEMBERS


def test_duckdb_reads_union_members_as_struct_fields(union_file):
    got = duckdb.sql(
        f"select id, account_admin.string, account_admin.long, len(account_admin.array) "
        f"from read_parquet('{union_file}') order by id"
    ).fetchall()
    assert got == [
        (1, "james", None, None),
        (2, None, 12345, None),
        (3, None, None, 2),
        (4, None, None, 2),
        (5, None, None, None),
        (6, None, None, None),
        (7, None, None, None),
        (8, None, None, None),
    ]


def test_rustparquet_cat_gives_every_union_value_back(union_file):
    assert cat(union_file) == [without_nulls(d) for d in ACCOUNT_ADMIN]


def test_maps_read_as_maps(tmp_path):
    docs = [{"id": i, "counters": {f"c{i}_{j}": j for j in range(3)}} for i in range(5)]
    src = write_ndjson(tmp_path / "m.ndjson", docs)
    out = tmp_path / "m.parquet"
    run_rustparquet("convert", src, "-o", out, "--map", "counters")
    rows = pq.read_table(out).to_pylist()
    assert [dict(r["counters"]) for r in rows] == [d["counters"] for d in docs]
    assert cat(out) == docs


def test_heterogeneous_corpus_round_trips(tmp_path):
    src = generate_corpus("heterogeneous", 2000, tmp_path / "het.ndjson")
    out = tmp_path / "het.parquet"
    run_rustparquet("convert", src, "-o", out)
    want = [without_nulls(json.loads(line)) for line in src.read_text().splitlines()]
    got = cat(out)
    assert len(got) == len(want)
    # Python compares 1 == 1.0: an int that shares a field with floats reads back as a double.
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not bad, f"{len(bad)} documents differ, first {bad[0]}:\n got  {got[bad[0]]}\n want {want[bad[0]]}"
    # The conflicting fields stay typed: account_admin is a union group, not strings.
    schema = pq.read_schema(out)
    admin = schema.field("account_admin").type
    assert {admin.field(i).name for i in range(admin.num_fields)} >= {"string", "long", "array", "object"}


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from spark_support import start_spark

    session = start_spark("unions-datasets", tmp_path_factory.mktemp("warehouse"))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("dataset")
    ds = d / "ds"
    for i, batch in enumerate(BATCHES):
        run_rustparquet("convert", write_ndjson(d / f"b{i}.ndjson", batch), "--dataset", ds)
    return ds


def test_spark_queries_union_members(spark, union_file):
    df = spark.read.parquet(str(union_file))
    df.createOrReplaceTempView("admins")
    got = spark.sql(
        "select id, account_admin.string as s, account_admin.long as l, "
        # size(NULL) is -1 on Spark 3.5 and NULL on Spark 4 (ANSI): -1 on both here
        "coalesce(size(account_admin.array), -1) as n, account_admin.object.primary.string as p "
        "from admins order by id"
    ).collect()
    assert [tuple(r) for r in got] == [
        (1, "james", None, -1, None),
        (2, None, 12345, -1, None),
        (3, None, None, 2, None),
        (4, None, None, 2, None),
        (5, None, None, -1, "jackie"),
        (6, None, None, -1, None),
        (7, None, None, -1, None),
        (8, None, None, -1, None),
    ]
    names = spark.sql(
        "select e.string from admins lateral view explode(account_admin.array) t as e "
        "where e.string is not null order by 1"
    ).collect()
    assert [r[0] for r in names] == ["Carl", "Timothy"]


def test_spark_merge_schema_reads_every_batch_of_an_evolving_dataset(spark, dataset_dir):
    parts = sorted(p for p in dataset_dir.iterdir() if p.name.startswith("part-"))
    assert len(parts) == 3
    df = spark.read.option("mergeSchema", "true").parquet(str(dataset_dir))
    rows = {r["id"]: r.asDict(recursive=True) for r in df.collect()}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    # Original columns keep their types; new JSON types went to sibling columns.
    assert rows[1]["owner"] == "james" and rows[1]["tags"] == [1, 2] and rows[1]["run"]["ms"] == 10
    assert rows[2]["tags"] == [] and rows[2]["run"] is None
    assert rows[3]["added"] == 1.5 and rows[3]["run"]["ok"] is True
    assert rows[4]["name"] is None and rows[4]["name__long"] == 44
    assert rows[4]["owner__long"] == 12345 and rows[4]["owner"] is None
    assert rows[4]["tags__array"] == [{"long": None, "string": "s"}]
    assert rows[4]["run"]["ms__string"] == "slow" and rows[4]["run"]["ms"] is None
    assert rows[5]["owner__array"] == [1, 2] and rows[5]["tags"] is None
    assert rows[6]["owner__object"] == {"primary": "jackie"}
    # rustparquet gives each part's documents back as they were.
    for part, batch in zip(parts, BATCHES):
        assert cat(part) == [without_nulls(d) for d in batch]
