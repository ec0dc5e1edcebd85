"""rustparquet: JSON documents to Apache Parquet that Spark, pyarrow and DuckDB read, and back.

The same engine as the ``rustparquet`` command (which this package also installs), with the
command's options as keyword arguments in Python spelling (``--row-group-size 64MB`` is
``row_group_size="64MB"``) and the same defaults.

>>> import rustparquet
>>> summary = rustparquet.convert("events/*.json.gz", "events.parquet", compression="zstd")
>>> schema = rustparquet.infer_schema("events/*.json.gz")
>>> print(schema.to_ddl())
>>> docs = rustparquet.read_records("events.parquet", columns=["build.branch"])
>>> table = rustparquet.read_json("events/*.json.gz")          # a pyarrow.Table, no Parquet between
>>> for batch in rustparquet.iter_batches("events/*.json.gz"):  # bounded memory
...     ...

Errors are exceptions that name the place: ``BadDocument`` (``.path``, ``.line``, ``.column``,
``.reason``), ``SchemaConflict``, ``ValueError`` for bad options or schemas, ``OSError`` for
files. Ctrl-C stops a long call and leaves no partial file. See docs/python.md.
"""

from __future__ import annotations

# Standard modules used by one function each are imported there: `json`, `re`, `shutil`,
# `tempfile`, `pathlib` and `dataclasses` (which brings `inspect`) cost about 30 ms together,
# measured, against a `read_json` of 300 MB in under a second.
import os
import sys
from typing import IO, Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _rustparquet as _native
from ._rustparquet import BadDocument, Error, Schema, SchemaConflict

__all__ = [
    "convert",
    "infer_schema",
    "read_records",
    "read_json",
    "iter_batches",
    "RecordBatchStream",
    "spark_jar",
    "Schema",
    "Summary",
    "Error",
    "BadDocument",
    "SchemaConflict",
    "__version__",
]

__version__: str = _native.__version__

PathLike = Union[str, "os.PathLike[str]"]
Inputs = Union[PathLike, IO[bytes], Sequence[Union[PathLike, IO[bytes]]]]


class Summary:
    """What :func:`convert` did (read-only)."""

    #: The file written: ``output``, or the new part file of ``dataset``.
    output: str
    #: Documents written.
    documents: int
    #: Documents skipped or quarantined (``on_error="skip"`` / ``"quarantine=PATH"``).
    bad_documents: int
    #: The first few bad-document messages.
    first_errors: List[str]
    #: Values replaced by a later duplicate key in the same object (the last value wins).
    duplicate_keys: int
    row_groups: int
    #: Leaf columns in the file.
    columns: int
    #: JSON bytes read (decompressed).
    input_bytes: int
    output_bytes: int
    #: The schema the file was written with.
    schema: Schema
    #: Columns (Parquet paths) the batch added to the dataset (``dataset=`` only).
    added_columns: List[str]

    __slots__ = (
        "output",
        "documents",
        "bad_documents",
        "first_errors",
        "duplicate_keys",
        "row_groups",
        "columns",
        "input_bytes",
        "output_bytes",
        "schema",
        "added_columns",
    )

    def __init__(self, *, added_columns: Optional[List[str]] = None, **fields: Any) -> None:
        fields["added_columns"] = list(added_columns or [])
        if set(fields) != set(self.__slots__):
            raise TypeError(f"Summary takes exactly the fields {', '.join(self.__slots__)}")
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Summary is read-only (cannot set `{name}`)")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Summary):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  (fields are lists)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__ if n != "schema")
        return f"Summary({shown})"


