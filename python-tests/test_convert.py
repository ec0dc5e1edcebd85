import io
import json
import os

import pyarrow.parquet as pq
import pytest

import rustparquet
from conftest import write_ndjson


def test_convert_a_file_and_read_it_back(tmp_path, events):
    path, docs = events
    out = tmp_path / "events.parquet"
    summary = rustparquet.convert(path, out)
    assert isinstance(summary, rustparquet.Summary)
    assert summary.output == str(out)
    assert summary.documents == 3
    assert summary.bad_documents == 0
    assert summary.row_groups == 1
    assert summary.input_bytes == path.stat().st_size
    assert summary.output_bytes == out.stat().st_size
    assert isinstance(summary.schema, rustparquet.Schema)
    assert pq.read_table(out).num_rows == 3
    back = rustparquet.read_records(out)
    # the union `value` comes back as the value it was; the big integer exact
    assert [d["id"] for d in back] == [1, 2, 3]
    assert back[0]["value"] == 1.5 and back[1]["value"] == "high"
    assert back[2]["big"] == 2**70 and isinstance(back[2]["big"], int)
    assert back[0]["user"] == {"name": "ada", "tags": ["a", "b"]}
    assert back[1]["user"]["tags"] == []


def test_summary_is_read_only_and_shows_its_figures(tmp_path, events):
    path, _ = events
    summary = rustparquet.convert(path, tmp_path / "events.parquet")
    with pytest.raises(AttributeError, match="read-only"):
        summary.documents = 4
    shown = repr(summary)
    assert shown.startswith("Summary(output=") and "documents=3" in shown
    assert "added_columns=[]" in shown and "schema=" not in shown
    again = rustparquet.convert(path, tmp_path / "events.parquet")
    assert again == summary and again != "Summary"


def test_inputs_as_glob_list_and_file_object(tmp_path):
    a = write_ndjson(tmp_path / "a.json", [{"x": 1}, {"x": 2}])
    b = write_ndjson(tmp_path / "b.json", [{"x": 3}])
    assert rustparquet.convert(str(tmp_path / "*.json"), tmp_path / "g.parquet").documents == 3
    assert rustparquet.convert([a, str(b)], tmp_path / "l.parquet").documents == 3
    stream = io.BytesIO(b'{"x": 10}\n{"x": 11}\n')
    rustparquet.convert(stream, tmp_path / "f.parquet")
    assert rustparquet.read_records(tmp_path / "f.parquet") == [{"x": 10}, {"x": 11}]
    with open(a, "rb") as f:
        assert rustparquet.convert([f, b], tmp_path / "m.parquet").documents == 3
    with pytest.raises(TypeError, match="binary mode"):
        rustparquet.convert(io.StringIO('{"x": 1}'), tmp_path / "t.parquet")
    with pytest.raises(TypeError):
        rustparquet.convert([42], tmp_path / "t.parquet")


def test_options_reach_the_writer_and_inference(tmp_path):
    docs = [{"id": i, "metrics": {f"k{i}": i}} for i in range(10)]
    path = write_ndjson(tmp_path / "m.json", docs)
    out = tmp_path / "m.parquet"
    summary = rustparquet.convert(
        path, out, compression="zstd", compression_level=5, row_group_rows=4,
        map="metrics", dictionary=False, statistics="chunk", threads=1,
    )
    meta = pq.ParquetFile(out).metadata
    assert meta.num_row_groups == 3 == summary.row_groups
    col = meta.row_group(0).column(0)
    assert col.compression == "ZSTD"
    assert "map<string, bigint>" in summary.schema.to_ddl().lower() or "MAP<STRING, BIGINT>" in summary.schema.to_ddl()
    assert rustparquet.read_records(out)[3] == {"id": 3, "metrics": {"k3": 3}}


