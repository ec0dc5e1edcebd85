import json
import os
import signal
import subprocess
import sys

import pytest

import rustparquet
from conftest import bin_dir, interrupt_while_reading_stdin, write_ndjson


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


CONVERT_STDIN = r"""
import sys, rustparquet
print("started", flush=True)
try:
    rustparquet.convert("-", "out.parquet", threads=1)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_interrupts_a_convert_and_leaves_no_file(tmp_path):
    rest, code = interrupt_while_reading_stdin(CONVERT_STDIN, tmp_path)
    assert rest.strip() == "interrupted", rest
    assert code == 0
    # Neither the output nor the spilled copy of standard input is left behind.
    assert os.listdir(tmp_path) == []
