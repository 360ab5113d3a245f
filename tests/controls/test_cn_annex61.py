"""Ann. 61 (1) de minimis scope: Part II items only, exports outside China, unknown not cleared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lanthanide.controls import Finding, Screening
from tests.bom_builder import line, run

IN_FORCE = ("CN-MOFCOM-2025-61=in_force",)


def de_minimis(result: Screening) -> Finding:
    return next(
        f for f in result.products[0].findings if f.clause == "de_minimis" and not f.upstream
    )


def part_ii(item_type: str = "magnet_ndfeb", elements: str = "Nd;Dy", **extra: Any) -> list:
    """A Japanese Part II item worth 1000 holding 2.0 of Chinese Dy metal (0.2%)."""
    return [
        line("TOP", "", item_type, "JP", 1000, elements=elements, **extra),
        line("DY", "TOP", "ree_metal", "CN", 2, elements="Dy"),
    ]


def screen(tmp_path: Path, rows: list, **kw: str) -> Screening:
    return run(tmp_path, rows, "2026-11-28", assume=IN_FORCE, **kw)


@pytest.mark.parametrize(
    ("dest", "applies"), [("DE", True), ("US", True), ("CN", False), (None, None)]
)
def test_only_exports_to_places_outside_china_are_caught(
    tmp_path: Path, dest: str | None, applies: bool | None
) -> None:
    kw = {"ship_to": dest} if dest else {}
    f = de_minimis(screen(tmp_path, part_ii(), **kw))
    assert f.applies is applies
    if dest == "CN":
        assert "ships to China" in f.sentence and "outside China" in f.sentence
    if dest is None:
        assert "ship_to" in f.sentence


def test_a_china_made_magnet_is_not_a_foreign_made_item_and_gets_no_resourcing(
    tmp_path: Path,
) -> None:
    rows = part_ii()
    rows[0]["origin"] = "CN"
    result = screen(tmp_path, rows, ship_from="JP", ship_to="DE")
    f = de_minimis(result)
    assert f.applies is False and "made in China" in f.sentence
    reexport = next(x for x in result.products[0].findings if x.clause == "reexport")
    assert reexport.applies is True  # clause (3) catches it instead
    assert result.products[0].resourcing is None


def test_a_foreign_made_magnet_at_the_threshold_gets_resourcing(tmp_path: Path) -> None:
    result = screen(tmp_path, part_ii(), ship_to="DE")
    assert de_minimis(result).applies is True
    assert result.products[0].resourcing is not None
    assert result.products[0].resourcing.lines == ["DY"]


@pytest.mark.parametrize(
    ("item_type", "elements", "applies"),
    [
        ("magnet_smco", "Sm", True),
        ("magnet_other", "Ce", True),
        ("sputtering_target", "Gd", True),
        ("magnet_other", "", None),  # no rare earth given: a rare-earth magnet or not?
        ("sputtering_target", "", None),
        ("ree_alloy", "Dy", False),  # a Part I item, not a Part II one
        ("assembly", "", False),
    ],
)
def test_part_ii_scope_by_item_type(
    tmp_path: Path, item_type: str, elements: str, applies: bool | None
) -> None:
    f = de_minimis(screen(tmp_path, part_ii(item_type, elements), ship_to="DE"))
    assert f.applies is applies


def test_shipped_from_china_the_clause_is_for_overseas_exporters(tmp_path: Path) -> None:
    f = de_minimis(screen(tmp_path, part_ii(), ship_from="CN", ship_to="DE"))
    assert f.applies is False and "ships from China" in f.sentence


@pytest.mark.parametrize(("value", "applies"), [(0.999, False), (1.0, True), (1.001, True)])
def test_just_below_at_and_above_0_1_percent_of_the_part_ii_items_value(
    tmp_path: Path, value: float, applies: bool
) -> None:
    rows = part_ii()
    rows[1]["unit_value_usd"] = value
    assert de_minimis(screen(tmp_path, rows, ship_to="DE")).applies is applies


def test_upstream_shares_are_each_part_ii_lines_own(tmp_path: Path) -> None:
    rows = [
        line("M", "", "finished_good", "DE", 5000),
        line("A", "M", "magnet_ndfeb", "JP", 100, elements="Nd;Dy"),
        line("DA", "A", "ree_metal", "CN", 0.5, elements="Dy"),  # 0.5% of A
        line("B", "M", "magnet_ndfeb", "KR", 200, elements="Nd;Dy"),
        line("DB", "B", "ree_metal", "CN", 0.1, elements="Dy"),  # 0.05% of B
        line("C", "M", "magnet_ndfeb", "CN", 50, elements="Nd;Dy"),  # China-made: clause (3)
    ]
    result = screen(tmp_path, rows, ship_to="FR")
    assert de_minimis(result).applies is False
    up = [f for f in result.products[0].findings if f.upstream]
    assert len(up) == 1
    assert [(d.line_id, d.share) for d in up[0].deciding_lines] == [
        ("A", 0.5 / 100),
        ("B", 0.1 / 200),
    ]
    assert up[0].applies is True  # A is at or above 0.1% of its own value
    assert up[0].binding is False  # it bound A's exporter, not this product's
    assert result.products[0].determination.value == "no_licence_required"
