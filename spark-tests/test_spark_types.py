"""Spark writes Parquet, `rustparquet cat` reads it: the JSON matches Spark's own df.toJSON().

One typed DataFrame holds every kind of value Spark writes: nested structs, arrays of structs,
arrays of arrays, maps (string, int and struct values, int keys, maps in arrays), decimals of
three physical widths, float/double with NaN, ±Infinity and -0.0, dates from year 1 to 9999,
timestamps and timestamp_ntz (1500 to 9999, microseconds), binary, unicode strings, and nulls
and empties at every level. Spark writes it under several settings (INT96 / TIMESTAMP_MICROS /
TIMESTAMP_MILLIS, legacy list/map/decimal layout, every codec, dictionary off); the rows
`rustparquet cat` prints are compared with `spark.read.parquet(...).toJSON()` as parsed JSON.
The same DataFrame written with df.write.format("rustparquet") reads back in
Spark as Spark's own Parquet does, and `cat` of that file matches its toJSON() too.

Representation differences, normalised explicitly and only for columns of these types (by the
Spark schema), everything else is compared as parsed:
  timestamp, timestamp_ntz  Spark's toJSON writes milliseconds (`...56.123Z`, pattern .SSS);
                            cat writes every non-zero digit group (`...56.123456Z`, no fraction
                            when zero). Both are parsed and compared at milliseconds; the
                            microseconds are checked separately against unix_micros().
  float, double             parsed as numbers on both sides (Java's Double.toString is not
                            always the shortest form; `NaN`/`Infinity` are strings on both sides).
Binary is base64 on both sides and compared as text; decimals are compared as exact decimals.
"""

import json
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from conftest import rustparquet_bin
from spark_support import assert_same_rows, collect_plain, start_spark

TYPED_DDL = (
    "id INT, b BOOLEAN, by TINYINT, sh SMALLINT, i INT, l BIGINT, fl FLOAT, d DOUBLE, "
    "dec5 DECIMAL(5,2), dec18 DECIMAL(18,4), dec38 DECIMAL(38,10), s STRING, bin BINARY, dt DATE, "
    "ts TIMESTAMP, ntz TIMESTAMP_NTZ, "
    "st STRUCT<a: INT, inner: STRUCT<c: STRING, d: ARRAY<INT>, when: TIMESTAMP>>, "
    "arr_st ARRAY<STRUCT<k: STRING, v: DOUBLE, tags: ARRAY<STRING>>>, "
    "arr_arr ARRAY<ARRAY<BIGINT>>, "
    "m MAP<STRING, INT>, m_st MAP<STRING, STRUCT<x: BIGINT, y: ARRAY<STRING>>>, m_int MAP<INT, STRING>, "
    "m_arr MAP<STRING, ARRAY<DECIMAL(10,3)>>, arr_map ARRAY<MAP<STRING, STRING>>"
)

UTC = timezone.utc


def _rows():
    return [
        (1, True, 127, 32767, 2147483647, 9223372036854775807, 1.1, 0.1 + 0.2,
         Decimal("123.45"), Decimal("12345678901234.5678"), Decimal("1234567890123456789012345678.0123456789"),
         "plain ascii", b"\x00\x01\xfe\xff", date(2024, 2, 29),
         datetime(2024, 1, 1, 20, 34, 56, 123456, tzinfo=UTC), datetime(2024, 1, 1, 20, 34, 56, 123456),
         (1, ("c", [1, 2, None], datetime(2020, 5, 17, 1, 2, 3, 4000, tzinfo=UTC))),
         [("k1", 1.5, ["a", "b"]), ("k2", None, []), ("k3", -0.0, None)],
         [[1, 2], [], None, [9223372036854775807]],
         {"a": 1, "b": None}, {"x": (1, ["p"]), "y": None}, {1: "one", -2: "minus two"},
         {"d": [Decimal("1.500"), None, Decimal("-9999999.999")]}, [{"k": "v"}, {}, None]),
        (2, False, -128, -32768, -2147483648, -9223372036854775808, float("nan"), float("inf"),
         Decimal("-999.99"), Decimal("-0.0001"), Decimal("0E-10"),
         "ünïcödé 日本語 😀 \"quoted\" \\ \n\t", b"", date(1, 1, 1),
         datetime(1500, 1, 1, 0, 0, 0, tzinfo=UTC), datetime(1500, 1, 1, 0, 0, 0),
         (None, None), [], [], {}, {}, {}, {}, []),
        (3, None, None, None, None, None, None, float("-inf"), None, None, None, None, None, None, None, None,
         None, None, None, None, None, None, None, None),
        (4, True, 0, 0, 0, 0, 3.4028235e38, -0.0, Decimal("0.01"), Decimal("99999999999999.9999"),
         Decimal("-99999999999999999999999999.9999999999"), "", b"binary \xe2\x9c\x93", date(9999, 12, 31),
         datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(1970, 1, 1, 0, 0, 0, 1),
         (7, (None, [], None)), [(None, None, None)], [[None], [None, None]],
         {"": 0, "ключ": -1}, {"z": (None, None)}, {0: ""}, {"e": []}, [{"a": None}]),
        (5, False, 1, 2, 3, 4, -1.5e-45, 5e-324, Decimal("0.00"), Decimal("0.0000"), Decimal("1E-10"),
         "line\u2028sep", b"\x7f" * 40, date(1582, 10, 15),
         datetime(1970, 1, 1, 0, 0, 0, tzinfo=UTC), datetime(2000, 2, 29, 12, 0, 0, 500000),
         (0, ("", [0], datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC))),
         [("k", 1e300, ["x" * 100])], [[-1, 0, 1]],
         {"m": 2147483647}, {"s": (-9223372036854775808, [None, ""])}, {2147483647: None}, {"n": None}, [{}]),
    ]


