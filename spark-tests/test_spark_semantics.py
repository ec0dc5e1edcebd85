"""The raw JSON path (`option("jsonColumn", "value")`) reads lines as Spark's own JSON reader does.

Each case writes the same lines twice: through `df.write.format("rustparquet")` from
`spark.read.text(...)`, and through Spark's `spark.read.schema(...).json(...)` (or its inference)
on the same file; the rows (and for inference the schema) must be the same:
  * a given schema: keys it lacks are ignored at any depth, a string column takes any value as
    JSON text, and a field whose value has another type is null, with the line in
    `_corrupt_record` (PERMISSIVE) or the row dropped (DROPMALFORMED);
  * a line holding an array of objects is one row per object; text after the JSON is ignored;
  * an inferred schema orders its fields by name at every level, as Spark's inference does.
One SparkSession for the module, a few lines per case.
"""

import pytest

from spark_support import assert_same_rows, collect_plain, start_spark

LINES = [
    '{"a": 1, "zz": {"q": [1, 2]}, "b": "x"}',
    '{"a": "notint", "b": "y"}',
    '{"a": 2, "o": {"x": "bad", "y": 5, "extra": {"deep": [1]}}, "b": "z"}',
    '{"a": 3, "l": [1, "s", 3], "lo": [{"x": 1}, {"x": "bad"}], "b": 7}',
    # (written without spaces: Spark 4 keeps a value's text as written, Spark 3.5 and we drop them)
    '{"a": 4, "b": {"k":[1,2]}, "c": 3, "d": "true"}',
    '{"a": 5, "o": 5, "m": {"k": {"x": "no"}, "j": {"x": 1}}}',
    '{"a": 1.5, "c": 2.5}',
    '{"a": 6, "l": [1, }',
    '[{"a": 7, "b": "arr"}, {"a": 8}]',
    '[{"a": 9}, 5]',
    "[]",
    '{"a": 10} trailing text',
    '{"a": 11} {"a": 12}',
    "",
]

DDL = (
    "a BIGINT, b STRING, c DOUBLE, d BOOLEAN, o STRUCT<x: BIGINT, y: BIGINT>, l ARRAY<BIGINT>, "
    "lo ARRAY<STRUCT<x: BIGINT>>, m MAP<STRING, STRUCT<x: BIGINT>>, _corrupt_record STRING"
)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = start_spark("rustparquet-spark-semantics", tmp_path_factory.mktemp("warehouse"))
    yield session
    session.stop()


def _file(tmp_path, lines):
    path = tmp_path / "in.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_a_given_schema_is_met_as_spark_meets_it(spark, tmp_path, mode):
    path = _file(tmp_path, LINES)
    out = str(tmp_path / "out")
    (
        spark.read.text(path)
        .write.format("rustparquet")
        .option("jsonColumn", "value")
        .option("schema", DDL)
        .option("mode", mode)
        .save(out)
    )
    expected = spark.read.schema(DDL).option("mode", mode).json(path)
    got = spark.read.parquet(out)
    assert got.schema == expected.schema
    assert_same_rows(collect_plain(got), collect_plain(expected), f"schema given, mode {mode}")


def test_an_inferred_schema_is_sparks_order_and_rows(spark, tmp_path):
    lines = [
        '{"b": 1, "a": {"z": 1, "c": [{"y": 1, "b": "s"}]}, "Q": true}',
        '[{"_x": 1.5, "Z": "t"}, {"b": 2}]',
        '{"a": {"z": 2}} trailing',
    ]
    path = _file(tmp_path, lines)
    out = str(tmp_path / "out")
    spark.read.text(path).write.format("rustparquet").option("jsonColumn", "value").save(out)
    expected = spark.read.json(path)
    got = spark.read.parquet(out)
    assert got.schema == expected.schema
    assert_same_rows(collect_plain(got), collect_plain(expected), "inferred schema")
