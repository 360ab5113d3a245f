"""The tornado ranks uncertain parameters by their paired effect on total shortfall."""

from __future__ import annotations

import dataclasses

from lanthanide.shock.distributions import make
from lanthanide.shock.sensitivity import tornado, uncertain_parameters
from tests.shock.conftest import ModelFactory, embargo


def test_a_lower_approval_rate_gives_more_shortfall_and_rows_are_ranked_by_swing(
    make_model: ModelFactory,
) -> None:
    cut = dataclasses.replace(
        embargo(0.5, 1.0, ("magnet:ndfeb", "magnet:ndfeb_hd"), ("US", "EU"), "2026-02-01"),
        approval_rate=make("uniform", {"low": 0.0, "high": 1.0}),
    )
    model = make_model(cut, months=12)
    names = [n for n, _ in uncertain_parameters(model)]
    assert "test.approval_rate" in names and "test.licence_lag_months" not in names  # fixed
    rows = tornado(model, 64, seed=3, chunk_size=64)
    assert [r.parameter for r in rows] == sorted(
        names, key=lambda n: -next(r.swing_t for r in rows if r.parameter == n)
    )
    approval = next(r for r in rows if r.parameter == "test.approval_rate")
    assert approval.low_value < approval.high_value
    assert approval.shortfall_at_low_t > approval.shortfall_at_high_t
    assert rows[0].swing_t >= rows[-1].swing_t
