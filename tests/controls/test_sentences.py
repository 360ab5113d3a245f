"""Sentences take their figures, countries and codes from the rule data, not from the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lanthanide.controls import Defaults, RuleSet, Screening, screen
from lanthanide.controls.rule import Threshold
from lanthanide.controls.status import parse_assumptions
from lanthanide.store.rules import shipped_rules
from tests.bom_builder import line, load

ANN61 = "CN-MOFCOM-2025-61"


def with_rule(rules: RuleSet, rule_id: str, **scope_or_fields: object) -> RuleSet:
    rule = rules.rules[rule_id]
    scope = {k: v for k, v in scope_or_fields.items() if k in type(rule.scope).model_fields}
    fields = {k: v for k, v in scope_or_fields.items() if k not in scope}
    changed = rule.model_copy(update={**fields, "scope": rule.scope.model_copy(update=scope)})
    return rules.model_copy(update={"rules": {**rules.rules, rule_id: changed}})


def screening(tmp_path: Path, rows: list, rules: RuleSet, **defaults: str) -> Screening:
    return screen(
        load(tmp_path, rows),
        rules,
        dt.date(2026, 11, 28),
        defaults=Defaults(**defaults),
        assumptions=parse_assumptions([f"{ANN61}=in_force"], rules),
    )


def sentence(result: Screening, measure: str, clause: str | None = None) -> str:
    return next(
        f.sentence
        for f in result.products[0].findings
        if f.measure == measure and f.clause == clause and not f.upstream
    )


MAGNET = [
    line("MAG", "", "magnet_ndfeb", "JP", 1000, elements="Nd;Dy"),
    line("DY", "MAG", "ree_metal", "CN", 1.5, elements="Dy"),
]


def test_the_threshold_in_the_sentence_is_the_rules(tmp_path: Path) -> None:
    rules = shipped_rules()
    shipped = screening(tmp_path, MAGNET, rules, ship_to="DE")
    assert "at or above the 0.1% threshold" in sentence(shipped, ANN61, "de_minimis")
    t = rules.rules[ANN61].thresholds["cn_controlled_share"]
    raised = with_rule(
        rules,
        ANN61,
        thresholds={"cn_controlled_share": Threshold(**{**t.model_dump(), "value": 0.002})},
    )
    result = screening(tmp_path, MAGNET, raised, ship_to="DE")
    text = sentence(result, ANN61, "de_minimis")
    assert "below the 0.2% threshold" in text and "0.1%" not in text


def test_the_excluded_destination_in_the_sentence_is_the_rules(tmp_path: Path) -> None:
    rules = with_rule(shipped_rules(), ANN61, excluded_destinations=["CN", "MO"])
    text = sentence(screening(tmp_path, MAGNET, rules, ship_to="MO"), ANN61, "de_minimis")
    assert "ships to Macao" in text and "outside China and Macao" in text


@pytest.mark.parametrize(
    ("item_type", "elements", "named", "code"),
    [
        ("magnet_ndfeb", "Nd;Pr;Dy", "Dy", "1C905"),
        ("magnet_ndfeb", "Nd;Tb;Dy", "Tb/Dy", "1C904"),
        ("magnet_smco", "Sm", "Sm", "1C902"),
        ("ree_oxide", "Gd", "Gd", "1C903"),
    ],
)
def test_ann_18_names_the_element_that_triggered_and_its_code(
    tmp_path: Path, item_type: str, elements: str, named: str, code: str
) -> None:
    rows = [line("X", "", item_type, "CN", 50, elements=elements)]
    result = screening(tmp_path, rows, shipped_rules(), ship_to="DE")
    f = next(f for f in result.products[0].findings if f.measure == "CN-MOFCOM-2025-18")
    assert f.binding is True
    assert f"containing {named}," in f.sentence
    assert code in f.control_codes and code in f.sentence
    assert "Nd" not in f.sentence.split("containing")[1].split(",")[0]  # Nd is not listed


def test_the_country_of_the_regime_comes_from_the_rule(tmp_path: Path) -> None:
    rows = [line("X", "", "ree_oxide", "DE", 50, elements="Dy")]
    result = screening(tmp_path, rows, shipped_rules(), ship_to="FR")
    text = sentence(result, "CN-MOFCOM-2025-18")
    assert text.startswith("The product ships from Germany, not from China")
