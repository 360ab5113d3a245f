"""`lanthanide data import`: a valid file becomes a vintage that wins; a bad one changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lanthanide.store.db import Store
from tests.conftest import Result

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
Cli = Callable[..., Result]


@pytest.fixture
def db(tmp_path: Path, cli: Cli) -> Path:
    path = tmp_path / "store.duckdb"
    done = cli("data", "init", "--db", str(path))
    assert done.exit_code == 0, done.stderr
    return path


def snapshot(path: Path) -> dict[str, pd.DataFrame]:
    store = Store.open(path)
    try:
        return {t: store.frame(t) for t in store.tables()} | {"_imports": store.imports()}
    finally:
        store.close()


def test_valid_import_takes_precedence_and_is_logged(cli: Cli, db: Path) -> None:
    before = json.loads(
        cli(
            "chain", "--stage", "mining", "--year", "2025", "--format", "json", "--db", str(db)
        ).stdout
    )
    assert before["china_share"] == pytest.approx(0.6923, abs=1e-4)
    done = cli("data", "import", "production", str(FIXTURES / "good_mcs2027.csv"), "--db", str(db))
    assert done.exit_code == 0, done.stderr
    after = json.loads(
        cli(
            "chain", "--stage", "mining", "--year", "2025", "--format", "json", "--db", str(db)
        ).stdout
    )
    assert after["china_share"] == pytest.approx(300_000 / 400_000)
    assert after["shares"][0]["vintage"] == "good_mcs2027"
    assert after["receipt"]["parameters"]["imports"] == ["good_mcs2027"]
    listing = cli("data", "list", "--db", str(db))
    assert "good_mcs2027" in listing.stdout


def test_reinit_keeps_user_imports(cli: Cli, db: Path) -> None:
    cli("data", "import", "production", str(FIXTURES / "good_mcs2027.csv"), "--db", str(db))
    assert cli("data", "init", "--db", str(db)).exit_code == 0
    assert list(snapshot(db)["_imports"]["vintage"]) == ["good_mcs2027"]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad_number.csv", ["bad_number.csv:3:6: expected a number in 'value', found '3OO000'"]),
        (
            "unknown_country.csv",
            ["unknown_country.csv:3:3: unknown country code 'XQ' in 'country'"],
        ),
        ("missing_column.csv", ["missing_column.csv:1:value: missing column 'value'"]),
        (
            "duplicate_key.csv",
            ["duplicate_key.csv:4:1: duplicate key", "(first on line 2)"],
        ),
        (
            "several_problems.csv",
            [
                "several_problems.csv:2:6: expected a number in 'value', found '-'",
                "several_problems.csv:3:3: unknown country code 'ZZ'",
                "several_problems.csv:3:11: expected a number in 'data_year', found 'twenty'",
                "several_problems.csv:3:12: confidence must be H, M or L, found 'X'",
            ],
        ),
    ],
)
def test_malformed_import_exits_2_lists_every_problem_and_leaves_the_store_unchanged(
    cli: Cli, db: Path, fixture: str, expected: list[str]
) -> None:
    before = snapshot(db)
    result = cli("data", "import", "production", str(FIXTURES / fixture), "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    for message in expected:
        assert message in result.stderr
    problem_lines = [line for line in result.stderr.splitlines()[1:] if line.strip()]
    assert len(problem_lines) == sum(1 for m in expected if ".csv:" in m)
    after = snapshot(db)
    assert before.keys() == after.keys()
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table])


def test_import_without_a_store_file_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "data",
        "import",
        "production",
        str(FIXTURES / "good_mcs2027.csv"),
        "--db",
        str(tmp_path / "absent.duckdb"),
    )
    assert result.exit_code == 2
    assert "no store at" in result.stderr
    assert "lanthanide data init" in result.stderr
