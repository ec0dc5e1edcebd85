"""pyarrow and DuckDB read every file rustparquet writes, with the values of the source JSON.

The oracle is independent of our reader: each source document is projected onto the schema
stored in the file (rustparquet.schema) by the rules of docs/format.md (missing → null,
renamed keys, empty objects → the placeholder column, int in a double column → float, big
integers → Decimal) and compared with what pyarrow and DuckDB return, row by row.
"""

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import DATA, run_rustparquet, shared_dir

# Logical types parquet-mr 1.13.1 (Spark 3.5) knows (SPARK-FACTS.md section 3); anything else
# makes the whole footer unreadable for Spark.
SPARK_SAFE_LOGICAL = {"NONE", "STRING", "LIST", "MAP", "DECIMAL", "DATE", "TIME", "TIMESTAMP", "INT", "JSON"}


def union_member(value, members):
    """The member a JSON value is written to (docs/format.md): its JSON type; an integer goes to
    long, else decimal, else double."""
    names = [m["name"] for m in members]
    if isinstance(value, bool):
        wanted = ["boolean"]
    elif isinstance(value, int):
        wanted = ["long", "decimal", "double"] if -(2**63) <= value < 2**63 else ["decimal"]
    elif isinstance(value, float):
        wanted = ["double"]
    elif isinstance(value, str):
        wanted = ["string"]
    elif isinstance(value, list):
        wanted = ["array"]
    else:
        wanted = ["object"]
    return next(m for m in wanted if m in names)


def expected_value(value, field, maps="pairs"):
    """`value` as a reader returns it under `field`; maps as pyarrow's (key, value) pairs, or
    as DuckDB's dicts (maps="dict")."""
    if "fields" in field:
        if value is None:
            return None
        if not field["fields"]:
            return {"_empty_object": None}
        return {f["name"]: expected_value(value.get(f.get("key", f["name"])), f, maps) for f in field["fields"]}
    kind = field["type"]
    if value is None:
        return None
    if kind == "union":
        chosen = union_member(value, field["members"])
        return {m["name"]: expected_value(value, m, maps) if m["name"] == chosen else None for m in field["members"]}
    if kind == "map":
        pairs = [(k, expected_value(v, field["value"], maps)) for k, v in value.items()]
        return dict(pairs) if maps == "dict" else pairs
    if kind == "list":
        return [expected_value(v, field["element"], maps) for v in value]
    if kind == "double":
        return float(value)
    if kind == "decimal(38,0)":
        return Decimal(value)
    return value


def expected_rows(source: Path, schema: dict, layout="ndjson", maps="pairs"):
    text = source.read_text(encoding="utf-8")
    if layout == "array":
        docs = json.loads(text)
    else:
        decoder = json.JSONDecoder()
        docs, i = [], 0
        while i < len(text):
            while i < len(text) and text[i].isspace():
                i += 1
            if i == len(text):
                break
            doc, i = decoder.raw_decode(text, i)
            docs.append(doc)
    root = {"fields": schema["fields"]}
    return [expected_value(d, root, maps) for d in docs]


def stored_schema(path: Path) -> dict:
    meta = pq.ParquetFile(path).metadata.metadata
    return json.loads(meta[b"rustparquet.schema"])


def duckdb_rows(path: Path):
    """Rows as value tuples in column order: DuckDB renames a column whose name is empty
    (the JSON key "") to `C<position>`, so top-level names are not compared for it."""
    con = duckdb.connect()
    return con.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()


def assert_spark_safe(path: Path):
    """No logical type Spark 3.5 cannot read, no sibling names equal after case folding."""
    schema = pq.ParquetFile(path).schema
    for i in range(len(schema)):
        col = schema.column(i)
        assert str(col.logical_type.type) in SPARK_SAFE_LOGICAL, f"{col.path}: {col.logical_type}"
    arrow = pq.read_schema(path)

    def check(fields, where):
        folded = [f.name.lower() for f in fields]
        assert len(folded) == len(set(folded)), f"{where}: case-folded duplicate names {folded}"
        for f in fields:
            t = f.type
            while hasattr(t, "value_type"):
                t = t.value_type
            if hasattr(t, "fields"):
                check(list(t.fields), f"{where}.{f.name}")

    check(list(arrow), "<root>")


def convert(source: Path, out: Path, *extra):
    run_rustparquet("convert", source, "-o", out, "--quiet", *extra)
    assert out.exists()
    return out


def check_file(source: Path, out: Path, layout="ndjson"):
    schema = stored_schema(out)
    expected = expected_rows(source, schema, layout)
    expected_duckdb = expected_rows(source, schema, layout, maps="dict")
    table = pq.read_table(out)
    assert table.num_rows == len(expected)
    got = table.to_pylist()
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"pyarrow row {i}: {g} != {e}"
    ddb = duckdb_rows(out)
    assert len(ddb) == len(expected_duckdb)
    for i, (g, e) in enumerate(zip(ddb, expected_duckdb)):
        assert g == tuple(e.values()), f"duckdb row {i}: {g} != {e}"
    assert_spark_safe(out)


def test_edge_cases_read_back_exactly(tmp_path):
    src = DATA / "edge_cases.ndjson"
    check_file(src, convert(src, tmp_path / "edge.parquet"))


@pytest.mark.parametrize("layout,name", [("pretty", "edge_cases.pretty.json"), ("array", "edge_cases.array.json")])
def test_every_input_layout_gives_the_same_rows(tmp_path, layout, name):
    src = DATA / name
    out = convert(src, tmp_path / f"{layout}.parquet")
    check_file(src, out, layout="array" if layout == "array" else "ndjson")
    # Same rows as the NDJSON layout (minus its last, duplicate-key line).
    ndjson = pq.read_table(convert(DATA / "edge_cases.ndjson", tmp_path / "n.parquet")).to_pylist()
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(ndjson) - 1
    common = [k for k in rows[0] if k in ndjson[0]]
    assert [{k: r[k] for k in common} for r in rows] == [{k: r[k] for k in common} for r in ndjson[:-1]]


