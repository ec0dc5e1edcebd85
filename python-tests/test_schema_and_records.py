import json

import pyarrow.parquet as pq
import pytest

import rustparquet
from conftest import write_ndjson


def test_infer_schema_forms(events):
    path, _ = events
    s = rustparquet.infer_schema(path)
    assert isinstance(s, rustparquet.Schema)
    ddl = s.to_ddl()
    assert ddl.startswith("id BIGINT,") and "`user` STRUCT<name: STRING, tags: ARRAY<STRING>>" in ddl
    assert "value STRUCT<`double`: DOUBLE, `string`: STRING>" in ddl
    assert "big DECIMAL(38,0)" in ddl
    spark = json.loads(s.to_spark_json())
    assert spark["type"] == "struct" and [f["name"] for f in spark["fields"]][0] == "id"
    js = json.loads(s.to_json_schema())
    assert js["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "message" in s.to_parquet()
    tree = str(s)
    assert "id" in tree and "tags" in tree and tree == s.to_string("tree")
    assert repr(s).startswith("Schema(")
    with pytest.raises(ValueError, match="schema format"):
        s.to_string("yaml")


def test_schema_round_trips_through_every_readable_form(events):
    path, _ = events
    s = rustparquet.infer_schema(path)
    assert rustparquet.Schema.parse(s.to_json()) == s
    assert rustparquet.Schema.parse(s.to_json(), "rustparquet") == s
    for form in ("ddl", "spark-json", "json-schema", "parquet"):
        text = s.to_string(form)
        again = rustparquet.Schema.parse(text, form)
        assert again.to_string(form) == text, form
    with pytest.raises(ValueError):
        rustparquet.Schema.parse("id BIGINT, name", "ddl")


def test_infer_options(tmp_path):
    docs = [{"a": 1}] * 3 + [{"a": "x", "late": True}]
    path = write_ndjson(tmp_path / "i.json", docs)
    assert "late" not in rustparquet.infer_schema(path, sample=3).to_ddl()
    assert "late" in rustparquet.infer_schema(path).to_ddl()
    many = write_ndjson(tmp_path / "m.json", [{"m": {f"k{i}": i for i in range(20)}}])
    assert "MAP<STRING, BIGINT>" in rustparquet.infer_schema(many, map_threshold=5).to_ddl()
    assert "MAP<STRING, BIGINT>" in rustparquet.infer_schema(many, map=["m"]).to_ddl()
    arr = tmp_path / "arr.json"
    arr.write_text('[{"a": 1}, {"a": 2}]')
    assert rustparquet.infer_schema(arr, input_format="array").to_ddl() == "a BIGINT"
    with pytest.raises(rustparquet.BadDocument):
        rustparquet.infer_schema(arr, input_format="ndjson", max_depth=1)


def test_to_arrow_matches_what_pyarrow_reads(tmp_path, events):
    pytest.importorskip("pyarrow")
    path, _ = events
    out = tmp_path / "a.parquet"
    summary = rustparquet.convert(path, out)
    arrow = summary.schema.to_arrow()
    import pyarrow as pa

    assert isinstance(arrow, pa.Schema)
    read = pq.read_schema(out).remove_metadata()
    assert arrow.remove_metadata().names == read.names
    for name in read.names:
        assert arrow.field(name).type == read.field(name).type, name
    # the capsule protocol itself
    assert pa.schema(summary.schema).names == read.names


def test_read_records_options(tmp_path):
    docs = [
        {"a": {"b": 1, "c": "x"}, "d": None},
        {"a": {"b": 2, "c": "y"}, "d": 5},
        {"a": None, "d": 6},
    ]
    out = tmp_path / "r.parquet"
    rustparquet.convert(write_ndjson(tmp_path / "r.json", docs), out)
    assert rustparquet.read_records(out, columns=["a.b"]) == [{"a": {"b": 1}}, {"a": {"b": 2}}, {"a": None}]
    assert rustparquet.read_records(out, columns="a.c,d", limit=1) == [{"a": {"c": "x"}, "d": None}]
    assert rustparquet.read_records(out, columns=["d"], omit_nulls=True)[0] == {}
    import pyarrow as pa

    pq.write_table(pa.table({"f": [float("nan"), 1.0]}), tmp_path / "nan.parquet")
    assert rustparquet.read_records(tmp_path / "nan.parquet") == [{"f": "NaN"}, {"f": 1.0}]
    assert rustparquet.read_records(tmp_path / "nan.parquet", nan="null")[0] == {"f": None}
    assert len(rustparquet.read_records([out, out], max_memory="64MiB")) == 6
    assert len(rustparquet.read_records(str(tmp_path / "r*.parquet"), max_memory=1 << 26)) == 3
    with pytest.raises(ValueError, match="nan"):
        rustparquet.read_records(out, nan="zero")
    with pytest.raises(ValueError, match="max_memory"):
        rustparquet.read_records(out, max_memory="lots")
    with pytest.raises(ValueError, match="no_such"):
        rustparquet.read_records(out, columns=["no_such"])


def test_read_records_of_a_file_that_is_not_parquet(tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not a parquet file at all PAR1")
    with pytest.raises(rustparquet.Error, match="junk.parquet"):
        rustparquet.read_records(junk)
    with pytest.raises(FileNotFoundError):
        rustparquet.read_records(tmp_path / "missing.parquet")


def test_read_records_of_another_writers_file(tmp_path):
    import pyarrow as pa
    from decimal import Decimal

    t = pa.table({"n": pa.array([Decimal("12345678901234567890123")], pa.decimal128(38, 0)), "s": ["x"]})
    pq.write_table(t, tmp_path / "o.parquet")
    assert rustparquet.read_records(tmp_path / "o.parquet") == [{"n": 12345678901234567890123, "s": "x"}]
