"""Stockpile sizing finds the least cover that keeps a group's shortfall at zero in 90% of runs."""

from __future__ import annotations

import numpy as np

from lanthanide.shock.network import REGIONS
from lanthanide.shock.simulation import series_layout
from lanthanide.shock.stockpile import RESOLUTION_DAYS, _share_without_shortfall, cover_needed
from tests.shock.conftest import ModelFactory, embargo


def test_the_cover_found_is_enough_and_a_little_less_is_not(make_model: ModelFactory) -> None:
    model = make_model(embargo(0.0, 0.0, ("*",), ("US",), "2026-03-01", "2026-06-01"), months=12)
    rows = {(r.group, r.name): r for r in cover_needed(model, 64, seed=2)}
    us = rows[("region", "US")]
    assert us.share_without_shortfall_at_calibrated < 0.9 and us.days_needed is not None
    column = dict(series_layout())["shortfall_t/US"]
    base = model.net.cover_days
    r = REGIONS.index("US")

    def share(days: float) -> float:
        cover = base.copy()
        cover[r, :] = days
        sized = model.__class__(**{**model.__dict__, "net": model.net._replace(cover_days=cover)})
        return _share_without_shortfall(sized, column, 64, 2)

    assert share(us.days_needed) >= 0.9
    assert share(max(us.days_needed - 2 * RESOLUTION_DAYS, 0.0)) < 0.9
    assert np.isfinite(us.calibrated_days)
