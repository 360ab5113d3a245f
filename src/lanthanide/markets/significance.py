"""Test statistics for a cross-section of CARs on one event, all with two-sided p-values.

Formulas follow the project's methods note 1(g) (MacKinlay 1997; EventStudyTools formula pages):

- `t`: cross-sectional t = CAAR / (sd(CAR) / sqrt(N)), t(N-1);
- `patell`: Z = sum CSAR_i / sqrt(sum L (dof_i)/(dof_i - 2)), N(0,1) (Patell 1976);
- `bmp`: SCAR_i = CSAR_i / sqrt(L dof_i/(dof_i-2)); t = mean(SCAR)/(sd(SCAR)/sqrt(N)), t(N-1)
  (Boehmer, Musumeci & Poulsen 1991);
- `kp`: t_BMP * sqrt((1 - r)/(1 + (N - 1) r)), r = mean pairwise correlation of estimation-window
  residuals (Kolari & Pynnonen 2010), for events that hit every firm on the same day;
- `corrado`: rank test on the combined estimation + event series, sqrt(L) * mean U / S_U
  (Corrado 1989; Corrado & Zivney 1992; multi-day form of Cowan 1992), N(0,1);
- `sign`: generalised sign test (Cowan 1992) with p-hat = average share of positive estimation
  ARs, N(0,1);
- `portfolio`: the equal-weight portfolio of the firms' ARs as one time series ("crude
  dependence adjustment", Brown & Warner 1985): CAAR / (sd(AAR_est) sqrt(L)), t(T-1). Its
  variance comes from the portfolio itself, so cross-correlation is accounted for exactly.

A statistic that cannot be computed (one firm, zero dispersion) is `None`, never a made-up 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

Array = npt.NDArray[np.float64]
TESTS = ("t", "patell", "bmp", "kp", "corrado", "sign", "portfolio")


@dataclass(frozen=True)
class TestStat:
    """A statistic and its two-sided p-value (None when undefined)."""

    stat: float | None
    p: float | None


def _none() -> TestStat:
    return TestStat(None, None)


def _normal(z: float) -> TestStat:
    if not math.isfinite(z):
        return _none()
    return TestStat(z, float(2 * special.ndtr(-abs(z))))


def two_sided_t(t: float, df: int) -> float:
    """Two-sided p-value of a t(df) statistic (scipy.special.stdtr: no distribution object)."""
    return float(2 * special.stdtr(df, -abs(t)))


def _student(t: float, df: int) -> TestStat:
    if not math.isfinite(t) or df < 1:
        return _none()
    return TestStat(t, two_sided_t(t, df))


def _mean_t(x: Array) -> float:
    n = x.size
    if n < 2:
        return float("nan")
    sd = float(np.std(x, ddof=1))
    return float(np.mean(x) / (sd / math.sqrt(n))) if sd > 0 else float("nan")


def cross_sectional_t(cars: Array) -> TestStat:
    return _student(_mean_t(cars), cars.size - 1)


def patell(csar: Array, length: int, ratios: Array) -> TestStat:
    """`csar` = sum of standardised ARs per firm; `ratios` = dof/(dof-2) per firm."""
    if csar.size == 0:
        return _none()
    return _normal(float(csar.sum() / math.sqrt(float(np.sum(length * ratios)))))


def scar(csar: Array, length: int, ratios: Array) -> Array:
    """Standardised CARs of BMP: CSAR scaled to unit variance under the null."""
    out: Array = csar / np.sqrt(length * ratios)
    return out


def bmp(scars: Array) -> TestStat:
    return _student(_mean_t(scars), scars.size - 1)


def mean_pairwise_correlation(residuals: pd.DataFrame, min_overlap: int = 20) -> float:
    """Mean off-diagonal correlation of residual columns (dates aligned; pairs with too few
    common dates are left out). NaN with fewer than two firms."""
    if residuals.shape[1] < 2:
        return float("nan")
    corr = residuals.corr(min_periods=min_overlap).to_numpy()
    off = corr[~np.eye(corr.shape[0], dtype=bool)]
    off = off[np.isfinite(off)]
    return float(off.mean()) if off.size else float("nan")


def kolari_pynnonen(scars: Array, rbar: float) -> TestStat:
    n = scars.size
    t_bmp = _mean_t(scars)
    if not math.isfinite(rbar) or not math.isfinite(t_bmp):
        return _none()
    adjust = (1 - rbar) / (1 + (n - 1) * rbar)
    if adjust <= 0:
        return _none()
    return _student(t_bmp * math.sqrt(adjust), n - 1)


def corrado(
    ars: dict[str, tuple[npt.NDArray[np.int64], Array]], window: tuple[int, int]
) -> TestStat:
    """Rank test. `ars` maps firm -> (relative trading days, ARs) over the estimation and event
    days together. Each firm's ARs are ranked within its own series: U = K/(M+1) - 0.5."""
    if not ars:
        return _none()
    low = min(int(days.min()) for days, _ in ars.values())
    high = max(int(days.max()) for days, _ in ars.values())
    grid = np.full((high - low + 1, len(ars)), np.nan)
    for j, (days, values) in enumerate(ars.values()):
        ranks = pd.Series(values).rank(method="average").to_numpy()  # = scipy.stats.rankdata
        grid[days - low, j] = ranks / (values.size + 1) - 0.5
    filled = ~np.isnan(grid).all(axis=1)
    ubar = np.full(grid.shape[0], np.nan)
    ubar[filled] = np.nanmean(grid[filled], axis=1)
    s_u = math.sqrt(float(np.nanmean(ubar**2)))
    lo, hi = window[0] - low, window[1] - low + 1
    days_u = ubar[max(lo, 0) : max(hi, 0)]
    days_u = days_u[~np.isnan(days_u)]
    if s_u <= 0 or days_u.size == 0:
        return _none()
    return _normal(float(days_u.sum() / (math.sqrt(days_u.size) * s_u)))


def portfolio(caar: float, residuals: pd.DataFrame, length: int) -> TestStat:
    """Time-series test of the equal-weight portfolio; `residuals` are estimation ARs by date."""
    aar = residuals.mean(axis=1, skipna=True).dropna()
    if aar.size < 3:
        return _none()
    sd = float(aar.std(ddof=1))
    if sd <= 0:
        return _none()
    return _student(caar / (sd * math.sqrt(length)), aar.size - 1)


def generalized_sign(cars: Array, p_hat: float) -> TestStat:
    n = cars.size
    if n == 0 or not 0 < p_hat < 1:
        return _none()
    w = float(np.sum(cars > 0))
    return _normal((w - n * p_hat) / math.sqrt(n * p_hat * (1 - p_hat)))
