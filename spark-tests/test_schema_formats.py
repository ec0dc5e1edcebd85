"""`rustparquet schema --format ddl|spark-json` checked against Spark 3.5 itself.

* Our StructType JSON is accepted by `StructType.fromJson` and our DDL by `spark.read.schema`
  and `StructType.fromDDL`, and both equal the schema `spark.read.parquet` reports for the file
  we wrote (ignoring nullability and metadata): unions as structs of their members, maps as
  map<string, T>, JSON text and always-null fields as strings, names that need backquotes.
* Reading the file with our DDL as the user schema returns the same rows.
* Spark's own re-serialisation of our DDL (COMMENTs become `comment` metadata) still gives our
  schema back, and schemas Spark wrote itself (`df.schema.json()`, `toDDL`) convert documents.

One local[1] session for the module; no jar needed.
"""

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import run_rustparquet

DOCS = [
    {"account_admin": "james", "ID": 1, "m": {"k1": 1}},
    {"account_admin": 12345, "id": 2, "deep": {"a": {"b": 1}}},
    {"account_admin": [12345, 1000], "tags": {"a": 1}, "deep": {"a": {"b": "one"}}},
    {"account_admin": ["Timothy", "Carl"], "nothing": None, "deep": {"a": [{"b": True}]}},
    {"account_admin": {"primary": "jackie"}, "big": 123456789012345678901234567890},
    {"account_admin": {"primary": 100001}, "f": 1.5, "e": {}, "l": [[1, "x", {"z": None}], []]},
    {"sp ace.dot`tick": "q'uote", "é": [1.5, 2.5], "m": {"k2": 3}, "select": True},
]

# (name, convert flags): unions with `m` as a map, and the Spark-like JSON-text mode.
VARIANTS = [("unions", ["--map", "m"]), ("json-text", ["--unions", "string"])]


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from spark_support import find_java_home

    os.environ["JAVA_HOME"] = str(find_java_home())
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("schema-formats")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("warehouse")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module", params=VARIANTS, ids=[v[0] for v in VARIANTS])
def written(request, tmp_path_factory):
    """(parquet file, ddl text, spark-json text) for one variant."""
    name, flags = request.param
    d = tmp_path_factory.mktemp(name)
    src = d / "in.ndjson"
    src.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in DOCS))
    out = d / "out.parquet"
    run_rustparquet("convert", src, "-o", out, "-q", *flags)
    ddl = run_rustparquet("schema", out, "--format", "ddl").stdout
    spark_json = run_rustparquet("schema", out, "--format", "spark-json").stdout
    return out, ddl, spark_json


def loose(t):
    """A Spark type's JSON value without nullability and metadata."""
    if isinstance(t, dict):
        out = {}
        for k, v in t.items():
            if k == "metadata":
                continue
            if k in ("nullable", "containsNull", "valueContainsNull"):
                v = True
            out[k] = loose(v)
        return out
    if isinstance(t, list):
        return [loose(x) for x in t]
    return t


def test_struct_type_json_is_what_spark_reads(spark, written):
    from pyspark.sql.types import StructType

    out, _, spark_json = written
    ours = StructType.fromJson(json.loads(spark_json))
    read = spark.read.parquet(str(out)).schema
    assert loose(ours.jsonValue()) == loose(read.jsonValue())
    # The JVM's parser takes it too.
    jvm_type = spark._jvm.org.apache.spark.sql.types.DataType.fromJson(spark_json)
    assert loose(json.loads(jvm_type.json())) == loose(read.jsonValue())


def test_ddl_is_what_spark_reads_and_reads_the_same_rows(spark, written):
    out, ddl, _ = written
    parsed = spark._jvm.org.apache.spark.sql.types.StructType.fromDDL(ddl)
    read = spark.read.parquet(str(out))
    assert loose(json.loads(parsed.json())) == loose(read.schema.jsonValue())
    with_schema = spark.read.schema(ddl).parquet(str(out))
    assert loose(with_schema.schema.jsonValue()) == loose(read.schema.jsonValue())
    got = sorted(r for r in with_schema.toJSON().collect())
    expected = sorted(r for r in read.toJSON().collect())
    assert got == expected
    assert len(got) == len(DOCS)


