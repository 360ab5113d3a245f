"""Which uncertain parameters drive total shortfall and loss: a one-at-a-time tornado.

Each uncertain parameter (the global behavioural ones and every restriction's approval rate,
licence lag and grace days) is pinned at its P10 and then its P90 while all others keep their
distributions; the runs are paired by seed (every distribution consumes the random stream the same
way, fixed or not), so the swing between the two pinned runs is the parameter's effect with the
common noise cancelled. A tornado, not variance-based indices: Sobol indices need
N x (2k + 2) runs for k ~ 20 parameters, which is more than an interactive budget allows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from lanthanide.shock.distributions import Dist, fixed
from lanthanide.shock.scenario import Restriction
from lanthanide.shock.simulation import Model, simulate
from lanthanide.shock.state import GLOBAL_PARAMS

LOW_P, HIGH_P = 0.1, 0.9
RESTRICTION_PARAMS = ("approval_rate", "licence_lag_months", "grace_days")


@dataclass(frozen=True)
class TornadoRow:
    parameter: str
    low_value: float
    high_value: float
    shortfall_at_low_t: float  # mean total shortfall over runs
    shortfall_at_high_t: float
    loss_at_low_musd: float
    loss_at_high_musd: float

    @property
    def swing_t(self) -> float:
        return abs(self.shortfall_at_high_t - self.shortfall_at_low_t)

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "swing_t": self.swing_t}


def _pinned(model: Model, name: str, value: float) -> Model:
    if name in GLOBAL_PARAMS:
        i = GLOBAL_PARAMS.index(name)
        dists = (*model.global_dists[:i], fixed(value), *model.global_dists[i + 1 :])
        return dataclasses.replace(model, global_dists=dists)
    res_id, field = name.split(".", 1)
    restrictions = tuple(
        _pin_restriction(r, field, fixed(value)) if r.id == res_id else r
        for r in model.scenario.restrictions
    )
    return dataclasses.replace(
        model, scenario=dataclasses.replace(model.scenario, restrictions=restrictions)
    )


def _pin_restriction(r: Restriction, field: str, dist: Dist) -> Restriction:
    if field == "approval_rate":
        return dataclasses.replace(r, approval_rate=dist)
    if field == "licence_lag_months":
        return dataclasses.replace(r, licence_lag_months=dist)
    return dataclasses.replace(r, grace_days=dist)


def uncertain_parameters(model: Model) -> list[tuple[str, Dist]]:
    """(name, distribution) of every parameter that is not fixed."""
    out = [(n, d) for n, d in zip(GLOBAL_PARAMS, model.global_dists, strict=True)]
    for r in model.scenario.restrictions:
        out += [(f"{r.id}.{f}", getattr(r, f)) for f in RESTRICTION_PARAMS]
    return [(n, d) for n, d in out if d.kind != "fixed"]


def tornado(model: Model, runs: int, seed: int, chunk_size: int = 1000) -> list[TornadoRow]:
    """One row per uncertain parameter, largest shortfall swing first."""
    rows = []
    for name, dist in uncertain_parameters(model):
        lo, hi = dist.quantile(LOW_P), dist.quantile(HIGH_P)
        at = [
            simulate(_pinned(model, name, v), runs, seed, chunk_size=chunk_size).summary
            for v in (lo, hi)
        ]
        rows.append(
            TornadoRow(
                name,
                lo,
                hi,
                at[0]["total_shortfall_t"]["mean"],
                at[1]["total_shortfall_t"]["mean"],
                at[0]["total_loss_musd"]["mean"],
                at[1]["total_loss_musd"]["mean"],
            )
        )
    return sorted(rows, key=lambda r: -r.swing_t)
