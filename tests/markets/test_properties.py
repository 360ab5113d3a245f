"""Invariants of the event study (hypothesis, few examples to keep the suite fast)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lanthanide.markets import Design, PricePanel, run_study
from tests.markets.simulate import events_at, synthetic_panel

FIRMS = ["F00", "F01", "F02", "F03"]
PANEL, DATES = synthetic_panel(seed=5, n_firms=4, n_days=360)
EVENTS = events_at(DATES, [300, 330])
DESIGN = Design(window=(-1, 2), estimation=(-200, -20))


def _study(panel: PricePanel, tickers: list[str]):  # type: ignore[no-untyped-def]
    return run_study(
        panel, EVENTS, tickers=tickers, benchmarks=dict.fromkeys(tickers, "MKT"), design=DESIGN
    )


BASE = _study(PANEL, FIRMS)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0.01, 1000), min_size=5, max_size=5))
def test_rescaling_any_price_series_changes_nothing(scales: list[float]) -> None:
    values = PANEL.values * scales
    result = _study(PricePanel(values=values), FIRMS)
    for ours, base in zip(result.events, BASE.events, strict=True):
        assert ours.caar == pytest.approx(base.caar, rel=1e-9)
        for name, stat in ours.tests.items():
            assert stat.stat == pytest.approx(base.tests[name].stat, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(st.permutations(FIRMS))
def test_order_of_tickers_does_not_change_event_statistics(order: list[str]) -> None:
    result = _study(PANEL, list(order))
    for ours, base in zip(result.events, BASE.events, strict=True):
        assert ours.caar == pytest.approx(base.caar)
        for name, stat in ours.tests.items():
            assert stat.stat == pytest.approx(base.tests[name].stat)
