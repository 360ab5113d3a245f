"""Summaries pinned at a fixed seed: a change to the model or calibration shows up here first.

The tolerance (relative 1e-6) admits rounding-level differences (a kernel refactor, another CPU)
and nothing else. After an intended change refresh with
`LANTHANIDE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/shock/test_golden.py` and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from lanthanide.shock import simulation as sim
from lanthanide.shock.network import build_network
from lanthanide.store.scenario_reader import read_scenario
from lanthanide.store.shock_network import Calibration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "shock"
RELATIVE = 1e-6
#: scenario file -> months simulated (shortened so the test stays fast)
CASES = {
    "full-embargo-us-2027.toml": 24,
    "heavy-re-cutoff-myanmar.toml": 12,
    "2025-04-no18.toml": 9,
}


def _pinned(result: sim.SimulationResult) -> dict[str, Any]:
    """The summary plus the P50 path of a few headline series."""
    keep = ("cn_magnet_exports_t", "shortfall_t", "shortfall_t/US", "price_usd_per_kg/ndfeb/XC")
    return {
        "summary": result.summary,
        "p50": {name: result.series[name]["p50"] for name in keep},
    }


def _close(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [m for k in a for m in _close(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [
            m
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for m in _close(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        ok = math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-6)
        return [] if ok else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_summary_at_a_fixed_seed_matches_the_pinned_one(
    calibration: Calibration, name: str
) -> None:
    scenario = read_scenario(EXAMPLES / name, calibration.measures)
    scenario = dataclasses.replace(scenario, months=CASES[name])
    network = build_network(calibration.tables, scenario.start, scenario.months)
    model = sim.prepare(network, scenario, calibration.defaults)
    got = json.loads(json.dumps(_pinned(sim.simulate(model, 600, seed=42, chunk_size=200))))
    path = GOLDEN / (name.removesuffix(".toml") + ".json")
    if os.environ.get("LANTHANIDE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert _close(got, expected) == []
