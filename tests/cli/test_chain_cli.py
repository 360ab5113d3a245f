"""`lanthanide chain` output contracts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


def test_stage_json_contract_for_mining_2025(cli: Cli) -> None:
    result = cli("chain", "--stage", "mining", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert {"stage", "year", "hhi", "top3_share", "shares", "receipt"} <= body.keys()
    assert (body["stage"], body["year"]) == ("mining", 2025)
    china = next(s for s in body["shares"] if s["country"] == "CN")
    assert round(china["share"], 2) == 0.69
    assert (
        china["source_url"] == "https://pubs.usgs.gov/periodicals/mcs2026/mcs2026-rare-earths.pdf"
    )
    countries = [s["country"] for s in body["shares"]]
    assert countries[-1] == "other"
    assert all(len(c) == 2 and c.isupper() for c in countries[:-1])
    assert sum(s["share"] for s in body["shares"]) == pytest.approx(1.0, abs=1e-5)
    assert body["receipt"]["datasets"] == {
        "reference@2026.11": body["receipt"]["datasets"]["reference@2026.11"]
    }
    assert body["receipt"]["version"] == "0.1.0"


def test_full_report_table_names_stages_chokepoints_and_reliance(cli: Cli) -> None:
    result = cli("chain", "--year", "2025")
    assert result.exit_code == 0, result.stderr
    for text in ("Concentration by stage", "separation", "Chokepoint per element", "Dy", "67%"):
        assert text in result.stdout


def test_element_filter_keeps_only_its_materials(cli: Cli) -> None:
    body = json.loads(cli("chain", "--element", "Dy", "--format", "json").stdout)
    assert {s["material"] for s in body["stages"]} <= {"REO", "HREE", "NdFeB", "Dy_oxide"}
    assert [c["element"] for c in body["chokepoints"]] == ["Dy"]
    assert body["chokepoints"][0]["stage"] == "separation"


def test_csv_has_one_row_per_stage_and_country(cli: Cli) -> None:
    text = cli("chain", "--stage", "separation", "--year", "2024", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["country"] for r in rows] == ["CN", "other"]
    assert float(rows[0]["share"]) == pytest.approx(0.91)


def test_plot_writes_a_png(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "shares.png"
    assert cli("chain", "--plot", str(target)).exit_code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--stage", "smelting"), "unknown stage 'smelting'"),
        (("--element", "Xx"), "unknown element 'Xx'"),
        (("--stage", "mining", "--year", "1990"), "no mining data for 1990"),
        (("--year", "2010"), "no stage has data up to 2010; try a later --year"),
        (("--year", "-5"), "invalid value '-5' for --year"),
    ],
)
def test_bad_options_exit_2_with_one_message(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("chain", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
