"""The shipped event catalogue: cited, linked to the controls engine's rule ids, filterable."""

from __future__ import annotations

import datetime as dt

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.markets import events_from_records, select_events
from lanthanide.store.datasets import read_table
from lanthanide.store.events import load_catalogue
from tests.issue_measures import ISSUE_RULE_IDS


def test_every_catalogued_event_is_cited_and_dated_2023_to_2026() -> None:
    table = read_table("events", dataset="events")
    assert table["source_url"].str.startswith("http").all()
    assert set(table["confidence"]) <= {"H", "M", "L"}
    assert table["derivation"].str.startswith("assumption:").all()
    events = load_catalogue()
    assert all(dt.date(2023, 1, 1) <= e.date <= dt.date(2026, 12, 31) for e in events)


def test_linked_rule_ids_exist_in_the_controls_engine_and_all_are_used() -> None:
    from lanthanide.store.rules import shipped_rules

    used = {r for e in load_catalogue() for r in e.rule_ids}
    assert used <= set(shipped_rules().rules)
    assert used >= ISSUE_RULE_IDS  # each named measure has at least one catalogued event


def test_key_2025_events_are_catalogued_with_expected_direction() -> None:
    by_id = {e.id: e for e in load_catalogue()}
    assert by_id["CN-MOFCOM-2025-18"].date == dt.date(2025, 4, 4)
    assert by_id["CN-MOFCOM-2025-18"].expected_direction == 1
    assert by_id["US-DOD-MP-2025"].date == dt.date(2025, 7, 10)
    assert by_id["BUSAN-2025"].expected_direction == -1
    assert by_id["CN-MOFCOM-2025-61"].rule_ids == ["CN-MOFCOM-2025-61"]


def test_actor_filter_matches_joint_events_for_both_sides() -> None:
    events = load_catalogue()
    cn = select_events(events, actor="CN")
    us = select_events(events, actor="us")
    assert "BUSAN-2025" in {e.id for e in cn} & {e.id for e in us}
    assert "US-DOD-MP-2025" not in {e.id for e in cn}


def test_date_filter_is_inclusive() -> None:
    chosen = select_events(load_catalogue(), start=dt.date(2025, 10, 9), end=dt.date(2025, 10, 10))
    assert {e.date for e in chosen} == {dt.date(2025, 10, 9), dt.date(2025, 10, 10)}


def test_unknown_event_id_is_an_error_not_an_empty_study() -> None:
    with pytest.raises(InvalidInput) as error:
        select_events(load_catalogue(), ids=["US-DOD-MP-2025", "TYPO"])
    assert "TYPO" in str(error.value)


def test_bad_catalogue_rows_are_reported_with_line_and_column() -> None:
    rows = [
        {"id": "A", "date": "2025-01-01", "expected_direction": 2},
        {"id": "A", "date": "2025-01-02"},
    ]
    with pytest.raises(InvalidInput) as error:
        events_from_records(rows, source="cat.csv")
    text = str(error.value)
    assert "cat.csv:2:expected_direction" in text
