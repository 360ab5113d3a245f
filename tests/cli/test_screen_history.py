"""`screen` with several BOMs and dates, `--record`, `screen history`, `diff` and `rescreen`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bom_builder import line, write_bom
from tests.conftest import Result

Cli = Callable[..., Result]
MOTOR = Path(__file__).parents[1] / "fixtures" / "boms" / "motor_small.csv"


@pytest.fixture
def magnets(tmp_path: Path) -> Path:
    """Two China-made magnets: one for MP Materials (listed 2026-06-22), one for another buyer."""
    rows = []
    for product, buyer in (("MAG-1", "MP Materials Corp."), ("MAG-2", "Acme Motors Inc.")):
        top = line("M", item_type="magnet_ndfeb", origin="CN", value=100, product=product)
        top.update(elements="Nd;Dy", ship_from="CN", ship_to="US", end_user=buyer)
        rows += [top, line("DY", "M", "ree_metal", "CN", 50, 0.1, product=product, elements="Dy")]
    return write_bom(tmp_path / "magnets.csv", rows)


@pytest.fixture
def store(cli: Cli, isolated_home: Path) -> Path:
    done = cli("data", "init")
    assert done.exit_code == 0, done.stderr
    return isolated_home / "lanthanide.duckdb"


def test_plain_screen_bom_still_works_without_a_subcommand(cli: Cli) -> None:
    done = cli("screen", str(MOTOR), "--as-of", "2026-06-01", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["products"][0]["product_id"] == "MOT-1"


def test_several_dates_give_each_determination_and_what_changed(cli: Cli, magnets: Path) -> None:
    done = cli(
        "screen", str(magnets), "--as-of", "2026-06-22", "--as-of", "2026-06-21", "--format", "json"
    )
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert [r["as_of"] for r in data["runs"]] == ["2026-06-21", "2026-06-22"]
    by_date = {
        r["as_of"]: {p["product_id"]: p["determination"] for p in r["screening"]["products"]}
        for r in data["runs"]
    }
    assert by_date["2026-06-21"] == {"MAG-1": "licence_required", "MAG-2": "licence_required"}
    assert by_date["2026-06-22"] == {"MAG-1": "prohibited", "MAG-2": "licence_required"}
    [step] = data["changes"]
    [change] = step["changes"]
    assert (change["product_id"], change["before"], change["after"]) == (
        "MAG-1",
        "licence_required",
        "prohibited",
    )
    [why] = change["findings"]
    assert why["key"].startswith("CN-MOFCOM-CONTROL-LIST/end_user/")
    assert "status=not_yet_issued" in why["before"] and "status=in_force" in why["after"]


def test_several_boms_in_one_command(cli: Cli, magnets: Path) -> None:
    done = cli("screen", str(MOTOR), str(magnets), "--as-of", "2026-07-01", "--format", "csv")
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("bom,as_of,product_id,")
    assert {row.split(",")[0] for row in lines[1:]} == {str(MOTOR), str(magnets)}


def test_lines_take_one_bom(cli: Cli, magnets: Path, tmp_path: Path) -> None:
    target = tmp_path / "lines.csv"
    done = cli("screen", str(MOTOR), str(magnets), "--lines", str(target))
    assert done.exit_code == 2 and "--lines" in done.stderr and not target.exists()


def test_html_takes_one_bom_on_one_date(cli: Cli, magnets: Path) -> None:
    done = cli(
        "screen", str(magnets), "--as-of", "2026-06-21", "--as-of", "2026-06-22", "--format", "html"
    )
    assert done.exit_code == 2 and "--format html" in done.stderr


def test_record_history_diff_and_rescreen_end_to_end(cli: Cli, magnets: Path, store: Path) -> None:
    first = cli("screen", str(magnets), "--as-of", "2026-06-21", "--record", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "recorded run 1" in first.stderr
    second = cli("screen", str(magnets), "--as-of", "2026-06-22", "--record")
    assert second.exit_code == 0, second.stderr

    runs = json.loads(cli("screen", "history", "--format", "json").stdout)["runs"]
    assert [(r["run_id"], r["as_of"], r["command"]) for r in runs] == [
        (1, "2026-06-21", "screen"),
        (2, "2026-06-22", "screen"),
    ]
    assert runs[0]["bom_sha256"] == runs[1]["bom_sha256"]
    assert runs[1]["determinations"] == "licence_required 1, prohibited 1"

    diffed = json.loads(cli("screen", "diff", "1", "2", "--format", "json").stdout)
    assert diffed["inputs"] == ["as_of: 2026-06-21 -> 2026-06-22"]
    assert [(c["product_id"], c["before"], c["after"]) for c in diffed["changes"]] == [
        ("MAG-1", "licence_required", "prohibited")
    ]
    table = cli("screen", "diff", "1", "2").stdout
    assert "MAG-1: licence_required -> prohibited" in table

    magnets.unlink()  # a rescreen needs only what the store kept
    again = cli("screen", "rescreen", "--as-of", "2026-06-21", "--record", "--format", "json")
    assert again.exit_code == 0, again.stderr
    [repeat] = json.loads(again.stdout)["rescreens"]
    assert (repeat["run_id"], repeat["new_run_id"], repeat["as_of"]) == (2, 3, "2026-06-21")
    assert repeat["inputs"] == ["as_of: 2026-06-22 -> 2026-06-21"]
    assert [(c["product_id"], c["after"]) for c in repeat["changes"]] == [
        ("MAG-1", "licence_required")
    ]
    assert cli("screen", "diff", "1", "3").stdout.startswith("run 1 -> run 3: 0 product(s)")


def test_runs_survive_a_store_rebuild(cli: Cli, magnets: Path, store: Path) -> None:
    cli("screen", str(magnets), "--as-of", "2026-06-22", "--record")
    assert cli("data", "init").exit_code == 0
    runs = json.loads(cli("screen", "history", "--format", "json").stdout)["runs"]
    assert len(runs) == 1


def test_a_failed_bom_records_nothing(cli: Cli, magnets: Path, store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product_id,line_id\nP,\n", encoding="utf-8")
    done = cli("screen", str(magnets), str(bad), "--as-of", "2026-06-22", "--record")
    assert done.exit_code == 2
    assert "no recorded runs" in cli("screen", "history").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("screen", "diff", "1", "2"),
        ("screen", "history"),
        ("screen", "rescreen", "--as-of", "2026-01-01"),
    ],
)
def test_history_commands_without_a_store_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    done = cli(*args)
    assert done.exit_code == 2 and done.stderr.startswith("error: no store")


def test_diff_of_an_unknown_run_exits_2(cli: Cli, magnets: Path, store: Path) -> None:
    cli("screen", str(magnets), "--as-of", "2026-06-22", "--record")
    done = cli("screen", "diff", "1", "7")
    assert done.exit_code == 2
    assert "no recorded run 7 (the store holds runs 1-1)" in done.stderr


def test_record_without_a_store_exits_2_and_prints_nothing(cli: Cli, magnets: Path) -> None:
    done = cli("screen", str(magnets), "--record")
    assert done.exit_code == 2 and done.stdout == ""
