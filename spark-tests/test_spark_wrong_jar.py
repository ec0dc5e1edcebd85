"""The jar of the other Spark line on this Spark: Spark's own sources keep working, and
`format("rustparquet")` fails with rustparquet's one message naming the jar to use.

Spark instantiates every registered data source whenever any source is looked up, so a jar whose
registered class cannot load on the running Spark broke `read.parquet`, `write.json` and every
other source of the session (pyspark 4.3.0 with the Spark 3.5 jar: `NoClassDefFoundError:
scala/Serializable`). Runs in a child Python: this process's JVM already holds the right jar.
"""

import json
import os
import subprocess
import sys
import textwrap

from spark_support import JAR_PREFIX, configure_spark_launch, find_jar, spark_line

CHILD = textwrap.dedent(
    """
    import json, sys, tempfile
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    d = tempfile.mkdtemp()
    out = {"spark": spark.version}
    df = spark.range(3).selectExpr("id", "cast(id as string) s")
    df.write.json(d + "/j")
    out["json"] = sorted(r.id for r in spark.read.json(d + "/j").collect())
    df.write.parquet(d + "/p")
    out["parquet"] = sorted(r.id for r in spark.read.parquet(d + "/p").collect())
    out["text"] = spark.read.text(d + "/j").count()
    for what, action in [
        ("write", lambda: df.write.format("rustparquet").save(d + "/r")),
        ("read", lambda: spark.read.format("rustparquet").load(d + "/p").collect()),
    ]:
        try:
            action()
            out[what] = "no error"
        except Exception as e:  # noqa: BLE001 - the message is what is checked
            out[what] = str(e)
    # Spark's own sources still work after rustparquet refused.
    out["parquet_after"] = spark.read.parquet(d + "/p").count()
    print("RESULT " + json.dumps(out))
    """
)


def test_other_lines_jar_fails_clearly_and_spark_sources_keep_working(tmp_path):
    line = spark_line()
    other = "4" if line == "3.5" else "3.5"
    jar = find_jar(other)
    configure_spark_launch()  # the Java for this line; the jar is replaced below
    env = dict(os.environ)
    env["PYSPARK_SUBMIT_ARGS"] = f"--jars {jar} --driver-memory 1g pyspark-shell"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900
    )
    results = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and results, f"child exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    out = json.loads(results[-1][len("RESULT ") :])
    assert out["spark"].startswith(line + "."), out
    assert out["json"] == [0, 1, 2] and out["parquet"] == [0, 1, 2] and out["text"] == 3, out
    assert out["parquet_after"] == 3, out
    this_scala = "2.12" if line == "3.5" else "2.13"
    expected = (
        f"rustparquet: this jar ({JAR_PREFIX[other].rstrip('-')}) is built for Spark {other}.x on Scala "
        f"{'2.12' if other == '3.5' else '2.13'}, but this session runs Spark {out['spark']} on Scala {this_scala}"
    )
    for what in ("write", "read"):
        assert expected in out[what], f"{what}: {out[what][:2000]}"
        assert "rustparquet-spark-3.5_2.12 for Spark 3.5 (Scala 2.12)" in out[what]
        assert "rustparquet-spark-4_2.13 for Spark 4.x (Scala 2.13)" in out[what]
