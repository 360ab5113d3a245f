from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
PNG = b"\x89PNG\r\n\x1a\n"


def lanthanide(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lanthanide", *args], capture_output=True, text=True, check=False
    )


def test_simulate_prints_the_json_contract_and_writes_outputs(tmp_path: Path) -> None:
    out = lanthanide(
        "simulate",
        str(EXAMPLES / "heavy-re-cutoff-myanmar.toml"),
        "--runs",
        "60",
        "--seed",
        "5",
        "--chunk-size",
        "25",
        "--format",
        "json",
        "--out",
        str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["receipt", "months", "series", "summary"]
    assert doc["receipt"]["seed"] == 5 and doc["receipt"]["computed"] == "simulate"
    assert "shock-network@2026.11" in doc["receipt"]["datasets"]
    assert len(doc["months"]) == 36 and doc["months"][0] == "2026-01"
    assert set(doc["series"]["cn_magnet_exports_t/KR"]) == {"p10", "p50", "p90"}
    assert doc["summary"]["runs"] == 60
    assert json.loads((tmp_path / "summary.json").read_text()) == doc
    assert (tmp_path / "series.csv").read_text().startswith("series,month,p10,p50,p90")
    assert (tmp_path / "series.parquet").stat().st_size > 0
    assert (tmp_path / "cn_magnet_exports.png").read_bytes().startswith(PNG)


def test_a_bad_scenario_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nstart = "2026-01"\nmonths = 12\ncolour = "red"\n')
    out = lanthanide("simulate", str(bad))
    assert out.returncode == 2
    assert f"{bad}:4:1: scenario.colour: unknown key" in out.stderr


def test_backtest_reports_observed_beside_simulated_and_mape(tmp_path: Path) -> None:
    out = lanthanide(
        "backtest", "2025-04", "--runs", "50", "--format", "json", "--out", str(tmp_path)
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    rows = {r["month"]: r for r in doc["rows"]}
    assert rows["2025-05"]["observed_t"] == 1238
    assert rows["2025-12"]["observed_t"] == 5952
    assert doc["months_used"] == [f"2025-{m:02d}" for m in range(4, 13)]
    assert 0 < doc["mape"] < 1
    by_series = {s["series"]: s for s in doc["series"]}
    us = {r["month"]: r for r in by_series["US"]["rows"]}
    assert us["2025-05"]["observed_t"] == 46.4 and us["2025-05"]["in_sample"]
    assert by_series["US"]["months_out_of_sample"] == ["2025-07", "2025-08", "2025-09", "2025-10"]
    assert 0 <= by_series["US"]["coverage_p10_p90"] <= 1
    assert (tmp_path / "backtest.png").read_bytes().startswith(PNG)


def test_unknown_backtest_is_invalid_input() -> None:
    out = lanthanide("backtest", "1999-01")
    assert out.returncode == 2 and "unknown backtest" in out.stderr


def test_two_scenarios_are_compared_side_by_side_with_paired_differences() -> None:
    a = str(EXAMPLES / "2025-10-package-no-suspension.toml")
    b = str(EXAMPLES / "full-embargo-us-2027.toml")
    out = lanthanide("simulate", a, b, "--runs", "40", "--chunk-size", "20", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)["comparison"]
    assert doc["scenarios"][0]["scenario"] == doc["reference"] and len(doc["scenarios"]) == 2
    diff = doc["differences_vs_reference"][0]["difference"]["total_shortfall_t"]
    assert diff["p10"] <= diff["p50"] <= diff["p90"]
    assert "cn_lost_export_revenue_musd" in doc["scenarios"][1]["summary"]


def test_sensitivity_ranks_the_uncertain_parameters() -> None:
    scenario = str(EXAMPLES / "heavy-re-cutoff-myanmar.toml")
    out = lanthanide("simulate", scenario, "--runs", "32", "--sensitivity", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["sensitivity"]
    swings = [r["swing_t"] for r in rows]
    assert swings == sorted(swings, reverse=True) and len(rows) >= 10


def test_stockpile_sizing_lists_regions_and_sectors() -> None:
    scenario = str(EXAMPLES / "full-embargo-us-2027.toml")
    out = lanthanide("simulate", scenario, "--runs", "32", "--stockpile", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {(r["group"], r["name"]): r for r in json.loads(out.stdout)["stockpile"]}
    assert ("region", "US") in rows and ("sector", "ev") in rows
    us = rows[("region", "US")]
    assert us["share_without_shortfall_at_calibrated"] < 0.9
    assert us["days_needed"] is None or us["days_needed"] > us["calibrated_days"]
