"""Backtests: simulated China magnet exports against the observed customs series.

Observed rows may span several months (e.g. 2025-02..2025-03 combined) and months may be missing
(gaps stay gaps); only single-month observations inside the window enter the error measure. Each
backtest scores the total and every destination with published monthly figures, and names the
months that were used to set a parameter (in sample): the error is also given over the others.
"""

from __future__ import annotations

import math
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
    #: months whose observations were looked at to set a parameter (scored, but not out of sample)
    in_sample: tuple[str, ...] = ()
    #: why those months are in sample
    in_sample_note: str = ""


BACKTESTS = {
    "2025-04": BacktestSpec(
        "2025-04",
        "2025-04-no18.toml",
        "2025-04",
        "2025-12",
        in_sample=("2025-04", "2025-05", "2025-06"),
        in_sample_note=(
            "first-month grace days were set so April's total fits; the US licence lag and "
            "approval were set from the May-June US figures"
        ),
    ),
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
class SeriesBacktest:
    """One observed series (total or a destination) against its simulated quantiles."""

    name: str  # "total" or a destination region
    rows: list[BacktestRow]
    in_sample: tuple[str, ...] = ()

    @property
    def used(self) -> list[BacktestRow]:
        return [r for r in self.rows if r.ape is not None]

    @property
    def out_of_sample(self) -> list[BacktestRow]:
        return [r for r in self.used if r.month not in self.in_sample]

    @staticmethod
    def _mape(rows: list[BacktestRow]) -> float:
        return sum(r.ape or 0.0 for r in rows) / len(rows) if rows else float("nan")

    @staticmethod
    def _coverage(rows: list[BacktestRow]) -> float:
        inside = [r for r in rows if r.observed is not None and r.p10 <= r.observed <= r.p90]
        return len(inside) / len(rows) if rows else float("nan")

    @property
    def mape(self) -> float:
        return self._mape(self.used)

    @property
    def coverage(self) -> float:
        """Share of observed months inside the simulated P10-P90 band."""
        return self._coverage(self.used)

    @property
    def mape_out_of_sample(self) -> float:
        return self._mape(self.out_of_sample)

    @property
    def coverage_out_of_sample(self) -> float:
        return self._coverage(self.out_of_sample)

    def as_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if math.isnan(x) else round(x, 6)  # no months -> null

        return {
            "series": self.name,
            "mape": num(self.mape),
            "coverage_p10_p90": num(self.coverage),
            "mape_out_of_sample": num(self.mape_out_of_sample),
            "coverage_out_of_sample": num(self.coverage_out_of_sample),
            "months_used": [r.month for r in self.used],
            "months_out_of_sample": [r.month for r in self.out_of_sample],
            "rows": [
                {
                    "month": r.month,
                    "observed_t": r.observed,
                    "p10": r.p10,
                    "p50": r.p50,
                    "p90": r.p90,
                    "in_sample": r.month in self.in_sample,
                    "source_url": r.source_url,
                }
                for r in self.rows
            ],
        }


@dataclass(frozen=True)
class Backtest:
    spec: BacktestSpec
    series: list[SeriesBacktest]

    @property
    def total(self) -> SeriesBacktest:
        return self.series[0]

    @property
    def rows(self) -> list[BacktestRow]:
        return self.total.rows

    @property
    def used(self) -> list[BacktestRow]:
        return self.total.used

    @property
    def mape(self) -> float:
        return self.total.mape

    @property
    def coverage(self) -> float:
        """Share of observed months of all series inside the simulated P10-P90 band."""
        rows = [r for s in self.series for r in s.used]
        return SeriesBacktest._coverage(rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "backtest": self.spec.name,
            "window": [self.spec.first, self.spec.last],
            "in_sample_months": list(self.spec.in_sample),
            "in_sample_note": self.spec.in_sample_note,
            "mape": round(self.mape, 6),
            "coverage_p10_p90": round(self.coverage, 6),
            "months_used": [r.month for r in self.used],
            "rows": self.total.as_dict()["rows"],
            "series": [s.as_dict() for s in self.series],
        }


def _series_rows(
    spec: BacktestSpec, result: SimulationResult, name: str, by_month: dict[str, Any]
) -> list[BacktestRow]:
    q = result.series[name]
    rows = []
    for i in range(month_index(spec.first, spec.last) + 1):
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
    return rows


def compare(
    spec: BacktestSpec,
    result: SimulationResult,
    observed: pd.DataFrame,
    by_destination: pd.DataFrame | None = None,
) -> Backtest:
    """Month-by-month observed vs simulated quantiles over the spec's window: the total, then
    each destination of `by_destination` (columns destination, month, tonnes, source_url)."""
    single = observed[observed["period_start"] == observed["period_end"]]
    by_month = {str(r["period_start"]): r for _, r in single.iterrows()}
    series = [SeriesBacktest("total", _series_rows(spec, result, SERIES, by_month), spec.in_sample)]
    if by_destination is not None:
        for dest, group in by_destination.groupby("destination", sort=True):
            months = {str(r["month"]): r for _, r in group.iterrows()}
            rows = _series_rows(spec, result, f"{SERIES}/{dest}", months)
            series.append(SeriesBacktest(str(dest), rows, spec.in_sample))
    return Backtest(spec, series)


def _add(month: str, k: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - 1 + k
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"
