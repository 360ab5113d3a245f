"""The event-study engine: normal returns, AR/CAR/CAAR and the test battery, per event.

Windows are counted in each firm's own trading days (the days on which the firm and its benchmark
both trade). Three choices matter for rare-earth policy events and are made explicit here:

- **Same-day events are merged.** MOFCOM issued six announcements on 2025-10-09; studying them
  one by one would count each firm six times. Events whose day 0 falls on the same trading day
  become one event listing its `members`.
- **Estimation windows skip other catalogued events.** Days inside the event window of any other
  catalogued event are dropped from a firm's estimation sample, so a 50% jump on one announcement
  does not inflate the variance used to judge the next. The window is clipped at the start of the
  data; fewer than `min_estimation` remaining days skips the firm (reported, never silent).
- **Asian exchanges react a day later to US-only events.** A US announcement comes after the ASX
  close, so for tickers with an Asian suffix (.AX, .HK, .T, ...) day 0 of an event whose only
  actor is the US is the first trading day strictly after the event date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets import significance as sig
from lanthanide.markets.catalogue import Event
from lanthanide.markets.normal import FF3_COLUMNS, Array, Model, abnormal, fit, variance_ratio
from lanthanide.markets.panel import PricePanel, pair_returns
from lanthanide.markets.result import (
    EventResult,
    FirmCar,
    PathPoint,
    Pooled,
    Skipped,
    Stat,
    StudyResult,
)
from lanthanide.receipt import make_receipt

ASIA_SUFFIXES = (".AX", ".HK", ".T", ".SS", ".SZ", ".KS", ".NZ", ".SI")


@dataclass(frozen=True)
class Design:
    """Windows in trading days relative to day 0, the normal-return model, and limits."""

    window: tuple[int, int] = (-1, 1)
    estimation: tuple[int, int] = (-250, -30)
    model: Model = "market"
    min_estimation: int = 30

    def check(self) -> None:
        problems = []
        (t1, t2), (e1, e2) = self.window, self.estimation
        if t1 > t2:
            problems.append(Problem(f"--window start {t1} is after its end {t2}", column="window"))
        if e1 > e2:
            problems.append(Problem(f"--estimation start {e1} is after its end {e2}", None))
        if e2 >= t1:
            problems.append(
                Problem(f"estimation window must end before the event window ({e2} >= {t1})")
            )
        if self.min_estimation < 5:
            problems.append(Problem("min_estimation must be at least 5"))
        if problems:
            raise InvalidInput("invalid study design", problems)


@dataclass(frozen=True)
class _Series:
    dates: pd.DatetimeIndex
    y: Array
    x: Array  # (n, k) regressors without constant; (n, 0) for the mean model


@dataclass(frozen=True)
class _Outcome:
    car: FirmCar
    csar: float
    ratio: float
    var_car: float
    cum: Array
    cum_var: Array
    residual_dates: pd.DatetimeIndex
    residuals: Array
    rel_days: npt.NDArray[np.int64]  # relative trading day of each AR below
    all_ars: Array  # estimation residuals then event-window ARs, for the rank test
    share_positive: float


def reacts_next_day(ticker: str, event: Event) -> bool:
    """Asian-listed tickers see a US-only announcement on their next session."""
    return ticker.upper().endswith(ASIA_SUFFIXES) and event.actor == ["US"]


def day_zero(dates: pd.DatetimeIndex, event: Event, ticker: str) -> int:
    """Index of the firm's day 0 (may equal len(dates) when the event is after the data)."""
    stamp = pd.Timestamp(event.date)
    if reacts_next_day(ticker, event):
        return int(dates.searchsorted(stamp, side="right"))
    return int(dates.searchsorted(stamp, side="left"))


def merge_same_day(events: Sequence[Event], calendar: pd.DatetimeIndex) -> list[list[Event]]:
    """Group events whose first trading day on or after their date is the same day."""
    groups: dict[object, list[Event]] = {}
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        stamp = pd.Timestamp(event.date)
        pos = int(calendar.searchsorted(stamp, side="left"))
        inside = len(calendar) > 0 and calendar[0] <= stamp and pos < len(calendar)
        key: object = pos if inside else event.date
        groups.setdefault(key, []).append(event)
    return list(groups.values())


