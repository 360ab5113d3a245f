"""Screening over time: diff of two screenings and date-to-date steps (pure core)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lanthanide.controls.history import Options, diff, receipt_changes, screen_on, steps
from lanthanide.controls.result import Determination, Screening
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.parties import party_lists
from lanthanide.store.rules import shipped_rules

# a Part II item (a magnet) made in Japan with Chinese Dy: caught by Ann. 61 (1) once in force
MAGNET = Path(__file__).parents[1] / "fixtures" / "boms" / "magnet_small.csv"
RULES = shipped_rules()
LISTS = party_lists(None)


def on(day: str) -> Screening:
    return screen_on(read_bom(MAGNET), RULES, LISTS, dt.date.fromisoformat(day), Options())


def test_same_screening_has_no_changes() -> None:
    assert diff(on("2026-06-01"), on("2026-06-01")) == []


def test_end_of_the_suspension_changes_the_determination_and_names_the_finding() -> None:
    [change] = diff(on("2026-06-01"), on("2026-11-28"))
    assert (change.before, change.after) == (
        Determination.NO_LICENCE_REQUIRED,
        Determination.UNKNOWN,
    )
    keys = {f.key: f for f in change.findings}
    moved = keys["CN-MOFCOM-2025-61/de_minimis"]
    assert moved.change == "changed"
    assert moved.before is not None and "status=suspended" in moved.before
    assert moved.after is not None and "binding=unknown" in moved.after


def test_status_moves_of_measures_that_apply_on_neither_side_are_not_reported() -> None:
    [change] = diff(on("2026-06-01"), on("2026-11-28"))
    for f in change.findings:
        assert not (
            f.before and f.after and "applies=false" in f.before and "applies=false" in f.after
        )


def test_a_product_only_on_one_side_is_added_or_removed() -> None:
    before = on("2026-06-01")
    empty = before.model_copy(update={"products": []})
    [added] = diff(empty, before)
    assert (added.before, added.after) == (None, Determination.NO_LICENCE_REQUIRED)
    assert all(f.change == "added" for f in added.findings)
    [removed] = diff(before, empty)
    assert removed.after is None


def test_steps_are_in_date_order_whatever_order_the_dates_come_in() -> None:
    late, early = on("2026-11-28"), on("2026-06-01")
    [step] = steps("magnet", [(dt.date(2026, 11, 28), late), (dt.date(2026, 6, 1), early)])
    assert (step.start, step.end) == ("2026-06-01", "2026-11-28")
    assert step.changes[0].after is Determination.UNKNOWN


def test_receipt_changes_name_the_date_the_rule_files_and_the_lists() -> None:
    a, b = on("2026-06-01"), on("2026-11-28")
    assert receipt_changes(a, b) == ["as_of: 2026-06-01 -> 2026-11-28"]
    rules = {**b.receipt.rules, "cn/CN-MOFCOM-2025-61.yaml": "0" * 64}
    parties = dict(b.receipt.parameters["parties"])
    parties["lists"] = {**parties["lists"], "cn_control_list": 0}
    edited = b.receipt.model_copy(
        update={"rules": rules, "parameters": {**b.receipt.parameters, "parties": parties}}
    )
    changed = receipt_changes(a, b.model_copy(update={"receipt": edited}))
    assert "rule file cn/CN-MOFCOM-2025-61.yaml changed" in changed
    assert any(
        c.startswith("party list cn_control_list: ") and c.endswith("-> 0 entries") for c in changed
    )
