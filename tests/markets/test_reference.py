"""The engine's CAR, Patell and BMP equal a hand computation with statsmodels OLS predictions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from lanthanide.markets import Design, run_study
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
