"""Concentration metrics: reference values from the USGS table, and invariants."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanthanide.chain import concentration, current_rows, hhi
from lanthanide.chain.metrics import available
from lanthanide.store.datasets import dataset_path, read_table


@pytest.fixture(scope="module")
def current() -> pd.DataFrame:
    return current_rows(read_table("production"), read_table("vintages"))


def test_mining_2025_china_share_is_270_of_390_thousand_tonnes(current: pd.DataFrame) -> None:
    result = concentration(current, "mining", "REO", 2025)
    assert result.world_total_t == 390_000
    assert result.china_share == pytest.approx(270_000 / 390_000)
    assert round(result.china_share, 2) == 0.69
    assert result.shares[0].country == "CN"
    assert result.shares[0].vintage == "MCS2026"


def test_mining_2025_hhi_equals_hand_computation_from_the_csv(current: pd.DataFrame) -> None:
    # by hand, straight from the shipped file: MCS 2026 rows for 2025, named countries only
    path = Path(dataset_path("reference")) / "production.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if (r["stage"], r["year"], r["metric"], r["vintage"])
            == ("mining", "2025", "production_t", "MCS2026")
        ]
    world = next(float(r["value"]) for r in rows if r["country"] == "world")
    named = [float(r["value"]) for r in rows if r["country"] not in ("world", "other")]
    expected = sum((100 * v / world) ** 2 for v in named)
    result = concentration(current, "mining", "REO", 2025)
    assert result.hhi == pytest.approx(expected)
    assert 5054 < result.hhi < 5055  # 69.23^2 + 13.08^2 + 7.44^2 + 5.64^2 + ...
    top3 = sorted(named, reverse=True)[:3]
    assert result.top3_share == pytest.approx(sum(top3) / world)


def test_newest_edition_wins_for_a_revised_year(current: pd.DataFrame) -> None:
    # MCS 2025 first estimated Australia 2024 at 13,000 t; MCS 2026 revised it to 29,000 t
    result = concentration(current, "mining", "REO", 2024)
    australia = next(s for s in result.shares if s.country == "AU")
    assert australia.value_t == 29_000
    assert australia.vintage == "MCS2026"
    assert result.world_total_t == 380_000


def test_shipped_shares_sum_to_one_for_every_stage_and_year(current: pd.DataFrame) -> None:
    combos = available(current)
    assert len(combos) >= 10
    for combo in combos.itertuples():
        result = concentration(current, combo.stage, combo.material, combo.year)
        assert sum(s.share for s in result.shares) == pytest.approx(1.0, abs=1e-9), combo


def test_heavy_rare_earth_separation_is_the_dysprosium_chokepoint(current: pd.DataFrame) -> None:
    from lanthanide.chain import chokepoints

    found = chokepoints(current, read_table("material_elements"), 2025, ["Dy"])
    assert [(c.element, c.stage, c.material) for c in found] == [("Dy", "separation", "HREE")]
    assert found[0].china_share == pytest.approx(0.99)


def _table(values: list[float]) -> pd.DataFrame:
    countries = ["CN", "US", "AU", "MM", "TH", "IN", "RU", "BR", "VN", "MY"][: len(values)]
    rows = [{"country": c, "value": v} for c, v in zip(countries, values, strict=True)] + [
        {"country": "world", "value": sum(values)}
    ]
    frame = pd.DataFrame(rows)
    frame = frame.assign(
        stage="mining",
        material="REO",
        year=2030,
        metric="production_t",
        basis="USGS test",
        source_url="https://example.org",
        confidence="H",
        vintage="T",
        derivation="",
        vintage_rank=1,
    )
    return frame


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.5, max_value=1e6), min_size=1, max_size=10))
def test_shares_sum_to_one_and_hhi_is_bounded(values: list[float]) -> None:
    result = concentration(_table(values), "mining", "REO", 2030)
    assert sum(s.share for s in result.shares) == pytest.approx(1.0)
    assert 0.0 <= result.hhi <= 10_000.0 + 1e-6
    assert result.hhi >= 10_000.0 / len(values) - 1e-6  # equal shares give the minimum


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=1.0, max_value=1e6))
def test_monopoly_has_the_maximal_hhi(value: float) -> None:
    result = concentration(_table([value]), "mining", "REO", 2030)
    assert result.hhi == pytest.approx(10_000.0)
    assert hhi([1.0]) == 10_000.0
    assert hhi([0.5, 0.5]) == 5_000.0
