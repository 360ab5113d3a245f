"""Rows edited inside a store are caught: `data verify --db` names the table, commands refuse."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from lanthanide.store import content
from tests.conftest import Result
from tests.store.conftest import GOOD, read_vintages

Cli = Callable[..., Result]


def edit(path: Path, sql: str) -> None:
    """Change the store behind lanthanide's back, as a user with a DuckDB shell could."""
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def china_mining_share(cli: Cli, db: Path) -> Result:
    return cli("chain", "--stage", "mining", "--year", "2025", "--format", "json", "--db", str(db))


ZERO_CHINA = "update production set value = 0 where country = 'CN' and _vintage = 'shipped'"


def test_edited_shipped_rows_are_named_by_verify_and_refused_by_commands(
    cli: Cli, store_path: Path
) -> None:
    edit(store_path, ZERO_CHINA)
    verified = cli("data", "verify", "--db", str(store_path))
    assert verified.exit_code == 4
    assert "  differs: production (shipped): 179 row(s) with sha256" in verified.stdout
    assert "differs: elements" not in verified.stdout
    refused = china_mining_share(cli, store_path)
    assert refused.exit_code == 4
    assert refused.stdout == ""
    assert (
        "rows differ from the content hash recorded when they were loaded in production "
        "(shipped)" in refused.stderr
    )
    assert "data init --db" in refused.stderr


def test_init_restores_edited_shipped_rows_and_keeps_imports(cli: Cli, store_path: Path) -> None:
    pristine = json.loads(china_mining_share(cli, store_path).stdout)["china_share"]
    assert (
        cli(
            "data",
            "import",
            "cn_magnet_exports",
            str(_exports(store_path.parent)),
            "--db",
            str(store_path),
        ).exit_code
        == 0
    )
    edit(store_path, ZERO_CHINA)
    assert cli("data", "init", "--db", str(store_path)).exit_code == 0
    assert cli("data", "verify", "--db", str(store_path)).exit_code == 0
    again = json.loads(china_mining_share(cli, store_path).stdout)
    assert again["china_share"] == pristine > 0.5
    assert read_vintages(store_path) == ["exports_fix"]


def _exports(folder: Path) -> Path:
    path = folder / "exports_fix.csv"
    path.write_text(
        "period_start,period_end,hs_code,tonnes,source_url,data_year,confidence,derivation\n"
        "2025-12,2025-12,8505.11,6000,https://example.org/customs,2025,M,\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("delete from stages where stage = 'mining'", "stages (shipped): 8 row(s)"),
        (
            "update facilities set _rank = 5 where _rank = 0",
            "facilities (shipped): 29 row(s) with sha256",
        ),
        (
            "insert into elements select * replace ('sneaked' as _vintage) from elements limit 1",
            "elements (sneaked): 1 row(s) that no load or import recorded",
        ),
        ("update elements set _vintage = 'x'", "elements (x): 27 row(s) that no load or"),
    ],
)
def test_verify_catches_deleted_re_ranked_and_smuggled_rows(
    cli: Cli, store_path: Path, sql: str, named: str
) -> None:
    edit(store_path, sql)
    verified = cli("data", "verify", "--db", str(store_path))
    assert verified.exit_code == 4
    assert named in verified.stdout


def test_an_edited_import_is_named_and_can_be_removed(cli: Cli, store_path: Path) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    edit(store_path, "update production set value = 1 where _vintage = 'good_mcs2027'")
    verified = cli("data", "verify", "--db", str(store_path))
    assert verified.exit_code == 4
    assert "differs: production (good_mcs2027)" in verified.stdout
    assert "data remove VINTAGE" in verified.stderr
    assert cli("data", "remove", "good_mcs2027", "--db", str(store_path)).exit_code == 0
    assert cli("data", "verify", "--db", str(store_path)).exit_code == 0


def test_rows_edited_together_with_their_recorded_hash_fail_verify_against_the_installed_data(
    cli: Cli, store_path: Path
) -> None:
    edit(store_path, ZERO_CHINA)
    con = duckdb.connect(str(store_path))
    forged = content.digest(con, "production", "shipped")
    con.execute(
        "update _content set sha256 = ? where table_name = 'production' and vintage = 'shipped'",
        [forged.sha256],
    )
    con.close()
    verified = cli("data", "verify", "--db", str(store_path))
    assert verified.exit_code == 4
    assert "differs: production (shipped): recorded hash is not the installed dataset's" in (
        verified.stdout
    )


def test_the_content_hash_does_not_depend_on_the_order_rows_were_stored() -> None:
    con = duckdb.connect(":memory:")
    con.execute("create table a (k varchar, v double, _vintage varchar, _rank integer)")
    con.execute("create table b as select * from a")
    rows = [("x", 1.5, "shipped", 0), ("y", None, "shipped", 0), ("z", -0.0, "shipped", 0)]
    con.executemany("insert into a values (?, ?, ?, ?)", rows)
    con.executemany("insert into b values (?, ?, ?, ?)", rows[::-1])
    assert content.digest(con, "a", "shipped") == content.digest(con, "b", "shipped")
    con.execute("update b set v = 1.5000001 where k = 'x'")
    assert content.digest(con, "a", "shipped") != content.digest(con, "b", "shipped")
