"""The six example BOMs read cleanly and screen to the determinations the README shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lanthanide.controls import screen
from lanthanide.controls.status import parse_assumptions
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.rules import shipped_rules

EXAMPLES = Path(__file__).parents[2] / "examples" / "boms"
TODAY = dt.date(2026, 11, 28)

#: file -> {product: (determination today, determination assuming Ann. 61 back in force)}
EXPECTED = {
    # motors, generators and magnet assemblies are not Part II items: Ann. 61's 0.1% rule does
    # not reach them (their magnets are reported as upstream findings)
    "ev_traction_motor.csv": {"EV-MOTOR-150KW": ("no_licence_required", "no_licence_required")},
    "wind_direct_drive_generator.csv": {
        "WTG-DD-3MW": ("no_licence_required", "no_licence_required")
    },
    "guided_munition_actuator.csv": {
        "FIN-ACT-A": ("prohibited", "prohibited"),
        "FIN-ACT-B": ("no_licence_required", "no_licence_required"),
    },
    "smartphone.csv": {"PHONE-X": ("no_licence_required", "no_licence_required")},
    "ai_server.csv": {"AI-SRV-8G": ("licence_required", "licence_required")},
    "mri_magnet.csv": {"MRI-PM-0.5T": ("no_licence_required", "no_licence_required")},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_bom_determinations(name: str) -> None:
    rules = shipped_rules()
    bom = read_bom(EXAMPLES / name)
    today = screen(bom, rules, TODAY)
    lapsed = screen(
        bom, rules, TODAY, assumptions=parse_assumptions(["CN-MOFCOM-2025-61=in_force"], rules)
    )
    got = {
        p.product_id: (p.determination.value, q.determination.value)
        for p, q in zip(today.products, lapsed.products, strict=True)
    }
    assert got == EXPECTED[name]


def test_every_example_line_carries_a_source_or_an_assumption() -> None:
    import csv

    for path in EXAMPLES.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                assert row["source_url"] or row["derivation"].startswith(
                    ("assumption:", "shared subassembly")
                ), (path.name, row["line_id"])


def test_mine_to_magnet_catches_chinese_sm_oxide_from_2027() -> None:
    rules = shipped_rules()
    bom = read_bom(EXAMPLES / "guided_munition_actuator.csv")
    result = screen(bom, rules, dt.date(2027, 1, 1))
    assert result.products[1].determination.value == "prohibited"