def combine(group: list[Event]) -> Event:
    """One event standing for a same-day group; direction is the sign of the members' sum."""
    if len(group) == 1:
        return group[0]
    total = sum(e.expected_direction for e in group)
    direction = 1 if total > 0 else -1 if total < 0 else 0
    return Event(
        id="+".join(e.id for e in group),
        date=min(e.date for e in group),
        actor=sorted({a for e in group for a in e.actor}),
        type="+".join(dict.fromkeys(e.type for e in group)),
        description=" | ".join(e.description for e in group),
        expected_direction=direction,
        rule_ids=list(dict.fromkeys(r for e in group for r in e.rule_ids)),
        source_url=" ".join(dict.fromkeys(e.source_url for e in group)),
    )


def _series(
    panel: PricePanel,
    ticker: str,
    benchmark: str | None,
    model: Model,
    factors: pd.DataFrame | None,
) -> _Series:
    if model == "ff3":
        if factors is None:
            raise InvalidInput("the ff3 model needs a factors file (--factors)")
        missing = [c for c in FF3_COLUMNS if c not in factors.columns]
        if missing:
            raise InvalidInput(
                "factors file lacks Fama-French columns",
                [Problem(f"missing column {c!r}") for c in missing],
            )
        own = pair_returns(panel, ticker, None).join(factors[list(FF3_COLUMNS)], how="inner")
        y = (own["r"] - own["RF"]).to_numpy()
        x = own[["Mkt-RF", "SMB", "HML"]].to_numpy(dtype=np.float64)
        return _Series(pd.DatetimeIndex(own.index), y, x)
    if model != "mean" and benchmark is None:
        raise InvalidInput(f"the {model} model needs a market benchmark for {ticker} (--market)")
    frame = pair_returns(panel, ticker, None if model == "mean" else benchmark)
    y = frame["r"].to_numpy()
    x = np.empty((y.size, 0)) if model == "mean" else frame[["m"]].to_numpy(dtype=np.float64)
    return _Series(pd.DatetimeIndex(frame.index), y, x)


def _firm(
    series: _Series,
    *,
    ticker: str,
    benchmark: str | None,
    event: Event,
    others: Sequence[int],
    design: Design,
) -> _Outcome | str:
    """One firm on one event, or the reason it cannot be studied.

    `others` holds the day-0 positions of every other known event on this firm's calendar.
    """
    n = series.dates.size
    t0 = day_zero(series.dates, event, ticker)
    (t1, t2), (e1, e2) = design.window, design.estimation
    if t0 >= n or t0 + t2 >= n:
        return "event window runs past the end of the data"
    if pd.Timestamp(event.date) < series.dates[0]:
        return f"event is before the firm's first return ({series.dates[0].date()})"
    if t0 + t1 < 0:
        return f"event window starts before the firm's first return ({series.dates[0].date()})"
    excluded: set[int] = set()
    for k in others:
        if k != t0:
            excluded.update(range(k + t1, k + t2 + 1))
    est = np.array(
        [p for p in range(max(0, t0 + e1), t0 + e2 + 1) if p not in excluded], dtype=np.intp
    )
    if est.size < design.min_estimation:
        return (
            f"{est.size} estimation days after clipping to the data and dropping other events' "
            f"windows (need {design.min_estimation})"
        )
    win = np.arange(t0 + t1, t0 + t2 + 1)
    f = fit(design.model, series.y[est], series.x[est])
    ar, var, var_car = abnormal(f, series.y[win], series.x[win])
    car = float(ar.sum())
    dof = f.dof
    t_firm = car / math.sqrt(var_car) if var_car > 0 else float("nan")
    p_firm = sig.two_sided_t(t_firm, dof) if math.isfinite(t_firm) else None
    has_beta = design.model in ("market", "ff3")
    firm = FirmCar(
        ticker=ticker,
        event_day=series.dates[t0].date(),
        benchmark=benchmark if design.model != "ff3" else "ff3 factors",
        car=car,
        t=t_firm if math.isfinite(t_firm) else None,
        p=p_firm,
        ar=[float(a) for a in ar],
        n_estimation=int(est.size),
        alpha=float(f.coef[0]) if f.coef.size else None,
        beta=float(f.coef[1]) if has_beta else None,
        sigma=math.sqrt(f.sigma2),
    )
    rel = np.concatenate([est - t0, win - t0])
    return _Outcome(
        car=firm,
        csar=float(np.sum(ar / np.sqrt(var))),
        ratio=variance_ratio(dof),
        var_car=var_car,
        cum=np.cumsum(ar),
        cum_var=np.cumsum(var),
        residual_dates=series.dates[est],
        residuals=f.residuals,
        rel_days=rel.astype(np.int64),
        all_ars=np.concatenate([f.residuals, ar]),
        share_positive=float(np.mean(f.residuals > 0)),
    )


