"""The scenario reader accepts only numbers, dates and flags that mean something."""

from __future__ import annotations

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.shock.kernel import GLOBAL_PARAMS
from lanthanide.shock.scenario import Scenario
from lanthanide.store.scenario_reader import DOMAINS, parse_scenario
from lanthanide.store.shock_network import Calibration, load_calibration
from tests.shock.test_scenario_reader import GOOD as BASE

#: the shared example scenario without its approval rate (each test adds the line it checks)
GOOD = BASE[: BASE.index("approval_rate")]


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    return load_calibration()


def parse(text: str, calibration: Calibration) -> Scenario:
    return parse_scenario(text, "s.toml", calibration.measures)


def problems(text: str, calibration: Calibration) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse(text, calibration)
    assert all(p.file == "s.toml" and p.line and p.column for p in caught.value.problems)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_every_number_of_a_scenario_has_a_domain() -> None:
    numeric = {"approval_rate", "licence_lag_months", "grace_days", "quota_t_per_month"}
    assert set(DOMAINS) == numeric | set(GLOBAL_PARAMS)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("approval_rate = 1.5", "values 1.5..1.5 leave the domain: a share 0..1"),
        ("approval_rate = -0.1", "values -0.1..-0.1 leave the domain: a share 0..1"),
        ("approval_rate = nan", "expected a finite number, got nan"),
        ("approval_rate = {dist = 'uniform', low = 0.1, high = inf}", "finite number, got inf"),
        ("licence_lag_months = -1", "values -1..-1 leave the domain: months 0..600"),
        ("grace_days = -3", "leave the domain: days of the first month, 0..31"),
        ("quota_t_per_month = -10", "leave the domain: tonnes per month >= 0"),
        ("approval_rate = {dist = 'uniform', low = 0.9, high = 0.1}", "uniform needs low <= high"),
        (
            "approval_rate = {dist = 'normal', mean = 0.5, sd = 0.1}",
            "(give it low and high to clip)",
        ),
        (
            "approval_rate = {dist = 'normal', mean = 0.5, sd = 0.1, low = 0.6, high = 0.2}",
            "normal needs low <= high",
        ),
        ("ignore_suspension = 'no'", "expected true or false, got 'no'"),
    ],
)
def test_a_restriction_value_outside_its_domain_is_located(
    line: str, expected: str, calibration: Calibration
) -> None:
    found = problems(GOOD + line + "\n", calibration)
    assert len(found) == 1
    assert found[0].startswith("11:") and "restrictions[1]." in found[0]
    assert expected in found[0]


def test_a_string_flag_is_never_true(calibration: Calibration) -> None:
    text = GOOD.replace('id = "a"', 'id = "a"\nmeasure = "CN-MOFCOM-2025-61"')
    text = text.replace("start = 2026-03-01\n", "") + 'ignore_suspension = "no"\n'
    assert problems(text, calibration) == [
        "11:1: restrictions[1].ignore_suspension: expected true or false, got 'no'"
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("price_cap_multiple", "0"),
        ("price_cap_multiple", "{dist = 'triangular', low = 0, mode = 2, high = 3}"),
        ("substitution_max", "1.2"),
        ("resourcing_max", "-0.5"),
        ("restock_months", "-inf"),
        ("elasticity_demand", "nan"),
    ],
)
def test_a_parameter_outside_its_domain_is_located(
    parameter: str, value: str, calibration: Calibration
) -> None:
    found = problems(GOOD + f"\n[parameters]\n{parameter} = {value}\n", calibration)
    assert len(found) == 1 and found[0].startswith(f"13:1: parameters.{parameter}")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"2026-01"', '"9999-01"', "3:1: scenario.start: year 9999 is outside 1900..2200"),
        ("2026-03-01", "9999-03-01", "10:1: restrictions[1].start: year 9999 is outside"),
        ("2026-03-01", "1000-03-01", "10:1: restrictions[1].start: year 1000 is outside"),
        ("2026-03-01", "2028-03-01", "never inside the horizon 2026-01-01..2027-01-01"),
    ],
)
def test_absurd_years_and_restrictions_outside_the_horizon_are_located(
    old: str, new: str, expected: str, calibration: Calibration
) -> None:
    found = problems(GOOD.replace(old, new), calibration)
    assert any(expected in f for f in found), found


def test_a_restriction_that_ended_before_the_horizon_is_reported(calibration: Calibration) -> None:
    found = problems(GOOD.replace("2026-03-01", "2020-03-01\nend = 2021-01-01"), calibration)
    assert found == [
        "10:1: restrictions[1].start: active 2020-03-01..2021-01-01, never inside the horizon "
        "2026-01-01..2027-01-01 (excl.)"
    ]


def test_year_zero_is_a_located_toml_error(calibration: Calibration) -> None:
    assert problems(GOOD.replace("2026-03-01", "0000-03-01"), calibration)[0].startswith("10:")


def test_duplicate_restriction_ids_are_located(calibration: Calibration) -> None:
    second = GOOD[GOOD.index("[[restrictions]]") :]
    found = problems(GOOD + "\n" + second, calibration)
    assert found == ["13:1: restrictions[2].id: id 'a' is already used by restrictions[1]"]


def test_a_valid_scenario_still_parses(calibration: Calibration) -> None:
    text = GOOD + "grace_days = 10\nquota_t_per_month = 50\n[parameters]\nprice_cap_multiple = 4\n"
    scenario = parse(text, calibration)
    assert scenario.restrictions[0].grace_days.get("value") == 10.0
    assert scenario.parameters["price_cap_multiple"].get("value") == 4.0


def test_problems_beyond_the_cap_are_counted_not_listed(calibration: Calibration) -> None:
    block = GOOD[GOOD.index("[[restrictions]]") :] + "approval_rate = 7\n"
    text = GOOD + "".join(block.replace('"a"', f'"r{i}"') for i in range(80))
    with pytest.raises(InvalidInput) as caught:
        parse(text, calibration)
    assert len(caught.value.problems) == 50
    assert str(caught.value).startswith("s.toml: 80 problems (first 50 listed)")


@pytest.mark.parametrize("opener", ["[", "{x = "])
def test_deep_nesting_is_a_located_error(opener: str, calibration: Calibration) -> None:
    closer = "]" if opener == "[" else "}"
    found = problems(GOOD + "deep = " + opener * 5000 + "1" + closer * 5000 + "\n", calibration)
    assert found[0].startswith("11:") and "nested deeper than 64" in found[0]