def test_defaults_are_the_cli_defaults(tmp_path, events):
    path, _ = events
    out = tmp_path / "d.parquet"
    rustparquet.convert(path, out)
    col = pq.ParquetFile(out).metadata.row_group(0).column(0)
    assert col.compression == "SNAPPY"
    assert "RLE_DICTIONARY" in col.encodings or "PLAIN_DICTIONARY" in col.encodings


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"colour": "blue"}, TypeError, "unexpected keyword argument 'colour'"),
        ({"compression": "brotli2"}, ValueError, "unknown codec"),
        ({"compression": "snappy", "compression_level": 3}, ValueError, "only zstd and gzip"),
        ({"max_depth": 0}, ValueError, "max_depth"),
        ({"max_document_size": "2TiB"}, ValueError, "max_document_size must be between 1 and"),
        ({"unions": "maybe"}, ValueError, "unions"),
        ({"on_error": "ignore"}, ValueError, "on_error"),
        ({"threads": 0}, ValueError, "threads"),
        ({"sample": "many"}, ValueError, "is not a count"),
        ({"row_group_size": "big"}, ValueError, "row_group_size"),
        ({"dictionary": "perhaps"}, ValueError, "dictionary"),
        ({"bloom_filter": "nope"}, ValueError, "bloom filter column `nope`"),
        ({"threads": [1, 2]}, TypeError, "given twice"),
        ({"threads": object()}, TypeError, "not an option value"),
    ],
)
def test_bad_options(tmp_path, events, options, error, message):
    path, _ = events
    out = tmp_path / "x.parquet"
    with pytest.raises(error, match=message):
        rustparquet.convert(path, out, **options)
    assert not out.exists()


def test_bad_arguments(tmp_path, events):
    path, _ = events
    with pytest.raises(TypeError, match="exactly one of output and dataset"):
        rustparquet.convert(path)
    with pytest.raises(TypeError, match="unexpected keyword argument 'compression'"):
        rustparquet.infer_schema(path, compression="zstd")
    with pytest.raises(ValueError, match="no input"):
        rustparquet.convert([], tmp_path / "x.parquet")


def test_bad_document_names_the_place_and_leaves_no_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"a": 1}\n{"a": 2}\n{"a": 3, "b": tru}\n')
    out = tmp_path / "bad.parquet"
    with pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.convert(path, out)
    assert e.value.path == str(path)
    assert (e.value.line, e.value.column) == (3, 15)
    assert "invalid" in e.value.reason or "expected" in e.value.reason
    assert f"{path}:3:15" in str(e.value)
    assert isinstance(e.value, rustparquet.Error)
    assert sorted(os.listdir(tmp_path)) == ["bad.json"]


def test_bad_document_in_a_file_object_is_named_by_it(tmp_path):
    path = tmp_path / "named.json"
    path.write_bytes(b'{"a": 1}\n{"a": }\n')
    with open(path, "rb") as f, pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.convert(f, tmp_path / "o.parquet")
    assert e.value.path == str(path) and e.value.line == 2
    assert str(path) in str(e.value)
    with pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.convert(io.BytesIO(b'[1, 2'), tmp_path / "o.parquet")
    assert e.value.path == "<file object 0>"


def test_a_document_not_fitting_a_given_schema(tmp_path):
    schema = rustparquet.Schema.parse("id BIGINT, name STRING")
    path = tmp_path / "s.json"
    path.write_text('{"id": 1, "name": "a"}\n{"id": "two", "name": "b"}\n')
    with pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.convert(path, tmp_path / "s.parquet", schema=schema)
    assert e.value.line == 2 and "`id`" in e.value.reason
    summary = rustparquet.convert(path, tmp_path / "s.parquet", schema=schema, on_error="skip")
    assert (summary.documents, summary.bad_documents) == (1, 1)
    assert "s.json:2" in summary.first_errors[0]


