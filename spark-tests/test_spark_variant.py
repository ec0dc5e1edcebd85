"""VARIANT with Spark 4 (skipped on Spark 3.5, which has no VARIANT type): our files read by
Spark's own reader, the data source's variant options, and Spark's files read by `rustparquet cat`.

The reference is always Spark itself: the same JSON documents through `parse_json`, written with
Spark's Parquet writer and read back. Compared per row (by `id`): `to_json`, `schema_of_variant`
(which tells ints, decimals, doubles, strings and nulls apart) and `try_variant_get` of a few
paths (a drifting field as int, a nested array of objects' member as double, a missing path).

* the CLI: `--variant p --unions variant` (the drifting `x` becomes a variant too) and
  `--variant '$'` (the whole document as one column `document`, shredded by the CLI's default
  `--variant-shredding auto`: its stable fields get `typed_value` columns);
* the data source's raw JSON path: `option("variant", ...)`, `option("unions", "variant")`,
  `option("variant", "$")` and `option("schema", "... VARIANT ...")`;
* the typed path: a DataFrame with VARIANT columns (top level, in an array, a struct, a map)
  written with `format("rustparquet")` as Parquet VARIANT groups;
* `rustparquet cat` of variant files Spark 4 wrote (shipped ones and fresh ones, shredded and
  not) equals Spark's `to_json`.
"""

import json
from pathlib import Path

import pytest

from conftest import run_rustparquet, shared_dir
from spark_support import spark_line, start_spark

pytestmark = pytest.mark.skipif(
    spark_line() != "4", reason="VARIANT is a Spark 4 type: Spark 3.5 cannot read variant files (CANNOT_READ_FILE_FOOTER, RawJsonWriteSuite)"
)

# Drifting documents: `x` is an int, a decimal, a double, a string, a boolean, a number beyond
# int64, null and missing; `p` an object, an array, null and missing, with nested arrays of
# objects whose members drift; `n` null or an int.
DOCS = [
    {"id": 1, "x": 1, "p": {"a": 1, "b": [{"c": 1}, {"c": 2.5}]}, "n": None},
    {"id": 2, "x": 1.5, "p": {"a": "s", "b": []}, "n": 1},
    {"id": 3, "x": "three", "p": [1, {"d": None}, [[]]], "e": {}},
    {"id": 4, "x": 12345678901234567890, "p": None},
    {"id": 5, "x": 1e300, "p": {"a": -0.25, "deep": {"k": [[1, 2], [], [{"z": True}]]}}},
    {"id": 6, "x": True, "p": {"b": [{"c": "str"}, {}]}},
    {"id": 7, "x": None},
    {"id": 8, "x": -7, "p": {"a": 123456789012, "b": [{"c": 0.1}]}},
]
LINES = [json.dumps(d) for d in DOCS]

# Paths read with try_variant_get, each as one type.
GETS = [("$.x", "int"), ("$.x", "string"), ("$.p.b[1].c", "double"), ("$.p.a", "string"), ("$.nope", "int")]


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    return start_spark("rustparquet-variant", tmp_path_factory.mktemp("warehouse"))


