"""Shared fixtures of the compatibility suites: where the rustparquet binary and the shared
test data are, and helpers to convert JSON with the CLI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def shared_dir() -> Path:
    """The read-only shared folder: $RUSTPARQUET_SHARED, else ../shared beside the repo."""
    return Path(os.environ.get("RUSTPARQUET_SHARED", ROOT.parent / "shared"))


def rustparquet_bin() -> Path:
    return Path(os.environ.get("RUSTPARQUET_BIN", ROOT / "target" / "release" / "rustparquet"))


def run_rustparquet(*args, check=True, stdin=None):
    """Runs the CLI; returns the CompletedProcess (stdout/stderr as text)."""
    proc = subprocess.run(
        [str(rustparquet_bin()), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=stdin is None or isinstance(stdin, str),
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"rustparquet {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def generate_corpus(profile: str, docs: int, out: Path) -> Path:
    gen = shared_dir() / "bench" / "gen_corpus.py"
    if not gen.exists():
        pytest.skip(f"{gen} not found (set RUSTPARQUET_SHARED)")
    subprocess.run([sys.executable, str(gen), "--profile", profile, "--docs", str(docs), "-o", str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def corpora(tmp_path_factory):
    """Small generated corpora, made once per session."""
    d = tmp_path_factory.mktemp("corpora")
    return {
        "activedata": generate_corpus("activedata", 1500, d / "activedata.ndjson"),
        "wide": generate_corpus("wide", 1500, d / "wide.ndjson"),
    }