def convert(
    inputs: Inputs,
    output: Optional[PathLike] = None,
    *,
    schema: Union[Schema, PathLike, None] = None,
    dataset: Optional[PathLike] = None,
    **options: Any,
) -> Summary:
    """Converts JSON documents into one Parquet file, ``output``, or appends them to the
    dataset in directory ``dataset`` as a new part file (its schema evolves so that every part
    stays readable together). The file appears only when complete.

    ``inputs``: a path, a glob (``"logs/*.json.gz"``), a binary file object, or a list of
    them; NDJSON, a top-level array or concatenated documents, gzip/zstd decompressed.

    ``schema``: write with this schema instead of inferring one: a :class:`Schema`, or the
    path of a schema file in any form ``Schema.parse`` reads (``schema_format=`` names the
    form; default: recognised from the content).

    ``options``: the options of ``rustparquet convert`` in Python spelling, with its
    defaults: ``sample``, ``unions`` ("union", "string", "error"), ``map`` (a path or a list),
    ``map_threshold``, ``input_format`` ("auto", "ndjson", "array"), ``on_error`` ("fail",
    "skip", "quarantine=PATH"), ``max_depth``, ``max_document_size``, ``max_columns``,
    ``compression``, ``compression_level``, ``row_group_size``, ``row_group_rows``,
    ``page_size``, ``dictionary``, ``dictionary_page_size``, ``statistics``,
    ``writer_version``, ``bloom_filter`` (a column or a list), ``bloom_filter_fpp``,
    ``threads``.

    Raises :class:`BadDocument` (under ``on_error="fail"``), :class:`SchemaConflict`
    (``unions="error"``), ``ValueError`` (bad option or schema), ``TypeError`` (unknown
    option), ``OSError``; ``KeyboardInterrupt`` on Ctrl-C, with no file left behind.
    """
    if (output is None) == (dataset is None):
        raise TypeError("convert() takes exactly one of output and dataset")
    schema_format = options.pop("schema_format", "auto")
    if schema is not None and not isinstance(schema, Schema):
        schema = Schema.from_file(schema, format=schema_format)
    elif schema_format != "auto":
        raise TypeError("convert(): schema_format is only for a schema file")
    if schema is not None and options.get("sample") is not None:
        raise TypeError("convert(): sample infers a schema; it cannot go with schema=")
    with _Inputs(inputs) as given:
        try:
            raw = _native.convert(
                given.paths,
                _fspath(output),
                _fspath(dataset),
                schema,
                _option_pairs(options),
            )
        except BadDocument as e:
            raise given.renamed(e) from None
    return Summary(**raw)


def infer_schema(inputs: Inputs, **options: Any) -> Schema:
    """Infers the schema of JSON documents as ``convert`` does (``rustparquet schema``).

    ``inputs`` as for :func:`convert`. ``options``: ``sample``, ``unions``, ``map``,
    ``map_threshold``, ``input_format``, ``max_depth``. Raises as :func:`convert` does.
    """
    with _Inputs(inputs) as given:
        try:
            return _native.infer_schema(given.paths, _option_pairs(options))
        except BadDocument as e:
            raise given.renamed(e) from None


class RecordBatchStream:
    """Arrow record batches read from JSON documents, one at a time (:func:`iter_batches`).

    Iterating gives ``pyarrow.RecordBatch`` objects (pyarrow is needed for that); the whole
    stream also goes to any Arrow consumer through the Arrow PyCapsule interface
    (``__arrow_c_stream__``) without pyarrow: ``polars.DataFrame(stream)``,
    ``duckdb.sql("SELECT ... FROM stream")``, ``pyarrow.RecordBatchReader.from_stream(stream)``.
    The stream can be consumed once, either way. Reading happens on a Rust thread one batch
    ahead; ``close()`` (or leaving a ``with`` block) stops it.
    """

    def __init__(self, native: Any, inputs: "_Inputs") -> None:
        self._native = native
        self._inputs: Optional[_Inputs] = inputs

    @property
    def document_schema(self) -> Schema:
        """The document schema (inferred, or the one given) the batches were read with."""
        return self._native.document_schema

    @property
    def schema(self) -> Any:
        """The Arrow schema of the batches as a ``pyarrow.Schema``."""
        import pyarrow

        return pyarrow.schema(self._native)

    def __arrow_c_schema__(self, requested_schema: Any = None) -> Any:
        return self._native.__arrow_c_schema__(requested_schema)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        # The temporary copies of file-object inputs stay until this object goes.
        return self._native.__arrow_c_stream__(requested_schema)

    def __iter__(self) -> "RecordBatchStream":
        return self

    def __next__(self) -> Any:
        import pyarrow

        try:
            pair = self._native.next_batch()
        except BadDocument as e:
            renamed = self._inputs.renamed(e) if self._inputs else e
            self._cleanup()
            raise renamed from None
        except BaseException:
            self.close()
            raise
        if pair is None:
            self.close()
            raise StopIteration
        return pyarrow.RecordBatch._import_from_c_capsule(*pair)

    def read_all(self) -> Any:
        """The remaining batches as one ``pyarrow.Table``."""
        import pyarrow

        schema = self.schema
        return pyarrow.Table.from_batches(list(self), schema=schema)

    def close(self) -> None:
        """Stops reading; the batches not taken are dropped."""
        self._native.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._inputs is not None:
            self._inputs.__exit__(None, None, None)
            self._inputs = None

    def __enter__(self) -> "RecordBatchStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._cleanup()
        except Exception:
            pass


