"""`data init`: atomic, never replaces committed data it cannot read, handles the WAL with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from lanthanide.errors import ConfigError
from lanthanide.store import build
from lanthanide.store.connection import wal_path
from lanthanide.store.db import Store
from tests.conftest import Result
from tests.store.conftest import GOOD, crash_after_import, files_in, read_vintages

Cli = Callable[..., Result]


def test_init_after_a_crashed_writer_keeps_the_committed_import_and_leaves_no_wal(
    cli: Cli, store_path: Path
) -> None:
    crash_after_import(store_path, "crashed")
    assert wal_path(store_path).is_file()  # the commit lives only in the WAL
    done = cli("data", "init", "--db", str(store_path))
    assert done.exit_code == 0, done.stderr
    assert "kept 1 import(s)" in done.stdout
    assert not wal_path(store_path).exists()
    assert read_vintages(store_path) == ["crashed"]
    assert cli("data", "verify", "--db", str(store_path)).exit_code == 0


def test_commands_replay_the_wal_of_a_crashed_writer(cli: Cli, store_path: Path) -> None:
    crash_after_import(store_path, "crashed")
    shown = cli(
        "chain", "--stage", "mining", "--year", "2025", "--format", "json", "--db", str(store_path)
    )
    assert shown.exit_code == 0, shown.stderr
    assert '"crashed"' in shown.stdout
    assert read_vintages(store_path) == ["crashed"]


def _foreign_wal(store_path: Path) -> None:
    """Give the store a WAL written for another file (as the old init left after a crash)."""
    other = store_path.with_name("other.duckdb")
    Store.init(other)
    crash_after_import(other, "elsewhere")
    wal_path(other).replace(wal_path(store_path))
    other.unlink()


def test_a_foreign_wal_is_refused_with_a_clear_message_and_nothing_changes(
    cli: Cli, store_path: Path
) -> None:
    _foreign_wal(store_path)
    before = files_in(store_path.parent)
    for command in (("chain",), ("data", "list"), ("data", "init")):
        result = cli(*command, "--db", str(store_path))
        assert result.exit_code == 4, command
        assert f"its write-ahead log {store_path.name}.wal cannot be replayed" in result.stderr
        assert "--force" in result.stderr
        assert result.stderr.count("\n") == 1
        assert files_in(store_path.parent) == before


def test_init_force_keeps_the_old_files_and_carries_what_the_main_file_holds(
    cli: Cli, store_path: Path
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    _foreign_wal(store_path)
    old_main, old_wal = store_path.read_bytes(), wal_path(store_path).read_bytes()
    done = cli("data", "init", "--db", str(store_path), "--force")
    assert done.exit_code == 0, done.stderr
    assert "kept 1 import(s)" in done.stdout
    backup = next(store_path.parent.glob(f"{store_path.name}.replaced-*[0-9Z]"))
    assert backup.read_bytes() == old_main
    assert wal_path(backup).read_bytes() == old_wal
    assert not wal_path(store_path).exists()
    assert read_vintages(store_path) == ["good_mcs2027"]


@pytest.mark.parametrize("kind", ["text", "duckdb"])
def test_init_refuses_to_replace_a_file_that_is_not_a_lanthanide_store(
    cli: Cli, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "precious.duckdb"
    if kind == "text":
        path.write_text("someone's notes\n", encoding="utf-8")
    else:
        con = duckdb.connect(str(path))
        con.execute("create table mine as select 42 as answer")
        con.close()
    before = files_in(tmp_path)
    refused = cli("data", "init", "--db", str(path))
    assert refused.exit_code == 2
    assert "replaces it only with --force" in refused.stderr
    assert files_in(tmp_path) == before
    forced = cli("data", "init", "--db", str(path), "--force")
    assert forced.exit_code == 0, forced.stderr
    backup = next(tmp_path.glob("precious.duckdb.replaced-*"))
    assert backup.read_bytes() == before["precious.duckdb"]
    assert cli("data", "verify", "--db", str(path)).exit_code == 0


def test_init_leaves_only_the_store_and_its_lock_and_clears_a_crashed_inits_temp_file(
    store_path: Path,
) -> None:
    leftover = store_path.with_name(f".{store_path.name}.init-0123abcd.tmp")
    leftover.write_bytes(b"half a database")
    wal_path(leftover).write_bytes(b"half a log")
    Store.init(store_path)
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        "store.duckdb",
        "store.duckdb.lock",
    ]


def test_a_failure_while_building_leaves_the_old_store_byte_for_byte(
    cli: Cli, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    before = files_in(store_path.parent)

    def broken(con: duckdb.DuckDBPyConnection, old: Path) -> list[str]:
        con.execute("create table half_done (x integer)")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "_carry", broken)
    with pytest.raises(ConfigError, match=r"could not build the store .*No space left.*unchanged"):
        Store.init(store_path)
    assert files_in(store_path.parent) == before


def test_init_records_itself_in_the_store_log(store_path: Path) -> None:
    Store.init(store_path)
    with Store.open(store_path) as store:
        log = store.log()
    assert list(log["action"]) == ["init", "init"]
    assert list(log["detail"]) == ["carried 0 import(s)", "carried 0 import(s)"]


def test_init_of_a_folder_or_an_unwritable_place_is_one_clear_line(
    cli: Cli, tmp_path: Path
) -> None:
    folder = cli("data", "init", "--db", str(tmp_path))
    assert folder.exit_code == 2
    assert folder.stderr == (
        f"error: {tmp_path} is a folder; name the store file, e.g. {tmp_path / 'store.duckdb'}\n"
    )
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    denied = cli("data", "init", "--db", str(blocked / "store.duckdb"))
    assert denied.exit_code == 2
    assert denied.stderr == (
        f"error: {blocked / 'store.duckdb'}: cannot write beside the store (File exists)\n"
    )
