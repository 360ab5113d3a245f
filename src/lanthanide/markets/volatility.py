"""Did a policy event raise volatility, and for how long? Three measures per event.

1. **Event-induced variance** (cross-section): the standardised abnormal returns SAR_it =
   AR_it / S(AR_it) of the event study (Patell 1976; Boehmer, Musumeci & Poulsen 1991, whose
   standardised cross-sectional test exists because events raise this variance) have unit
   variance under the null. Their cross-sectional variance in the event window, pooled over the
   window days (each day about its own cross-sectional mean, so a common jump is not counted as
   dispersion), is compared with the same quantity over the estimation window, where each firm's
   residual e_it is standardised by its own standard error s_i sqrt(1 - h_it) (internally
   studentised, h the leverage). Under the null of no event-induced variance, with normal
   independent SARs of common variance, the ratio is F(df_window, df_estimation) distributed,
   df = sum over days of (firms that day - 1). The test is two-sided, as all tests here; a
   ratio above 1 with a small p says the event raised dispersion. Rows line up by relative
   trading day, each firm on its own calendar.
2. **Realised volatility** sqrt(252 mean r^2) of raw daily returns over the k trading days
   before day 0 and from day 0 on, for each firm and for an equal-weight basket of the firms
   (the mean of the returns the firms have on each calendar date).
3. **GARCH(1,1)-X** (`garch`): one fit per series (each firm, the basket and each benchmark, the
   benchmarks as a control for market-wide volatility) with one dummy per studied event, 1 on
   the days of its event window; the dummy's delta is the extra conditional variance, with its
   standard error, and the fit's half-life says how long such a shock takes to halve.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from lanthanide.errors import InvalidInput
from lanthanide.markets.batch import Array, Returns, firm_returns
from lanthanide.markets.catalogue import Event
from lanthanide.markets.garch import GarchFit, fit_garch_x, normal_p
from lanthanide.markets.panel import PricePanel
from lanthanide.markets.result import Skipped, Stat
from lanthanide.markets.sample import (
    Design,
    Firms,
    combine,
    merge_same_day,
    prepare,
    receipt_parameters,
    sample_assumptions,
    select,
)
from lanthanide.markets.sample import reacts_next_day as _late
from lanthanide.markets.vol_result import (
    GarchEvent,
    GarchSeries,
    Realized,
    VarianceRatio,
    VolatilityResult,
    VolEvent,
    VolPoint,
)
from lanthanide.receipt import make_receipt

TRADING_DAYS = 252
BASKET = "basket"
#: a GARCH coefficient below this sits on its bound of 0
BOUND_TOL = 1e-6
Role = Literal["firm", "basket", "market"]


@dataclass(frozen=True)
class Series:
    """One return series on its own calendar: `rows` are calendar rows of its returns."""

    name: str
    role: Role
    r: Array
    rows: npt.NDArray[np.intp]


def _pooled_cs_variance(sar: Array) -> tuple[float, int]:
    """Sum over days (rows) of squared deviations from the day's mean over firms, and its df."""
    counts = np.sum(~np.isnan(sar), axis=1)
    keep = counts >= 2
    if not keep.any():
        return float("nan"), 0
    rows = sar[keep]
    dev = rows - np.nanmean(rows, axis=1, keepdims=True)
    df = int(np.sum(counts[keep] - 1))
    return float(np.nansum(dev**2)) / df, df


def _studentised_residuals(firms: Firms) -> Array:
    """Estimation residuals over s_i sqrt(1 - h_it) (h = 0 for market-adjusted returns)."""
    f = firms.fits
    if f.model == "market_adjusted":
        lev = np.zeros_like(f.residuals)
    else:
        d = firms.x_est - f.xbar[:, None, :]
        lev = 1.0 / f.n[None, :] + np.einsum("ilf,fij,jlf->lf", d, f.sxx_inv, d)
    with np.errstate(invalid="ignore"):
        out: Array = f.residuals / np.sqrt(f.sigma2[None, :] * (1.0 - lev))
    return out


def variance_ratio(firms: Firms) -> VarianceRatio:
    """Event-window over estimation-window cross-sectional variance of standardised ARs."""
    window, df_w = _pooled_cs_variance(firms.ar / np.sqrt(firms.var))
    est, df_e = _pooled_cs_variance(_studentised_residuals(firms))
    ratio = window / est if df_w and df_e and est > 0 else float("nan")
    if math.isfinite(ratio):
        lower = float(special.fdtr(df_w, df_e, ratio))
        stat = Stat(stat=ratio, p=min(1.0, 2 * min(lower, 1.0 - lower)))
    else:
        stat = Stat(stat=None, p=None)
    return VarianceRatio(
        ratio=ratio if math.isfinite(ratio) else None,
        window_variance=window if df_w else None,
        estimation_variance=est if df_e else None,
        f=stat,
        df_window=df_w,
        df_estimation=df_e,
    )


