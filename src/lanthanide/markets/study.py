"""The event-study engine: AR/CAR/CAAR and the test battery, per event.

Which firms an event is studied on, on which rows, and the normal-return fits come from `sample`
(same-day merging, other events' windows dropped from estimation samples, next-day reaction of
Asian tickers to US-only events); this module aggregates them into CARs and tests.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from pydantic import TypeAdapter
from scipy import special

from lanthanide.markets import significance as sig
from lanthanide.markets.batch import Returns
from lanthanide.markets.catalogue import Event
from lanthanide.markets.normal import Model
from lanthanide.markets.panel import PricePanel
from lanthanide.markets.result import (
    EventResult,
    FirmCar,
    PathPoint,
    Pooled,
    Skipped,
    Stat,
    StudyResult,
)
from lanthanide.markets.sample import (
    Design,
    Firms,
    Setup,
    by_date,
    combine,
    day_zero,
    merge_same_day,
    prepare,
    receipt_parameters,
    sample_assumptions,
    select,
)
from lanthanide.receipt import make_receipt

__all__ = ["Design", "day_zero", "run_study"]

FIRM_CARS = TypeAdapter(list[FirmCar])


def _firm_cars(
    firms: Firms,
    rets: Returns,
    benchmarks: Mapping[str, str | None],
    model: Model,
) -> list[FirmCar]:
    f = firms.fits
    car = firms.ar.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(firms.var_car > 0, car / np.sqrt(firms.var_car), np.nan)
    p = 2 * special.stdtr(f.dof, -np.abs(t))
    has_beta = model in ("market", "ff3")
    finite = np.isfinite(t)
    none = [None] * len(firms.tickers)
    columns = {
        "ticker": firms.tickers,
        "event_day": rets.days[firms.day0].tolist(),
        "benchmark": [benchmarks.get(k) for k in firms.tickers]
        if model != "ff3"
        else ["ff3 factors"] * len(firms.tickers),
        "car": car.tolist(),
        "t": np.where(finite, t, np.nan).tolist(),
        "p": np.where(finite, p, np.nan).tolist(),
        "ar": firms.ar.T.tolist(),
        "n_estimation": f.n.tolist(),
        "alpha": none if model == "market_adjusted" else f.alpha.tolist(),
        "beta": f.beta[0].tolist() if has_beta else none,
        "sigma": np.sqrt(f.sigma2).tolist(),
    }
    rows = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    for row, ok in zip(rows, finite.tolist(), strict=True):
        if not ok:
            row["t"] = row["p"] = None
    # one validation call for the whole list: about half the cost of one model at a time
    return FIRM_CARS.validate_python(rows)


def _tests(firms: Firms, design: Design) -> tuple[dict[str, sig.TestStat], float]:
    (t1, t2), (e1, e2) = design.window, design.estimation
    length = t2 - t1 + 1
    f = firms.fits
    cars = firms.ar.sum(axis=0)
    csar = np.sum(firms.ar / np.sqrt(firms.var), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(f.dof > 2, f.dof / (f.dof - 2), np.nan)
    scars = sig.scar(csar, length, ratios)
    residuals = by_date(f.residuals, firms.date_rows, firms.n_calendar)
    rbar = sig.mean_pairwise_correlation(residuals)
    ranked = np.vstack([f.residuals, firms.ar])  # the rank test skips days without ARs
    share = np.sum(f.residuals > 0, axis=0) / f.n
    caar = float(cars.mean())
    tests = {
        "t": sig.cross_sectional_t(cars),
        "patell": sig.patell(csar, length, ratios),
        "bmp": sig.bmp(scars),
        "kp": sig.kolari_pynnonen(scars, rbar),
        "corrado": sig.corrado(ranked, slice(e2 - e1 + 1, None)),
        "sign": sig.generalized_sign(cars, float(share.mean())),
        "portfolio": sig.portfolio(caar, residuals, length),
    }
    return tests, rbar


def _path(firms: Firms, design: Design) -> list[PathPoint]:
    """CAAR cumulated over the window with its cross-sectional (or, for one firm, model) s.e."""
    cum = np.cumsum(firms.ar, axis=0)
    n = cum.shape[1]
    if n >= 2:
        se = np.std(cum, axis=1, ddof=1) / math.sqrt(n)
    else:
        se = np.sqrt(np.cumsum(firms.var[:, 0]))
    taus = range(design.window[0], design.window[1] + 1)
    return [
        PathPoint(tau=tau, caar=float(c), se=float(s))
        for tau, c, s in zip(taus, cum.mean(axis=1), se, strict=True)
    ]


def _aggregate(event: Event, firms: Firms, cars: list[FirmCar], design: Design) -> EventResult:
    tests, rbar = _tests(firms, design)
    n = len(cars)
    return EventResult(
        id=event.id,
        date=event.date,
        members=event.id.split("+"),
        actor=event.actor,
        expected_direction=event.expected_direction,
        rule_ids=event.rule_ids,
        description=event.description,
        source_url=event.source_url,
        firms=cars,
        n=n,
        caar=float(np.mean([c.car for c in cars])),
        tests={k: _stat(v) for k, v in tests.items()},
        mean_residual_correlation=rbar if math.isfinite(rbar) else None,
        caar_path=_path(firms, design),
    )


def _stat(s: sig.TestStat) -> Stat:
    return Stat(stat=s.stat, p=s.p)


def _study_event(
    setup: Setup, event: Event, design: Design, benchmarks: Mapping[str, str | None]
) -> tuple[EventResult | None, list[Skipped]]:
    """One (merged) event on every firm: its result, and the firms it had to skip and why."""
    firms, skipped = select(setup.rets, event, setup.excluded, design)
    if firms is None:
        return None, skipped
    cars = _firm_cars(firms, setup.rets, benchmarks, design.model)
    return _aggregate(event, firms, cars, design), skipped


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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while result rows are built.

    A large study creates tens of thousands of small acyclic objects (a FirmCar and its AR list
    per firm-event); each generation-0 collection would rescan the growing result, which cost
    about a fifth of a 1,000-firm x 50-event run. Nothing here forms cycles, and the collector
    is restored (if it was on) however the block exits.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


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
    setup = prepare(
        panel,
        events,
        tickers=tickers,
        benchmarks=benchmarks,
        design=design,
        catalogue=catalogue,
        factors=factors,
    )
    results: list[EventResult] = []
    skipped: list[Skipped] = []
    with _collector_paused():
        for group in merge_same_day(events, setup.calendar):
            result, skips = _study_event(setup, combine(group), design, benchmarks)
            skipped += skips
            if result is not None:
                results.append(result)
    _mark_overlaps(results, setup.calendar, design.window[1] - design.window[0])
    receipt = make_receipt(
        "event_study",
        datasets=dict(datasets or {}),
        parameters={
            **receipt_parameters(design, tickers, benchmarks),
            **dict(parameters or {}),
        },
        assumptions=[*sample_assumptions(design), *panel.notes],
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
