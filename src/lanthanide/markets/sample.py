"""Which firms an event can be studied on, on which rows, and their normal-return fits.

Shared by the event study (`study`) and the volatility study (`volatility`). Windows are counted
in each firm's own trading days (the days on which the firm and its benchmark both trade). Three
choices matter for rare-earth policy events and are made explicit here:

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets.batch import (
    Array,
    Fits,
    Mask,
    Returns,
    abnormal_batch,
    firm_returns,
    fit_ols,
    gather,
)
from lanthanide.markets.catalogue import Event
from lanthanide.markets.normal import Model
from lanthanide.markets.panel import PricePanel
from lanthanide.markets.result import Skipped

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
            problems.append(Problem(f"window start {t1} is after its end {t2}", column="window"))
        if e1 > e2:
            problems.append(
                Problem(f"estimation start {e1} is after its end {e2}", column="estimation")
            )
        if e2 >= t1:
            problems.append(
                Problem(f"estimation window must end before the event window ({e2} >= {t1})")
            )
        if self.min_estimation < 5:
            problems.append(Problem("min_estimation must be at least 5"))
        if problems:
            raise InvalidInput("invalid study design", problems)


@dataclass(frozen=True)
class _Windows:
    """Rows of one event's windows in each firm's compact return series (see `batch`)."""

    estimation: npt.NDArray[np.intp]  # (L1, F) rows for relative days e1..e2
    est_mask: Mask  # (L1, F) rows inside the data and outside other events' windows
    event: npt.NDArray[np.intp]  # (W, F) rows for relative days t1..t2


@dataclass(frozen=True)
class Firms:
    """One event's firm-level arrays (columns: the firms that could be studied)."""

    tickers: list[str]
    cols: npt.NDArray[np.intp]  # (F,) each firm's column in `Returns`
    day0: npt.NDArray[np.intp]  # (F,) calendar row of each firm's day 0
    fits: Fits
    x_est: Array  # (q, L1, F) estimation-window regressors (NaN where masked)
    ar: Array  # (W, F)
    var: Array  # (W, F)
    var_car: Array  # (F,)
    date_rows: npt.NDArray[np.intp]  # (L1, F) calendar row of each estimation residual
    n_calendar: int


def reacts_next_day(ticker: str, event: Event) -> bool:
    """Asian-listed tickers see a US-only announcement on their next session."""
    return ticker.upper().endswith(ASIA_SUFFIXES) and event.actor == ["US"]


def day_zero(dates: pd.DatetimeIndex, event: Event, ticker: str) -> int:
    """Index of the firm's day 0 (may equal len(dates) when the event is after the data)."""
    stamp = pd.Timestamp(event.date)
    if reacts_next_day(ticker, event):
        return int(dates.searchsorted(stamp, side="right"))
    return int(dates.searchsorted(stamp, side="left"))


def day_zeros(rets: Returns, event: Event) -> npt.NDArray[np.intp]:
    """Every firm's day 0 on its own calendar (= `day_zero` on each firm's return dates): the
    number of its returns dated before the event (on or before, when it reacts a day late)."""
    stamp = pd.Timestamp(event.date)
    left = int(rets.calendar.searchsorted(stamp, side="left"))
    right = int(rets.calendar.searchsorted(stamp, side="right"))
    late = np.array([reacts_next_day(t, event) for t in rets.tickers], dtype=bool)
    return rets.before[np.where(late, right, left), np.arange(len(rets.tickers))]


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


def excluded_rows(rets: Returns, known: Sequence[Event], window: tuple[int, int]) -> Mask:
    """(N, F): rows inside the event window of any known event, on each firm's calendar.

    An event's own window never meets its own estimation window (which ends before it starts),
    so one mask serves every event: it drops exactly the other events' windows.
    """
    n_rows, n_firms = rets.y.shape
    diff = np.zeros((n_rows + 1, n_firms), dtype=np.int64)
    cols = np.arange(n_firms)
    for event in known:
        k = day_zeros(rets, event)
        np.add.at(diff, (np.clip(k + window[0], 0, n_rows), cols), 1)
        np.add.at(diff, (np.clip(k + window[1] + 1, 0, n_rows), cols), -1)
    out: Mask = np.cumsum(diff[:-1], axis=0) > 0
    return out


