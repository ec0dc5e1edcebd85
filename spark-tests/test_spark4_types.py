"""Types Spark 4 adds, written with df.write.format("rustparquet") on Spark 4 (skipped on 3.5).

* collated strings (`STRING COLLATE UTF8_LCASE`, also inside structs, arrays and maps) are
  strings in the file; Spark reads back the same rows and the same schema, collation included,
  as from its own Parquet writer;
* VARIANT is written (test_spark_variant.py);
* TIME (Spark 4.1+) is refused before any task runs (pyspark 4.3.0 refuses it itself,
  `UNSUPPORTED_TIME_TYPE`, before asking the source).
"""

import pytest

from spark_support import assert_same_rows, collect_plain, spark_line, start_spark

pytestmark = pytest.mark.skipif(spark_line() != "4", reason="Spark 4 types (this run is Spark 3.5)")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    return start_spark("rustparquet-spark4-types", tmp_path_factory.mktemp("warehouse"))


def test_collated_strings_read_back_with_their_collation(spark, tmp_path):
    df = spark.sql(
        """
        SELECT id,
               CAST(s AS STRING COLLATE UTF8_LCASE) AS lcase,
               CAST(s AS STRING COLLATE UNICODE_CI) AS unicode_ci,
               named_struct('inner', CAST(s AS STRING COLLATE UTF8_LCASE)) AS st,
               array(CAST(s AS STRING COLLATE UTF8_LCASE), NULL) AS arr,
               map('k', CAST(s AS STRING COLLATE UTF8_LCASE)) AS m
        FROM VALUES (1, 'Abc'), (2, 'ÄÖü straße'), (3, ''), (4, NULL) AS t(id, s)
        """
    )
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    df.write.format("rustparquet").save(str(ours))
    df.write.parquet(str(theirs))
    got, spark_own = spark.read.parquet(str(ours)), spark.read.parquet(str(theirs))
    # (Spark reads every Parquet column back as nullable: compared with Spark's own file, not df)
    assert got.schema == spark_own.schema, f"{got.schema.simpleString()} != {spark_own.schema.simpleString()}"
    assert got.schema.simpleString() == df.schema.simpleString()
    assert "collate UTF8_LCASE" in got.schema["lcase"].dataType.simpleString().replace("COLLATE", "collate")
    assert_same_rows(collect_plain(got), collect_plain(df), "collated strings read back")
    # The collation is in force on what was read: UTF8_LCASE compares case-insensitively.
    assert got.filter("lcase = 'ABC'").count() == 1


def test_time_is_refused_naming_the_column(spark, tmp_path):
    try:
        df = spark.sql("SELECT 1 AS id, TIME'12:34:56.123456' AS t")
        df.schema
    except Exception as e:  # noqa: BLE001 - this Spark has no TIME type
        pytest.skip(f"this Spark has no TIME type: {str(e).splitlines()[0][:200]}")
    with pytest.raises(Exception) as e:
        df.write.format("rustparquet").save(str(tmp_path / "t"))
    message = str(e.value)
    assert ("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE" in message and "`t`" in message) or (
        "UNSUPPORTED_TIME_TYPE" in message
    ), message
    assert "TIME" in message, message
