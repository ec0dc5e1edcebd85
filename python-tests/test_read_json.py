"""read_json / iter_batches: JSON straight to Arrow. The oracle is the Parquet route: the same
documents converted by rustparquet.convert and read by pyarrow.parquet must give the same
table. The Arrow stream goes to polars and DuckDB through __arrow_c_stream__."""

import json
import os
import signal
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rustparquet
from conftest import interrupt_while_reading_stdin, write_ndjson

DRIFTING = [
    {"id": 1, "v": 1, "m": {"a": 1, "b": 2}, "tags": ["x", None], "s": {"x": 1}},
    {"id": 2, "v": "x", "m": {}, "tags": [], "s": {}},
    {"id": 3, "v": [1, "y"], "m": None, "tags": None, "s": None},
    {"id": 4, "v": {"k": True}, "m": {"c": None}},
    {"id": 5, "v": None, "big": 2**70, "f": 0.5, "ok": False},
]


def via_parquet(tmp_path, path, **options):
    out = tmp_path / "oracle.parquet"
    writer_free = {k: v for k, v in options.items()}
    rustparquet.convert(path, out, **writer_free)
    return pq.read_table(out)


def same(a: pa.Table, b: pa.Table):
    assert [(f.name, f.type) for f in a.schema] == [(f.name, f.type) for f in b.schema]
    assert a.to_pylist() == b.to_pylist()


@pytest.mark.parametrize("options", [{}, {"map": "m"}, {"unions": "string"}, {"map": ["m"], "threads": 1}])
def test_read_json_equals_the_parquet_route(tmp_path, options):
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    table = rustparquet.read_json(path, **options)
    assert isinstance(table, pa.Table)
    assert table.num_rows == 5
    same(table, via_parquet(tmp_path, path, **options))


@pytest.mark.parametrize("late", [None, {"id": -1, "new": "key"}, {"id": "text"}, '{"id": tru}'])
def test_read_json_in_one_parse_or_not_equals_the_parquet_route(tmp_path, late):
    # 2,500 documents whose first 1,000 settle the schema; a late one may change it (a new
    # key, a new type) or be bad: read_json then infers in full and reads again.
    lines = [json.dumps({"id": i, "s": {"x": i * 0.5, "t": ["a"] * (i % 3)}}) for i in range(2500)]
    if late is not None:
        lines.insert(2200, late if isinstance(late, str) else json.dumps(late))
    path = tmp_path / "late.ndjson"
    path.write_text("\n".join(lines) + "\n")
    options = {"on_error": "skip"} if isinstance(late, str) else {}
    table = rustparquet.read_json(path, **options)
    assert table.num_rows == (2500 if isinstance(late, str) or late is None else 2501)
    same(table, via_parquet(tmp_path, path, **options))


def test_empty_null_and_missing(tmp_path):
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    rows = rustparquet.read_json(path, map="m").to_pylist()
    assert [r["tags"] for r in rows] == [["x", None], [], None, None, None]
    assert [r["m"] for r in rows] == [[("a", 1), ("b", 2)], [], None, [("c", None)], None]
    assert rows[0]["v"]["long"] == 1 and sum(x is not None for x in rows[0]["v"].values()) == 1
    assert rows[4]["v"] is None and rows[4]["big"] == 2**70


def test_union_members_one_per_json_type(tmp_path):
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    v = rustparquet.read_json(path).column("v").to_pylist()
    for row in v[:4]:
        assert sum(x is not None for x in row.values()) == 1
    assert pa.types.is_struct(rustparquet.read_json(path).schema.field("v").type)
    # pyarrow's own reader stops at the conflict this takes
    with pytest.raises(pa.ArrowInvalid):
        import pyarrow.json as pj
        pj.read_json(path)


