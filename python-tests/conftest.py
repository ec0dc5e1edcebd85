"""python-tests/: the `rustparquet` Python package, tested as installed (scripts/test installs
the wheel into a fresh venv and runs these from it; nothing is imported from the source tree)."""

import json
import os
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def installed_package_only():
    import rustparquet

    source_package = Path(__file__).resolve().parent.parent / "native" / "rustparquet-py" / "python"
    installed = Path(rustparquet.__file__).resolve()
    assert source_package not in installed.parents, f"rustparquet imported from the source tree: {installed}"
    assert installed.parent.parent.name == "site-packages", installed
    assert Path(sys.prefix).resolve() in installed.parents, (installed, sys.prefix)


def write_ndjson(path: Path, docs) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


@pytest.fixture
def events(tmp_path):
    docs = [
        {"id": 1, "user": {"name": "ada", "tags": ["a", "b"]}, "value": 1.5},
        {"id": 2, "user": {"name": "bob", "tags": []}, "value": "high"},
        {"id": 3, "user": None, "big": 2**70},
    ]
    return write_ndjson(tmp_path / "events.ndjson", docs), docs


def bin_dir() -> Path:
    """The venv's scripts directory, where pip put the `rustparquet` command."""
    return Path(sys.executable).parent


# The child's preamble: a SIGINT handler that says on stderr that Python has run it, then raises
# KeyboardInterrupt as the default handler would.
INTERRUPTIBLE_CHILD = r"""
import signal, sys
def _interrupted(*_):
    print("got-signal", file=sys.stderr, flush=True)
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, _interrupted)
"""


def interrupt_while_reading_stdin(script: str, cwd: Path):
    """Runs `script` (which reads JSON from "-" and prints "started" first) with a pipe as its
    standard input that holds some documents and stays open, so that the run cannot finish on
    its own; sends SIGINT, waits until the child's handler has run, and only then ends the input.
    The interrupt therefore always comes first, on an idle machine or a loaded one. Returns the
    child's remaining stdout and its exit code."""
    import signal
    import subprocess
    import time

    p = subprocess.Popen([sys.executable, "-c", INTERRUPTIBLE_CHILD + script], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        docs = "".join(json.dumps({"id": i, "tags": ["a", str(i)], "nested": {"x": i}}) + "\n"
                       for i in range(20000))
        p.stdin.write(docs)
        p.stdin.flush()
        assert p.stdout.readline().strip() == "started"
        p.send_signal(signal.SIGINT)
        assert p.stderr.readline().strip() == "got-signal"
        # The handler has run; the cancel flag is set right after it returns.
        time.sleep(0.5)
        p.stdin.close()
        rest = p.stdout.read()
        p.wait(timeout=120)
        return rest, p.returncode
    finally:
        if p.poll() is None:
            p.kill()
