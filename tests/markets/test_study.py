"""Behaviour of the engine: same-day merging, estimation exclusion, calendars, pooled n."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lanthanide.errors import InvalidInput
from lanthanide.markets import Design, Event, PricePanel, run_study
from lanthanide.markets.study import day_zero
from tests.markets.simulate import events_at, synthetic_panel

FIRMS = ["F00", "F01", "F02"]
BENCH = dict.fromkeys(FIRMS, "MKT")


def _panel() -> tuple[PricePanel, pd.DatetimeIndex]:
    return synthetic_panel(seed=3, n_firms=3, n_days=400)


def test_events_on_the_same_trading_day_are_merged_so_firms_count_once() -> None:
    panel, dates = _panel()
    a, b = events_at(dates, [300, 300])
    b = b.model_copy(update={"id": "OTHER", "expected_direction": 1})
    result = run_study(panel, [a, b], tickers=FIRMS, benchmarks=BENCH)
    assert len(result.events) == 1
    assert result.events[0].members == ["E000", "OTHER"]
    assert result.events[0].n == 3


def test_a_weekend_event_merges_with_the_monday_event() -> None:
    panel, dates = _panel()
    monday = next(d for d in dates[250:] if d.weekday() == 0)
    sunday = Event(id="SUN", date=(monday - pd.Timedelta(days=1)).date())
    mon = Event(id="MON", date=monday.date())
    result = run_study(panel, [sunday, mon], tickers=FIRMS, benchmarks=BENCH)
    assert [e.id for e in result.events] == ["SUN+MON"]
    assert result.events[0].firms[0].event_day == monday.date()


def test_estimation_sample_drops_the_windows_of_other_catalogued_events() -> None:
    panel, dates = _panel()
    (event,) = events_at(dates, [350])
    alone = run_study(panel, [event], tickers=FIRMS, benchmarks=BENCH)
    others = events_at(dates, [150, 200, 250])
    others = [e.model_copy(update={"id": f"X{i}"}) for i, e in enumerate(others)]
    excluded = run_study(panel, [event], tickers=FIRMS, benchmarks=BENCH, catalogue=others)
    n_alone = alone.events[0].firms[0].n_estimation
    assert n_alone == 221  # [-250, -30] inclusive
    assert excluded.events[0].firms[0].n_estimation == n_alone - 3 * 3


def test_a_big_jump_on_another_event_does_not_inflate_the_estimation_variance() -> None:
    panel, dates = _panel()
    values = panel.values.copy()
    values.iloc[200:, 0] *= 1.5  # F00 jumps 50% on day 200
    jumped = PricePanel(values=values)
    (event,) = events_at(dates, [350])
    (other,) = events_at(dates, [200])
    other = other.model_copy(update={"id": "JUMP"})
    naive = run_study(jumped, [event], tickers=FIRMS, benchmarks=BENCH)
    clean = run_study(jumped, [event], tickers=FIRMS, benchmarks=BENCH, catalogue=[other])
    assert naive.events[0].firms[0].sigma > 0.03  # the jump leaks into s
    assert clean.events[0].firms[0].sigma == pytest.approx(0.02, abs=0.002)  # the true sigma


def test_asx_ticker_takes_the_next_session_after_a_us_only_event() -> None:
    dates = pd.DatetimeIndex(pd.bdate_range("2025-07-07", periods=5))
    us = Event(id="US", date=dt.date(2025, 7, 10), actor=["US"])
    cn = Event(id="CN", date=dt.date(2025, 7, 10), actor=["CN"])
    assert dates[day_zero(dates, us, "MP")].date() == dt.date(2025, 7, 10)
    assert dates[day_zero(dates, us, "LYC.AX")].date() == dt.date(2025, 7, 11)
    assert dates[day_zero(dates, cn, "LYC.AX")].date() == dt.date(2025, 7, 10)


def test_firms_without_enough_estimation_days_are_skipped_with_a_reason() -> None:
    panel, dates = _panel()
    (event,) = events_at(dates, [40])
    with_min = Design(min_estimation=30)
    result = run_study(panel, [event], tickers=FIRMS, benchmarks=BENCH, design=with_min)
    assert result.events == []
    assert "estimation days" in result.skipped[0].reason


def test_pooled_test_counts_firms_not_firm_events() -> None:
    panel, dates = _panel()
    events = [
        e.model_copy(update={"expected_direction": 1}) for e in events_at(dates, [300, 330, 360])
    ]
    result = run_study(panel, events, tickers=FIRMS, benchmarks=BENCH)
    assert result.pooled is not None
    assert result.pooled.n_firms == 3
    assert result.pooled.n_events == 3
    per_firm = {
        t: np.mean([f.car for e in result.events for f in e.firms if f.ticker == t]) for t in FIRMS
    }
    assert result.pooled.per_firm == pytest.approx(per_firm)


def test_overlapping_windows_are_flagged() -> None:
    panel, dates = _panel()
    events = events_at(dates, [300, 301, 360])
    result = run_study(panel, events, tickers=FIRMS, benchmarks=BENCH)
    assert result.events[0].overlaps == ["E001"]
    assert result.events[2].overlaps == []


def test_estimation_window_must_end_before_the_event_window() -> None:
    panel, dates = _panel()
    with pytest.raises(InvalidInput, match="invalid study design"):
        run_study(
            panel,
            events_at(dates, [300]),
            tickers=FIRMS,
            benchmarks=BENCH,
            design=Design(window=(-5, 5), estimation=(-100, -3)),
        )


def test_unknown_ticker_is_reported_by_name() -> None:
    panel, dates = _panel()
    with pytest.raises(InvalidInput) as error:
        run_study(panel, events_at(dates, [300]), tickers=["NOPE"], benchmarks={"NOPE": "MKT"})
    assert "NOPE" in str(error.value)


@pytest.mark.parametrize("model", ["mean", "market_adjusted", "market"])
def test_each_model_runs_and_reports_caar_as_mean_of_cars(model: str) -> None:
    panel, dates = _panel()
    result = run_study(
        panel,
        events_at(dates, [300]),
        tickers=FIRMS,
        benchmarks=BENCH,
        design=Design(model=model),  # type: ignore[arg-type]
    )
    event = result.events[0]
    assert event.caar == pytest.approx(np.mean([f.car for f in event.firms]))
    assert event.caar_path[-1].caar == pytest.approx(event.caar)


def test_ff3_model_uses_the_factor_file() -> None:
    panel, dates = _panel()
    rng = np.random.default_rng(0)
    factors = pd.DataFrame(
        {
            "Mkt-RF": panel.values["MKT"].pct_change().to_numpy(),
            "SMB": rng.normal(0, 0.005, len(dates)),
            "HML": rng.normal(0, 0.005, len(dates)),
            "RF": 0.0001,
        },
        index=dates,
    ).iloc[1:]
    result = run_study(
        panel,
        events_at(dates, [300]),
        tickers=FIRMS,
        benchmarks=dict.fromkeys(FIRMS),
        design=Design(model="ff3"),
        factors=factors,
    )
    assert result.events[0].n == 3
    assert result.events[0].firms[0].benchmark == "ff3 factors"


def test_pooled_over_events_uses_one_signed_caar_per_event() -> None:
    panel, dates = _panel()
    events = events_at(dates, [300, 330, 360])
    events = [
        e.model_copy(update={"expected_direction": d})
        for e, d in zip(events, [1, -1, 0], strict=True)
    ]
    result = run_study(panel, events, tickers=FIRMS, benchmarks=BENCH)
    assert result.pooled is not None
    assert result.pooled.n_events == 2
    signed = [result.events[0].caar, -result.events[1].caar]
    assert result.pooled.mean_signed_caar == pytest.approx(np.mean(signed))