def test_iter_batches_bounded_rows_and_same_rows(tmp_path):
    docs = [{"i": i, "xs": list(range(i % 4)), "o": {"k": str(i)} if i % 3 else None} for i in range(103)]
    path = write_ndjson(tmp_path / "d.ndjson", docs)
    stream = rustparquet.iter_batches(path, batch_rows=10)
    assert stream.schema == rustparquet.infer_schema(path).to_arrow()
    assert stream.document_schema == rustparquet.infer_schema(path)
    batches = list(stream)
    assert [b.num_rows for b in batches] == [10] * 10 + [3]
    table = pa.Table.from_batches(batches)
    same(table, via_parquet(tmp_path, path))
    # a tiny byte budget cuts batches by size too
    small = list(rustparquet.iter_batches(path, batch_rows=1000, batch_bytes=1))
    assert sum(b.num_rows for b in small) == 103 and len(small) > 1


def test_inputs_as_file_objects_lists_and_schemas(tmp_path):
    a = write_ndjson(tmp_path / "a.ndjson", [{"x": 1}])
    b = write_ndjson(tmp_path / "b.ndjson", [{"x": 2, "y": "z"}])
    with open(b, "rb") as f:
        t = rustparquet.read_json([a, f])
    assert t.to_pylist() == [{"x": 1, "y": None}, {"x": 2, "y": "z"}]
    schema = rustparquet.infer_schema([a, b])
    assert rustparquet.read_json(a, schema=schema).column_names == ["x", "y"]
    ddl = tmp_path / "s.ddl"
    ddl.write_text("x BIGINT, y STRING, w DOUBLE")
    t = rustparquet.read_json(b, schema=ddl)
    assert t.to_pylist() == [{"x": 2, "y": "z", "w": None}]
    arr = tmp_path / "arr.json"
    arr.write_text('[{"x": 1}, {"x": 2}]')
    assert rustparquet.read_json(arr).column("x").to_pylist() == [1, 2]


def test_errors(tmp_path):
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"a": 1}\n{"a": 2,}\n{"a": 3}\n')
    with pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.read_json(bad)
    assert (e.value.path, e.value.line) == (str(bad), 2)
    assert e.value.column >= 1 and e.value.reason
    assert rustparquet.read_json(bad, on_error="skip").column("a").to_pylist() == [1, 3]
    q = tmp_path / "q.ndjson"
    assert rustparquet.read_json(bad, on_error=f"quarantine={q}").num_rows == 2
    assert q.read_text() == '{"a": 2,}\n'
    # a document that does not fit a given schema: raised when its batch is taken
    with pytest.raises(rustparquet.BadDocument) as e:
        rustparquet.read_json(write_ndjson(tmp_path / "s.ndjson", [{"a": "x"}]),
                              schema=rustparquet.Schema.parse("a BIGINT"))
    assert e.value.line == 1 and "`a`" in str(e.value)
    conflict = write_ndjson(tmp_path / "c.ndjson", [{"a": 1}, {"a": "x"}])
    with pytest.raises(rustparquet.SchemaConflict):
        rustparquet.read_json(conflict, unions="error")
    with pytest.raises(ValueError):
        rustparquet.read_json(conflict, unions="bogus")
    with pytest.raises(ValueError):
        rustparquet.read_json(conflict, batch_rows=0)
    with pytest.raises(ValueError):
        rustparquet.iter_batches(conflict, batch_bytes="lots")
    with pytest.raises(TypeError):
        rustparquet.read_json(conflict, compression="zstd")  # a writer option: no Parquet here
    with pytest.raises(TypeError):
        rustparquet.read_json(conflict, schema=rustparquet.infer_schema(conflict), sample=1)
    with pytest.raises(FileNotFoundError):
        rustparquet.read_json(tmp_path / "missing.ndjson")
    with open(bad, "rb") as f:
        with pytest.raises(rustparquet.BadDocument) as e:
            rustparquet.read_json(f)
        assert e.value.path == str(bad) and e.value.line == 2


def test_stream_is_taken_once_and_closes(tmp_path):
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    stream = rustparquet.iter_batches(path)
    reader = pa.RecordBatchReader.from_stream(stream)
    same(reader.read_all(), via_parquet(tmp_path, path))
    with pytest.raises(ValueError):
        stream.__arrow_c_stream__()
    with rustparquet.iter_batches(path, batch_rows=1) as s:
        next(s)
    assert list(s) == []


