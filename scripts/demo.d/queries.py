"""Queries the demo's Parquet file with DuckDB and checks a few answers against the JSON."""

import json
import sys

import duckdb
import pyarrow.parquet as pq

parquet_path, json_path = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.sql(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet_path}')")
columns = con.sql("SELECT * FROM t LIMIT 0").columns


def show(title, sql):
    print(f"-- {title}\n   {sql}")
    for row in con.sql(sql).fetchall():
        print("  ", row)


show("documents", "SELECT count(*) FROM t")
md = pq.ParquetFile(parquet_path).metadata
print(f"-- file: {md.num_rows} rows, {md.num_row_groups} row groups, {md.num_columns} leaf columns")
if "result" in columns and "build" in columns:
    show(
        "failing subtests (arrays of objects inside objects, unnested)",
        "SELECT count(*), count(DISTINCT st.name) FROM t, unnest(t.result.subtests) AS u(st) WHERE st.status = 'FAIL'",
    )
    show(
        "documents per branch",
        "SELECT build.branch, count(*) AS n FROM t GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5",
    )
    show(
        "assertions three arrays deep",
        "SELECT count(*) FROM t, unnest(t.result.subtests) AS u(st), unnest(st.assertions) AS a(x)",
    )
    # The same count straight from the JSON, to show nothing was lost.
    fails = 0
    with open(json_path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            for st in ((doc.get("result") or {}).get("subtests") or []):
                fails += st.get("status") == "FAIL"
    got = con.sql("SELECT count(*) FROM t, unnest(t.result.subtests) AS u(st) WHERE st.status = 'FAIL'").fetchall()[0][0]
    print(f"-- check: {got} failing subtests in Parquet, {fails} in the JSON:", "same" if got == fails else "DIFFERENT")
    sys.exit(0 if got == fails else 1)
else:
    show("first row", "SELECT * FROM t LIMIT 1")
