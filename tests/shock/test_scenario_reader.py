from __future__ import annotations

from pathlib import Path

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.scenario_reader import parse_scenario, read_scenario
from lanthanide.store.shock_network import Calibration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
GOOD = """[scenario]
name = "t"
start = "2026-01"
months = 12

[[restrictions]]
id = "a"
exporter = "CN"
materials = ["magnet:ndfeb"]
start = 2026-03-01
approval_rate = {dist = "triangular", low = 0.1, mode = 0.2, high = 0.3}
"""


def problems(text: str, calibration: Calibration) -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as caught:
        parse_scenario(text, "s.toml", calibration.measures)
    return [(p.line, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_every_example_scenario_is_valid(path: Path, calibration: Calibration) -> None:
    scenario = read_scenario(path, calibration.measures)
    assert scenario.restrictions and scenario.months > 0


def test_a_measure_supplies_its_real_dates(calibration: Calibration) -> None:
    scenario = read_scenario(EXAMPLES / "2025-04-no18.toml", calibration.measures)
    ann18 = scenario.restrictions[0]
    assert (ann18.measure, ann18.start, ann18.end) == ("CN-MOFCOM-2025-18", "2025-04-04", None)
    assert "magnet:ndfeb_hd" in ann18.layers


def test_a_suspended_measure_ends_at_its_suspension_unless_ignored(
    calibration: Calibration,
) -> None:
    text = GOOD.replace('id = "a"', 'id = "a"\nmeasure = "CN-MOFCOM-2025-61"')
    text = text.replace("start = 2026-03-01\n", "")
    held = parse_scenario(text, "s.toml", calibration.measures).restrictions[0]
    assert (held.start, held.end) == ("2025-12-01", "2025-11-07")  # never in force
    lapsed = parse_scenario(
        text.replace(
            'measure = "CN-MOFCOM-2025-61"',
            'measure = "CN-MOFCOM-2025-61"\nignore_suspension = true',
        ),
        "s.toml",
        calibration.measures,
    ).restrictions[0]
    assert lapsed.end is None


def test_unknown_key_is_reported_with_its_line(calibration: Calibration) -> None:
    text = GOOD.replace("exporter = ", "exporterr = 1\nexporter = ")
    found = problems(text, calibration)
    allowed = (
        "approval_rate, destinations, end, exporter, grace_days, id, ignore_suspension, "
        "licence_lag_months, materials, measure, quota_t_per_month, start"
    )
    assert found == [(8, f"restrictions[1].exporterr: unknown key (allowed: {allowed})")]


def test_bad_date_is_reported_with_its_line(calibration: Calibration) -> None:
    found = problems(GOOD.replace("start = 2026-03-01", 'start = "2026-13-01"'), calibration)
    assert found == [(10, "restrictions[1].start: bad date '2026-13-01': expected YYYY-MM-DD")]


def test_bad_month_and_months_are_reported(calibration: Calibration) -> None:
    found = problems(GOOD.replace('"2026-01"', '"2026-1"').replace("12", "0"), calibration)
    lines = sorted(line or 0 for line, _ in found)
    assert lines == [3, 4]


def test_bad_distribution_is_reported_with_its_line(calibration: Calibration) -> None:
    text = GOOD.replace("low = 0.1, mode = 0.2", "low = 0.5, mode = 0.2")
    assert problems(text, calibration) == [
        (
            11,
            "restrictions[1].approval_rate.dist: bad distribution: "
            "triangular needs low <= mode <= high",
        )
    ]
    text = GOOD.replace('dist = "triangular"', 'dist = "beta"')
    assert "unknown distribution 'beta'" in problems(text, calibration)[0][1]


def test_every_problem_is_reported_at_once(calibration: Calibration) -> None:
    text = GOOD.replace('"CN"', '"XX"').replace("magnet:ndfeb", "magnet:iron")
    text += '\n[parameters]\nelasticity_demand = {dist = "uniform", low = 1}\nwhat = 2\n'
    found = problems(text, calibration)
    assert len(found) == 4
    assert all(line is not None for line, _ in found)


def test_toml_syntax_errors_carry_a_position(calibration: Calibration) -> None:
    found = problems("[scenario\nname = 1\n", calibration)
    assert found[0][0] == 1