# The batch limits of iter_batches and read_json (the core's defaults).
_BATCH_ROWS = 65536
_BATCH_BYTES = "64MiB"


def iter_batches(
    inputs: Inputs,
    *,
    schema: Union[Schema, PathLike, None] = None,
    batch_rows: int = _BATCH_ROWS,
    batch_bytes: Union[int, str] = _BATCH_BYTES,
    **options: Any,
) -> RecordBatchStream:
    """Reads JSON documents straight into Arrow record batches, streaming: the same inference,
    unions and maps as :func:`convert`, and no Parquet in between. Memory holds a few batches
    whatever the input size.

    ``inputs`` and ``schema`` as for :func:`convert`. A batch holds at most ``batch_rows``
    documents and ends once its shredded data passes about ``batch_bytes`` (a size such as
    ``"16MiB"`` or bytes). ``options``: those of :func:`infer_schema` and ``on_error``,
    ``max_document_size``, ``max_columns``, ``threads`` (used by inference).

    The Arrow types are those pyarrow reads from the Parquet file ``convert`` would write:
    arrays are lists, objects structs, a field of several JSON types a struct with one member
    per type, maps ``map<string, T>``, integers beyond int64 ``decimal128(38, 0)``.

    Without ``schema`` the inputs are read twice (inference, then batches); inference runs in
    this call, the batches as they are taken. Raises as :func:`convert` does, the
    document errors when the batch they are in is taken.
    """
    return _batch_stream(_native.read_batches, "iter_batches", inputs, schema, batch_rows,
                         batch_bytes, options)


def _batch_stream(reader: Any, caller: str, inputs: Inputs, schema: Any, batch_rows: Any,
                  batch_bytes: Any, options: Dict[str, Any]) -> RecordBatchStream:
    """The arguments of :func:`iter_batches` checked, then ``reader`` (the native
    ``read_batches`` or ``read_table``) called on them."""
    schema_format = options.pop("schema_format", "auto")
    if schema is not None and not isinstance(schema, Schema):
        schema = Schema.from_file(schema, format=schema_format)
    elif schema_format != "auto":
        raise TypeError(f"{caller}(): schema_format is only for a schema file")
    if schema is not None and options.get("sample") is not None:
        raise TypeError(f"{caller}(): sample infers a schema; it cannot go with schema=")
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise ValueError(f"batch_rows: must be a positive int, not {batch_rows!r}")
    given = _Inputs(inputs).__enter__()
    try:
        native = reader(
            given.paths,
            schema,
            _option_pairs(options),
            batch_rows,
            _size(batch_bytes, "batch_bytes"),
        )
    except BadDocument as e:
        given.__exit__(None, None, None)
        raise given.renamed(e) from None
    except BaseException:
        given.__exit__(None, None, None)
        raise
    return RecordBatchStream(native, given)