def test_polars_takes_the_stream(tmp_path):
    pl = pytest.importorskip("polars")
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    df = pl.DataFrame(rustparquet.iter_batches(path, batch_rows=2))
    assert df.shape == (5, rustparquet.read_json(path).num_columns)
    assert df["id"].to_list() == [1, 2, 3, 4, 5]
    assert df["v"].struct.field("string").to_list() == [None, "x", None, None, None]


def test_duckdb_takes_the_stream(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    stream = rustparquet.iter_batches(path, batch_rows=2)
    con = duckdb.connect()
    got = con.sql("SELECT count(*), sum(id), count(v.long) FROM stream").fetchall()
    assert got == [(5, 15, 1)]


WITHOUT_PYARROW = r"""
import sys
sys.modules["pyarrow"] = None  # import pyarrow fails
import polars, rustparquet
stream = rustparquet.read_json(sys.argv[1])
assert type(stream).__name__ == "RecordBatchStream", type(stream)
df = polars.DataFrame(stream)
print(df.shape[0], df["id"].sum())
"""


def test_the_arrow_stream_needs_no_pyarrow(tmp_path):
    pytest.importorskip("polars")
    path = write_ndjson(tmp_path / "d.ndjson", DRIFTING)
    r = subprocess.run([sys.executable, "-c", WITHOUT_PYARROW, path], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["5", "15"]


def write_big(path, size):
    block = "".join(
        json.dumps({"id": i, "name": f"user{i}", "tags": ["a", "b", str(i)], "score": i * 0.5,
                    "nested": {"x": i, "y": [i, i + 1], "z": None if i % 2 else "q"}}) + "\n"
        for i in range(20000)
    ).encode()
    blocks = 0
    with open(path, "wb") as f:
        while f.tell() < size:
            f.write(block)
            blocks += 1
    return blocks * block.count(b"\n")


READ_STDIN = r"""
import sys, rustparquet
print("started", flush=True)
try:
    t = rustparquet.read_json("-", sample=100)
    print("finished", t.num_rows, flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_interrupts_read_json(tmp_path):
    rest, code = interrupt_while_reading_stdin(READ_STDIN, tmp_path)
    assert rest.strip() == "interrupted", rest
    assert code == 0


def test_read_json_from_standard_input_reads_every_document(tmp_path):
    # Inference reads the input first: standard input must be kept for the second pass.
    docs = [{"a": i, "b": [i, {"c": "x"}] if i % 2 else None} for i in range(1000)]
    r = subprocess.run([sys.executable, "-c", "import rustparquet, sys; "
                        "t = rustparquet.read_json('-'); print(t.num_rows, t.column('a').to_pylist()[-1])"],
                       input="".join(json.dumps(d) + "\n" for d in docs), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1000", "999"]


UNDER_A_CAP = r"""
import resource, sys, rustparquet
path, margin = sys.argv[1], int(sys.argv[2])
schema = rustparquet.infer_schema(path, sample=1000)
stream = rustparquet.iter_batches(path, schema=schema, batch_bytes="16MiB")
it = iter(stream)
rows = next(it).num_rows
def vm_bytes():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
cap = vm_bytes() + margin
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
for batch in it:
    rows += batch.num_rows
print(rows, flush=True)
"""


def test_one_gigabyte_through_iter_batches_under_a_memory_cap(tmp_path):
    big = tmp_path / "1g.ndjson"
    documents = write_big(big, 1 << 30)
    try:
        # The address space may grow by 768 MiB after the first batch: a reader that held the
        # whole input (or its Arrow form, about as large) could not finish.
        r = subprocess.run([sys.executable, "-c", UNDER_A_CAP, big, str(768 << 20)],
                           capture_output=True, text=True, timeout=1800)
        assert r.returncode == 0, r.stderr[-2000:]
        assert int(r.stdout.strip()) == documents
    finally:
        big.unlink()