def _windows(t0: npt.NDArray[np.intp], excluded: Mask, design: Design) -> _Windows:
    (t1, t2), (e1, e2) = design.window, design.estimation
    est = t0[None, :] + np.arange(e1, e2 + 1)[:, None]
    safe = np.clip(est, 0, max(excluded.shape[0] - 1, 0))
    hit = excluded[safe, np.arange(t0.size)[None, :]] if excluded.size else est < 0
    win = t0[None, :] + np.arange(t1, t2 + 1)[:, None]
    return _Windows(est, (est >= 0) & ~hit, win)


def _reason(
    rets: Returns, f: int, t0: int, n_est: int, *, stamp: pd.Timestamp, design: Design
) -> str:
    """Why firm `f` cannot be studied on this event, or '' when it can."""
    n = int(rets.count[f])
    first = rets.days[rets.rows[0, f]] if n else None
    if t0 >= n or t0 + design.window[1] >= n:
        return "event window runs past the end of the data"
    if first is not None and stamp < pd.Timestamp(first):
        return f"event is before the firm's first return ({first})"
    if t0 + design.window[0] < 0:
        return f"event window starts before the firm's first return ({first})"
    if n_est < design.min_estimation:
        return (
            f"{n_est} estimation days after clipping to the data and dropping other events' "
            f"windows (need {design.min_estimation})"
        )
    return ""


def _studyable(
    rets: Returns,
    t0: npt.NDArray[np.intp],
    n_est: npt.NDArray[np.intp],
    stamp: pd.Timestamp,
    design: Design,
) -> npt.NDArray[np.bool_]:
    """Firms `_reason` would pass, checked for all firms at once (the common case is fast)."""
    first = rets.calendar.values[np.clip(rets.rows[0], 0, None)]
    out: npt.NDArray[np.bool_] = (
        (t0 + design.window[1] < rets.count)
        & (first <= stamp.to_datetime64())
        & (t0 + design.window[0] >= 0)
        & (n_est >= design.min_estimation)
        & (rets.count > 0)
    )
    return out


def _require_rows(fits_n: npt.NDArray[np.intp], design: Design, q: int) -> None:
    if design.model == "market_adjusted":
        return
    short = fits_n[fits_n <= q + 3]
    if short.size:
        raise InvalidInput(
            "estimation window too short",
            [
                Problem(
                    f"{int(short[0])} estimation days for a {q + 1}-parameter {design.model} model"
                )
            ],
        )


def _estimate(
    rets: Returns,
    cols: npt.NDArray[np.intp],
    t0: npt.NDArray[np.intp],
    win: _Windows,
    design: Design,
) -> Firms:
    """Fit every studied firm at once and take its event-window abnormal returns."""
    y, x = rets.y, rets.x
    est, mask, event = win.estimation[:, cols], win.est_mask[:, cols], win.event[:, cols]
    _require_rows(mask.sum(axis=0), design, x.shape[0])
    x_est = gather(x, est, cols)
    fits = fit_ols(design.model, gather(y, est, cols), x_est, mask)
    ar, var, var_car = abnormal_batch(fits, gather(y, event, cols), gather(x, event, cols))
    rows = rets.rows[np.clip(est, 0, None), cols[None, :]]
    return Firms(
        tickers=[rets.tickers[c] for c in cols],
        cols=cols,
        day0=rets.rows[t0[cols], cols],
        fits=fits,
        x_est=x_est,
        ar=ar,
        var=var,
        var_car=var_car,
        date_rows=np.where(mask, rows, -1),
        n_calendar=len(rets.calendar),
    )


