"""kill -9 during `data import` and `data init` at random points: the store always recovers.

Each case runs the real command in a subprocess, waits until it takes the writer lock (the store
work begins there), sleeps a random fraction of the time an uninterrupted run spends holding it,
and sends SIGKILL. Afterwards the store must open, pass `data verify --db`, hold every import
committed before, and hold either all of the interrupted import or none of it. Seeds are fixed, so
a failure replays; LANTHANIDE_FAULT_KILLS sets the number of kills per case (default 4). Run with
`-s` to see how many kills landed in each stage.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from lanthanide.store.connection import lock_path, wal_path
from lanthanide.store.db import Store
from tests.conftest import Result
from tests.store.conftest import GOOD

Cli = Callable[..., Result]
KILLS = int(os.environ.get("LANTHANIDE_FAULT_KILLS", "4"))
pytestmark = pytest.mark.slow


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lanthanide", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_lock(proc: subprocess.Popen[bytes], db: Path) -> float:
    """Block until the process has taken the writer lock (or ended); return that moment."""
    while not lock_path(db).exists() and proc.poll() is None:
        time.sleep(0.0005)
    return time.monotonic()


def held_for(db: Path, *args: str) -> float:
    """Seconds an uninterrupted run spends from taking the lock to exiting."""
    proc = start(*args, "--db", str(db))
    began = wait_for_lock(proc, db)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return time.monotonic() - began


def kill_after(db: Path, delay: float, *args: str) -> bool:
    """Run the command, SIGKILL it `delay` s after it takes the lock; True if the kill landed."""
    proc = start(*args, "--db", str(db))
    wait_for_lock(proc, db)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    # the command may finish between the poll and the signal: then it ended on its own, with 0
    assert proc.returncode in (-signal.SIGKILL, 0), err.decode()
    return proc.returncode == -signal.SIGKILL


def fresh_copy(source: Path, folder: Path) -> Path:
    """The store file alone (no lock file yet) in a new folder."""
    folder.mkdir()
    return Path(shutil.copy(source, folder / source.name))


def recovered(cli: Cli, db: Path) -> list[str]:
    """Check the store opens and verifies; return its imported vintages."""
    verified = cli("data", "verify", "--db", str(db))
    assert verified.exit_code == 0, verified.stderr
    with Store.open(db) as store:
        return list(store.imports()["vintage"])


@pytest.fixture
def base(tmp_path: Path, cli: Cli) -> Path:
    """A store with one committed import, `earlier`."""
    db = tmp_path / "base" / "store.duckdb"
    Store.init(db)
    done = cli("data", "import", "production", str(GOOD), "--vintage", "earlier", "--db", str(db))
    assert done.exit_code == 0, done.stderr
    return db


def report(case: str, stages: Counter[str]) -> None:
    print(
        f"\n{case}: {sum(stages.values())} runs: "
        + ", ".join(f"{k} {n}" for k, n in stages.items())
    )


def test_kill_during_import_leaves_all_or_none_of_it(cli: Cli, base: Path, tmp_path: Path) -> None:
    command = ("data", "import", "production", str(GOOD), "--vintage", "killed")
    window = held_for(fresh_copy(base, tmp_path / "timing"), *command)
    stages: Counter[str] = Counter()
    for seed in range(KILLS):
        db = fresh_copy(base, tmp_path / f"seed{seed}")
        killed = kill_after(db, random.Random(seed).uniform(0, window), *command)
        wal_left = wal_path(db).exists()
        found = recovered(cli, db)
        assert found in (["earlier"], ["earlier", "killed"]), found
        with Store.open(db) as store:
            rows = int((store.history("production")["_vintage"] == "killed").sum())
            editions = int((store.history("vintages")["_vintage"] == "killed").sum())
        assert (rows, editions) == ((3, 1) if "killed" in found else (0, 0))
        outcome = "all" if "killed" in found else "none"
        stages[
            f"{'killed' if killed else 'finished'}, {outcome}{', WAL replayed' if wal_left else ''}"
        ] += 1
        again = cli(
            "data", "import", "production", str(GOOD), "--vintage", "after", "--db", str(db)
        )
        assert again.exit_code == 0, again.stderr
    report("kill -9 during data import", stages)
    assert stages


def test_kill_during_init_over_a_store_keeps_its_imports(
    cli: Cli, base: Path, tmp_path: Path
) -> None:
    window = held_for(fresh_copy(base, tmp_path / "timing"), "data", "init")
    stages: Counter[str] = Counter()
    for seed in range(KILLS):
        db = fresh_copy(base, tmp_path / f"seed{seed}")
        killed = kill_after(db, random.Random(100 + seed).uniform(0, window), "data", "init")
        leftovers = sorted(p.name for p in db.parent.glob(f".{db.name}.init-*"))
        assert recovered(cli, db) == ["earlier"]
        with Store.open(db) as store:
            replaced = int((store.log()["action"] == "init").sum()) == 2
        state = "new store in place" if replaced else "old store kept"
        stages[
            f"{'killed' if killed else 'finished'}, {state}"
            f"{', temp file left' if leftovers else ''}"
        ] += 1
        assert cli("data", "init", "--db", str(db)).exit_code == 0
        assert sorted(p.name for p in db.parent.iterdir()) == [db.name, lock_path(db).name]
        assert recovered(cli, db) == ["earlier"]
    report("kill -9 during data init over a store with an import", stages)


def test_kill_during_a_first_init_leaves_no_store_or_a_whole_one(cli: Cli, tmp_path: Path) -> None:
    timing = tmp_path / "timing" / "store.duckdb"
    window = held_for(timing, "data", "init")
    stages: Counter[str] = Counter()
    for seed in range(KILLS):
        db = tmp_path / f"seed{seed}" / "store.duckdb"
        killed = kill_after(db, random.Random(200 + seed).uniform(0, window), "data", "init")
        if db.exists():
            assert recovered(cli, db) == []
            state = "whole store"
        else:
            assert not wal_path(db).exists()
            state = "no store"
        stages[f"{'killed' if killed else 'finished'}, {state}"] += 1
        assert cli("data", "init", "--db", str(db)).exit_code == 0
        assert recovered(cli, db) == []
    report("kill -9 during a first data init", stages)