@pytest.fixture(scope="module")
def reference(spark, tmp_path_factory):
    """Spark's own: parse_json of each line as `v`, written with write.parquet and read back.

    Written unshredded: Spark 4.3's shredded write is not type-exact (a field it shreds as
    DECIMAL(12,0) reads back as a decimal where parse_json made an int, e.g. `p.a` here)."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    text = spark.createDataFrame([(line,) for line in LINES], "line string")
    spark.conf.set("spark.sql.variant.writeShredding.enabled", "false")
    try:
        text.selectExpr("parse_json(line) AS v").write.parquet(str(out))
    finally:
        spark.conf.unset("spark.sql.variant.writeShredding.enabled")
    return spark.read.parquet(str(out)).selectExpr("CAST(variant_get(v, '$.id', 'int') AS BIGINT) AS id", "v")


def probes(df, column: str):
    """Per row, by id: to_json, schema_of_variant and the GETS of a variant column."""
    exprs = [f"to_json({column}) AS json", f"schema_of_variant({column}) AS schema"] + [
        f"try_variant_get({column}, '{path}', '{typ}') AS g{i}" for i, (path, typ) in enumerate(GETS)
    ]
    return {r["id"]: r.asDict() for r in df.selectExpr("CAST(id AS BIGINT) AS id", *exprs).collect()}


def assert_same_probes(got: dict, expected: dict, what: str):
    assert sorted(got) == sorted(expected), f"{what}: ids {sorted(got)} != {sorted(expected)}"
    for i in sorted(expected):
        assert got[i] == expected[i], f"{what}: row id={i}\n  got:      {got[i]}\n  expected: {expected[i]}"


def reference_field(reference, field: str):
    """Spark's value of one top-level field as a variant: SQL NULL where the key is missing, a
    variant null where it is JSON null."""
    return reference.selectExpr("id", f"variant_get(v, '$.{field}', 'variant') AS {field}")


def assert_variant_columns(spark, path, reference, whole_document: bool):
    back = spark.read.parquet(str(path))
    types = {f.name: f.dataType.simpleString() for f in back.schema.fields}
    if whole_document:
        assert types == {"document": "variant"}, types
        got = back.selectExpr("CAST(variant_get(document, '$.id', 'int') AS BIGINT) AS id", "document")
        assert_same_probes(probes(got, "document"), probes(reference, "v"), f"{path}: document")
        return
    assert types["x"] == "variant" and types["p"] == "variant", types
    assert types["id"] == "bigint", types
    for field in ("x", "p"):
        assert_same_probes(
            probes(back, field), probes(reference_field(reference, field), field), f"{path}: column {field}"
        )


def test_cli_variant_files_read_by_spark_as_variant(spark, reference, tmp_path):
    src = tmp_path / "docs.ndjson"
    src.write_text("\n".join(LINES) + "\n")
    paths = tmp_path / "paths.parquet"
    run_rustparquet("convert", src, "-o", paths, "--variant", "p", "--unions", "variant")
    assert_variant_columns(spark, paths, reference, whole_document=False)
    whole = tmp_path / "whole.parquet"
    run_rustparquet("convert", src, "-o", whole, "--variant", "$")
    assert "typed_value" in run_rustparquet("inspect", whole).stdout, "expected a shredded variant"
    assert_variant_columns(spark, whole, reference, whole_document=True)


def test_raw_path_variant_options(spark, reference, tmp_path):
    text = spark.createDataFrame([(line,) for line in LINES], "value string").repartition(2)

    def raw():
        return text.write.format("rustparquet").option("jsonColumn", "value")

    raw().option("variant", "p").option("unions", "variant").save(str(tmp_path / "paths"))
    assert_variant_columns(spark, tmp_path / "paths", reference, whole_document=False)
    raw().option("variant", "$").save(str(tmp_path / "whole"))
    assert_variant_columns(spark, tmp_path / "whole", reference, whole_document=True)
    ddl = "id BIGINT, x VARIANT, p VARIANT, n VARIANT, e VARIANT"
    raw().option("schema", ddl).save(str(tmp_path / "ddl"))
    assert_variant_columns(spark, tmp_path / "ddl", reference, whole_document=False)


def test_typed_path_writes_variant_columns(spark, reference, tmp_path):
    df = reference.selectExpr(
        "id",
        "v",
        "array(v, NULL, parse_json('[1, 2.5]')) AS arr",
        "named_struct('inner', variant_get(v, '$.p', 'variant'), 'k', id) AS st",
        "CASE WHEN id % 2 = 0 THEN NULL ELSE v END AS maybe",
        "map('k', v) AS m",
    )
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    df.write.format("rustparquet").save(str(ours))
    df.write.parquet(str(theirs))
    got, spark_own = spark.read.parquet(str(ours)), spark.read.parquet(str(theirs))
    assert got.schema == spark_own.schema, f"{got.schema.simpleString()} != {spark_own.schema.simpleString()}"
    assert "variant" in got.schema["v"].dataType.simpleString()
    # Compared with the DataFrame itself: Spark's own shredded write is not type-exact (see
    # `reference`), ours is.
    for column in ("v", "maybe", "st.inner", "arr[0]", "arr[1]", "arr[2]", "m['k']"):
        assert_same_probes(probes(got, column), probes(df, column), f"typed path: {column}")
    # The files hold Parquet VARIANT groups ({metadata, value}, annotated), which cat reads.
    part = next(ours.glob("part-*.parquet"))
    schema = run_rustparquet("inspect", part).stdout
    assert "VARIANT" in schema.upper(), schema
    cat_rows = [json.loads(line) for f in sorted(ours.glob("part-*.parquet")) for line in run_rustparquet("cat", f).stdout.splitlines()]
    spark_rows = [json.loads(r[0]) for r in got.selectExpr("to_json(struct(*))").collect()]
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(cat_rows, key=key) == sorted(spark_rows, key=key)


def spark_json_rows(spark, path) -> list:
    return [json.loads(r[0]) for r in spark.read.parquet(str(path)).selectExpr("to_json(struct(*))").collect()]


def cat_rows(path: Path) -> list:
    files = [path] if path.is_file() else sorted(path.glob("part-*.parquet"))
    return [json.loads(line) for f in files for line in run_rustparquet("cat", f).stdout.splitlines()]


def canonical(rows: list) -> list:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def test_cat_of_spark4_variant_files_equals_spark_to_json(spark, tmp_path):
    shipped = sorted((shared_dir() / "testdata" / "spark4-variant").glob("*.parquet"))
    if not shipped:
        pytest.skip(f"{shared_dir() / 'testdata' / 'spark4-variant'} has no files (set RUSTPARQUET_SHARED)")
    for f in shipped:
        assert canonical(cat_rows(f)) == canonical(spark_json_rows(spark, f)), f.name
    # Fresh files: the drifting documents, shredded by Spark's inference, forced to a shredding
    # schema, and not shredded at all (Spark 4.3's settings; an older 4.x may lack some).
    text = spark.createDataFrame([(line,) for line in LINES], "line string")
    df = text.selectExpr("CAST(variant_get(parse_json(line), '$.id', 'int') AS BIGINT) AS id", "parse_json(line) AS v")
    settings = {
        "shredded": {"spark.sql.variant.writeShredding.enabled": "true"},
        "forced": {
            "spark.sql.variant.writeShredding.enabled": "true",
            "spark.sql.variant.forceShreddingSchemaForTest": "x int, p struct<a string, b array<struct<c double>>>",
        },
        "unshredded": {"spark.sql.variant.writeShredding.enabled": "false"},
    }
    for name, conf in settings.items():
        before = {k: spark.conf.get(k, None) for k in conf}
        try:
            for k, v in conf.items():
                spark.conf.set(k, v)
            out = tmp_path / name
            df.coalesce(1).write.parquet(str(out))
        finally:
            for k, v in before.items():
                if v is None:
                    spark.conf.unset(k)
                else:
                    spark.conf.set(k, v)
        assert canonical(cat_rows(out)) == canonical(spark_json_rows(spark, out)), name
