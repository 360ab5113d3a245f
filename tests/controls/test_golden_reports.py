"""Golden files for the JSON and HTML reports of two example BOMs.

A change to a rule file, the engine or a renderer shows up as a diff here. After checking the
diff is intended, refresh with: LANTHANIDE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/controls
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from lanthanide.controls import screen
from lanthanide.controls.status import parse_assumptions
from lanthanide.report.screening import screening_json
from lanthanide.report.screening_html import screening_html
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.rules import shipped_rules

ROOT = Path(__file__).parents[2]
GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "ev_traction_motor.json": ("ev_traction_motor.csv", ["CN-MOFCOM-2025-61=in_force"]),
    "guided_munition_actuator.html": ("guided_munition_actuator.csv", []),
}


@pytest.mark.parametrize("golden", sorted(CASES))
def test_report_matches_golden_file(golden: str) -> None:
    bom_name, assume = CASES[golden]
    rules = shipped_rules()
    result = screen(
        read_bom(ROOT / "examples" / "boms" / bom_name),
        rules,
        dt.date(2026, 11, 28),
        assumptions=parse_assumptions(assume, rules),
        inputs={f"bom:{bom_name}": "(not hashed in this test)"},
    )
    text = screening_json(result) if golden.endswith(".json") else screening_html(result)
    # the BOM path inside `source` is machine-specific; the reports never print it
    path = GOLDEN / golden
    if os.environ.get("LANTHANIDE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
