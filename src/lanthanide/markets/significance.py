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


def mean_pairwise_correlation(values: Array, min_overlap: int = 20) -> float:
    """Mean off-diagonal correlation of the columns of `values` (dates by firms, NaN where a firm
    has no residual that day), each pair over its common dates, as `DataFrame.corr` computes it.
    Pairs with fewer than `min_overlap` common dates or a constant column are left out. NaN with
    fewer than two firms.

    Computed from cross-products of the zero-filled matrix and its mask (one BLAS call each), so
    a thousand firms cost milliseconds instead of a pairwise loop.
    """
    n_firms = values.shape[1]
    if n_firms < 2:
        return float("nan")
    fast = _mean_correlation_complete(values, min_overlap)
    if fast is not None:
        return fast
    mask = ~np.isnan(values)
    w = mask.astype(np.float64)
    z = np.where(mask, values, 0.0)
    n = w.T @ w
    sx = z.T @ w  # sx[i, j]: sum of x_i over the dates i and j share
    sxx = (z * z).T @ w
    sxy = z.T @ z
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_i = sxx - sx * sx / n
        corr = cov / np.sqrt(var_i * var_i.T)
    tiny = 1e-14 * np.maximum(sxx, sxx.T)
    keep = (n >= min_overlap) & (var_i > tiny) & (var_i.T > tiny.T)
    keep &= ~np.eye(n_firms, dtype=bool)
    off = corr[keep & np.isfinite(corr)]
    return float(off.mean()) if off.size else float("nan")


def _mean_correlation_complete(values: Array, min_overlap: int) -> float | None:
    """Without gaps, the mean off-diagonal correlation is (1'C1 - F) / (F (F - 1)), and 1'C1 is
    the variance of the sum of the standardised columns: O(T F) instead of O(T F^2).
    None when the matrix has gaps or a constant column (the pairwise path handles those)."""
    n_dates, n_firms = values.shape
    if n_dates < max(min_overlap, 2) or np.isnan(values).any():
        return None
    centred = values - values.mean(axis=0)
    sd = np.sqrt(np.sum(centred**2, axis=0) / (n_dates - 1))
    if not np.all(sd > 1e-14 * np.abs(values).max(axis=0)):
        return None
    total = (centred / sd).sum(axis=1)
    ones_c_ones = float(total @ total) / (n_dates - 1)
    return float((ones_c_ones - n_firms) / (n_firms * (n_firms - 1)))


def kolari_pynnonen(scars: Array, rbar: float) -> TestStat:
    n = scars.size
    t_bmp = _mean_t(scars)
    if not math.isfinite(rbar) or not math.isfinite(t_bmp):
        return _none()
    adjust = (1 - rbar) / (1 + (n - 1) * rbar)
    if adjust <= 0:
        return _none()
    return _student(t_bmp * math.sqrt(adjust), n - 1)


_SIGN = np.uint64(1 << 63)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


def _sort_keys(cols: Array) -> tuple[npt.NDArray[np.uint64], int]:
    """Unsigned keys that sort like the floats (NaN last), their low bits replaced by the
    column position, and the number of position bits."""
    bits = (cols + 0.0).view(np.uint64)  # + 0.0 turns -0.0 into 0.0: they tie, as in pandas
    sign = bits >> np.uint64(63)
    keys = bits ^ ((np.uint64(0) - sign) | _SIGN)  # flip negatives, set the sign of positives
    keys[np.isnan(cols)] = _ALL
    width = max(1, (cols.shape[1] - 1).bit_length())
    low = np.uint64((1 << width) - 1)
    keys = (keys & ~low) | np.arange(cols.shape[1], dtype=np.uint64)[None, :]
    return keys, width


def _distinct_ranks(cols: Array) -> Array | None:
    """Ranks by one sort of packed (value, position) keys, several times faster than argsort;
    None when two values of a row are equal or too close to tell apart from the packed keys
    (then the exact tie-averaging path runs)."""
    keys, width = _sort_keys(cols)
    ordered = np.sort(keys, axis=1)
    high = ordered >> np.uint64(width)
    valid = np.sum(~np.isnan(cols), axis=1)
    pos = np.arange(1, cols.shape[1])[None, :]
    if np.any((high[:, 1:] == high[:, :-1]) & (pos < valid[:, None])):
        return None
    order = (ordered & np.uint64((1 << width) - 1)).astype(np.intp)
    ranks = np.empty(cols.shape)
    np.put_along_axis(ranks, order, np.arange(1.0, cols.shape[1] + 1)[None, :], axis=1)
    ranks[np.isnan(cols)] = np.nan
    return ranks


def average_ranks(values: Array) -> Array:
    """Ranks 1..M within each column, ties sharing their average rank, NaN left NaN (the same as
    `DataFrame.rank(method="average")` or scipy's `rankdata`), for all columns at once."""
    cols = np.ascontiguousarray(values.T)  # sort along contiguous rows: several times faster
    fast = _distinct_ranks(cols) if cols.size else None
    if fast is not None:
        return np.ascontiguousarray(fast.T)
    n = cols.shape[1]
    order = np.argsort(cols, axis=1)  # NaN sort last
    ordered = np.take_along_axis(cols, order, axis=1)
    pos = np.broadcast_to(np.arange(n)[None, :], cols.shape)
    starts = np.ones(cols.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.ones(cols.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, pos, n)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(cols.shape)
    np.put_along_axis(ranks, order, (first + last) / 2 + 1, axis=1)
    ranks[np.isnan(cols)] = np.nan
    return np.ascontiguousarray(ranks.T)


def corrado(ars: Array, event_rows: slice) -> TestStat:
    """Rank test. `ars` holds each firm's ARs by relative trading day (rows: a contiguous range of
    days covering the estimation and event windows; NaN where the firm has none). Each firm's ARs
    are ranked within its own series: U = K/(M+1) - 0.5; `event_rows` selects the window days."""
    if ars.shape[1] == 0:
        return _none()
    ranks = average_ranks(ars)
    counts = (~np.isnan(ars)).sum(axis=0)
    grid = ranks / (counts[None, :] + 1) - 0.5
    filled = ~np.isnan(grid).all(axis=1)
    ubar = np.full(grid.shape[0], np.nan)
    ubar[filled] = np.nanmean(grid[filled], axis=1)
    s_u = math.sqrt(float(np.nanmean(ubar**2)))
    days_u = ubar[event_rows]
    days_u = days_u[~np.isnan(days_u)]
    if s_u <= 0 or days_u.size == 0:
        return _none()
    return _normal(float(days_u.sum() / (math.sqrt(days_u.size) * s_u)))


def portfolio(caar: float, residuals: Array, length: int) -> TestStat:
    """Time-series test of the equal-weight portfolio; `residuals` are estimation ARs by date
    (dates by firms, NaN where a firm has none that day)."""
    has = ~np.isnan(residuals).all(axis=1)
    aar = np.nanmean(residuals[has], axis=1) if has.any() else np.empty(0)
    if aar.size < 3:
        return _none()
    sd = float(np.std(aar, ddof=1))
    if sd <= 0:
        return _none()
    return _student(caar / (sd * math.sqrt(length)), aar.size - 1)


def generalized_sign(cars: Array, p_hat: float) -> TestStat:
    n = cars.size
    if n == 0 or not 0 < p_hat < 1:
        return _none()
    w = float(np.sum(cars > 0))
    return _normal((w - n * p_hat) / math.sqrt(n * p_hat * (1 - p_hat)))
