"""CSV cells that a spreadsheet would run as formulas get an apostrophe; numbers do not."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from lanthanide.report.cells import SafeDictWriter, SafeWriter, safe_arrow, safe_cell, safe_frame
from tests.hostile.harness import assert_ok, invoke

MOTOR = Path(__file__).parents[1] / "fixtures" / "boms" / "motor_small.csv"
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_gets_a_leading_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-0.5", "+3", "1e-6", "-2.5E+3", "MOT-1", "", "a=b"])
def test_numbers_and_ordinary_text_are_unchanged(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_non_text_values_pass_through() -> None:
    assert safe_cell(-1.5) == -1.5
    assert safe_cell(None) is None


def test_writers_frames_and_arrow_tables_neutralise_alike() -> None:
    buffer = io.StringIO()
    SafeWriter(buffer, lineterminator="\n").writerow(["=1", -2, "x"])
    dict_buffer = io.StringIO()
    writer = SafeDictWriter(dict_buffer, fieldnames=["a", "b"], lineterminator="\n")
    writer.writerow({"a": "@x", "b": "-1"})
    frame = safe_frame(pd.DataFrame({"a": ["=1", "ok"], "b": [-1.0, 2.0]}))
    table = safe_arrow(pa.table({"a": ["=1", "-0.5", "ok", None], "b": [1, 2, 3, 4]}))
    assert buffer.getvalue() == "'=1,-2,x\n"
    assert dict_buffer.getvalue() == "'@x,-1\n"
    assert frame["a"].tolist() == ["'=1", "ok"] and frame["b"].tolist() == [-1.0, 2.0]
    assert table.column("a").to_pylist() == ["'=1", "-0.5", "ok", None]
    assert table.column("b").to_pylist() == [1, 2, 3, 4]


def test_screen_csv_and_lines_neutralise_a_hostile_product_id(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text(MOTOR.read_text().replace("MOT-1", '"=HYPERLINK(""http://evil"")"'))
    lines = tmp_path / "lines.csv"
    outcome = invoke("screen", bom, "--format", "csv", "--lines", lines)
    assert_ok(outcome)
    screened = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert {r["product_id"] for r in screened} == {'\'=HYPERLINK("http://evil")'}
    with lines.open(encoding="utf-8") as handle:
        assert {r["product_id"] for r in csv.DictReader(handle)} == {'\'=HYPERLINK("http://evil")'}


def test_a_series_of_dates_neutralises_the_hostile_product_id_too(tmp_path: Path) -> None:
    bom = tmp_path / "-bom.csv"
    bom.write_text(MOTOR.read_text().replace("MOT-1", '"@SUM(1+1)"'))
    dates = ("--as-of", "2025-01-01", "--as-of", "2026-01-01")
    outcome = invoke("screen", bom, *dates, "--format", "csv")
    assert_ok(outcome)
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert len({r["as_of"] for r in rows}) == 2
    assert {r["product_id"] for r in rows} == {"'@SUM(1+1)"}
