"""Normal-return models against statsmodels OLS (reference test)."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from lanthanide.markets.normal import abnormal, fit, variance_ratio


def _data(seed: int, n: int = 200, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.01, (n, k))
    y = 0.001 + x @ rng.uniform(0.5, 1.5, k) + rng.normal(0, 0.02, n)
    return y, x


def test_market_model_alpha_beta_and_sigma_equal_statsmodels_ols() -> None:
    y, x = _data(1)
    ours = fit("market", y, x)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.sigma2, ref.scale, rtol=1e-10)
    assert ours.dof == ref.df_resid


def test_ff3_coefficients_equal_statsmodels_ols() -> None:
    y, x = _data(2, k=3)
    ours = fit("ff3", y, x)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-10)
    assert ours.dof == len(y) - 4


def test_forecast_error_variance_equals_statsmodels_observation_variance() -> None:
    y, x = _data(3)
    ours = fit("market", y, x)
    ref = sm.OLS(y, sm.add_constant(x)).fit()
    x_new = np.array([[0.03], [-0.01], [0.0]])
    y_new = np.array([0.05, -0.02, 0.001])
    ar, var, var_car = abnormal(ours, y_new, x_new)
    pred = ref.get_prediction(sm.add_constant(x_new, has_constant="add"))
    np.testing.assert_allclose(ar, y_new - pred.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(var, pred.se_obs**2, rtol=1e-10)
    # Var(CAR) = Var(sum of forecast errors): L s^2 + the variance of the summed fitted values.
    design = sm.add_constant(x_new, has_constant="add")
    ones = design.sum(axis=0)
    expected = ref.scale * 3 + ones @ ref.cov_params() @ ones
    np.testing.assert_allclose(var_car, expected, rtol=1e-10)


def test_mean_model_variance_is_s2_times_one_plus_one_over_l1() -> None:
    y, _ = _data(4)
    ours = fit("mean", y, np.empty((y.size, 0)))
    _, var, _ = abnormal(ours, np.array([0.01]), np.empty((1, 0)))
    np.testing.assert_allclose(ours.coef, [y.mean()])
    np.testing.assert_allclose(var, [np.var(y, ddof=1) * (1 + 1 / y.size)])


def test_market_adjusted_abnormal_return_is_firm_minus_market() -> None:
    y, x = _data(5)
    ours = fit("market_adjusted", y, x)
    ar, var, _ = abnormal(ours, np.array([0.03]), np.array([[0.01]]))
    np.testing.assert_allclose(ar, [0.02])
    np.testing.assert_allclose(var, [np.var(y - x[:, 0], ddof=1)])


def test_patell_variance_ratio_is_l1_minus_2_over_l1_minus_4_for_market_model() -> None:
    assert variance_ratio(200 - 2) == (200 - 2) / (200 - 4)
