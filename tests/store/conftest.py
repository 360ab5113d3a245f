"""Helpers for store tests: a ready store, other processes that hold or crash in it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lanthanide.store.db import Store

IMPORTS = Path(__file__).parent.parent / "fixtures" / "imports"
GOOD = IMPORTS / "good_mcs2027.csv"

#: a second process that opens the store for writing and holds it until told to stop
HOLD_WRITER = """
import sys
from pathlib import Path
from lanthanide.store.db import Store
store = Store.open(Path(sys.argv[1]), read_only=False)
print("ready", flush=True)
sys.stdin.readline()
store.close()
"""

#: a process that is not lanthanide: a plain DuckDB read-write connection
HOLD_DUCKDB = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
con.close()
"""

#: a writer that commits an import and is killed before it closes the store (leaves the WAL)
CRASH_AFTER_IMPORT = """
import os, signal, sys
from pathlib import Path
from lanthanide.store.db import Store
store = Store.open(Path(sys.argv[1]), read_only=False)
store.import_table("production", Path(sys.argv[2]), sys.argv[3])
os.kill(os.getpid(), signal.SIGKILL)
"""


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter of this venv."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )


@contextmanager
def holding(code: str, path: Path) -> Iterator[int]:
    """Run `code` (HOLD_WRITER or HOLD_DUCKDB) in another process; yield its pid while it holds."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc.pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)
        proc.stdout.close()


def crash_after_import(path: Path, vintage: str) -> None:
    """Import GOOD as `vintage` in another process that is SIGKILLed right after the commit."""
    done = python(CRASH_AFTER_IMPORT, str(path), str(GOOD), vintage)
    assert done.returncode == -9, done.stderr


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A freshly initialised store file."""
    path = tmp_path / "store.duckdb"
    Store.init(path)
    return path


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes (to prove nothing changed), writer lock files aside."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix != ".lock"
    }


def read_vintages(path: Path) -> list[str]:
    """Imported vintages of the store at `path`."""
    with Store.open(path) as store:
        return list(store.imports()["vintage"])
