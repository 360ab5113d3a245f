"""`lanthanide data import parties FILE`: a CSL-shaped CSV is validated, stored and screened."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lanthanide.store.db import Store
from lanthanide.store.parties import read_csl
from tests.bom_builder import line, write_bom
from tests.conftest import Result

FIXTURES = Path(__file__).parent.parent / "fixtures" / "parties"
Cli = Callable[..., Result]


@pytest.fixture
def db(tmp_path: Path, cli: Cli) -> Path:
    path = tmp_path / "store.duckdb"
    assert cli("data", "init", "--db", str(path)).exit_code == 0
    return path


def rows_in(path: Path) -> int:
    store = Store.open(path)
    try:
        row = store.con.execute("select count(*) from parties").fetchone()
        return int(row[0]) if row else -1
    finally:
        store.close()


def test_csl_rows_are_read_with_alt_names_and_lines() -> None:
    frame = read_csl(FIXTURES / "csl_good.csv")
    assert list(frame["name"]) == [
        "Example Quantum Devices Co. Ltd.",
        "Example Blocked Trading LLC",
    ]
    assert list(frame["file_line"]) == [2, 3]
    assert frame["alt_names"].iloc[0] == "EQD; Example Quantum"


def test_every_problem_is_located_and_nothing_is_written(cli: Cli, db: Path) -> None:
    done = cli("data", "import", "parties", str(FIXTURES / "csl_bad.csv"), "--db", str(db))
    assert done.exit_code == 2
    name = str(FIXTURES / "csl_bad.csv")
    for expected in (
        f"{name}:2:6: name is empty",
        f"{name}:3:2: source 'Entity List' names no list code",
        f"{name}:3:10: start_date '25/03/2025' is not a date (YYYY-MM-DD)",
        f"{name}:4: expected 29 fields, found 28",
        f"{name}:5:1: _id 'el-2' repeats line 3",
    ):
        assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert rows_in(db) == 0


def test_unknown_column_is_reported_in_the_header(cli: Cli, db: Path) -> None:
    file = FIXTURES / "csl_unknown_column.csv"
    done = cli("data", "import", "parties", str(file), "--db", str(db))
    assert done.exit_code == 2
    assert f"{file}:1:4: unknown column 'country'" in done.stderr


def test_imported_entity_list_party_is_screened_with_its_policy(
    cli: Cli, db: Path, tmp_path: Path
) -> None:
    done = cli("data", "import", "parties", str(FIXTURES / "csl_good.csv"), "--db", str(db))
    assert done.exit_code == 0, done.stderr
    assert rows_in(db) == 2
    chip = line("C", item_type="chip", origin="US", value=100, ship_to="CN", eccn="3A090.a")
    chip["end_user"] = "EXAMPLE QUANTUM"  # an alt name, in capitals
    bom = write_bom(tmp_path / "chip.csv", [chip])
    out = cli("screen", str(bom), "--as-of", "2026-07-01", "--format", "json", "--db", str(db))
    assert out.exit_code == 0, out.stderr
    [product] = json.loads(out.stdout)["products"]
    [hit] = [f for f in product["findings"] if "party" in f]
    assert hit["measure"] == "US-CSL-EL" and hit["policy"] == "presumption_of_denial"
    assert hit["binding"] is True and hit["party"]["matched_form"] == "Example Quantum"
    listed = json.loads(out.stdout)["receipt"]["parameters"]["parties"]["lists"]
    assert listed["EL"] == 1 and listed["SDN"] == 1


def test_entity_list_entry_binds_from_its_start_date(cli: Cli, db: Path, tmp_path: Path) -> None:
    cli("data", "import", "parties", str(FIXTURES / "csl_good.csv"), "--db", str(db))
    chip = line("C", item_type="chip", origin="US", value=100, ship_to="CN")
    chip["end_user"] = "Example Quantum Devices Co., Ltd."
    bom = write_bom(tmp_path / "chip.csv", [chip])
    binding = {}
    for day in ("2025-03-24", "2025-03-25"):
        out = cli("screen", str(bom), "--as-of", day, "--format", "json", "--db", str(db))
        [product] = json.loads(out.stdout)["products"]
        [hit] = [f for f in product["findings"] if "party" in f]
        binding[day] = hit["binding"]
    assert binding == {"2025-03-24": False, "2025-03-25": True}


def test_sdn_party_is_prohibited_wherever_the_item_comes_from(
    cli: Cli, db: Path, tmp_path: Path
) -> None:
    cli("data", "import", "parties", str(FIXTURES / "csl_good.csv"), "--db", str(db))
    row = line("M", item_type="finished_good", origin="DE", value=100, ship_to="AE")
    row["importer"] = "Example Blocked Trading"
    bom = write_bom(tmp_path / "m.csv", [row])
    out = cli("screen", str(bom), "--as-of", "2026-07-01", "--format", "json", "--db", str(db))
    [product] = json.loads(out.stdout)["products"]
    assert product["determination"] == "prohibited"


def test_imports_survive_a_store_rebuild(cli: Cli, db: Path) -> None:
    cli("data", "import", "parties", str(FIXTURES / "csl_good.csv"), "--db", str(db))
    assert cli("data", "init", "--db", str(db)).exit_code == 0
    assert rows_in(db) == 2
