#!/usr/bin/env python3
"""Run one Python-driven peer converter: NDJSON file -> snappy Parquet file, or back.

    peers.py TOOL INPUT OUTPUT [--threads N] [--structure-file FILE]

TOOL is one of: duckdb, pyarrow, polars, datafusion, chdb (NDJSON -> Parquet), or duckdb-cat,
polars-cat, pyarrow-cat (Parquet -> NDJSON, the read section). scripts/bench runs each call as its own
process under /usr/bin/time, so the interpreter start and the module import are part of the
measured time (a fraction of a second; the same for every Python peer).
"""

import argparse
import sys


def sql_str(s: str) -> str:
    """Quote a string as an SQL literal."""
    return "'" + s.replace("'", "''") + "'"


def run_duckdb(inp, out, threads, _structure):
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    # The standard corpora convert with the defaults; maximum_object_size (16 MB by default) is
    # raised anyway so that a corpus with larger documents does not fail on it.
    con.execute(
        f"COPY (SELECT * FROM read_json_auto({sql_str(inp)}, maximum_object_size=268435456)) "
        f"TO {sql_str(out)} (FORMAT PARQUET, COMPRESSION SNAPPY)"
    )


def run_pyarrow(inp, out, threads, _structure):
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    if threads:
        pa.set_cpu_count(int(threads))
        pa.set_io_thread_count(int(threads))
    table = pj.read_json(inp)
    pq.write_table(table, out, compression="snappy")


def run_polars(inp, out, threads, _structure):
    import polars as pl

    # Polars' defaults: schema inferred from the first 100 rows (infer_schema_length=100). On the
    # standard corpora that already finds every column and gets through; infer_schema_length=None
    # (all rows) is not needed and about doubles polars' time on activedata.
    pl.scan_ndjson(inp).sink_parquet(out, compression="snappy")


def run_datafusion(inp, out, threads, _structure):
    from datafusion import SessionConfig, SessionContext

    config = SessionConfig().with_target_partitions(int(threads or 2))
    ctx = SessionContext(config)
    # schema_infer_max_records: infer over all documents, not the first 1000.
    ctx.register_json("t", inp, schema_infer_max_records=1 << 62, file_extension=".ndjson")
    df = ctx.sql("SELECT * FROM t")
    df.write_parquet(out, compression="snappy")


def run_chdb(inp, out, threads, structure):
    import chdb

    src = f"file({sql_str(inp)}, JSONEachRow"
    if structure:
        src += f", {sql_str(structure)}"
    src += ")"
    settings = ["output_format_parquet_compression_method='snappy'"]
    if threads:
        settings.append(f"max_threads={int(threads)}")
    q = f"SELECT * FROM {src} INTO OUTFILE {sql_str(out)} TRUNCATE FORMAT Parquet SETTINGS {', '.join(settings)}"
    chdb.query(q)


def chdb_structure(inp):
    """ClickHouse's own inferred structure of INPUT over all rows (DESCRIBE), as a string."""
    import chdb

    q = (
        f"DESCRIBE file({sql_str(inp)}, JSONEachRow) "
        "SETTINGS input_format_max_rows_to_read_for_schema_inference=1000000000, "
        "input_format_max_bytes_to_read_for_schema_inference=100000000000"
    )
    res = chdb.query(q, "TabSeparated")
    cols = []
    for line in str(res).splitlines():
        if not line.strip():
            continue
        name, typ = line.split("\t")[:2]
        cols.append(f"`{name}` {typ}")
    return ", ".join(cols)


def run_spark(inp, out, threads, _structure):
    """Spark 3.5's own path: read.json (schema inferred over all rows; conflicting types become
    strings) -> write.parquet, in local[N]. The JVM start is part of the measured time; the
    conversion alone is printed to stderr."""
    import glob
    import os
    import time

    if not os.environ.get("JAVA_HOME"):
        homes = sorted(glob.glob("/usr/lib/jvm/*17*"))
        if homes:
            os.environ["JAVA_HOME"] = homes[0]
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(f"local[{int(threads or 2)}]")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    started = time.time()
    spark.read.json(inp).write.mode("overwrite").option("compression", "snappy").parquet(out)
    print(f"spark conversion in-process: {time.time() - started:.2f} s", file=sys.stderr)
    spark.stop()


# ---- Parquet -> NDJSON (the read section of scripts/bench) --------------------------------------

def run_duckdb_cat(inp, out, threads, _structure):
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    # FORMAT JSON writes newline-delimited JSON (one object per line) unless ARRAY true.
    con.execute(f"COPY (FROM {sql_str(inp)}) TO {sql_str(out)} (FORMAT JSON)")


def run_polars_cat(inp, out, threads, _structure):
    import polars as pl

    # The streaming route (scan_parquet -> sink_ndjson) where this polars has it, else eager.
    if hasattr(pl.LazyFrame, "sink_ndjson"):
        pl.scan_parquet(inp).sink_ndjson(out)
    else:
        pl.read_parquet(inp).write_ndjson(out)


def pyarrow_cat_route():
    """Which pyarrow route run_pyarrow_cat takes (pyarrow has no JSON writer of its own)."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        return "to_pylist + json.dumps"
    return "to_pandas + to_json(lines=True)"


def run_pyarrow_cat(inp, out, threads, _structure):
    import pyarrow as pa
    import pyarrow.parquet as pq

    if threads:
        pa.set_cpu_count(int(threads))
        pa.set_io_thread_count(int(threads))
    table = pq.read_table(inp)
    if pyarrow_cat_route().startswith("to_pandas"):
        # Column-wise to pandas (structs -> dicts, lists -> numpy arrays), then pandas' C JSON
        # writer, one record batch at a time so the pandas copy is one batch, not the whole file.
        with open(out, "w", encoding="utf-8") as f:
            for batch in table.to_batches(max_chunksize=16384):
                df = batch.to_pandas()
                text = df.to_json(orient="records", lines=True, date_format="iso",
                                  force_ascii=False, default_handler=str)
                f.write(text)
                if text and not text.endswith("\n"):
                    f.write("\n")
    else:
        import json

        with open(out, "w", encoding="utf-8") as f:
            for batch in table.to_batches(max_chunksize=16384):
                for row in batch.to_pylist():
                    f.write(json.dumps(row, ensure_ascii=False, default=str))
                    f.write("\n")


TOOLS = {
    "spark": run_spark,
    "duckdb-cat": run_duckdb_cat,
    "polars-cat": run_polars_cat,
    "pyarrow-cat": run_pyarrow_cat,
    "duckdb": run_duckdb,
    "pyarrow": run_pyarrow,
    "polars": run_polars,
    "datafusion": run_datafusion,
    "chdb": run_chdb,
}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tool", choices=sorted(TOOLS) + ["chdb-structure"])
    p.add_argument("input")
    p.add_argument("output", nargs="?")
    p.add_argument("--threads", type=int, default=0, help="0 = the tool's default")
    p.add_argument("--structure-file", help="chdb: file holding a ClickHouse structure string")
    a = p.parse_args(argv)
    if a.tool == "chdb-structure":
        print(chdb_structure(a.input))
        return 0
    if not a.output:
        p.error("OUTPUT is required")
    structure = None
    if a.structure_file:
        with open(a.structure_file, encoding="utf-8") as f:
            structure = f.read().strip()
    TOOLS[a.tool](a.input, a.output, a.threads, structure)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
