"""Opening the store: a second writer is told the store is busy and by whom; odd paths work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lanthanide.store.db import Store
from tests.conftest import Result
from tests.store.conftest import GOOD, HOLD_DUCKDB, HOLD_WRITER, files_in, holding

Cli = Callable[..., Result]


@pytest.mark.parametrize(
    "command",
    [
        ("data", "import", "production", str(GOOD)),
        ("data", "init"),
        ("data", "remove", "anything"),
    ],
)
def test_a_second_writer_is_told_the_store_is_busy_and_by_which_process(
    cli: Cli, store_path: Path, command: tuple[str, ...]
) -> None:
    with holding(HOLD_WRITER, store_path) as pid:
        before = files_in(store_path.parent)
        result = cli(*command, "--db", str(store_path))
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: the store {store_path} is busy (held by process {pid}); "
            "try again when it has finished\n"
        )
        assert files_in(store_path.parent) == before


def test_a_reader_during_a_write_is_told_the_store_is_busy(cli: Cli, store_path: Path) -> None:
    with holding(HOLD_WRITER, store_path) as pid:
        result = cli("chain", "--db", str(store_path))
    assert result.exit_code == 2
    assert f"is busy (held by process {pid})" in result.stderr


def test_a_store_held_by_another_duckdb_program_is_busy_not_foreign(
    cli: Cli, store_path: Path
) -> None:
    with holding(HOLD_DUCKDB, store_path) as pid:
        result = cli("data", "import", "production", str(GOOD), "--db", str(store_path))
    assert result.exit_code == 2
    assert f"is busy (held by process {pid})" in result.stderr
    assert "not a lanthanide store" not in result.stderr


def test_the_store_works_again_once_the_other_writer_is_gone(cli: Cli, store_path: Path) -> None:
    with holding(HOLD_WRITER, store_path):
        pass
    done = cli("data", "import", "production", str(GOOD), "--db", str(store_path))
    assert done.exit_code == 0, done.stderr


@pytest.mark.parametrize(
    "folder", ["it's", "two words", "ünïcødé 稀土", 'it\'s a "quoted" ünï path']
)
def test_every_data_command_works_with_quotes_spaces_and_unicode_in_the_path(
    cli: Cli, tmp_path: Path, folder: str
) -> None:
    db = str(tmp_path / folder / "store's file.duckdb")
    assert cli("data", "init", "--db", db).exit_code == 0
    assert cli("data", "import", "production", str(GOOD), "--db", db).exit_code == 0
    again = cli("data", "init", "--db", db)  # carries the import over from the old file
    assert again.exit_code == 0, again.stderr
    assert "kept 1 import(s)" in again.stdout
    verified = cli("data", "verify", "--db", db)
    assert verified.exit_code == 0, verified.stderr
    assert "good_mcs2027" in cli("data", "list", "--db", db).stdout
    out = tmp_path / folder / "export's.csv"
    assert cli("data", "export", "production", "--out", str(out), "--db", db).exit_code == 0
    assert (pd.read_csv(out)["vintage"] == "good_mcs2027").sum() == 3
    removed = cli("data", "remove", "good_mcs2027", "--db", db)
    assert removed.exit_code == 0, removed.stderr


def test_a_db_name_duckdb_would_read_as_in_memory_is_a_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("data", "init", "--db", ":memory:").exit_code == 0
    assert (tmp_path / ":memory:").is_file()
    assert cli("data", "import", "production", str(GOOD), "--db", ":memory:").exit_code == 0
    with Store.open(Path(":memory:")) as store:
        assert list(store.imports()["vintage"]) == ["good_mcs2027"]


def test_a_file_that_is_not_a_store_is_named_as_such(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n", encoding="utf-8")
    result = cli("chain", "--db", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: not a lanthanide store")
