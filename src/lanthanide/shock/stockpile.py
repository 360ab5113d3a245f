"""Stockpile sizing: the days of cover that keep shortfall at zero in a given share of runs.

For each region (all its sectors together) and, separately, for each sector (in every region),
the days of cover of that group are set to D while every other group keeps its calibrated cover,
and D is found by bisection as the smallest value at which the group has no shortfall over the
horizon in at least `share` of the runs. Runs are paired by seed across the bisection, so the share
is monotone in D up to sampling noise. The kernel reports shortfall by region and by sector, not
by region x sector, so the two lists are sized separately (a joint table is not computed).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from lanthanide.shock.network import REGIONS, SECTORS
from lanthanide.shock.simulation import Model, run_raw, series_layout

#: a run counts as "no shortfall" for a group below this many tonnes over the horizon
ZERO_SHORTFALL_T = 0.5
#: bisection bracket and resolution, days of cover
MAX_DAYS = 1460.0
RESOLUTION_DAYS = 5.0


@dataclass(frozen=True)
class CoverRow:
    group: str  # "region" or "sector"
    name: str
    calibrated_days: float  # mean calibrated days of cover of the group
    days_needed: float | None  # None: not reached within MAX_DAYS
    share_without_shortfall_at_calibrated: float

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _share_without_shortfall(model: Model, column: int, runs: int, seed: int) -> float:
    raw = run_raw(model, runs, np.random.SeedSequence(seed))
    total = raw.series[:, :, column].sum(axis=1)
    return float((total < ZERO_SHORTFALL_T).mean())


def _with_cover(model: Model, cover: np.ndarray) -> Model:
    return dataclasses.replace(model, net=model.net._replace(cover_days=cover))


def _size(
    model: Model, mask: np.ndarray, column: int, *, runs: int, seed: int, share: float
) -> tuple[float | None, float]:
    base = model.net.cover_days
    at_base = _share_without_shortfall(model, column, runs, seed)

    def ok(days: float) -> bool:
        cover = np.where(mask, days, base)
        return _share_without_shortfall(_with_cover(model, cover), column, runs, seed) >= share

    if not ok(MAX_DAYS):
        return None, at_base
    lo, hi = 0.0, MAX_DAYS
    if ok(lo):
        return 0.0, at_base
    while hi - lo > RESOLUTION_DAYS:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi, at_base


def cover_needed(model: Model, runs: int, seed: int, share: float = 0.9) -> list[CoverRow]:
    """Days of cover per region and per sector that keep its shortfall at zero in `share` of
    runs (regions and sectors with no demand are skipped)."""
    cols = dict(series_layout())
    demand = model.network.demand  # [sector, region, magnet]
    base = model.net.cover_days  # [region, sector]
    rows = []
    for r, region in enumerate(REGIONS):
        if demand[:, r, :].sum() <= 0:
            continue
        mask = np.zeros_like(base, dtype=bool)
        mask[r, :] = True
        days, at_base = _size(
            model, mask, cols[f"shortfall_t/{region}"], runs=runs, seed=seed, share=share
        )
        rows.append(CoverRow("region", region, float(base[r].mean()), days, at_base))
    for k, sector in enumerate(SECTORS):
        if demand[k].sum() <= 0:
            continue
        mask = np.zeros_like(base, dtype=bool)
        mask[:, k] = True
        days, at_base = _size(
            model, mask, cols[f"shortfall_t/{sector}"], runs=runs, seed=seed, share=share
        )
        rows.append(CoverRow("sector", sector, float(base[:, k].mean()), days, at_base))
    return rows
