"""Batched normal-return fits equal one statsmodels OLS per firm to 1e-10 (reference test).

Firms have their own missing days: each column's mask drops different rows, as a firm's own
calendar and other events' windows do in the engine.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from lanthanide.markets.batch import abnormal_batch, fit_ols
from lanthanide.markets.normal import Model

RTOL = 1e-10
N_FIRMS = 12


def _panel(seed: int, q: int, rows: int = 230) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0003, 0.01, (q, rows, N_FIRMS))
    beta = rng.uniform(0.5, 1.5, (q, N_FIRMS))
    y = 0.001 + np.sum(x * beta[:, None, :], axis=0) + rng.normal(0, 0.02, (rows, N_FIRMS))
    mask = rng.random((rows, N_FIRMS)) > 0.15  # each firm misses its own ~15% of days
    mask[:, 0] = True  # and one firm has every day
    y[~mask] = np.nan  # what gather() leaves off a firm's data
    return y, x, mask


def _window(seed: int, q: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 100)
    return rng.normal(0, 0.03, (4, N_FIRMS)), rng.normal(0, 0.02, (q, 4, N_FIRMS))


def _statsmodels(y: np.ndarray, x: np.ndarray, mask: np.ndarray, f: int):  # type: ignore[no-untyped-def]
    rows = mask[:, f]
    design = sm.add_constant(x[:, rows, f].T, has_constant="add")
    return sm.OLS(y[rows, f], design).fit()


@pytest.mark.parametrize(("model", "q"), [("market", 1), ("ff3", 3), ("mean", 0)])
def test_batched_ols_equals_statsmodels_firm_by_firm(model: Model, q: int) -> None:
    y, x, mask = _panel(seed=q + 1, q=q)
    fits = fit_ols(model, y, x, mask)
    wy, wx = _window(q + 1, q)
    ar, var, var_car = abnormal_batch(fits, wy, wx)
    for f in range(N_FIRMS):
        ref = _statsmodels(y, x, mask, f)
        assert fits.n[f] == ref.nobs and fits.dof[f] == ref.df_resid
        np.testing.assert_allclose(fits.alpha[f], ref.params[0], rtol=RTOL)
        np.testing.assert_allclose(fits.beta[:, f], ref.params[1:], rtol=RTOL)
        np.testing.assert_allclose(fits.sigma2[f], ref.scale, rtol=RTOL)
        np.testing.assert_allclose(fits.residuals[mask[:, f], f], ref.resid, rtol=RTOL, atol=0)
        assert np.isnan(fits.residuals[~mask[:, f], f]).all()
        design = sm.add_constant(wx[:, :, f].T, has_constant="add")
        pred = ref.get_prediction(design)
        np.testing.assert_allclose(ar[:, f], wy[:, f] - pred.predicted_mean, rtol=RTOL)
        np.testing.assert_allclose(var[:, f], pred.se_obs**2, rtol=RTOL)
        # Var(CAR) = L s^2 + the variance of the summed fitted values
        ones = design.sum(axis=0)
        expected = ref.scale * 4 + ones @ ref.cov_params() @ ones
        np.testing.assert_allclose(var_car[f], expected, rtol=RTOL)


def test_market_adjusted_variance_is_the_sample_variance_of_firm_minus_market() -> None:
    y, x, mask = _panel(seed=7, q=1)
    fits = fit_ols("market_adjusted", y, x, mask)
    wy, wx = _window(7, 1)
    ar, var, var_car = abnormal_batch(fits, wy, wx)
    for f in range(N_FIRMS):
        diff = y[mask[:, f], f] - x[0, mask[:, f], f]
        np.testing.assert_allclose(fits.sigma2[f], np.var(diff, ddof=1), rtol=RTOL)
        assert fits.dof[f] == diff.size - 1
    np.testing.assert_allclose(ar, wy - wx[0], rtol=RTOL)
    np.testing.assert_allclose(var, np.broadcast_to(fits.sigma2, var.shape), rtol=RTOL)
    np.testing.assert_allclose(var_car, 4 * fits.sigma2, rtol=RTOL)
