"""The shipped dataset: provenance on every row; sha256 verification catches a changed byte."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lanthanide.errors import DatasetIntegrityError
from lanthanide.store.datasets import dataset_path, load_datapackage, read_table, verify_dataset
from tests.conftest import Result

FOLDER = dataset_path("reference")
PACKAGE = load_datapackage(FOLDER)
PROVENANCED = [r.name for r in PACKAGE.resources if r.name != "vintages"]


@pytest.mark.parametrize("table", PROVENANCED)
def test_every_shipped_row_carries_source_year_and_confidence(table: str) -> None:
    frame = read_table(table)
    assert len(frame) > 0
    assert frame["source_url"].notna().all()
    assert frame["source_url"].str.match(r"^https?://\S+$").all(), table
    assert frame["confidence"].isin(["H", "M", "L"]).all()
    assert pd.to_numeric(frame["data_year"]).between(2010, 2050).all()
    assert "derivation" in frame.columns


@pytest.mark.parametrize("table", [r.name for r in PACKAGE.resources])
def test_primary_keys_are_unique(table: str) -> None:
    resource = PACKAGE.resource(table)
    frame = read_table(table)
    assert not frame.duplicated(resource.primary_key).any()


def test_rows_that_are_derived_or_assumed_say_how() -> None:
    production = read_table("production")
    low = production[production["confidence"] == "L"]
    # every low-confidence figure that is not a plain quote explains itself
    assert low["derivation"].fillna("").str.len().gt(0).mean() > 0.8


def test_seventeen_rare_earths_are_listed() -> None:
    elements = read_table("elements")
    symbols = set(elements.loc[elements["kind"] == "element", "symbol"])
    assert len(symbols) == 17
    assert {"Nd", "Pr", "Dy", "Tb", "Sc", "Y", "Lu"} <= symbols


def test_verify_passes_on_the_shipped_files() -> None:
    assert verify_dataset(FOLDER).name == "reference"


def _tampered_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "reference"
    shutil.copytree(FOLDER, copy)
    target = copy / "production.csv"
    data = bytearray(target.read_bytes())
    data[200] = ord("9") if data[200] != ord("9") else ord("8")
    target.write_bytes(bytes(data))
    return copy


def test_verify_names_the_file_when_one_byte_changes(tmp_path: Path) -> None:
    copy = _tampered_copy(tmp_path)
    with pytest.raises(DatasetIntegrityError, match=r"production\.csv: sha256 mismatch"):
        verify_dataset(copy)


def test_data_verify_cli_passes_then_fails_on_a_changed_byte(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    ok = cli("data", "verify")
    assert ok.exit_code == 0, ok.stderr
    assert "files match their sha256" in ok.stdout
    bad = cli("data", "verify", "--dataset-dir", str(_tampered_copy(tmp_path)))
    assert bad.exit_code == 4
    assert "production.csv: sha256 mismatch" in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_monthly_magnet_exports_add_up_to_the_published_year() -> None:
    """The 2025 rows (one covers Feb-Mar) must sum to customs' full-year figure, to rounding."""
    exports = read_table("cn_magnet_exports")
    in_2025 = exports[exports["period_start"].str.startswith("2025")]
    is_year = (in_2025["period_start"] == "2025-01") & (in_2025["period_end"] == "2025-12")
    year, parts = in_2025[is_year], in_2025[~is_year]
    months = [
        str(month)
        for start, end in zip(parts["period_start"], parts["period_end"], strict=True)
        for month in pd.period_range(start, end, freq="M")
    ]
    assert sorted(months) == [f"2025-{m:02d}" for m in range(1, 13)]  # each month exactly once
    # each published figure is rounded to the tonne: at most 0.5 t off per row
    tonnes = pd.to_numeric(parts["tonnes"]).sum()
    assert abs(tonnes - float(year["tonnes"].iloc[0])) <= 0.5 * len(parts)
