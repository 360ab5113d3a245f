"""Status of each measure at its date boundaries: day before, day of, suspension start and end."""

from __future__ import annotations

import datetime as dt

import pytest

from lanthanide.controls.rule import RuleSet, Status
from lanthanide.controls.status import parse_assumptions, status_on, timeline
from lanthanide.errors import InvalidInput
from lanthanide.store.rules import shipped_rules
from tests.issue_measures import ISSUE_RULE_IDS

D = dt.date.fromisoformat
IN, SUS, UNK = Status.IN_FORCE, Status.SUSPENDED, Status.UNKNOWN
NYI, INE, EXP = Status.NOT_YET_ISSUED, Status.ISSUED_NOT_EFFECTIVE, Status.EXPIRED


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return shipped_rules()


CASES = [
    # Ann. 18: issued and effective 2025-04-04, never suspended
    ("CN-MOFCOM-2025-18", None, "2025-04-03", NYI),
    ("CN-MOFCOM-2025-18", None, "2025-04-04", IN),
    ("CN-MOFCOM-2025-18", None, "2026-11-11", IN),
    ("CN-MOFCOM-2025-18", None, "2026-11-28", IN),
    # Ann. 57: issued 2025-10-09, effective 2025-11-08, suspended 2025-11-07..2026-11-10
    ("CN-MOFCOM-2025-57", None, "2025-10-08", NYI),
    ("CN-MOFCOM-2025-57", None, "2025-10-09", INE),
    ("CN-MOFCOM-2025-57", None, "2025-11-06", INE),
    ("CN-MOFCOM-2025-57", None, "2025-11-07", SUS),
    ("CN-MOFCOM-2025-57", None, "2025-11-08", SUS),
    ("CN-MOFCOM-2025-57", None, "2026-11-10", SUS),
    ("CN-MOFCOM-2025-57", None, "2026-11-11", UNK),
    # Ann. 61 per clause: re-export on promulgation, de minimis / technology 2025-12-01
    ("CN-MOFCOM-2025-61", "reexport", "2025-10-08", NYI),
    ("CN-MOFCOM-2025-61", "reexport", "2025-10-09", IN),
    ("CN-MOFCOM-2025-61", "de_minimis", "2025-10-09", INE),
    ("CN-MOFCOM-2025-61", "de_minimis", "2025-11-06", INE),
    ("CN-MOFCOM-2025-61", "technology", "2025-11-06", INE),
    ("CN-MOFCOM-2025-61", "de_minimis", "2025-11-07", SUS),
    ("CN-MOFCOM-2025-61", "de_minimis", "2025-12-01", SUS),
    ("CN-MOFCOM-2025-61", "de_minimis", "2026-11-10", SUS),
    ("CN-MOFCOM-2025-61", "de_minimis", "2026-11-11", UNK),
    ("CN-MOFCOM-2025-61", None, "2026-11-28", UNK),
    # Ann. 62: immediate, suspended, then unknown
    ("CN-MOFCOM-2025-62", None, "2025-10-08", NYI),
    ("CN-MOFCOM-2025-62", None, "2025-10-09", IN),
    ("CN-MOFCOM-2025-62", None, "2025-11-06", IN),
    ("CN-MOFCOM-2025-62", None, "2025-11-07", SUS),
    ("CN-MOFCOM-2025-62", None, "2026-11-11", UNK),
    # Ann. 70 itself: in force 2025-11-07..2026-11-10, then expired
    ("CN-MOFCOM-2025-70", None, "2025-11-06", NYI),
    ("CN-MOFCOM-2025-70", None, "2025-11-07", IN),
    ("CN-MOFCOM-2025-70", None, "2026-11-10", IN),
    ("CN-MOFCOM-2025-70", None, "2026-11-11", EXP),
    # 2023 technology catalogue
    ("CN-TECH-2023", None, "2023-12-20", NYI),
    ("CN-TECH-2023", None, "2023-12-21", IN),
    ("CN-TECH-2023", None, "2026-11-28", IN),
    # EAR de minimis: long-standing
    ("US-EAR-734.4", None, "2020-01-01", IN),
    # advanced computing
    ("US-EAR-ADVCOMP", None, "2022-10-06", NYI),
    ("US-EAR-ADVCOMP", None, "2022-10-07", IN),
    # affiliates rule: effective 2025-09-29, suspended 2025-11-10..2026-11-09, end disputed
    ("US-EAR-AFFILIATES-2025", None, "2025-09-28", NYI),
    ("US-EAR-AFFILIATES-2025", None, "2025-09-29", IN),
    ("US-EAR-AFFILIATES-2025", None, "2025-11-09", IN),
    ("US-EAR-AFFILIATES-2025", None, "2025-11-10", SUS),
    ("US-EAR-AFFILIATES-2025", None, "2026-11-09", SUS),
    ("US-EAR-AFFILIATES-2025", None, "2026-11-10", UNK),
    ("US-EAR-AFFILIATES-2025", None, "2026-11-11", UNK),
    # DFARS: phase 1 from 2019-12-31, phase 2 from 2027-01-01
    ("US-DFARS-225.7018", "melted_produced", "2019-12-30", INE),
    ("US-DFARS-225.7018", "melted_produced", "2019-12-31", IN),
    ("US-DFARS-225.7018", "mine_to_magnet", "2026-12-31", INE),
    ("US-DFARS-225.7018", "mine_to_magnet", "2027-01-01", IN),
]


@pytest.mark.parametrize(("measure", "clause", "day", "expected"), CASES)
def test_status_at_date_boundaries(
    rules: RuleSet, measure: str, clause: str | None, day: str, expected: Status
) -> None:
    assert status_on(rules.rules[measure], D(day), clause) is expected


def test_every_measure_named_in_the_issue_is_shipped(rules: RuleSet) -> None:
    assert set(rules.rules) >= ISSUE_RULE_IDS


def test_user_assumption_overrides_unknown_status(rules: RuleSet) -> None:
    assumed = parse_assumptions(["CN-MOFCOM-2025-61=in_force"], rules)
    rule = rules.rules["CN-MOFCOM-2025-61"]
    assert status_on(rule, D("2026-11-28"), "de_minimis", assumed) is IN
    entry = next(e for e in timeline(rules, D("2026-11-28"), assumed) if e.measure == rule.id)
    assert entry.assumed and entry.note == "assumed by the user"


@pytest.mark.parametrize(
    ("item", "needle"),
    [
        ("CN-MOFCOM-2025-61", "expected ID=STATUS"),
        ("NOPE=in_force", "unknown measure"),
        ("CN-MOFCOM-2025-61=lifted", "status must be one of"),
    ],
)
def test_bad_assumptions_are_rejected(rules: RuleSet, item: str, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle) as caught:
        parse_assumptions([item], rules)
    assert caught.value.problems[0].column == "assume"


def test_unknown_after_suspension_is_explained(rules: RuleSet) -> None:
    entry = next(e for e in timeline(rules, D("2026-11-28")) if e.measure == "CN-MOFCOM-2025-61")
    assert "no source says" in entry.note