def test_quarantine(tmp_path):
    path = tmp_path / "q.json"
    path.write_text('{"a": 1}\nnot json\n{"a": 2}\n')
    quarantine = tmp_path / "bad.ndjson"
    summary = rustparquet.convert(path, tmp_path / "q.parquet", on_error=f"quarantine={quarantine}")
    assert (summary.documents, summary.bad_documents) == (2, 1)
    assert quarantine.read_text().strip() == "not json"


def test_schema_conflict(tmp_path):
    path = write_ndjson(tmp_path / "c.json", [{"a": {"b": 1}}, {"a": {"b": "x"}}])
    with pytest.raises(rustparquet.SchemaConflict) as e:
        rustparquet.convert(path, tmp_path / "c.parquet", unions="error")
    assert e.value.field == "a.b"
    assert e.value.first == f"an integer at {path}:1:13"
    assert e.value.second == f"a string at {path}:2:13"
    assert isinstance(e.value, rustparquet.Error)
    with pytest.raises(rustparquet.SchemaConflict):
        rustparquet.infer_schema(path, unions="error")
    s = rustparquet.infer_schema(path, unions="string")
    assert s.to_ddl().startswith("a STRUCT<b: STRING COMMENT")


def test_missing_input_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        rustparquet.convert(tmp_path / "nope.json", tmp_path / "o.parquet")
    assert e.value.filename == str(tmp_path / "nope.json")
    with pytest.raises(ValueError, match="no file matches"):
        rustparquet.convert(str(tmp_path / "*.nope"), tmp_path / "o.parquet")


def test_schema_argument_forms(tmp_path, events):
    path, _ = events
    inferred = rustparquet.infer_schema(path)
    out = tmp_path / "s.parquet"
    assert rustparquet.convert(path, out, schema=inferred).schema == inferred
    path = write_ndjson(tmp_path / "ids.json", [{"id": 1}, {"id": 2}, {"id": 3}])
    ddl = tmp_path / "schema.ddl"
    ddl.write_text("id BIGINT")
    summary = rustparquet.convert(path, out, schema=ddl)
    assert summary.columns == 1
    assert rustparquet.read_records(out) == [{"id": 1}, {"id": 2}, {"id": 3}]
    summary = rustparquet.convert(path, out, schema=str(ddl), schema_format="ddl")
    assert summary.columns == 1
    bad = tmp_path / "bad.ddl"
    bad.write_text("id WHATEVER")
    with pytest.raises(ValueError, match="bad.ddl"):
        rustparquet.convert(path, out, schema=bad)
    with pytest.raises(TypeError, match="sample"):
        rustparquet.convert(path, out, schema=inferred, sample=1)


def test_dataset_append(tmp_path):
    first = write_ndjson(tmp_path / "1.json", [{"a": 1}])
    second = write_ndjson(tmp_path / "2.json", [{"a": 2, "b": "new"}])
    ds = tmp_path / "ds"
    s1 = rustparquet.convert(first, dataset=ds)
    s2 = rustparquet.convert(second, dataset=ds)
    assert s1.output != s2.output and os.path.dirname(s2.output) == str(ds)
    assert s2.added_columns == ["b"]
    rows = rustparquet.read_records(ds)
    assert sorted(r["a"] for r in rows) == [1, 2]


def test_sort_by_writes_documents_in_key_order(tmp_path):
    docs = [{"id": i, "user": {"name": n}} for i, n in enumerate(["carol", "alice", None, "bob"])]
    path = write_ndjson(tmp_path / "in.json", docs)
    out = tmp_path / "sorted.parquet"
    summary = rustparquet.convert(path, out, sort_by="user.name")
    assert summary.documents == 4
    assert [d["id"] for d in rustparquet.read_records(out)] == [1, 3, 0, 2]
    with pytest.raises(ValueError, match="sort-by `user`"):
        rustparquet.convert(path, tmp_path / "no.parquet", sort_by="user")
    assert not (tmp_path / "no.parquet").exists()
