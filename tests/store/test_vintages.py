"""Data management: export gives current rows only, list shows every vintage, remove undoes one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lanthanide.chain.precedence import PRODUCTION_KEY, basis_family
from lanthanide.store import log, vintages
from lanthanide.store.datasets import dataset_path, load_datapackage, read_table
from lanthanide.store.db import Store
from tests.conftest import Result
from tests.store.conftest import GOOD, files_in

Cli = Callable[..., Result]
PACKAGE = load_datapackage(dataset_path("reference"))


def export(cli: Cli, db: Path, table: str, *extra: str) -> pd.DataFrame:
    out = db.parent / f"{table}.csv"
    done = cli("data", "export", table, "--out", str(out), "--db", str(db), *extra)
    assert done.exit_code == 0, done.stderr
    return pd.read_csv(out, dtype={"period_start": str, "period_end": str, "hs_code": str})


def test_export_has_one_row_per_figure_the_newest_edition_with_the_import_on_top(
    cli: Cli, store_path: Path
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    rows = export(cli, store_path, "production")
    families = rows.assign(basis_family=rows["basis"].map(basis_family))
    assert not families.duplicated(PRODUCTION_KEY).any()
    shipped = read_table("production")
    keys = shipped.assign(basis_family=shipped["basis"].map(basis_family))
    assert len(rows) == len(keys.drop_duplicates(PRODUCTION_KEY))  # the import revises 3 figures
    china = rows.query(
        "stage == 'mining' and country == 'CN' and year == 2025 and metric == 'production_t'"
    )
    assert list(china["vintage"]) == ["good_mcs2027"]
    assert list(china["value"]) == [300_000]


def test_export_all_vintages_keeps_superseded_editions_with_their_vintage_and_rank(
    cli: Cli, store_path: Path
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    rows = export(cli, store_path, "production", "--all-vintages")
    assert len(rows) == len(read_table("production")) + 3
    assert rows.groupby("_vintage")["_rank"].unique().to_dict() == {
        "good_mcs2027": [1],
        "shipped": [0],
    }


def test_an_import_of_a_keyed_table_replaces_the_shipped_row_in_the_export(
    cli: Cli, store_path: Path
) -> None:
    fix = store_path.parent / "fix.csv"
    first = read_table("cn_magnet_exports").iloc[0]
    fix.write_text(
        "period_start,period_end,hs_code,tonnes,source_url,data_year,confidence,derivation\n"
        f"{first['period_start']},{first['period_end']},{first['hs_code']},1234,"
        "https://example.org/customs,2025,M,\n",
        encoding="utf-8",
    )
    assert (
        cli("data", "import", "cn_magnet_exports", str(fix), "--db", str(store_path)).exit_code == 0
    )
    rows = export(cli, store_path, "cn_magnet_exports")
    assert len(rows) == len(read_table("cn_magnet_exports"))
    assert not rows.duplicated(["period_start", "period_end"]).any()
    mine = rows[rows["period_start"] == first["period_start"]]
    assert list(mine["tonnes"]) == [1234]


def test_list_shows_each_edition_and_import_with_rows_file_sha256_and_date(
    cli: Cli, store_path: Path
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    with Store.open(store_path) as store:
        listed = store.vintages()
    production = listed[listed["table"] == "production"].set_index("vintage")
    shipped = read_table("production")
    editions = shipped["vintage"].value_counts()
    assert production.loc[editions.index, "rows"].to_dict() == editions.to_dict()
    assert set(production.loc[editions.index, "sha256"]) == {PACKAGE.resource("production").sha256}
    assert production.loc["MCS2025", "date"] == "2025-01"
    assert production.loc["good_mcs2027", "rows"] == 3
    assert production.loc["good_mcs2027", "current"] == 3
    assert production.loc["good_mcs2027", "sha256"] == vintages.sha256_file(GOOD)
    assert production.loc["good_mcs2027", "date"].startswith("20")
    assert (production["current"] <= production["rows"]).all()
    assert production.loc["MCS2024", "current"] < production.loc["MCS2024", "rows"]
    others = listed[listed["table"] == "elements"]
    assert others[["vintage", "rows", "sha256", "date"]].values.tolist() == [
        ["shipped", 27, PACKAGE.resource("elements").sha256, PACKAGE.retrieved]
    ]
    printed = cli("data", "list", "--db", str(store_path)).stdout
    assert "good_mcs2027" in printed
    assert "MCS2026" in printed


def snapshot(path: Path) -> dict[str, pd.DataFrame]:
    with Store.open(path) as store:
        return {t: store.history(t) for t in store.tables()} | {
            "_imports": store.imports(),
            "_content": store.con.execute("select * from _content order by all").df(),
        }


def test_remove_undoes_an_import_exactly_and_logs_it(cli: Cli, store_path: Path) -> None:
    before = snapshot(store_path)
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    done = cli("data", "remove", "good_mcs2027", "--db", str(store_path))
    assert done.exit_code == 0, done.stderr
    assert "removed vintage good_mcs2027 (3 rows)" in done.stdout
    after = snapshot(store_path)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], check_dtype=False)
    with Store.open(store_path) as store:
        log = store.log()
    assert list(log["action"]) == ["init", "import", "remove"]
    assert list(log["rows"])[1:] == [3, 3]
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0


@pytest.mark.parametrize(
    ("vintage", "message"),
    [
        ("shipped", "is part of the shipped dataset and cannot be removed"),
        ("MCS2025", "is part of the shipped dataset and cannot be removed"),
        ("never", "no imported vintage 'never' in the store (imported: good_mcs2027)"),
    ],
)
def test_remove_refuses_shipped_and_unknown_vintages_and_changes_nothing(
    cli: Cli, store_path: Path, vintage: str, message: str
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    before = snapshot(store_path)
    result = cli("data", "remove", vintage, "--db", str(store_path))
    assert result.exit_code == 2
    assert message in result.stderr
    after = snapshot(store_path)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table])


def test_a_remove_that_fails_midway_changes_nothing(
    cli: Cli, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("data", "import", "production", str(GOOD), "--db", str(store_path)).exit_code == 0
    before = files_in(store_path.parent)
    snap = snapshot(store_path)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(log, "write", failing)
    with Store.open(store_path, read_only=False) as store, pytest.raises(OSError):
        store.remove("good_mcs2027")
    after = snapshot(store_path)
    for table, frame in snap.items():
        pd.testing.assert_frame_equal(frame, after[table])
    assert sorted(files_in(store_path.parent)) == sorted(before)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("MCS2025", "is used by the shipped dataset"),
        ("shipped", "is used by the shipped dataset"),
        ("bad\nname", "must be 1-100 printable characters"),
    ],
)
def test_an_import_cannot_take_a_shipped_or_unprintable_name(
    cli: Cli, store_path: Path, name: str, message: str
) -> None:
    result = cli(
        "data", "import", "production", str(GOOD), "--vintage", name, "--db", str(store_path)
    )
    assert result.exit_code == 2
    assert message in result.stderr


PARTIES = Path(__file__).parent.parent / "fixtures" / "parties" / "csl_good.csv"


def test_an_imported_party_list_is_hashed_listed_kept_by_init_and_removable(
    cli: Cli, tmp_path: Path
) -> None:
    db = tmp_path / "it's a store" / "store.duckdb"
    assert cli("data", "init", "--db", str(db)).exit_code == 0
    done = cli("data", "import", "parties", str(PARTIES), "--vintage", "csl", "--db", str(db))
    assert done.exit_code == 0, done.stderr
    assert cli("data", "init", "--db", str(db)).exit_code == 0
    assert cli("data", "verify", "--db", str(db)).exit_code == 0
    with Store.open(db) as store:
        listed = store.vintages().set_index(["table", "vintage"])
        count = store.con.execute("select count(*) from parties").fetchone()
    assert count is not None
    assert listed.loc[("parties", "csl"), "rows"] == count[0] > 0
    assert listed.loc[("parties", "csl"), "sha256"] == vintages.sha256_file(PARTIES)
    shown = cli("chain", "--db", str(db))  # commands read a store holding a party list
    assert shown.exit_code == 0, shown.stderr
    removed = cli("data", "remove", "csl", "--db", str(db))
    assert removed.exit_code == 0, removed.stderr
    with Store.open(db) as store:
        assert store.con.execute("select count(*) from parties").fetchone() == (0,)