def _stat(s: sig.TestStat) -> Stat:
    return Stat(stat=s.stat, p=s.p)


def _aggregate(event: Event, outcomes: list[_Outcome], design: Design) -> EventResult:
    length = design.window[1] - design.window[0] + 1
    n = len(outcomes)
    cars = np.array([o.car.car for o in outcomes])
    csar = np.array([o.csar for o in outcomes])
    ratios = np.array([o.ratio for o in outcomes])
    scars = sig.scar(csar, length, ratios)
    residuals = pd.DataFrame(
        {o.car.ticker: pd.Series(o.residuals, index=o.residual_dates) for o in outcomes}
    )
    rbar = sig.mean_pairwise_correlation(residuals)
    tests = {
        "t": sig.cross_sectional_t(cars),
        "patell": sig.patell(csar, length, ratios),
        "bmp": sig.bmp(scars),
        "kp": sig.kolari_pynnonen(scars, rbar),
        "corrado": sig.corrado(
            {o.car.ticker: (o.rel_days, o.all_ars) for o in outcomes}, design.window
        ),
        "sign": sig.generalized_sign(
            cars, float(np.mean([o.share_positive for o in outcomes])) if n else float("nan")
        ),
        "portfolio": sig.portfolio(float(cars.mean()) if n else float("nan"), residuals, length),
    }
    path: list[PathPoint] = []
    if n:
        cum = np.vstack([o.cum for o in outcomes])
        for j, tau in enumerate(range(design.window[0], design.window[1] + 1)):
            if n >= 2:
                se: float | None = float(np.std(cum[:, j], ddof=1) / math.sqrt(n))
            else:
                se = math.sqrt(float(outcomes[0].cum_var[j]))
            path.append(PathPoint(tau=tau, caar=float(cum[:, j].mean()), se=se))
    members = event.id.split("+")
    return EventResult(
        id=event.id,
        date=event.date,
        members=members,
        actor=event.actor,
        expected_direction=event.expected_direction,
        rule_ids=event.rule_ids,
        description=event.description,
        source_url=event.source_url,
        firms=[o.car for o in outcomes],
        n=n,
        caar=float(cars.mean()) if n else None,
        tests={k: _stat(v) for k, v in tests.items()},
        mean_residual_correlation=rbar if math.isfinite(rbar) else None,
        caar_path=path,
    )


def _pooled(results: list[EventResult]) -> Pooled | None:
    """Average each firm's direction-signed CARs first: n counts firms, not firm-events."""
    signed: dict[str, list[float]] = {}
    caars: list[float] = []
    for r in results:
        if r.expected_direction == 0 or not r.firms or r.caar is None:
            continue
        caars.append(r.expected_direction * r.caar)
        for f in r.firms:
            signed.setdefault(f.ticker, []).append(r.expected_direction * f.car)
    if not signed:
        return None
    per_firm = {k: float(np.mean(v)) for k, v in signed.items()}
    values = np.array(list(per_firm.values()))
    t = sig.cross_sectional_t(values)
    by_event = np.array(caars)
    return Pooled(
        n_firms=values.size,
        n_events=by_event.size,
        mean_signed_car=float(values.mean()),
        t=_stat(t),
        mean_signed_caar=float(by_event.mean()),
        t_events=_stat(sig.cross_sectional_t(by_event)),
        per_firm=per_firm,
    )


