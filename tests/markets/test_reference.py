"""The engine's CAR, Patell and BMP equal a hand computation with statsmodels OLS predictions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from lanthanide.markets import Design, PricePanel, pair_returns, run_study
from tests.markets.simulate import events_at, synthetic_panel

FIRMS = [f"F{i:02d}" for i in range(8)]


def test_car_patell_and_bmp_match_statsmodels_by_hand() -> None:
    panel, dates = synthetic_panel(seed=21, n_firms=8, n_days=420, planted={400: 0.01})
    design = Design(window=(-2, 3), estimation=(-250, -30))
    result = run_study(
        panel,
        events_at(dates, [400]),
        tickers=FIRMS,
        benchmarks=dict.fromkeys(FIRMS, "MKT"),
        design=design,
    )
    (event,) = result.events
    returns = panel.values.pct_change().iloc[1:]
    t0 = 399  # day 400 of the price index is return row 399
    length = 6
    cars, csars, ratios = [], [], []
    for firm in FIRMS:
        est = returns.iloc[t0 - 250 : t0 - 29]
        fit = sm.OLS(est[firm], sm.add_constant(est["MKT"])).fit()
        win = returns.iloc[t0 - 2 : t0 + 4]
        pred = fit.get_prediction(sm.add_constant(win["MKT"], has_constant="add"))
        ar = win[firm].to_numpy() - pred.predicted_mean
        cars.append(ar.sum())
        csars.append(np.sum(ar / pred.se_obs))
        ratios.append(fit.df_resid / (fit.df_resid - 2))
    cars_a, csar_a, ratio_a = np.array(cars), np.array(csars), np.array(ratios)
    ours = {f.ticker: f.car for f in event.firms}
    assert [ours[f] for f in FIRMS] == pytest.approx(cars)
    patell = csar_a.sum() / math.sqrt(np.sum(length * ratio_a))
    assert event.tests["patell"].stat == pytest.approx(patell)
    assert event.tests["patell"].p == pytest.approx(2 * stats.norm.sf(abs(patell)))
    scar = csar_a / np.sqrt(length * ratio_a)
    bmp = scar.mean() / (scar.std(ddof=1) / math.sqrt(scar.size))
    assert event.tests["bmp"].stat == pytest.approx(bmp)
    assert event.tests["bmp"].p == pytest.approx(2 * stats.t.sf(abs(bmp), scar.size - 1))
    t = cars_a.mean() / (cars_a.std(ddof=1) / math.sqrt(cars_a.size))
    assert event.tests["t"].stat == pytest.approx(t)


def test_engine_equals_statsmodels_per_firm_when_firms_miss_different_days() -> None:
    """Each firm keeps its own calendar (days it and the market both trade); other events'
    windows leave its estimation sample. The engine matches statsmodels on that sample."""
    panel, dates = synthetic_panel(seed=5, n_firms=8, n_days=700)
    values = panel.values.copy()
    rng = np.random.default_rng(5)
    holes = rng.random(values.shape) < 0.05
    holes[:, -1] = False  # the market trades every day
    values = values.mask(holes)
    panel = PricePanel(values=values)
    events = events_at(dates, [420, 600])
    catalogue = events_at(dates, [300, 400, 560])
    catalogue = [e.model_copy(update={"id": f"C{i}"}) for i, e in enumerate(catalogue)]
    design = Design(window=(-1, 2), estimation=(-250, -30))
    result = run_study(
        panel,
        events,
        tickers=FIRMS,
        benchmarks=dict.fromkeys(FIRMS, "MKT"),
        design=design,
        catalogue=catalogue,
    )
    known = [*catalogue, *events]
    for event, studied in zip(events, result.events, strict=True):
        firms = {f.ticker: f for f in studied.firms}
        for firm in FIRMS:
            frame = pair_returns(panel, firm, "MKT")
            index = pd.DatetimeIndex(frame.index)
            t0 = int(index.searchsorted(pd.Timestamp(event.date)))
            others = {int(index.searchsorted(pd.Timestamp(e.date))) for e in known} - {t0}
            dropped = {k + d for k in others for d in range(-1, 3)}
            rows = [p for p in range(max(0, t0 - 250), t0 - 29) if p not in dropped]
            est = frame.iloc[rows]
            fit = sm.OLS(est["r"], sm.add_constant(est["m"])).fit()
            win = frame.iloc[t0 - 1 : t0 + 3]
            pred = fit.get_prediction(sm.add_constant(win["m"], has_constant="add"))
            ar = win["r"].to_numpy() - pred.predicted_mean
            design_w = sm.add_constant(win["m"], has_constant="add").to_numpy()
            ones = design_w.sum(axis=0)
            var_car = fit.scale * 4 + ones @ fit.cov_params().to_numpy() @ ones
            ours = firms[firm]
            assert ours.n_estimation == len(rows)
            assert ours.event_day == index[t0].date()
            np.testing.assert_allclose(ours.ar, ar, rtol=1e-10)
            np.testing.assert_allclose([ours.alpha, ours.beta], fit.params, rtol=1e-10)
            np.testing.assert_allclose(ours.sigma, math.sqrt(fit.scale), rtol=1e-10)
            np.testing.assert_allclose(ours.t, ar.sum() / math.sqrt(var_car), rtol=1e-10)