def _series(raw: Returns, j: int, role: Role) -> Series:
    n = int(raw.count[j])
    return Series(raw.tickers[j], role, raw.y[:n, j].copy(), raw.rows[:n, j].copy())


def basket(raw: Returns, cols: Sequence[int]) -> Series:
    """Equal-weight basket: on each calendar date, the mean return of the firms that have one."""
    dense = np.full((len(raw.calendar), len(cols)), np.nan)
    for k, j in enumerate(cols):
        n = int(raw.count[j])
        dense[raw.rows[:n, j], k] = raw.y[:n, j]
    has = ~np.isnan(dense).all(axis=1)
    rows = np.flatnonzero(has).astype(np.intp)
    return Series(BASKET, "basket", np.nanmean(dense[has], axis=1), rows)


def series_day0(s: Series, event: Event, calendar: pd.DatetimeIndex) -> int:
    """Position of the series' day 0 (Asian tickers a session later after US-only events)."""
    side: Literal["left", "right"] = "right" if _late(s.name, event) else "left"
    pos = int(calendar.searchsorted(pd.Timestamp(event.date), side=side))
    return int(np.searchsorted(s.rows, pos, side="left"))


def _annualised(r: Array) -> float | None:
    return math.sqrt(TRADING_DAYS * float(np.mean(r**2))) if r.size >= 2 else None


def realized(s: Series, event: Event, calendar: pd.DatetimeIndex, days: int) -> Realized | None:
    """Realised volatility over [-days, -1] and [0, days - 1]; None if day 0 is off the data."""
    k = series_day0(s, event, calendar)
    if k >= s.r.size:
        return None
    before, after = s.r[max(0, k - days) : k], s.r[k : k + days]
    vol_b, vol_a = _annualised(before), _annualised(after)
    return Realized(
        series=s.name,
        event_day=calendar[s.rows[k]].date(),
        before=vol_b,
        after=vol_a,
        ratio=vol_a / vol_b if vol_a is not None and vol_b else None,
        n_before=int(before.size),
        n_after=int(after.size),
    )


def event_dummies(
    s: Series, events: Sequence[Event], calendar: pd.DatetimeIndex, window: tuple[int, int]
) -> tuple[Array, list[int]]:
    """(T, J) dummies, 1 on each event's window days; only events whose window is in the data."""
    columns, kept = [], []
    for j, event in enumerate(events):
        k = series_day0(s, event, calendar)
        lo, hi = k + window[0], k + window[1]
        if lo < 1 or hi >= s.r.size:  # day 0 of the series has no lagged return to condition on
            continue
        column = np.zeros(s.r.size)
        column[lo : hi + 1] = 1.0
        columns.append(column)
        kept.append(j)
    matrix = np.column_stack(columns) if columns else np.zeros((s.r.size, 0))
    return matrix, kept


def _garch_series(fit: GarchFit, s: Series, calendar: pd.DatetimeIndex) -> GarchSeries:
    se = fit.se
    life, life_se = fit.half_life()
    unc = fit.unconditional_variance()
    path: list[VolPoint] = []
    if s.role == "basket":
        days = calendar[s.rows].date
        vols = np.sqrt(TRADING_DAYS * fit.sigma2) / 100
        path = [VolPoint(date=d, vol=float(v)) for d, v in zip(days, vols, strict=True)]
    return GarchSeries(
        series=s.name,
        role=s.role,
        n=fit.n,
        mu=fit.mu,
        omega=fit.omega,
        alpha=fit.alpha,
        beta=fit.beta,
        se={k: _finite(float(se[i])) for i, k in enumerate(("mu", "omega", "alpha", "beta"))},
        persistence=fit.persistence,
        half_life=_finite(life),
        half_life_se=_finite(life_se),
        unconditional_vol=_finite(math.sqrt(TRADING_DAYS * unc) / 100) if unc > 0 else None,
        loglik=fit.loglik,
        converged=fit.converged,
        conditional_vol=path,
    )


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _garch_events(fit: GarchFit, s: Series, kept: list[int]) -> dict[int, GarchEvent]:
    unc = fit.unconditional_variance()
    out = {}
    for col, j in enumerate(kept):
        delta, se = float(fit.delta[col]), float(fit.se[4 + col])
        z = delta / se if se > 0 else float("nan")
        out[j] = GarchEvent(
            series=s.name,
            delta=_finite(delta),
            se=_finite(se),
            z=Stat(stat=_finite(z), p=normal_p(z)),
            jump_ratio=_finite(delta / unc) if unc > 0 else None,
        )
    return out


