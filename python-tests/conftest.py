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
