"""Backtests: simulated China magnet exports against the observed customs series.

Observed rows may span several months (e.g. 2025-02..2025-03 combined) and months may be missing
(gaps stay gaps); only single-month observations inside the window enter the error measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from lanthanide.shock.network import month_index
from lanthanide.shock.simulation import SimulationResult

SERIES = "cn_magnet_exports_t"


@dataclass(frozen=True)
class BacktestSpec:
    """A named backtest: scenario file (packaged) and the error window (inclusive months)."""

    name: str
    scenario_file: str
    first: str
    last: str
    observed_table: str = "cn_magnet_exports"


BACKTESTS = {
    "2025-04": BacktestSpec("2025-04", "2025-04-no18.toml", "2025-04", "2025-12"),
}


@dataclass(frozen=True)
class BacktestRow:
    month: str
    observed: float | None
    p10: float
    p50: float
    p90: float
    source_url: str | None

    @property
    def ape(self) -> float | None:
        if self.observed is None or self.observed == 0:
            return None
        return abs(self.p50 - self.observed) / self.observed


@dataclass(frozen=True)
class Backtest:
    spec: BacktestSpec
    rows: list[BacktestRow]

    @property
    def used(self) -> list[BacktestRow]:
        return [r for r in self.rows if r.ape is not None]

    @property
    def mape(self) -> float:
        used = self.used
        return sum(r.ape or 0.0 for r in used) / len(used) if used else float("nan")

    @property
    def coverage(self) -> float:
        """Share of observed months inside the simulated P10-P90 band."""
        used = self.used
        inside = [r for r in used if r.observed is not None and r.p10 <= r.observed <= r.p90]
        return len(inside) / len(used) if used else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {
            "backtest": self.spec.name,
            "window": [self.spec.first, self.spec.last],
            "mape": round(self.mape, 6),
            "coverage_p10_p90": round(self.coverage, 6),
            "months_used": [r.month for r in self.used],
            "rows": [
                {
                    "month": r.month,
                    "observed_t": r.observed,
                    "p10": r.p10,
                    "p50": r.p50,
                    "p90": r.p90,
                    "source_url": r.source_url,
                }
                for r in self.rows
            ],
        }


def compare(spec: BacktestSpec, result: SimulationResult, observed: pd.DataFrame) -> Backtest:
    """Month-by-month observed vs simulated quantiles over the spec's window."""
    single = observed[observed["period_start"] == observed["period_end"]]
    by_month = {str(r["period_start"]): r for _, r in single.iterrows()}
    q = result.series[SERIES]
    rows = []
    n = month_index(spec.first, spec.last) + 1
    for i in range(n):
        month = _add(spec.first, i)
        if month not in result.months:
            continue
        j = result.months.index(month)
        obs = by_month.get(month)
        rows.append(
            BacktestRow(
                month=month,
                observed=float(obs["tonnes"]) if obs is not None else None,
                p10=q["p10"][j],
                p50=q["p50"][j],
                p90=q["p90"][j],
                source_url=str(obs["source_url"]) if obs is not None else None,
            )
        )
    return Backtest(spec, rows)


def _add(month: str, k: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - 1 + k
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