def test_spark_reserialised_ddl_gives_our_schema_back(spark, written, tmp_path):
    out, ddl, _ = written
    # Spark keeps our COMMENT as {"comment": "<our metadata as JSON>"}.
    spark_text = spark._jvm.org.apache.spark.sql.types.StructType.fromDDL(ddl).json()
    f = tmp_path / "spark.json"
    f.write_text(spark_text)
    ours = run_rustparquet("schema", out, "--format", "rustparquet").stdout
    assert run_rustparquet("schema", "--schema", f, "--format", "rustparquet").stdout == ours
    # And Spark's toDDL of it is DDL we read to the same schema.
    g = tmp_path / "spark.ddl"
    g.write_text(spark._jvm.org.apache.spark.sql.types.StructType.fromDDL(ddl).toDDL())
    assert run_rustparquet("schema", "--schema", g, "--format", "rustparquet").stdout == ours


def test_schemas_spark_wrote_convert_documents(spark, tmp_path):
    docs = [
        {"a": 1, "b": {"c": "x", "d": [1.5, 2.5]}, "s": "t"},
        {"a": 2, "b": {"c": None, "d": []}, "u": True},
    ]
    src = tmp_path / "in.ndjson"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs))
    df = spark.read.json(str(src))
    for name, text in [("spark.json", df.schema.json()), ("spark.ddl", df._jdf.schema().toDDL())]:
        f = tmp_path / name
        f.write_text(text)
        out = tmp_path / f"{name}.parquet"
        run_rustparquet("convert", src, "-o", out, "-q", "--schema", f)
        back = [json.loads(line) for line in run_rustparquet("cat", out).stdout.splitlines()]
        # Spark sorts fields by name; values are the documents' (missing keys read as null).
        for doc, got in zip(docs, back):
            assert {k: v for k, v in got.items() if v is not None} == doc
        # Spark reads the file with the schema it wrote.
        assert loose(spark.read.parquet(str(out)).schema.jsonValue()) == loose(df.schema.jsonValue())


def sorted_fields(t):
    """A loose type JSON with struct fields in name order (mergeSchema orders them its own way)."""
    if isinstance(t, dict):
        out = {k: sorted_fields(v) for k, v in t.items()}
        if out.get("type") == "struct":
            out["fields"] = sorted(out["fields"], key=lambda f: f["name"])
        return out
    if isinstance(t, list):
        return [sorted_fields(x) for x in t]
    return t


def test_dataset_schema_is_what_merge_schema_reads(spark, tmp_path):
    from pyspark.sql.types import StructType

    batches = [
        [{"id": 1, "owner": "james", "run": {"ms": 10}}],
        [{"id": 2, "owner": 12345, "run": {"ms": "slow", "ok": True}, "added": 1.5}],
        [{"id": 3, "owner": [1, 2], "run": {"ms": [1]}}],
    ]
    ds = tmp_path / "ds"
    for i, batch in enumerate(batches):
        src = tmp_path / f"b{i}.ndjson"
        src.write_text("".join(json.dumps(d) + "\n" for d in batch))
        run_rustparquet("convert", src, "--dataset", ds, "-q")
    ours = StructType.fromJson(json.loads(run_rustparquet("schema", ds, "--format", "spark-json").stdout))
    merged = spark.read.option("mergeSchema", "true").parquet(str(ds)).schema
    assert sorted_fields(loose(ours.jsonValue())) == sorted_fields(loose(merged.jsonValue()))
    ddl = run_rustparquet("schema", ds, "--format", "ddl").stdout
    rows = spark.read.schema(ddl).option("mergeSchema", "true").parquet(str(ds)).count()
    assert rows == 3
