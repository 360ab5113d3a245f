"""Scenarios compared run by run on the same seeds."""

from __future__ import annotations

import numpy as np

from lanthanide.shock import simulation as sim
from lanthanide.shock.comparison import compare_scenarios
from tests.shock.conftest import ModelFactory, embargo


def test_paired_differences_are_taken_run_by_run_and_a_scenario_minus_itself_is_zero(
    make_model: ModelFactory,
) -> None:
    soft = make_model(embargo(0.6, 1.0, ("magnet:ndfeb",), ("US",), "2026-02-01"), months=12)
    hard = make_model(embargo(0.1, 1.0, ("magnet:ndfeb",), ("US",), "2026-02-01"), months=12)
    c = compare_scenarios([soft, hard, soft], 96, seed=4, chunk_size=48)
    # the same scenario twice: every paired difference is exactly zero
    assert all(v == 0.0 for d in c.differences[1].values() for v in d.values())
    # a lower approval rate never lowers shortfall run by run, so its difference band is >= 0
    assert c.differences[0]["total_shortfall_t"]["p10"] >= -1e-6
    assert c.differences[0]["total_shortfall_t"]["mean"] > 0
    # the levels are those of the chunks run on their own
    raw = [sim.run_raw(soft, t.runs, t.seed).scalars for t in sim.plan_chunks(96, 4, 48)]
    assert np.isclose(c.summaries[0]["total_shortfall_t"]["mean"], np.concatenate(raw)[:, 0].mean())