def read_json(
    inputs: Inputs,
    *,
    schema: Union[Schema, PathLike, None] = None,
    **options: Any,
) -> Any:
    """Reads JSON documents straight into one ``pyarrow.Table`` (see :func:`iter_batches`
    for the arguments and types): the loader that takes drifting JSON typed, where
    ``pyarrow.json.read_json`` stops at the first type conflict.

    Without pyarrow installed, returns the :class:`RecordBatchStream` instead, which polars,
    DuckDB and other Arrow consumers take through ``__arrow_c_stream__``.
    Ctrl-C stops it with ``KeyboardInterrupt``.

    Everything is read before the call returns, so without ``schema`` the input is usually
    parsed once: when the schema of the first 1,000 documents cannot change any more but by new
    keys or types (no map, no object below the top that counts of its keys could make one),
    the documents are read against it, and only if one of them does not fit (or is bad) is
    the input inferred in full and read again. The result is the same either way.
    """
    batch_rows = options.pop("batch_rows", _BATCH_ROWS)
    batch_bytes = options.pop("batch_bytes", _BATCH_BYTES)
    stream = _batch_stream(_native.read_table, "read_json", inputs, schema, batch_rows,
                           batch_bytes, options)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return stream
    with stream:
        return stream.read_all()


def read_records(
    parquet_path: Union[PathLike, Sequence[PathLike]],
    *,
    columns: Optional[Sequence[str]] = None,
    limit: Optional[int] = None,
    max_memory: Union[int, str] = "1GiB",
    omit_nulls: bool = False,
    nan: str = "string",
) -> List[Any]:
    """The documents of Parquet files as Python objects, as ``rustparquet cat`` prints them.

    ``parquet_path``: a file, a directory (its ``*.parquet`` files), a glob, or a list.
    ``columns``: dotted JSON paths (``"build.branch"``); a path selects everything below it
    and the documents keep their nesting. ``limit``: at most this many documents.
    ``max_memory``: budget for decoded data (``"512MiB"`` or bytes). ``omit_nulls``: leave
    out members that are null. ``nan``: NaN and infinities as ``"string"`` or ``"null"``.

    Integers come back exact whatever their size (DECIMAL(38,0) columns hold integers
    beyond int64); other numbers are floats.
    """
    paths = [parquet_path] if isinstance(parquet_path, (str, os.PathLike)) else list(parquet_path)
    if isinstance(columns, str):
        columns = [c for c in columns.split(",") if c]
    ndjson = _native.read_records(
        [os.fspath(p) for p in paths],
        None if columns is None else list(columns),
        limit,
        _size(max_memory, "max_memory"),
        bool(omit_nulls),
        nan,
    )
    import json

    return [json.loads(line) for line in ndjson.splitlines() if line]


def spark_jar(spark_version: Optional[str] = None) -> str:
    """The path of the bundled Spark data source jar for ``spark_version`` (default: the
    installed pyspark's version), for ``spark.jars``::

        SparkSession.builder.config("spark.jars", rustparquet.spark_jar()).getOrCreate()

    Raises ``FileNotFoundError`` when this wheel bundles no jar for that Spark (wheels built
    where ``scripts/build-jar`` had not run bundle none) and ``ValueError`` for a Spark version
    it has no jar for.
    """
    if spark_version is None:
        try:
            import pyspark  # noqa: F401  (only its version is read)
        except ImportError:
            raise ValueError(
                "spark_jar(): give spark_version (no pyspark is installed to take it from)"
            ) from None
        spark_version = pyspark.__version__
    import re

    match = re.match(r"^(\d+)\.(\d+)", str(spark_version))
    if not match:
        raise ValueError(f"spark_jar(): `{spark_version}` is not a Spark version")
    major, minor = int(match.group(1)), int(match.group(2))
    # The Scala build each Spark line's default distribution runs on.
    if major == 3 and minor >= 5:
        scala = "2.12"
    elif major == 4:
        scala = "2.13"
    else:
        raise ValueError(
            f"spark_jar(): Spark {spark_version} is not supported (the data source needs Spark 3.5 or 4)"
        )
    import glob

    jars_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars")
    jars = sorted(glob.glob(os.path.join(glob.escape(jars_dir), f"rustparquet-spark*_{scala}-*.jar")))
    if not jars:
        raise FileNotFoundError(
            f"this rustparquet wheel bundles no Spark data source jar for Spark {major}.{minor} "
            f"(Scala {scala}); build it with scripts/build-jar before scripts/build-wheel"
        )
    return str(jars[-1])


