"""GARCH(1,1)-X by maximum likelihood: equal to `arch` without dummies; a planted jump recovered."""

from __future__ import annotations

import math

import numpy as np
import pytest
from arch import arch_model

from lanthanide.errors import InvalidInput
from lanthanide.markets import garch
from lanthanide.markets.garch import fit_garch_x


def _simulate(
    seed: int, n: int, params: tuple[float, float, float, float], jumps: dict[int, float]
) -> np.ndarray:
    """Percent returns from sigma2_t = omega + alpha e2_{t-1} + beta sigma2_{t-1} + jump_t."""
    mu, omega, alpha, beta = params
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    e = np.empty(n)
    sigma2 = omega / (1 - alpha - beta)
    for t in range(n):
        if t:
            sigma2 = omega + alpha * e[t - 1] ** 2 + beta * sigma2
        e[t] = math.sqrt(sigma2 + jumps.get(t, 0.0)) * z[t]
        sigma2 += jumps.get(t, 0.0)
    return mu + e


def test_without_dummies_the_fit_equals_arch_garch11() -> None:
    r = _simulate(3, 1500, (0.05, 0.05, 0.08, 0.88), {})
    ours = fit_garch_x(r / 100)
    ref = arch_model(r, mean="Constant", vol="GARCH", p=1, q=1, rescale=False).fit(
        disp="off", cov_type="classic"
    )
    assert ours.converged
    np.testing.assert_allclose(
        [ours.mu, ours.omega, ours.alpha, ours.beta], ref.params.to_numpy(), rtol=1e-3
    )
    np.testing.assert_allclose(ours.se, ref.std_err.to_numpy(), rtol=1e-2)
    assert ours.loglik == pytest.approx(ref.loglikelihood, abs=1e-4)


def test_a_planted_variance_jump_is_recovered_within_its_standard_error() -> None:
    days = list(range(60, 2000, 50))  # 40 event days, each adding delta to sigma2
    delta = 4.0  # percent squared, 4x the unconditional variance of 1
    r = _simulate(11, 2000, (0.0, 0.1, 0.05, 0.85), dict.fromkeys(days, delta))
    dummies = np.zeros((r.size, 1))
    dummies[days, 0] = 1.0
    fit = fit_garch_x(r / 100, dummies)
    estimate, se = float(fit.delta[0]), float(fit.se[4])
    assert abs(estimate - delta) <= se
    assert estimate / se > 3  # and the jump is clearly detected
    life, life_se = fit.half_life()
    assert life == pytest.approx(math.log(0.5) / math.log(fit.alpha + fit.beta))
    assert life_se > 0


def test_no_jump_gives_an_insignificant_dummy() -> None:
    days = list(range(60, 2000, 50))
    r = _simulate(12, 2000, (0.0, 0.1, 0.05, 0.85), {})
    dummies = np.zeros((r.size, 1))
    dummies[days, 0] = 1.0
    fit = fit_garch_x(r / 100, dummies)
    assert abs(float(fit.delta[0]) / float(fit.se[4])) < 2


def test_too_short_a_series_is_refused() -> None:
    with pytest.raises(InvalidInput, match="too few returns"):
        fit_garch_x(np.zeros(50))


def test_the_analytic_gradient_equals_central_differences() -> None:
    rng = np.random.default_rng(1)
    r = rng.normal(0, 2, 400)
    dummies = np.zeros((400, 2))
    dummies[100:103, 0] = 1.0
    dummies[300, 1] = 1.0
    start = garch.backcast(r - r.mean())
    params = np.array([0.1, 0.2, 0.08, 0.85, 1.0, 0.5])

    def nll(p: np.ndarray) -> float:
        return float(np.sum(garch._nll_terms(p, r, dummies, start)))

    step = 1e-6
    numeric = [(nll(params + h) - nll(params - h)) / (2 * step) for h in np.eye(6) * step]
    np.testing.assert_allclose(
        garch._nll_gradient(params, r, dummies, start), numeric, rtol=1e-6, atol=1e-6
    )
