"""Scenarios side by side, paired by seed: differences per run, so common noise cancels.

Every scenario is run on the same chunk seeds; the global parameters and facility delays are drawn
first from each chunk's stream, so run i of every scenario shares them (restriction parameters,
drawn after them, belong to each scenario). The difference B - A is taken run by run and its
quantiles are the band of the difference; that band is narrower than the gap between the two
scenarios' own bands whenever the runs are correlated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lanthanide.errors import SimulationError
from lanthanide.shock.simulation import QUANTILES, SCALARS, Model, plan_chunks, run_raw


@dataclass(frozen=True)
class Comparison:
    names: list[str]
    runs: int
    seed: int
    #: [scenario][scalar] -> {"p10", "p50", "p90", "mean"}
    summaries: list[dict[str, dict[str, float]]]
    #: [scenario >= 1][scalar] -> quantiles of (scenario - first), per run
    differences: list[dict[str, dict[str, float]]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "seed": self.seed,
            "reference": self.names[0],
            "scenarios": [
                {"scenario": n, "summary": s}
                for n, s in zip(self.names, self.summaries, strict=True)
            ],
            "differences_vs_reference": [
                {"scenario": n, "difference": d}
                for n, d in zip(self.names[1:], self.differences, strict=True)
            ],
        }


def _stats(values: np.ndarray) -> dict[str, float]:
    q = np.quantile(values, QUANTILES, axis=0)
    return {
        "p10": round(float(q[0]), 6),
        "p50": round(float(q[1]), 6),
        "p90": round(float(q[2]), 6),
        "mean": round(float(values.mean()), 6),
    }


def compare_scenarios(
    models: list[Model], runs: int, seed: int, chunk_size: int = 1000
) -> Comparison:
    """Run every model on the same chunk seeds and summarise levels and paired differences."""
    if len(models) < 2:
        raise SimulationError("a comparison needs at least two scenarios")
    tasks = plan_chunks(runs, seed, chunk_size)
    per_model: list[list[np.ndarray]] = [[] for _ in models]
    for task in tasks:
        for i, model in enumerate(models):
            per_model[i].append(run_raw(model, task.runs, task.seed).scalars.copy())
    scalars = [np.concatenate(chunks) for chunks in per_model]
    summaries = [{name: _stats(s[:, j]) for j, name in enumerate(SCALARS)} for s in scalars]
    differences = [
        {name: _stats(s[:, j] - scalars[0][:, j]) for j, name in enumerate(SCALARS)}
        for s in scalars[1:]
    ]
    names = [m.scenario.name for m in models]
    return Comparison(names, runs, seed, summaries, differences)
