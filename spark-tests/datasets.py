"""The datasets of the Spark compatibility suite and how each is prepared in every form the
suite compares.

A dataset is NDJSON documents (generated, real-world from ../shared/testdata, or hand-written in
spark-tests/data) plus the rustparquet flags to convert them with. `Prepared` turns one dataset
into Spark DataFrames, all over the same schema S (the Spark schema of rustparquet's file):

  json        spark.read.schema(S).json(source)           reference 1 (Spark's JSON reader)
  spark       reference 1 written by df.write.parquet     reference 2 (Spark's Parquet writer)
  cli         `rustparquet convert source` → spark.read.parquet          direction 1
  datasource  reference 1 written by df.write.format("rustparquet")      direction 1
  spark-cat   reference 2 → `rustparquet cat` → spark.read.schema(S).json direction 2

The only rewriting of the source for reference 1: a key rustparquet renamed for Spark's
case-insensitive names (stored schema `"key"`) is renamed the same way, and a value of a
union column is wrapped as {"<member>": value} (docs/format.md); otherwise Spark's JSON reader
could not know the file's names. Everything else is Spark's own parsing (FAILFAST, so a value
that does not fit S is an error, not a silent null).
"""

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import DATA, rustparquet_bin, run_rustparquet, shared_dir

# Sizes of the generated corpora: CI runs every query on the small sample; `--slow` (or
# RUSTPARQUET_SPARK_SLOW=1) adds the large variants of the same datasets.
SMALL_DOCS = {"activedata": 2000, "wide": 1500, "heterogeneous": 2000}
LARGE_DOCS = {"activedata": 30000, "wide": 15000, "heterogeneous": 20000}


def _shared_file(rel: str) -> Callable[[Path], Path]:
    def source(_workdir: Path) -> Path:
        path = shared_dir() / "testdata" / rel
        if not path.exists():
            pytest.fail(f"{path} not found: the suite needs ../shared (or $RUSTPARQUET_SHARED)", pytrace=False)
        return path

    return source


def _generated(profile: str, docs: int) -> Callable[[Path], Path]:
    def source(workdir: Path) -> Path:
        gen = shared_dir() / "bench" / "gen_corpus.py"
        if not gen.exists():
            pytest.fail(f"{gen} not found: the suite needs ../shared (or $RUSTPARQUET_SHARED)", pytrace=False)
        out = workdir / f"{profile}-{docs}.ndjson"
        subprocess.run(
            [sys.executable, str(gen), "--profile", profile, "--docs", str(docs), "-o", str(out)], check=True
        )
        return out

    return source


def _bundled(name: str) -> Callable[[Path], Path]:
    return lambda _workdir: DATA / name


@dataclass(frozen=True)
class Dataset:
    name: str
    family: str  # the query battery it uses (the large variants share their small one's)
    source: Callable[[Path], Path] = field(compare=False)
    convert_args: tuple = ()
    slow: bool = False
    directions = ("cli", "datasource", "spark-cat")


# Several row groups per file, so that Spark's row-group skipping (nested predicate pushdown)
# depends on our statistics being right.
SMALL_ROW_GROUPS = ("--row-group-rows", "500")

DATASETS = [
    Dataset("activedata", "activedata", _generated("activedata", SMALL_DOCS["activedata"]), SMALL_ROW_GROUPS),
    Dataset("wide", "wide", _generated("wide", SMALL_DOCS["wide"]), SMALL_ROW_GROUPS),
    Dataset("github_events", "github_events", _shared_file("json-real/github_events.ndjson")),
    Dataset("twitter", "twitter", _shared_file("json-real/twitter.ndjson")),
    Dataset("citm_catalog", "citm_catalog", _shared_file("json-real/citm_catalog.ndjson")),
    Dataset("glean_pings", "glean_pings", _shared_file("json-real/mozilla-telemetry/glean_pings.ndjson")),
    Dataset("dremel", "dremel", _bundled("dremel.ndjson")),
    Dataset("edge", "edge", _bundled("spark_edge.ndjson"), ("--row-group-rows", "2")),
    Dataset(
        "maps",
        "maps",
        _bundled("maps.ndjson"),
        ("--map", "attrs", "--map", "counts", "--map", "nested", "--map", "tags_by_lang"),
    ),
    # Unions (docs/format.md): conflicting JSON types become a group with one member per type.
    Dataset("heterogeneous", "heterogeneous", _generated("heterogeneous", SMALL_DOCS["heterogeneous"]), SMALL_ROW_GROUPS),
    Dataset("account_admin", "account_admin", _bundled("account_admin.ndjson")),
    Dataset("activedata_large", "activedata", _generated("activedata", LARGE_DOCS["activedata"]), ("--row-group-rows", "5000"), slow=True),
    Dataset("wide_large", "wide", _generated("wide", LARGE_DOCS["wide"]), ("--row-group-rows", "5000"), slow=True),
    Dataset(
        "heterogeneous_large",
        "heterogeneous",
        _generated("heterogeneous", LARGE_DOCS["heterogeneous"]),
        ("--row-group-rows", "5000"),
        slow=True,
    ),
]
BY_NAME = {d.name: d for d in DATASETS}


