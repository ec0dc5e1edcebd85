import json
import os
import signal
import subprocess
import sys
import time

import pytest

import rustparquet
from conftest import bin_dir, write_ndjson


def test_rustparquet_command_is_installed(tmp_path, events):
    path, docs = events
    exe = bin_dir() / "rustparquet"
    assert exe.exists()
    v = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert v.returncode == 0 and v.stdout.strip() == f"rustparquet {rustparquet.__version__}"
    out = tmp_path / "c.parquet"
    r = subprocess.run([exe, "convert", path, "-o", out, "-q"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cat = subprocess.run([exe, "cat", out], capture_output=True, text=True)
    assert [json.loads(line)["id"] for line in cat.stdout.splitlines()] == [1, 2, 3]
    bad = subprocess.run([exe, "convert", path, "-o", out, "--threads", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "rustparquet: --threads" in bad.stderr


def test_python_dash_m(tmp_path, events):
    path, _ = events
    r = subprocess.run(
        [sys.executable, "-m", "rustparquet", "schema", "--format", "ddl", path],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == rustparquet.infer_schema(path).to_ddl()
    missing = subprocess.run([sys.executable, "-m", "rustparquet", "cat", tmp_path / "no.parquet"],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no.parquet" in missing.stderr


CONVERT_BIG = r"""
import sys, rustparquet
print("started", flush=True)
try:
    rustparquet.convert(sys.argv[1], sys.argv[2], threads=1)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_interrupts_a_long_convert_and_leaves_no_file(tmp_path):
    big = tmp_path / "big.ndjson"
    # ~300 MB of varied documents: seconds of work for one thread
    block = "".join(
        json.dumps({"id": i, "name": f"user{i}", "tags": ["a", "b", str(i)], "score": i * 0.5,
                    "nested": {"x": i, "y": [i, i + 1]}}) + "\n"
        for i in range(20000)
    ).encode()
    with open(big, "wb") as f:
        while f.tell() < 300 << 20:
            f.write(block)
    out = tmp_path / "big.parquet"
    p = subprocess.Popen([sys.executable, "-c", CONVERT_BIG, big, out],
                         stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.0)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    rest, _ = p.communicate(timeout=60)
    stopped_in = time.monotonic() - sent
    assert rest.strip() == "interrupted", rest
    assert p.returncode == 0
    assert stopped_in < 5, stopped_in
    assert sorted(os.listdir(tmp_path)) == ["big.ndjson"]