# (name, SQL confs, writer options)
WRITE_SETTINGS = [
    ("int96-snappy", {}, {}),
    ("micros-zstd", {"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"}, {"compression": "zstd"}),
    ("millis-gzip", {"spark.sql.parquet.outputTimestampType": "TIMESTAMP_MILLIS"}, {"compression": "gzip"}),
    ("legacy-layout", {"spark.sql.parquet.writeLegacyFormat": "true"}, {}),
    ("plain-uncompressed", {}, {"compression": "none", "parquet.enable.dictionary": "false"}),
    ("lz4", {}, {"compression": "lz4"}),
    # Julian-calendar rebased values, as Spark 2.x wrote them (the footer says so:
    # org.apache.spark.legacyDateTime / legacyINT96); cat rebases them back as Spark's reader does
    # (0001-01-01 stays 0001-01-01, not 0000-12-30).
    (
        "legacy-rebase",
        {"spark.sql.parquet.datetimeRebaseModeInWrite": "LEGACY", "spark.sql.parquet.int96RebaseModeInWrite": "LEGACY"},
        {},
    ),
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    session = start_spark("rustparquet-spark-types", tmp_path_factory.mktemp("warehouse"))
    # Dates before 1582 and timestamps before 1900 are written as they are (proleptic
    # Gregorian); Spark refuses to write them until a rebase mode is chosen.
    session.conf.set("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
    session.conf.set("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def typed(spark):
    return spark.createDataFrame(_rows(), TYPED_DDL).repartition(2)


_TS = re.compile(r"^([+-]?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)?$")


def _timestamp_ms(text, utc: bool):
    """A timestamp's text as (date-time, milliseconds, zone), the form both sides share."""
    m = _TS.match(text)
    assert m, f"not a timestamp: {text!r}"
    year, mo, dd, hh, mi, ss, frac, zone = m.groups()
    zone = zone or ""
    assert (zone in ("Z", "+00:00")) == utc, f"{text!r}: zone {zone!r} for a {'UTC' if utc else 'local'} timestamp"
    ms = int((frac or "0").ljust(9, "0")[:3])
    return f"{int(year):05d}-{mo}-{dd}T{hh}:{mi}:{ss}.{ms:03d}"


def normalise(value, dtype):
    """The explicit normalisations of the module doc, applied by Spark type."""
    from pyspark.sql import types as T

    if value is None:
        return None
    if isinstance(dtype, T.TimestampType):
        return _timestamp_ms(value, utc=True)
    if isinstance(dtype, T.TimestampNTZType):
        return _timestamp_ms(value, utc=False)
    if isinstance(dtype, (T.FloatType, T.DoubleType)):
        return float(value)  # Decimal from the parser, or "NaN" / "Infinity" / "-Infinity"
    if isinstance(dtype, T.StructType):
        assert isinstance(value, dict), f"struct as {value!r}"
        return {f.name: normalise(value.get(f.name), f.dataType) for f in dtype.fields}
    if isinstance(dtype, T.ArrayType):
        return [normalise(v, dtype.elementType) for v in value]
    if isinstance(dtype, T.MapType):
        return {k: normalise(v, dtype.valueType) for k, v in value.items()}
    return value


def _parse(line):
    return json.loads(line, parse_float=Decimal)


def _cat(path, *args):
    proc = subprocess.run([str(rustparquet_bin()), "cat", str(path), *args], capture_output=True)
    assert proc.returncode == 0, f"rustparquet cat {path} exited {proc.returncode}: {proc.stderr.decode()}"
    return [line for line in proc.stdout.decode("utf-8").split("\n") if line.strip()]  # U+2028 is data


@pytest.mark.parametrize("setting,confs,options", WRITE_SETTINGS, ids=[s[0] if isinstance(s, tuple) else s.id for s in WRITE_SETTINGS])
def test_cat_matches_spark_tojson(spark, typed, tmp_path, request, setting, confs, options):
    request.node.add_marker(pytest.mark.matrix(dataset="typed", query=f"(all rows) {setting}", direction="spark-cat"))
    out = tmp_path / "spark"
    previous = {k: spark.conf.get(k) for k in confs}
    try:
        for k, v in confs.items():
            spark.conf.set(k, v)
        writer = typed.write.mode("overwrite")
        for k, v in options.items():
            writer = writer.option(k, v)
        writer.parquet(str(out))
    finally:
        for k, v in previous.items():
            spark.conf.set(k, v)
    written = spark.read.parquet(str(out))
    schema = written.schema
    root = schema  # StructType: rows are structs
    expected = [normalise(_parse(s), root) for s in written.toJSON().collect()]
    got = [normalise(_parse(s), root) for s in _cat(out)]
    assert len(expected) == len(_rows())
    assert_same_rows(got, expected, f"typed/{setting}: rustparquet cat vs Spark's toJSON()")

    # Microseconds, which toJSON does not show: against unix_micros() of what Spark reads.
    micros = {r["id"]: (r["ts"], r["ntz"]) for r in written.selectExpr("id", "unix_micros(ts) AS ts", "unix_micros(cast(ntz AS timestamp)) AS ntz").collect()}
    for line in _cat(out, "--columns", "id,ts,ntz"):
        row = json.loads(line)
        ts, ntz = micros[row["id"]]
        assert _micros(row["ts"]) == ts, f"row {row['id']}: ts {row['ts']} is not {ts} µs"
        assert _micros(row["ntz"]) == ntz, f"row {row['id']}: ntz {row['ntz']} is not {ntz} µs"


def _micros(text):
    if text is None:
        return None
    m = _TS.match(text)
    year, mo, dd, hh, mi, ss, frac, _zone = m.groups()
    dt = datetime(int(year), int(mo), int(dd), int(hh), int(mi), int(ss), tzinfo=UTC)
    whole = (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1)
    return whole * 1_000_000 + int((frac or "0").ljust(9, "0")[:6])


def test_cat_projection_of_nested_columns(spark, typed, tmp_path, request):
    """`cat --columns` on Spark's file: the same values as Spark's own projection."""
    request.node.add_marker(pytest.mark.matrix(dataset="typed", query="(cat --columns)", direction="spark-cat"))
    out = tmp_path / "spark"
    typed.write.parquet(str(out))
    written = spark.read.parquet(str(out))
    projected = written.selectExpr(
        "id",
        "CASE WHEN st IS NULL THEN NULL ELSE named_struct('inner', "
        "CASE WHEN st.inner IS NULL THEN NULL ELSE named_struct('d', st.inner.d) END) END AS st",
        "m_st",
    )
    schema = projected.schema
    expected = [normalise(_parse(s), schema) for s in projected.toJSON().collect()]
    got = [normalise(_parse(s), schema) for s in _cat(out, "--columns", "id,st.inner.d,m_st")]
    assert_same_rows(got, expected, "typed: cat --columns id,st.inner.d,m_st vs Spark's projection")


def test_datasource_writes_the_typed_rows(spark, typed, tmp_path, request):
    """df.write.format("rustparquet") of the typed DataFrame: Spark reads back the rows of
    Spark's own Parquet write (same schema), and `rustparquet cat` of our file prints the same
    JSON as Spark's toJSON() of it."""
    request.node.add_marker(pytest.mark.matrix(dataset="typed", query="(all rows)", direction="datasource"))
    ours_path, spark_path = tmp_path / "ours", tmp_path / "spark"
    typed.write.format("rustparquet").option("batchRows", "2").save(str(ours_path))
    typed.write.parquet(str(spark_path))
    ours, theirs = spark.read.parquet(str(ours_path)), spark.read.parquet(str(spark_path))
    assert ours.schema == theirs.schema, f"{ours.schema.simpleString()}\n!= {theirs.schema.simpleString()}"
    assert_same_rows(collect_plain(ours), collect_plain(theirs), "typed/datasource: rows vs Spark's Parquet")
    schema = ours.schema
    expected = [normalise(_parse(s), schema) for s in ours.toJSON().collect()]
    got = [normalise(_parse(s), schema) for s in _cat(ours_path)]
    assert_same_rows(got, expected, "typed/datasource: rustparquet cat vs Spark's toJSON()")


def test_datasource_option_without_value_is_refused_by_name(spark, tmp_path):
    """option("schema", None) from Python reaches the source as a null value: refused with the
    option's name, not a bare NullPointerException."""
    docs = spark.createDataFrame([('{"id": 1}',)], "value string")
    write = docs.write.format("rustparquet").option("jsonColumn", "value").option("schema", None)
    if int(spark.version.split(".")[0]) >= 4:
        # Spark 4's writer leaves an option set to None out altogether: the write infers the
        # schema as if the option had not been given.
        write.save(str(tmp_path / "out"))
        assert [r.id for r in spark.read.parquet(str(tmp_path / "out")).collect()] == [1]
        return
    with pytest.raises(Exception) as error:
        write.save(str(tmp_path / "out"))
    message = str(error.value)
    assert "option `schema` has no value (null, or None from Python)" in message, message
    assert "NullPointerException" not in message, message
