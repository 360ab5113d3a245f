"""Result objects of a volatility study, shaped like the JSON of `lanthanide events volatility`.

    {"receipt": {...}, "events": [{"id", "date", "variance_ratio": {...}, "realized": [...],
      "garch": [{"series", "delta", "se", ...}]}], "garch": [{"series", "alpha", "beta",
      "half_life", ...}], "skipped": [...], "notes": [...]}

Volatilities are annualised (sqrt(252) x daily) decimals; GARCH variances are in percent
squared (daily returns x 100, as `arch` scales them). All p-values are two-sided; undefined
statistics are null.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from lanthanide.markets.result import Skipped, Stat
from lanthanide.receipt import Receipt


class VarianceRatio(BaseModel):
    """Cross-sectional variance of standardised ARs in the event window over the estimation one."""

    ratio: float | None
    window_variance: float | None = Field(description="pooled cross-sectional variance, window")
    estimation_variance: float | None = Field(description="the same over the estimation window")
    f: Stat = Field(description="F = ratio with (df_window, df_estimation) degrees of freedom")
    df_window: int
    df_estimation: int


class Realized(BaseModel):
    """Realised volatility sqrt(252 mean r^2) of raw returns before and from day 0."""

    series: str = Field(description="ticker, or 'basket' for the equal-weight basket")
    event_day: dt.date
    before: float | None = Field(description="days [-k, -1]")
    after: float | None = Field(description="days [0, k-1]")
    ratio: float | None
    n_before: int
    n_after: int


class GarchEvent(BaseModel):
    """The event's dummy in one series' GARCH-X variance equation."""

    series: str
    delta: float | None = Field(description="extra conditional variance per window day, %^2")
    se: float | None
    z: Stat
    jump_ratio: float | None = Field(
        description="delta over the series' unconditional variance: day-0 variance x (1 + this)"
    )


class VolPoint(BaseModel):
    date: dt.date
    vol: float = Field(description="annualised conditional volatility, decimal")


class GarchSeries(BaseModel):
    """One GARCH(1,1)-X fit (all studied events' dummies at once)."""

    series: str
    role: Literal["firm", "basket", "market"]
    n: int
    mu: float
    omega: float
    alpha: float
    beta: float
    se: dict[str, float | None] = Field(description="std. errors of mu, omega, alpha, beta")
    persistence: float = Field(description="alpha + beta: the daily decay of a variance shock")
    half_life: float | None = Field(description="trading days for a variance shock to halve")
    half_life_se: float | None
    unconditional_vol: float | None = Field(description="annualised, decimal")
    loglik: float
    converged: bool
    conditional_vol: list[VolPoint] = Field(
        default_factory=list, description="the fitted path (basket only)"
    )


class VolEvent(BaseModel):
    id: str
    date: dt.date
    members: list[str]
    actor: list[str]
    expected_direction: int
    description: str
    source_url: str
    n: int = Field(description="firms in the variance ratio")
    variance_ratio: VarianceRatio
    realized: list[Realized]
    garch: list[GarchEvent]


class VolatilityResult(BaseModel):
    receipt: Receipt
    window: tuple[int, int]
    estimation: tuple[int, int]
    model: str
    rv_days: int
    events: list[VolEvent]
    garch: list[GarchSeries]
    skipped: list[Skipped]
    notes: list[str] = Field(default_factory=list)