def garch_all(
    series: Sequence[Series],
    events: Sequence[Event],
    calendar: pd.DatetimeIndex,
    window: tuple[int, int],
) -> tuple[list[GarchSeries], dict[int, list[GarchEvent]], list[str]]:
    """One GARCH-X per series; per event index, its dummy in each series; notes on skips."""
    fits: list[GarchSeries] = []
    by_event: dict[int, list[GarchEvent]] = {j: [] for j in range(len(events))}
    notes: list[str] = []
    for s in series:
        dummies, kept = event_dummies(s, events, calendar, window)
        try:
            fit = fit_garch_x(s.r, dummies)
        except InvalidInput as error:
            notes.append(f"GARCH skipped for {s.name}: {error.problems[0].message}")
            continue
        if not fit.converged:
            notes.append(f"GARCH for {s.name}: the optimiser did not report convergence")
        at_bound = [k for k, v in (("alpha", fit.alpha), ("beta", fit.beta)) if v < BOUND_TOL]
        if at_bound:
            notes.append(
                f"GARCH for {s.name}: {' and '.join(at_bound)} at the bound 0, so the "
                "inverse-Hessian standard errors of that fit are unreliable"
            )
        fits.append(_garch_series(fit, s, calendar))
        for j, g in _garch_events(fit, s, kept).items():
            by_event[j].append(g)
    return fits, by_event, notes


def run_volatility(
    panel: PricePanel,
    events: Sequence[Event],
    *,
    tickers: Sequence[str],
    benchmarks: Mapping[str, str | None],
    design: Design | None = None,
    catalogue: Sequence[Event] = (),
    factors: pd.DataFrame | None = None,
    rv_days: int = 20,
    datasets: Mapping[str, str] | None = None,
    parameters: Mapping[str, object] | None = None,
) -> VolatilityResult:
    """Variance ratio, realised volatility and GARCH-X event dummies for `events` on `tickers`."""
    design = design or Design()
    if rv_days < 2:
        raise InvalidInput("rv_days must be at least 2")
    setup = prepare(
        panel,
        events,
        tickers=tickers,
        benchmarks=benchmarks,
        design=design,
        catalogue=catalogue,
        factors=factors,
    )
    markets = sorted({b for t in tickers if (b := benchmarks.get(t))})
    raw = firm_returns(panel, [*tickers, *markets], {}, "mean")
    firm_series = [_series(raw, j, "firm") for j in range(len(tickers))]
    all_series = [
        *firm_series,
        basket(raw, range(len(tickers))),
        *(_series(raw, len(tickers) + k, "market") for k in range(len(markets))),
    ]
    studied: list[tuple[Event, Firms]] = []
    skipped: list[Skipped] = []
    for group in merge_same_day(events, setup.calendar):
        event = combine(group)
        firms, skips = select(setup.rets, event, setup.excluded, design)
        skipped += skips
        if firms is not None:
            studied.append((event, firms))
    chosen = [e for e, _ in studied]
    fits, by_event, notes = garch_all(all_series, chosen, setup.calendar, design.window)
    out_events = [
        _vol_event(
            event,
            firms,
            garch=by_event[j],
            series=all_series,
            calendar=setup.calendar,
            rv_days=rv_days,
        )
        for j, (event, firms) in enumerate(studied)
    ]
    receipt = make_receipt(
        "volatility_study",
        datasets=dict(datasets or {}),
        parameters={
            **receipt_parameters(design, tickers, benchmarks),
            "rv_days": rv_days,
            **dict(parameters or {}),
        },
        assumptions=_assumptions(design, rv_days, panel.notes),
    )
    return VolatilityResult(
        receipt=receipt,
        window=design.window,
        estimation=design.estimation,
        model=design.model,
        rv_days=rv_days,
        events=out_events,
        garch=fits,
        skipped=skipped,
        notes=[*panel.notes, *notes],
    )


def _vol_event(
    event: Event,
    firms: Firms,
    *,
    garch: list[GarchEvent],
    series: Sequence[Series],
    calendar: pd.DatetimeIndex,
    rv_days: int,
) -> VolEvent:
    studied = set(firms.tickers)
    rv = [
        r
        for s in series
        if s.role != "firm" or s.name in studied
        if (r := realized(s, event, calendar, rv_days)) is not None
    ]
    return VolEvent(
        id=event.id,
        date=event.date,
        members=event.id.split("+"),
        actor=event.actor,
        expected_direction=event.expected_direction,
        description=event.description,
        source_url=event.source_url,
        n=len(firms.tickers),
        variance_ratio=variance_ratio(firms),
        realized=rv,
        garch=garch,
    )


def _assumptions(design: Design, rv_days: int, notes: Sequence[str]) -> list[str]:
    return [
        *sample_assumptions(design),
        "variance ratio: F test assumes normal, cross-sectionally independent standardised ARs",
        f"realised volatility: raw returns, {rv_days} trading days before and from day 0, "
        f"annualised with {TRADING_DAYS} days, not demeaned",
        "GARCH(1,1)-X: constant mean, normal errors, one dummy per event on its window days "
        f"[{design.window[0]}, {design.window[1]}], fitted by maximum likelihood (SLSQP), "
        "classic (inverse-Hessian) standard errors, returns in percent",
        "basket: equal-weight mean of the firms' returns on each calendar date",
        *notes,
    ]