# -- helpers ------------------------------------------------------------------------------------


def _fspath(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


def _size(value: Union[int, str], name: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name}: a size is an int or a string such as '512MiB'")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"{name}: must be at least 1 byte")
        return value
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([kmgt]?i?b?)\s*", str(value), re.IGNORECASE)
    if not m:
        raise ValueError(f"{name}: `{value}` is not a size (e.g. 512MiB, 2GiB, 1048576)")
    units = {"": 0, "k": 10, "m": 20, "g": 30, "t": 40}
    n = int(m.group(1)) << units[m.group(2).lower().rstrip("ib")[:1]]
    if n <= 0:
        raise ValueError(f"{name}: `{value}` is not a usable size")
    return n


def _option_pairs(options: dict) -> List[Tuple[str, str]]:
    """Keyword options as (name, text) pairs: booleans as true/false, lists as repeats."""
    pairs: List[Tuple[str, str]] = []
    for name, value in options.items():
        if value is None:
            continue
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if isinstance(v, bool):
                text = "true" if v else "false"
            elif isinstance(v, os.PathLike):
                text = os.fspath(v)
            elif isinstance(v, (str, int, float)):
                text = str(v)
            else:
                raise TypeError(f"option {name}: {type(v).__name__} is not an option value")
            pairs.append((name, text))
    return pairs


class _Inputs:
    """The inputs as paths for the engine: file objects are copied to temporary files (so
    that they can be read twice, to infer and to convert), which go when the call ends."""

    def __init__(self, inputs: Inputs) -> None:
        if isinstance(inputs, (str, os.PathLike)) or hasattr(inputs, "read"):
            items: Iterable[Any] = [inputs]
        else:
            items = list(inputs)
        self._items = list(items)
        self.paths: List[str] = []
        self._names: List[Tuple[str, str]] = []  # (temporary path, name shown in errors)
        self._dir: Optional["tempfile.TemporaryDirectory[str]"] = None

    def __enter__(self) -> "_Inputs":
        try:
            for i, item in enumerate(self._items):
                if isinstance(item, (str, os.PathLike)):
                    self.paths.append(os.fspath(item))
                elif hasattr(item, "read"):
                    self.paths.append(self._spill(i, item))
                else:
                    raise TypeError(
                        f"an input is a path, a glob or a binary file object, not {type(item).__name__}"
                    )
            if not self.paths:
                raise ValueError("no input given (name files, globs or file objects)")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _spill(self, i: int, f: IO[bytes]) -> str:
        import shutil
        import tempfile

        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="rustparquet-")
        path = os.path.join(self._dir.name, f"input-{i}")
        with open(path, "wb") as out:
            first = f.read(0)
            if not isinstance(first, (bytes, bytearray)):
                raise TypeError("a file object input must be opened in binary mode ('rb')")
            shutil.copyfileobj(f, out, 1 << 20)
        name = getattr(f, "name", None)
        self._names.append((path, name if isinstance(name, str) else f"<file object {i}>"))
        return path

    def renamed(self, e: BadDocument) -> BadDocument:
        """The error with a file object's name in place of its temporary copy's."""
        for temp, name in self._names:
            if getattr(e, "path", None) == temp:
                renamed = BadDocument(str(e).replace(temp, name, 1))
                for attr in ("line", "column", "reason"):
                    setattr(renamed, attr, getattr(e, attr, None))
                renamed.path = name
                return renamed
        return e

    def __exit__(self, *exc: Any) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

