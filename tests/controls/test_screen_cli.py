"""`lanthanide screen` / `timeline` end to end: JSON contract, exit codes, receipt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lanthanide.cli.app import app
from lanthanide.cli.errors import run_guarded

FIXTURES = Path(__file__).parents[1] / "fixtures" / "boms"
MOTOR = FIXTURES / "motor_small.csv"
MAGNET = FIXTURES / "magnet_small.csv"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    import sys

    saved = sys.argv
    sys.argv = ["lanthanide", *args]
    try:
        code = run_guarded(app)
    finally:
        sys.argv = saved
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract_on_today_without_assumption(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["screen", str(MAGNET), "--as-of", "2026-11-28", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"receipt", "products"}
    product = data["products"][0]
    assert {"product_id", "determination", "cn_controlled_share", "findings", "resourcing"} <= set(
        product
    )
    finding = next(f for f in product["findings"] if f["clause"] == "de_minimis")
    assert {"measure", "status", "applies", "policy"} <= set(finding)
    assert finding["status"] == "unknown"
    assert finding["applies"] is True
    assert product["determination"] == "unknown"
    assert data["receipt"]["parameters"]["as_of"] == "2026-11-28"
    assert "cn/CN-MOFCOM-2025-61.yaml" in data["receipt"]["rules"]
    assert data["receipt"]["assumptions"] == []


def test_assumption_is_echoed_and_decides(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["screen", str(MAGNET), "--as-of", "2026-11-28", "--format", "json"]
    code, out, _ = run([*args, "--assume", "CN-MOFCOM-2025-61=in_force"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["receipt"]["assumptions"] == ["CN-MOFCOM-2025-61=in_force (user assumption)"]
    product = data["products"][0]
    assert product["determination"] == "licence_required"
    assert product["resourcing"]["lines"] == ["DY"]
    assert product["resourcing"]["share_after"] == 0.0


def test_suspended_measure_gives_no_licence_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["screen", str(MOTOR), "--as-of", "2026-06-01", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["products"][0]["determination"] == "no_licence_required"


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2026-13-01"],
        ["--ship-to", "ZZ"],
        ["--assume", "CN-MOFCOM-2025-61=maybe"],
        ["--assume", "XX-1=in_force"],
    ],
)
def test_invalid_flags_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    target = tmp_path / "out.json"
    code, _, err = run(["screen", str(MOTOR), *args, "--out", str(target)], capsys)
    assert code == 2
    assert err.startswith("error: ")
    assert not target.exists()


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_every_format_writes_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, _ = run(["screen", str(MOTOR), "--format", fmt, "--out", str(target)], capsys)
    assert code == 0 and out == ""
    assert "MOT-1" in target.read_text(encoding="utf-8")


def test_html_is_self_contained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    run(["screen", str(MOTOR), "--format", "html", "--out", str(target)], capsys)
    html = target.read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert (
        "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_7fc9bff0fb4546ecb02f66ee77d0e5f6.html"
        in html
    )


def test_timeline_lists_every_measure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["timeline", "--as-of", "2026-11-28", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    status = {m["measure"]: m["status"] for m in data["measures"]}
    assert status["CN-MOFCOM-2025-61"] == "unknown"
    assert status["CN-MOFCOM-2025-18"] == "in_force"
    assert status["CN-MOFCOM-2025-70"] == "expired"


def test_help_names_the_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert "screen" in result.output and "timeline" in result.output


def test_lines_file_has_one_row_per_item_with_shares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    target = tmp_path / "lines.csv"
    code, _, _ = run(["screen", str(MOTOR), "--format", "json", "--lines", str(target)], capsys)
    assert code == 0
    with target.open(encoding="utf-8") as handle:
        rows = {r["line_id"]: r for r in csv.DictReader(handle)}
    assert len(rows) == 8  # 9 rows, one shared line
    assert float(rows["DY"]["cn_controlled_share"]) == 1.0
    assert float(rows["MAG"]["cn_controlled_content_usd"]) == 40 * 0.08
    assert float(rows["M"]["cn_controlled_share"]) == 40 * 0.08 / 1200


@pytest.mark.parametrize("fmt", ["table", "csv", "html"])
def test_timeline_formats(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(
        ["timeline", "--as-of", "2026-11-28", "--format", fmt, "--assume", "US-EAR-734.4=expired"],
        capsys,
    )
    assert code == 0
    assert "CN-MOFCOM-2025-61" in out and "unknown" in out