def by_date(values: Array, rows: npt.NDArray[np.intp], n_calendar: int) -> Array:
    """Dates-by-firms matrix of `values` placed at their calendar `rows` (-1: none); only
    dates on which some firm has a value get a row."""
    if rows.shape[1] and np.array_equal(rows, np.broadcast_to(rows[:, :1], rows.shape)):
        return values[rows[:, 0] >= 0]  # every firm on the same dates: rows are already dates
    keep = rows >= 0
    present = np.zeros(n_calendar, dtype=bool)
    present[rows[keep]] = True
    slot = np.cumsum(present) - 1
    out = np.full((int(present.sum()), rows.shape[1]), np.nan)
    cols = np.broadcast_to(np.arange(rows.shape[1])[None, :], rows.shape)[keep]
    out[slot[rows[keep]], cols] = values[keep]
    return out


def select(
    rets: Returns, event: Event, excluded: Mask, design: Design
) -> tuple[Firms | None, list[Skipped]]:
    """One (merged) event on every firm: the fitted firms, and the firms skipped and why."""
    t0 = day_zeros(rets, event)
    win = _windows(t0, excluded, design)
    n_est = win.est_mask.sum(axis=0)
    stamp = pd.Timestamp(event.date)
    reasons = [
        "" if ok else _reason(rets, f, int(t0[f]), int(n_est[f]), stamp=stamp, design=design)
        for f, ok in enumerate(_studyable(rets, t0, n_est, stamp, design))
    ]
    skipped = [
        Skipped(event=event.id, ticker=t, reason=r)
        for t, r in zip(rets.tickers, reasons, strict=True)
        if r
    ]
    cols = np.array([f for f, r in enumerate(reasons) if not r], dtype=np.intp)
    if cols.size == 0:
        short = sorted({r.split(" (")[0] for r in reasons})
        reason = short[0] if len(short) == 1 else "no firm could be studied"
        return None, [*skipped, Skipped(event=event.id, ticker=None, reason=reason)]
    return _estimate(rets, cols, t0, win, design), skipped


@dataclass(frozen=True)
class Setup:
    """What every event of a study shares: the firms' returns and the rows other events hold."""

    rets: Returns
    excluded: Mask
    calendar: pd.DatetimeIndex


def prepare(
    panel: PricePanel,
    events: Sequence[Event],
    *,
    tickers: Sequence[str],
    benchmarks: Mapping[str, str | None],
    design: Design,
    catalogue: Sequence[Event] = (),
    factors: pd.DataFrame | None = None,
) -> Setup:
    """Check the inputs and build the firms' returns; `catalogue` lists every known event."""
    design.check()
    if not tickers:
        raise InvalidInput("no tickers to study")
    if not events:
        raise InvalidInput(
            "no events to study: none selected, or none in the date range",
            [Problem("no events", column="events")],
        )
    needed = list(dict.fromkeys([*tickers, *(b for b in benchmarks.values() if b)]))
    panel.require(needed)
    clash = [t for t in tickers if benchmarks.get(t) == t]
    if clash:
        raise InvalidInput(
            "a ticker cannot be its own market",
            [Problem(f"{t} is its own benchmark") for t in clash],
        )
    rets = firm_returns(panel, list(tickers), benchmarks, design.model, factors)
    known = list({e.id: e for e in [*catalogue, *events]}.values())
    excluded = excluded_rows(rets, known, design.window)
    return Setup(rets, excluded, pd.DatetimeIndex(panel.values.index))


def receipt_parameters(
    design: Design, tickers: Sequence[str], benchmarks: Mapping[str, str | None]
) -> dict[str, object]:
    """The study design as it goes into a receipt."""
    return {
        "window": list(design.window),
        "estimation": list(design.estimation),
        "model": design.model,
        "min_estimation": design.min_estimation,
        "tickers": list(tickers),
        "benchmarks": dict(benchmarks),
    }


def sample_assumptions(design: Design) -> list[str]:
    """The sampling rules above, as a receipt states them."""
    return [
        "day 0 is the first trading day on or after the event date; tickers on Asian exchanges "
        "take the next trading day after US-only events",
        "estimation samples drop days inside the event window of every other catalogued event",
        "estimation windows are clipped at the start of the data "
        f"(at least {design.min_estimation} days kept)",
        "events with the same day 0 are merged into one (members listed)",
    ]
