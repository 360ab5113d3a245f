"""End-user bans (Ann. 46/2024 Art. 1, Ann. 1/2026) are prohibitions, at their date boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lanthanide.controls import Finding, Screening
from lanthanide.controls.status import status_on, timeline
from lanthanide.store.rules import shipped_rules
from tests.bom_builder import line, run

OXIDE = [line("OX", item_type="ree_oxide", origin="CN", value=500, elements="Dy")]
MOTOR = [
    line("M", item_type="finished_good", origin="CN", value=900),
    line("MAG", "M", "magnet_ndfeb", "CN", 90, elements="Nd;Dy"),
]


def ban(result: Screening, measure: str) -> Finding:
    return next(f for f in result.products[0].findings if f.measure == measure)


def det(result: Screening) -> str:
    return result.products[0].determination.value


def screen(tmp_path: Path, rows: list[dict[str, Any]], day: str, **kw: str) -> Screening:
    return run(tmp_path, rows, day, **{"ship_from": "CN", **kw})


def test_us_military_ban_from_2024_12_03_is_a_prohibition(tmp_path: Path) -> None:
    kw = {"ship_to": "US", "end_user": "military"}
    before = screen(tmp_path, OXIDE, "2024-12-02", **kw)
    on = screen(tmp_path, OXIDE, "2024-12-03", **kw)
    assert ban(before, "CN-MOFCOM-2024-46").status.value == "not_yet_issued"
    assert ban(on, "CN-MOFCOM-2024-46").binding is True
    assert ban(on, "CN-MOFCOM-2024-46").policy.value == "prohibited"
    assert det(before) == "no_licence_required"  # Ann. 18 came only in April 2025
    assert det(on) == "prohibited"


@pytest.mark.parametrize("day", ["2025-11-08", "2025-11-09", "2026-11-27", "2026-11-28"])
def test_ann_72_suspends_art_2_only_so_the_military_ban_stays(tmp_path: Path, day: str) -> None:
    result = screen(tmp_path, OXIDE, day, ship_to="US", end_use="military")
    f = ban(result, "CN-MOFCOM-2024-46")
    assert f.clause == "art1" and f.status.value == "in_force" and f.binding is True
    assert det(result) == "prohibited"


def test_art_2_status_suspended_by_ann_72_then_unknown() -> None:
    rule = shipped_rules().rules["CN-MOFCOM-2024-46"]
    import datetime as dt

    def art2(day: str) -> str:
        return status_on(rule, dt.date.fromisoformat(day), "art2").value

    assert art2("2025-11-08") == "in_force"
    assert art2("2025-11-09") == "suspended"
    assert art2("2026-11-27") == "suspended"
    assert art2("2026-11-28") == "unknown"
    assert status_on(rule, dt.date(2026, 11, 28)).value == "in_force"


def test_japan_military_ban_from_2026_01_06(tmp_path: Path) -> None:
    kw = {"ship_to": "JP", "end_user": "military"}
    assert det(screen(tmp_path, OXIDE, "2026-01-05", **kw)) == "licence_required"
    on = screen(tmp_path, OXIDE, "2026-01-06", **kw)
    assert ban(on, "CN-MOFCOM-2026-1").binding is True
    assert det(on) == "prohibited"


@pytest.mark.parametrize(
    ("kw", "applies"),
    [
        ({"ship_to": "JP", "end_user": "civil"}, False),
        ({"ship_to": "KR", "end_user": "military"}, False),
        ({"ship_to": "JP"}, None),  # end user and end use not given
        ({"end_user": "military"}, None),  # destination not given
    ],
)
def test_japan_ban_needs_destination_and_military_end(
    tmp_path: Path, kw: dict[str, str], applies: bool | None
) -> None:
    assert ban(screen(tmp_path, OXIDE, "2026-06-01", **kw), "CN-MOFCOM-2026-1").applies is applies


def test_a_product_the_engine_cannot_classify_is_unknown_not_cleared(tmp_path: Path) -> None:
    result = screen(tmp_path, MOTOR, "2026-06-01", ship_to="US", end_user="military")
    f = ban(result, "CN-MOFCOM-2024-46")
    assert f.applies is None and "Dual-Use Export Control List" in f.sentence


def test_third_country_transfer_to_japan_of_a_chinese_item_is_banned(tmp_path: Path) -> None:
    kw = {"ship_from": "SG", "ship_to": "JP", "end_user": "military"}
    result = screen(tmp_path, OXIDE, "2026-06-01", **kw)
    assert ban(result, "CN-MOFCOM-2026-1").applies is True
    assert det(result) == "prohibited"
    # Ann. 46 does not say so for the US: unknown, not cleared
    us = screen(tmp_path, OXIDE, "2026-06-01", ship_from="SG", ship_to="US", end_user="military")
    assert ban(us, "CN-MOFCOM-2024-46").applies is None
    # a Singapore product with no Chinese content is not caught
    sg = [line("X", item_type="finished_good", origin="SG", value=100)]
    clean = screen(tmp_path, sg, "2026-06-01", **kw)
    assert ban(clean, "CN-MOFCOM-2026-1").applies is False


def test_ann_61_military_denial_stays_a_licence_requirement(tmp_path: Path) -> None:
    magnet = [
        line("MAG", "", "magnet_ndfeb", "JP", 150, elements="Nd;Dy"),
        line("DY", "MAG", "ree_metal", "CN", 3.2, elements="Dy"),
    ]
    result = run(
        tmp_path,
        magnet,
        "2026-11-28",
        assume=("CN-MOFCOM-2025-61=in_force",),
        ship_to="DE",
        end_user="military",
    )
    dm = next(f for f in result.products[0].findings if f.clause == "de_minimis")
    assert dm.policy.value == "presumption_of_denial" and dm.binding is True
    assert det(result) == "licence_required"


def test_timeline_lists_the_bans_and_the_suspension() -> None:
    import datetime as dt

    entries = {e.measure: e for e in timeline(shipped_rules(), dt.date(2026, 11, 1))}
    assert entries["CN-MOFCOM-2024-46"].status.value == "in_force"
    assert entries["CN-MOFCOM-2024-46"].clauses == {"art1": "in_force", "art2": "suspended"}
    assert entries["CN-MOFCOM-2026-1"].status.value == "in_force"
    assert entries["CN-MOFCOM-2025-72"].status.value == "in_force"
