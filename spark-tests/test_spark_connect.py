"""Spark Connect (Spark 4): writes through a local Connect server, from pyspark's Connect client.

`SparkSession.builder.remote("local[2]")` makes pyspark start a Connect server in a local JVM
(the server, `spark-connect_2.13`, ships in the pyspark 4 package) with the jar on `spark.jars`;
the client then talks gRPC to it. The typed path and the raw-JSON path write, Spark reads the
files back, and a bad option reaches the client with the native message. Runs in a child Python
process, because a Connect session and the classic sessions of the other modules cannot share
one process. Needs the Connect client's packages (pandas, grpcio, grpcio-status,
googleapis-common-protos, zstandard), which the pyspark wheel does not pull in: skipped without
them, and on Spark 3.5.
"""

import importlib.util
import json
import subprocess
import sys

import pytest

from spark_support import configure_spark_launch, find_jar, spark_line

CLIENT_MODULES = ("pandas", "grpc", "grpc_status", "google.rpc", "zstandard")


def _missing_client_modules():
    missing = []
    for name in CLIENT_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except ModuleNotFoundError:
            missing.append(name)
    return missing


pytestmark = [
    pytest.mark.skipif(spark_line() != "4", reason="Spark Connect with the Spark 4 jar (this run is Spark 3.5)"),
    pytest.mark.skipif(
        bool(_missing_client_modules()),
        reason=f"the Spark Connect client's packages are not installed ({', '.join(_missing_client_modules())})",
    ),
]

CHILD = r"""
import json, sys
from pyspark.sql import SparkSession

jar, out = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.remote("local[2]").config("spark.jars", jar).getOrCreate()
result = {"session": type(spark).__module__}
df = spark.range(5).selectExpr("id", "cast(id * 10 as string) as s", "array(id, id + 1) as a")
df.write.format("rustparquet").mode("overwrite").save(out + "/typed")
result["typed"] = [r.asDict() for r in spark.read.parquet(out + "/typed").orderBy("id").collect()]
raw = spark.createDataFrame([('{"a": 1, "b": [1, 2]}',), ('{"a": 2, "b": []}',)], "value string")
raw.write.format("rustparquet").option("jsonColumn", "value").mode("overwrite").save(out + "/raw")
result["raw"] = [r.asDict() for r in spark.read.parquet(out + "/raw").orderBy("a").collect()]
try:
    df.write.format("rustparquet").option("rowGroupSize", "big").mode("overwrite").save(out + "/bad")
    result["bad"] = None
except Exception as e:  # the server's exception, as the Connect client raises it
    result["bad"] = str(e)
spark.stop()
print("RESULT " + json.dumps(result))
"""


def test_a_write_through_a_local_connect_server(tmp_path):
    configure_spark_launch()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(find_jar()), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, f"the Connect run failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["session"] == "pyspark.sql.connect.session"
    assert result["typed"] == [{"id": i, "s": str(i * 10), "a": [i, i + 1]} for i in range(5)]
    assert result["raw"] == [{"a": 1, "b": [1, 2]}, {"a": 2, "b": []}]
    assert result["bad"] is not None, "rowGroupSize=big was accepted"
    assert "RustParquetException" in result["bad"], result["bad"]
    assert "option `rowGroupSize`: `big` is not a size" in result["bad"], result["bad"]
