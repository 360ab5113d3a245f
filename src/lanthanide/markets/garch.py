"""GARCH(1,1) with event dummies in the variance equation ("GARCH-X"), by maximum likelihood.

    r_t = mu + e_t,   e_t = sigma_t z_t,   z_t ~ N(0, 1)
    sigma2_t = omega + alpha e2_{t-1} + beta sigma2_{t-1} + sum_j delta_j D_jt

`D_jt` is 1 on the days of event j's window. `delta_j` is the extra conditional variance the
event adds on each of those days; through the recursion the extra variance then decays by the
factor `alpha + beta` a day, so its half-life is ln(1/2) / ln(alpha + beta) trading days (the
usual half-life of a GARCH volatility shock).

Why not `arch`: `arch_model` takes exogenous regressors in the mean equation only; its variance
processes have no exogenous terms. So the likelihood is written here and maximised with
scipy's SLSQP (the optimiser `arch` uses), under omega > 0, alpha, beta >= 0, alpha + beta < 1.
Without dummies it is the same model as `arch_model(r, mean="Constant", vol="GARCH", p=1, q=1)`,
with the same start of the recursion (arch's backcast: an exponentially weighted mean of the
first 75 squared residuals, weight 0.94), and `tests/markets/test_garch.py` checks the two agree.
The gradient is analytic (one linear filter over the derivatives of the recursion), and
standard errors are "classic": the inverse of the Hessian of the negative log-likelihood at the
optimum, by central differences of that gradient (arch's `cov_type="classic"`). Returns are
taken in percent, as arch rescales them, so omega and delta are in percent squared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, signal, special

from lanthanide.errors import InvalidInput, Problem

Array = npt.NDArray[np.float64]

#: arch's backcast: exponentially weighted mean of the first 75 squared residuals, weight 0.94
BACKCAST_DAYS = 75
BACKCAST_DECAY = 0.94
#: alpha + beta stays at least this far below 1 (covariance stationarity)
STATIONARITY_MARGIN = 1e-6
#: iteration limit of the optimiser
MAX_ITERATIONS = 500
#: fewest observations for a fit (4 parameters plus the dummies need room)
MIN_OBSERVATIONS = 100
#: relative step of the central-difference Hessian
HESSIAN_STEP = 1e-4
#: the variance may not fall below this share of the sample variance (keeps the log finite)
VARIANCE_FLOOR = 1e-8
PERCENT = 100.0
#: per-observation value of the negative log-likelihood outside the admissible region
WALL = 1e6


@dataclass(frozen=True)
class GarchFit:
    """Estimates (percent units) with their classic covariance matrix."""

    mu: float
    omega: float
    alpha: float
    beta: float
    delta: Array  # (J,) one per dummy column
    cov: Array  # (4 + J, 4 + J) over (mu, omega, alpha, beta, delta...)
    loglik: float
    n: int
    converged: bool
    sigma2: Array  # (T,) fitted conditional variance path, percent squared

    @property
    def se(self) -> Array:
        out: Array = np.sqrt(np.clip(np.diag(self.cov), 0.0, None))
        return out

    @property
    def persistence(self) -> float:
        return self.alpha + self.beta

    def half_life(self) -> tuple[float, float]:
        """Half-life in trading days of a variance shock, and its delta-method std. error."""
        p = self.persistence
        if not 0.0 < p < 1.0:
            return float("nan"), float("nan")
        life = math.log(0.5) / math.log(p)
        grad = -math.log(0.5) / (p * math.log(p) ** 2)
        var_p = self.cov[2, 2] + self.cov[3, 3] + 2 * self.cov[2, 3]
        return life, abs(grad) * math.sqrt(max(var_p, 0.0))

    def unconditional_variance(self) -> float:
        p = self.persistence
        return self.omega / (1 - p) if p < 1 else float("nan")


def backcast(resid: Array) -> float:
    """arch's starting value of the variance recursion."""
    tau = min(BACKCAST_DAYS, resid.size)
    weights = BACKCAST_DECAY ** np.arange(tau)
    return float(np.sum(weights / weights.sum() * resid[:tau] ** 2))


def variance_path(params: Array, r: Array, dummies: Array, start: float) -> Array:
    """sigma2_t for t = 0..T-1, the recursion run by a linear filter (no Python loop)."""
    mu, omega, alpha, beta = params[:4]
    e2 = (r - mu) ** 2
    lagged = np.concatenate([[start], e2[:-1]])
    drive = omega + alpha * lagged + dummies @ params[4:]
    out: Array = signal.lfilter([1.0], [1.0, -beta], drive, zi=[beta * start])[0]
    return out