def test_empty_null_and_missing_arrays_stay_distinct(tmp_path):
    out = convert(DATA / "edge_cases.ndjson", tmp_path / "e.parquet")
    rows = pq.read_table(out, columns=["id", "tags", "o"]).to_pylist()
    by_id = {r["id"]: r for r in rows}
    assert by_id[1]["tags"] == [] and by_id[2]["tags"] is None and by_id[3]["tags"] is None
    assert by_id[1]["o"] == {"l": [], "ll": [[]]}
    assert by_id[4]["o"]["ll"] == [[None], None, []]
    size = duckdb.sql(f"SELECT id, len(tags) FROM read_parquet('{out}') WHERE id IN (1, 2, 4) ORDER BY id").fetchall()
    assert size == [(1, 0), (2, None), (4, 3)]


def test_duplicate_keys_keep_the_last_value(tmp_path):
    out = convert(DATA / "edge_cases.ndjson", tmp_path / "e.parquet")
    rows = pq.read_table(out, columns=["id", "dup", "tags"]).to_pylist()
    assert rows[-1] == {"id": 13, "dup": 2, "tags": ["y", "z"]}


def test_case_colliding_keys_are_renamed_not_dropped(tmp_path):
    out = convert(DATA / "edge_cases.ndjson", tmp_path / "e.parquet")
    row = [r for r in pq.read_table(out).to_pylist() if r["id"] == 7][0]
    assert (row["ID_2"], row["Id_3"]) == ("upper", "mixed")
    assert row["nested"] == {"Key": 1, "key_2": 2, "KEY_3": None}
    fields = {f["name"]: f.get("key") for f in stored_schema(out)["fields"]}
    assert fields["ID_2"] == "ID" and fields["Id_3"] == "Id"


@pytest.mark.parametrize("profile", ["activedata", "wide"])
def test_generated_corpora(tmp_path, corpora, profile):
    src = corpora[profile]
    check_file(src, convert(src, tmp_path / f"{profile}.parquet", "--row-group-size", "1MB"))


@pytest.mark.parametrize(
    "name",
    [
        "json-real/twitter.ndjson",
        "json-real/github_events.ndjson",
        "json-real/citm_catalog.ndjson",
        "json-real/citm_catalog.events.ndjson",
        "json-real/gsoc-2018.ndjson",
        "json-real/instruments.ndjson",
        "json-real/mozilla-telemetry/glean_pings.ndjson",
    ],
)
def test_real_world_documents(tmp_path, name):
    src = shared_dir() / "testdata" / name
    if not src.exists():
        pytest.skip(f"{src} not found")
    check_file(src, convert(src, tmp_path / "real.parquet"))


@pytest.mark.parametrize(
    "name,extra",
    [
        ("account_admin.ndjson", ()),  # unions: top level, in arrays, in objects, in unions
        ("maps.ndjson", ("--map", "attrs", "--map", "counts", "--map", "nested", "--map", "tags_by_lang")),
    ],
)
def test_unions_and_maps(tmp_path, name, extra):
    src = DATA / name
    check_file(src, convert(src, tmp_path / "u.parquet", *extra))


def test_real_world_type_conflicts_become_unions(tmp_path):
    src = shared_dir() / "testdata" / "json-real" / "mozilla-telemetry" / "bhr_hangs.ndjson"
    if not src.exists():
        pytest.skip(f"{src} not found")
    check_file(src, convert(src, tmp_path / "bhr.parquet"))


def test_type_conflicts_fail_with_path_and_both_places(tmp_path):
    src = shared_dir() / "testdata" / "json-real" / "mozilla-telemetry" / "bhr_hangs.ndjson"
    if not src.exists():
        pytest.skip(f"{src} not found")
    out = tmp_path / "bhr.parquet"
    proc = run_rustparquet("convert", src, "-o", out, "--unions", "error", check=False)
    assert proc.returncode == 1
    assert "`stack[]` is a string at " in proc.stderr and "bhr_hangs.ndjson:1:180 but an array at " in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.iterdir()), "no temporary file left behind"



@pytest.mark.parametrize("codec", ["snappy", "zstd", "zstd(9)", "gzip", "lz4", "none"])
def test_every_codec_reads_back(tmp_path, codec):
    src = DATA / "edge_cases.ndjson"
    out = convert(src, tmp_path / "c.parquet", "--compression", codec)
    check_file(src, out)
    # pyarrow names the LZ4_RAW codec "LZ4".
    expected = {"snappy": "SNAPPY", "zstd": "ZSTD", "zstd(9)": "ZSTD", "gzip": "GZIP", "lz4": "LZ4", "none": "UNCOMPRESSED"}[codec]
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == expected


def test_writer_options_take_effect(tmp_path):
    src = DATA / "edge_cases.ndjson"
    out = convert(
        src, tmp_path / "o.parquet",
        "--row-group-rows", "5", "--dictionary", "false", "--statistics", "chunk",
        "--writer-version", "2.0", "--bloom-filter", "s",
    )
    check_file(src, out)
    md = pq.ParquetFile(out).metadata
    assert md.num_row_groups == 3  # 13 documents, 5 per row group
    col = md.row_group(0).column(0)
    assert "PLAIN_DICTIONARY" not in col.encodings and "RLE_DICTIONARY" not in col.encodings
    assert col.statistics.has_min_max
    assert md.metadata[b"rustparquet.version"]
