"""Volatility study: the variance ratio against a hand computation with statsmodels, realised
volatility and the basket by hand, GARCH dummies on a planted variance jump."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.outliers_influence import OLSInfluence

from lanthanide.markets import Design, PricePanel, pair_returns
from lanthanide.markets.volatility import run_volatility
from tests.markets.simulate import events_at, synthetic_panel

FIRMS = ["F00", "F01", "F02", "F03"]


def _hand_ratio(panel: PricePanel, t0: int, window: tuple[int, int]) -> tuple[float, int, int]:
    """Per firm: statsmodels OLS on [-250, -30], internally studentised estimation residuals and
    AR / se_obs in the window; per relative day the squared deviations from the day's mean."""
    est_rows, win_rows = [], []
    for firm in FIRMS:
        frame = pair_returns(panel, firm, "MKT")
        est = frame.iloc[t0 - 250 : t0 - 29]
        fit = sm.OLS(est["r"], sm.add_constant(est["m"])).fit()
        est_rows.append(OLSInfluence(fit).resid_studentized_internal.to_numpy())
        win = frame.iloc[t0 + window[0] : t0 + window[1] + 1]
        pred = fit.get_prediction(sm.add_constant(win["m"], has_constant="add"))
        win_rows.append((win["r"].to_numpy() - pred.predicted_mean) / pred.se_obs)

    def pooled(columns: list[np.ndarray]) -> tuple[float, int]:
        m = np.column_stack(columns)
        ss = sum(float(np.sum((row - row.mean()) ** 2)) for row in m)
        df = m.shape[0] * (m.shape[1] - 1)
        return ss / df, df

    v_w, df_w = pooled(win_rows)
    v_e, df_e = pooled(est_rows)
    return v_w / v_e, df_w, df_e


def test_variance_ratio_equals_a_hand_computation_with_statsmodels() -> None:
    panel, dates = synthetic_panel(seed=8, n_firms=4, n_days=330, planted={300: 0.02})
    design = Design(window=(-1, 2), estimation=(-250, -30))
    result = run_volatility(
        panel,
        events_at(dates, [300]),
        tickers=FIRMS,
        benchmarks=dict.fromkeys(FIRMS, "MKT"),
        design=design,
    )
    (event,) = result.events
    ratio, df_w, df_e = _hand_ratio(panel, 299, design.window)
    vr = event.variance_ratio
    assert (vr.df_window, vr.df_estimation) == (df_w, df_e) == (4 * 3, 221 * 3)
    assert vr.ratio == pytest.approx(ratio, rel=1e-10)
    p = 2 * min(stats.f.cdf(ratio, df_w, df_e), stats.f.sf(ratio, df_w, df_e))
    assert vr.f.p == pytest.approx(p, rel=1e-8)


def test_a_firm_specific_shock_in_the_window_raises_the_variance_ratio() -> None:
    panel, dates = synthetic_panel(seed=9, n_firms=8, n_days=330)
    values = panel.values.copy()
    values.iloc[300:, 0] *= 1.3  # one firm jumps 30% on day 300: dispersion, not a common move
    values.iloc[300:, 1] *= 0.75
    firms = [f"F{i:02d}" for i in range(8)]
    result = run_volatility(
        PricePanel(values=values),
        events_at(dates, [300]),
        tickers=firms,
        benchmarks=dict.fromkeys(firms, "MKT"),
    )
    vr = result.events[0].variance_ratio
    assert vr.ratio is not None and vr.ratio > 5
    assert vr.f.p is not None and vr.f.p < 0.001


def test_a_common_jump_moves_the_mean_not_the_dispersion() -> None:
    panel, dates = synthetic_panel(seed=10, n_firms=8, n_days=330, planted={300: 0.15})
    firms = [f"F{i:02d}" for i in range(8)]
    result = run_volatility(
        panel, events_at(dates, [300]), tickers=firms, benchmarks=dict.fromkeys(firms, "MKT")
    )
    vr = result.events[0].variance_ratio
    assert vr.f.p is not None and vr.f.p > 0.01


def test_realised_volatility_and_basket_equal_a_hand_computation() -> None:
    panel, dates = synthetic_panel(seed=4, n_firms=3, n_days=330)
    firms = ["F00", "F01", "F02"]
    values = panel.values.copy()
    values.iloc[100:103, 1] = np.nan  # F01 misses three days: the basket averages the others
    panel = PricePanel(values=values)
    result = run_volatility(
        panel,
        events_at(dates, [300]),
        tickers=firms,
        benchmarks=dict.fromkeys(firms, "MKT"),
        rv_days=10,
    )
    realised = {r.series: r for r in result.events[0].realized}
    r0 = panel.values["F00"].pct_change().iloc[1:]  # F00 trades every day: day 0 is row 299
    before, after = r0.iloc[289:299].to_numpy(), r0.iloc[299:309].to_numpy()
    assert realised["F00"].before == pytest.approx(math.sqrt(252 * np.mean(before**2)))
    assert realised["F00"].after == pytest.approx(math.sqrt(252 * np.mean(after**2)))
    assert (realised["F00"].n_before, realised["F00"].n_after) == (10, 10)
    each = pd.DataFrame({f: pair_returns(panel, f, None)["r"] for f in firms})
    basket = each.mean(axis=1).iloc[289:309].to_numpy()
    assert realised["basket"].before == pytest.approx(math.sqrt(252 * np.mean(basket[:10] ** 2)))
    assert realised["basket"].after == pytest.approx(math.sqrt(252 * np.mean(basket[10:] ** 2)))


def test_every_series_gets_a_garch_fit_and_each_event_its_dummies() -> None:
    panel, dates = synthetic_panel(seed=6, n_firms=3, n_days=600)
    firms = ["F00", "F01", "F02"]
    result = run_volatility(
        panel,
        events_at(dates, [400, 500]),
        tickers=firms,
        benchmarks=dict.fromkeys(firms, "MKT"),
    )
    assert [g.series for g in result.garch] == [*firms, "basket", "MKT"]
    assert len(result.garch[3].conditional_vol) == 600
    for event in result.events:
        assert [g.series for g in event.garch] == [*firms, "basket", "MKT"]
    assert result.receipt.computed == "volatility_study"
