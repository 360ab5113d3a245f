"""Exact threshold comparison: at a legal threshold the law decides, not float rounding."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from lanthanide.controls.exact import exact, meets, near, share_meets
from tests.bom_builder import line, run

ASSUME = ("CN-MOFCOM-2025-61=in_force",)


def test_float_sum_misses_the_threshold_the_exact_sum_meets() -> None:
    assert (0.3 + 0.6) / 900 < 0.001  # the float answer the law contradicts
    assert share_meets(exact(0.3) + exact(0.6), 900, 0.001, ">=")


@pytest.mark.parametrize(
    ("part", "expected"),
    [("0.8999", False), ("0.9", True), ("0.9001", True)],
)
def test_share_meets_just_below_at_and_above_0_1_percent(part: str, expected: bool) -> None:
    assert share_meets(Decimal(part), 900, 0.001, ">=") is expected


def test_strict_comparison_is_false_at_the_threshold() -> None:
    assert not share_meets(25, 100, 0.25, ">")
    assert share_meets(Fraction(2500001, 100000), 100, 0.25, ">")
    assert meets(0.25, 0.25, "<=") and not meets(0.25, 0.25, "<")


def test_float_is_read_as_the_decimal_it_was_parsed_from() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact("0.001") == exact(0.001) == Fraction(1, 1000)


def test_a_share_of_nothing_and_non_finite_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="positive whole"):
        share_meets(1, 0, 0.001, ">=")
    with pytest.raises(ValueError, match="finite"):
        exact(float("nan"))


def test_near_marks_only_shares_within_the_band() -> None:
    assert near((0.3 + 0.6) / 900, 0.001)
    assert not near(0.00099, 0.001)
    assert near(0.0, 0.0) and not near(0.01, 0.0)


def magnet(dy_values: tuple[float, ...]) -> list[dict[str, object]]:
    """A Japanese Dy-NdFeB magnet worth 900 (a Part II item) holding Chinese Dy metal lines."""
    rows = [line("MAG", item_type="magnet_ndfeb", origin="JP", value=900, elements="Nd;Dy")]
    rows += [
        line(f"DY{i}", "MAG", "ree_metal", "CN", v, elements="Dy") for i, v in enumerate(dy_values)
    ]
    return rows


@pytest.mark.parametrize(
    ("dy_values", "applies"),
    [((0.3, 0.5999), False), ((0.3, 0.6), True), ((0.3, 0.6001), True)],
)
def test_de_minimis_at_0_3_plus_0_6_of_900_is_exactly_0_1_percent(
    tmp_path: Path, dy_values: tuple[float, ...], applies: bool
) -> None:
    result = run(tmp_path, magnet(dy_values), "2026-11-28", assume=ASSUME, ship_to="DE")
    f = next(f for f in result.products[0].findings if f.clause == "de_minimis")
    assert f.applies is applies
    assert result.products[0].determination.value == (
        "licence_required" if applies else "no_licence_required"
    )


def test_resourcing_at_the_threshold_moves_enough_to_get_under_it(tmp_path: Path) -> None:
    # 0.3 + 0.6 + 0.3: moving the 0.6 line leaves 0.6 of 900 (under); the float search agrees,
    # and with 0.3 + 0.3 + 0.3 + 0.3 moving one line leaves 0.9 of 900, exactly at 0.1%.
    result = run(tmp_path, magnet((0.3, 0.3, 0.3, 0.3)), "2026-11-28", assume=ASSUME)
    resourcing = result.products[0].resourcing
    assert resourcing is not None
    assert resourcing.lines_total == 2
    assert resourcing.share_after == pytest.approx(0.6 / 900)


def test_us_de_minimis_at_exactly_25_percent_is_not_above(tmp_path: Path) -> None:
    # 0.1 + 0.05 of 0.6 is exactly 25%; in floats it is 0.25000000000000006, "more than 25%"
    assert (0.1 + 0.05) / 0.6 > 0.25
    rows = [
        line("P", item_type="finished_good", origin="DE", value=0.6),
        line("C1", "P", "chip", "US", 0.1, eccn="5A002.a"),  # NS1: controlled to DE
        line("C2", "P", "chip", "US", 0.05, eccn="5A002.a"),
    ]

    def applies(last: float) -> bool | None:
        rows[2]["unit_value_usd"] = last
        result = run(tmp_path, rows, "2026-11-28", ship_to="DE")
        return next(f for f in result.products[0].findings if f.measure == "US-EAR-734.4").applies

    assert applies(0.0499) is False
    assert applies(0.05) is False  # 25% is not more than 25%
    assert applies(0.0501) is True