def _nll_terms(params: Array, r: Array, dummies: Array, start: float) -> Array:
    sigma2 = variance_path(params, r, dummies, start)
    floor = VARIANCE_FLOOR * start
    if not np.all(sigma2 > floor):
        return np.full(r.size, WALL)  # outside the admissible region: a flat wall
    out: Array = 0.5 * (np.log(2 * np.pi) + np.log(sigma2) + (r - params[0]) ** 2 / sigma2)
    return out


def _nll_gradient(params: Array, r: Array, dummies: Array, start: float) -> Array:
    """Analytic gradient of the negative log-likelihood.

    d sigma2_t / d theta = g_t + beta d sigma2_{t-1} / d theta, with g_t the derivative of the
    recursion's drive (omega: 1; alpha: e2_{t-1}; beta: sigma2_{t-1}; delta_j: D_jt; mu:
    -2 alpha e_{t-1}), so all derivatives come from one linear filter over the columns of g.
    """
    mu, _, alpha, beta = params[:4]
    sigma2 = variance_path(params, r, dummies, start)
    if not np.all(sigma2 > VARIANCE_FLOOR * start):
        return np.zeros(params.size)
    e = r - mu
    lag_e = np.concatenate([[0.0], e[:-1]])  # the backcast start does not depend on mu
    drive_grad = np.column_stack(
        [
            -2.0 * alpha * lag_e,
            np.ones(r.size),
            np.concatenate([[start], e[:-1] ** 2]),
            np.concatenate([[start], sigma2[:-1]]),
            dummies,
        ]
    )
    dsigma2 = signal.lfilter([1.0], [1.0, -beta], drive_grad, axis=0)
    weight = 0.5 * (1.0 / sigma2 - e**2 / sigma2**2)
    grad: Array = weight @ dsigma2
    grad[0] += float(np.sum(-e / sigma2))
    return grad


def _hessian(grad: object, x: Array) -> Array:
    """Central differences of the analytic gradient, symmetrised."""
    assert callable(grad)
    k = x.size
    h = HESSIAN_STEP * np.maximum(np.abs(x), 1e-2)
    out = np.empty((k, k))
    for i in range(k):
        step = np.zeros(k)
        step[i] = h[i]
        out[:, i] = (grad(x + step) - grad(x - step)) / (2 * h[i])
    sym: Array = 0.5 * (out + out.T)
    return sym


def fit_garch_x(returns: Array, dummies: Array | None = None) -> GarchFit:
    """Fit GARCH(1,1)-X to simple daily returns (decimals); `dummies` is (T, J) of 0/1."""
    r = np.asarray(returns, dtype=np.float64) * PERCENT
    d = np.zeros((r.size, 0)) if dummies is None else np.asarray(dummies, dtype=np.float64)
    if r.size < MIN_OBSERVATIONS + d.shape[1]:
        raise InvalidInput(
            "too few returns for a GARCH fit",
            [
                Problem(
                    f"{r.size} returns for {4 + d.shape[1]} parameters (need {MIN_OBSERVATIONS})"
                )
            ],
        )
    start = backcast(r - r.mean())
    var = float(np.var(r))
    x0 = np.concatenate([[r.mean(), 0.05 * var, 0.05, 0.90], np.zeros(d.shape[1])])
    big = 1e3 * var
    bounds = [(-big, big), (1e-8 * var, 10 * var), (0.0, 1.0), (0.0, 1.0)]
    bounds += [(-10 * var, 1e4 * var)] * d.shape[1]

    def nll(p: Array) -> float:
        return float(np.sum(_nll_terms(p, r, d, start)))

    def grad(p: Array) -> Array:
        return _nll_gradient(p, r, d, start)

    slope = np.zeros(x0.size)
    slope[2:4] = -1.0
    stationary = {
        "type": "ineq",
        "fun": lambda p: 1 - STATIONARITY_MARGIN - p[2] - p[3],
        "jac": lambda p: slope,
    }
    res = optimize.minimize(
        nll,
        x0,
        jac=grad,
        method="SLSQP",
        bounds=bounds,
        constraints=[stationary],
        options={"maxiter": MAX_ITERATIONS, "ftol": 1e-10},
    )
    params = np.asarray(res.x, dtype=np.float64)
    hess = _hessian(grad, params)
    try:
        cov = np.asarray(np.linalg.inv(hess), dtype=np.float64)
    except np.linalg.LinAlgError:
        cov = np.full(hess.shape, np.nan)
    return GarchFit(
        mu=float(params[0]),
        omega=float(params[1]),
        alpha=float(params[2]),
        beta=float(params[3]),
        delta=params[4:],
        cov=cov,
        loglik=-float(res.fun),
        n=int(r.size),
        converged=bool(res.success),
        sigma2=variance_path(params, r, d, start),
    )


def normal_p(z: float) -> float | None:
    """Two-sided p-value of a N(0,1) statistic (None when undefined)."""
    return float(2 * special.ndtr(-abs(z))) if math.isfinite(z) else None