def _mark_overlaps(results: list[EventResult], calendar: pd.DatetimeIndex, span: int) -> None:
    pos = {r.id: int(calendar.searchsorted(pd.Timestamp(r.date))) for r in results}
    for r in results:
        r.overlaps = [o.id for o in results if o.id != r.id and abs(pos[o.id] - pos[r.id]) <= span]


def run_study(
    panel: PricePanel,
    events: Sequence[Event],
    *,
    tickers: Sequence[str],
    benchmarks: Mapping[str, str | None],
    design: Design | None = None,
    catalogue: Sequence[Event] = (),
    factors: pd.DataFrame | None = None,
    datasets: Mapping[str, str] | None = None,
    parameters: Mapping[str, object] | None = None,
) -> StudyResult:
    """Study `events` on `tickers`; `benchmarks[ticker]` is its market index (None for `mean`).

    `catalogue` lists every known event: their windows are dropped from estimation samples.
    """
    design = design or Design()
    design.check()
    if not tickers:
        raise InvalidInput("no tickers to study")
    if not events:
        raise InvalidInput("no events to study (check --events, --event-date, --from/--to)")
    needed = list(dict.fromkeys([*tickers, *(b for b in benchmarks.values() if b)]))
    panel.require(needed)
    clash = [t for t in tickers if benchmarks.get(t) == t]
    if clash:
        raise InvalidInput(
            "a ticker cannot be its own market",
            [Problem(f"{t} is its own benchmark") for t in clash],
        )
    calendar = pd.DatetimeIndex(panel.values.index)
    series = {t: _series(panel, t, benchmarks.get(t), design.model, factors) for t in tickers}
    known = {e.id: e for e in [*catalogue, *events]}
    day0 = {t: {i: day_zero(series[t].dates, e, t) for i, e in known.items()} for t in tickers}
    results: list[EventResult] = []
    skipped: list[Skipped] = []
    for group in merge_same_day(events, calendar):
        event = combine(group)
        ids = {e.id for e in group}
        others = {t: [k for i, k in day0[t].items() if i not in ids] for t in tickers}
        outcomes: list[_Outcome] = []
        for t in tickers:
            out = _firm(
                series[t],
                ticker=t,
                benchmark=benchmarks.get(t),
                event=event,
                others=others[t],
                design=design,
            )
            if isinstance(out, str):
                skipped.append(Skipped(event=event.id, ticker=t, reason=out))
            else:
                outcomes.append(out)
        if not outcomes:
            reasons = sorted({s.reason.split(" (")[0] for s in skipped if s.event == event.id})
            reason = reasons[0] if len(reasons) == 1 else "no firm could be studied"
            skipped.append(Skipped(event=event.id, ticker=None, reason=reason))
            continue
        results.append(_aggregate(event, outcomes, design))
    _mark_overlaps(results, calendar, design.window[1] - design.window[0])
    assumptions = [
        "day 0 is the first trading day on or after the event date; tickers on Asian exchanges "
        "take the next trading day after US-only events",
        "estimation samples drop days inside the event window of every other catalogued event",
        "estimation windows are clipped at the start of the data "
        f"(at least {design.min_estimation} days kept)",
        "events with the same day 0 are merged into one (members listed)",
        *panel.notes,
    ]
    receipt = make_receipt(
        "event_study",
        datasets=dict(datasets or {}),
        parameters={
            "window": list(design.window),
            "estimation": list(design.estimation),
            "model": design.model,
            "min_estimation": design.min_estimation,
            "tickers": list(tickers),
            "benchmarks": dict(benchmarks),
            **dict(parameters or {}),
        },
        assumptions=assumptions,
    )
    return StudyResult(
        receipt=receipt,
        window=design.window,
        estimation=design.estimation,
        model=design.model,
        events=results,
        pooled=_pooled(results),
        skipped=skipped,
        notes=list(panel.notes),
    )