def _chosen(datasets):
    """$RUSTPARQUET_SPARK_DATASETS (comma-separated names) narrows the matrix to those datasets,
    for a quicker local run (scripts/test runs them all, on both Spark lines). An unknown name
    fails the run."""
    import os

    wanted = [n.strip() for n in os.environ.get("RUSTPARQUET_SPARK_DATASETS", "").split(",") if n.strip()]
    if not wanted:
        return datasets
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown:
        raise ValueError(f"RUSTPARQUET_SPARK_DATASETS: no dataset {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    return [d for d in datasets if d.name in wanted]


DATASETS = _chosen(DATASETS)


# ---------------------------------------------------------------------------------------------
# The reference source: the documents with the file's names (and union wrapping)


def _needs_projection(field_json) -> bool:
    if field_json.get("key") not in (None, field_json.get("name")) or field_json.get("type") == "union":
        return True
    children = list(field_json.get("fields") or [])
    for k in ("element", "value"):
        if field_json.get(k):
            children.append(field_json[k])
    return any(_needs_projection(c) for c in children)


UNION_ORDER = ("boolean", "long", "decimal", "double", "string", "array", "object")


def json_kind(value) -> str:
    """The union member a JSON value belongs to (docs/format.md)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long" if -(2**63) <= value < 2**63 else "decimal"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def project(value, field_json):
    """`value` with the names of `field_json` (rustparquet.schema form): renamed keys renamed,
    union values wrapped in their member; values themselves are left to Spark's reader."""
    if value is None:
        return None
    kind = field_json.get("type")
    if kind == "union":
        members = {m["name"]: m for m in field_json["members"]}
        member = json_kind(value)
        if member == "long":
            # An integer goes to the first number member the union has (docs/format.md):
            # long, else decimal (int + big integer), else double (int + float).
            member = next((m for m in ("long", "decimal", "double") if m in members), member)
        if member not in members:
            raise AssertionError(f"union {field_json.get('name')} has no member for {value!r}: {sorted(members)}")
        return {member: project(value, members[member])}
    if kind == "list" or "element" in field_json:
        return [project(v, field_json["element"]) for v in value]
    if kind == "map" or "value" in field_json:
        return {k: project(v, field_json["value"]) for k, v in value.items()}
    if "fields" in field_json:
        out = {}
        for f in field_json["fields"]:
            key = f.get("key", f["name"])
            if key in value:
                out[f["name"]] = project(value[key], f)
        return out
    return value


def read_documents(path: Path):
    decoder = json.JSONDecoder()
    text = path.read_text(encoding="utf-8")
    docs, i = [], 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            break
        doc, i = decoder.raw_decode(text, i)
        docs.append(doc)
    return docs


def stored_schema(path: Path) -> dict:
    import pyarrow.parquet as pq

    return json.loads(pq.ParquetFile(path).metadata.metadata[b"rustparquet.schema"])


# ---------------------------------------------------------------------------------------------


class Prepared:
    """One dataset in every form (see the module doc); built once per module and cached."""

    def __init__(self, spark, dataset: Dataset, workdir: Path):
        self.dataset = dataset
        self.spark = spark
        workdir.mkdir(parents=True, exist_ok=True)
        self.source = dataset.source(workdir)
        self.paths = {}
        ref_source = self.source
        cli = workdir / "rustparquet-cli.parquet"
        run_rustparquet("convert", self.source, "-o", cli, "--quiet", *dataset.convert_args)
        self.paths["cli"] = cli
        self.schema = spark.read.parquet(str(cli)).schema
        self.stored = stored_schema(cli)
        if _needs_projection({"fields": self.stored["fields"]}):
            ref_source = workdir / "reference.ndjson"
            root = {"fields": self.stored["fields"]}
            with open(ref_source, "w", encoding="utf-8") as out:
                for doc in read_documents(self.source):
                    out.write(json.dumps(project(doc, root), ensure_ascii=False) + "\n")
        self.ref_source = ref_source
        json_df = spark.read.schema(self.schema).option("mode", "FAILFAST").json(str(ref_source))
        self.paths["spark"] = workdir / "spark-parquet"
        json_df.write.mode("overwrite").parquet(str(self.paths["spark"]))
        self.paths["datasource"] = workdir / "rustparquet-datasource"
        (
            json_df.write.mode("overwrite")
            .format("rustparquet")
            .option("rowGroupSize", "256k")
            .option("batchRows", "500")
            .save(str(self.paths["datasource"]))
        )
        cat_out = workdir / "spark-cat.ndjson"
        with open(cat_out, "wb") as out:
            proc = subprocess.run(
                [str(rustparquet_bin()), "cat", str(self.paths["spark"])], stdout=out, stderr=subprocess.PIPE
            )
        if proc.returncode != 0:
            raise AssertionError(f"rustparquet cat {self.paths['spark']} exited {proc.returncode}: {proc.stderr.decode()}")
        self.paths["spark-cat"] = cat_out
        self.frames = {
            "json": json_df,
            "spark": spark.read.parquet(str(self.paths["spark"])),
            "datasource": spark.read.parquet(str(self.paths["datasource"])),
            "spark-cat": spark.read.schema(self.schema).option("mode", "FAILFAST").json(str(cat_out)),
            "cli": spark.read.parquet(str(cli)),
        }


class PreparedCache:
    """Prepares each dataset on first use; a dataset whose preparation failed fails every test
    that uses it with the same error, without redoing the work."""

    def __init__(self, spark, workdir: Path):
        self.spark = spark
        self.workdir = workdir
        self._done = {}

    def get(self, name: str) -> Prepared:
        if name not in self._done:
            try:
                self._done[name] = Prepared(self.spark, BY_NAME[name], self.workdir / name)
            except BaseException as exc:  # noqa: BLE001 - re-raised for every test of the dataset
                self._done[name] = exc
        got = self._done[name]
        if isinstance(got, BaseException):
            raise AssertionError(f"preparing dataset {name} failed: {got!r}") from got
        return got
