"""Normal-return fits for many firms at once: closed-form OLS per firm by batched linear algebra.

The engine holds every firm's returns in one "compact" matrix: column f lists firm f's returns in
its own trading-day order (the days on which the firm and its benchmark both trade, as
`pair_returns` defines them), padded with NaN. A window in trading days is then a block of rows,
and a missing day for one firm never shifts another firm's window.

Each firm's regression `y = a + x b + e` on its estimation rows is solved in centred form
(MacKinlay 1997; the same OLS as `normal.fit`):

    b = (Xc'Xc)^-1 Xc'yc,  a = ybar - xbar b,  s^2 = e'e / (n - k)
    Var(AR_t) = s^2 (1 + 1/n + (x_t - xbar)' (Xc'Xc)^-1 (x_t - xbar))
    Var(CAR)  = s^2 (L + L^2/n + d' (Xc'Xc)^-1 d),  d = sum over the window of (x_t - xbar)

where `Xc`, `yc` are deviations from the firm's estimation-window means. Centring keeps the
normal equations well conditioned (daily returns are ~0.01 while the constant is 1), so the
results equal statsmodels' pseudo-inverse OLS to ~1e-12. Masked (missing or excluded) rows get
weight zero, so no firm needs a model object of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets.normal import FF3_COLUMNS, Model
from lanthanide.markets.panel import PricePanel

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Returns:
    """Compact per-firm returns: row j of column f is firm f's j-th return (NaN padded)."""

    tickers: list[str]
    y: Array  # (N, F) dependent variable (R_i, or R_i - RF for ff3)
    x: Array  # (q, N, F) regressors without the constant (q = 0 for mean, 1 market, 3 ff3)
    rows: Index  # (N, F) calendar row of each return; -1 in padding
    count: Index  # (F,) number of returns per firm
    before: Index  # (T + 1, F) returns of each firm on calendar rows < t
    calendar: pd.DatetimeIndex
    days: npt.NDArray[np.object_]  # the calendar as `datetime.date` objects, for result rows


@dataclass(frozen=True)
class Fits:
    """OLS fits of F firms on one estimation window (arrays over firms)."""

    model: Model
    alpha: Array  # (F,) NaN for market_adjusted
    beta: Array  # (q, F) empty (0, F) for mean and market_adjusted
    xbar: Array  # (q, F)
    sxx_inv: Array  # (F, q, q) inverse of the centred cross-product matrix
    sigma2: Array  # (F,)
    n: Index  # (F,) estimation days
    dof: Index  # (F,)
    residuals: Array  # (L, F) estimation-window abnormal returns; NaN where masked


def _ff3_checked(factors: pd.DataFrame | None) -> pd.DataFrame:
    if factors is None:
        raise InvalidInput(
            "the ff3 model needs a factors file", [Problem("no factors given", column="factors")]
        )
    missing = [c for c in FF3_COLUMNS if c not in factors.columns]
    if missing:
        raise InvalidInput(
            "factors file lacks Fama-French columns",
            [Problem(f"missing column {c!r}") for c in missing],
        )
    return factors


def _previous_valid(values: Array, valid: Mask) -> Array:
    """For each cell, the value on the previous valid row of the same column (NaN if none)."""
    held = pd.DataFrame(np.where(valid, values, np.nan)).ffill().shift(1)
    return held.to_numpy(dtype=np.float64)


def _raw(
    panel: PricePanel,
    tickers: Sequence[str],
    benchmarks: Mapping[str, str | None],
    model: Model,
) -> tuple[Array, Array | None]:
    frame = panel.values
    own = frame[list(tickers)].to_numpy(dtype=np.float64)
    if model in ("mean", "ff3"):
        return own, None
    lacking = [t for t in tickers if benchmarks.get(t) is None]
    if lacking:
        raise InvalidInput(f"the {model} model needs a market benchmark for {lacking[0]}")
    bench = frame[[str(benchmarks[t]) for t in tickers]].to_numpy(dtype=np.float64)
    return own, bench


def _to_returns(panel: PricePanel, own: Array, bench: Array | None) -> tuple[Array, Array, Mask]:
    """Simple returns between consecutive days on which firm and benchmark both have a value."""
    valid = ~np.isnan(own) if bench is None else ~np.isnan(own) & ~np.isnan(bench)
    market = np.zeros_like(own) if bench is None else bench
    if panel.kind == "return":
        return own, market, valid
    prev_own = _previous_valid(own, valid)
    prev_market = _previous_valid(market, valid)
    usable = valid & ~np.isnan(prev_own)
    with np.errstate(invalid="ignore", divide="ignore"):
        return own / prev_own - 1.0, market / prev_market - 1.0, usable


def firm_returns(
    panel: PricePanel,
    tickers: Sequence[str],
    benchmarks: Mapping[str, str | None],
    model: Model,
    factors: pd.DataFrame | None = None,
) -> Returns:
    """Every firm's return series in compact form (see the module docstring)."""
    checked = _ff3_checked(factors) if model == "ff3" else None
    own, bench = _raw(panel, tickers, benchmarks, model)
    r, m, usable = _to_returns(panel, own, bench)
    calendar = pd.DatetimeIndex(panel.values.index)
    if checked is None:
        y = r
        x = m[None] if model in ("market", "market_adjusted") else np.empty((0, *r.shape))
    else:
        aligned = checked[list(FF3_COLUMNS)].reindex(calendar).to_numpy(dtype=np.float64)
        usable &= ~np.isnan(aligned).any(axis=1)[:, None]
        y = r - aligned[:, 3][:, None]
        x = np.broadcast_to(aligned.T[:3, :, None], (3, *r.shape))
    return _compact(tickers, y, x, usable, calendar)


def _compact(
    tickers: Sequence[str], y: Array, x: Array, usable: Mask, calendar: pd.DatetimeIndex
) -> Returns:
    count = usable.sum(axis=0).astype(np.intp)
    before = np.vstack([np.zeros((1, usable.shape[1]), np.intp), np.cumsum(usable, axis=0)])
    t_idx, f_idx = np.nonzero(usable)
    pos = before[t_idx, f_idx]  # compact row of each usable cell (returns on earlier rows)
    n_max = int(count.max()) if count.size else 0
    cy = np.full((n_max, len(tickers)), np.nan)
    cx = np.full((x.shape[0], n_max, len(tickers)), np.nan)
    rows = np.full((n_max, len(tickers)), -1, dtype=np.intp)
    cy[pos, f_idx] = y[t_idx, f_idx]
    cx[:, pos, f_idx] = x[:, t_idx, f_idx]
    rows[pos, f_idx] = t_idx
    days = np.asarray(calendar.date)
    return Returns(list(tickers), cy, cx, rows, count, before.astype(np.intp), calendar, days)


def _common_block(index: Index, cols: Index, n_rows: int, n_cols: int) -> slice | None:
    """The row slice when all columns are wanted, in order, on the same consecutive rows
    inside the data (firms on one calendar), else None."""
    if cols.size != n_cols or index.size == 0 or not np.array_equal(cols, np.arange(n_cols)):
        return None
    first, last = int(index[0, 0]), int(index[-1, 0])
    if first < 0 or last >= n_rows or last - first + 1 != index.shape[0]:
        return None
    if not np.array_equal(index, np.broadcast_to(index[:, :1], index.shape)):
        return None
    if not np.array_equal(index[:, 0], np.arange(first, last + 1)):
        return None
    return slice(first, last + 1)


def gather(values: Array, index: Index, cols: Index) -> Array:
    """values[index[l, j], cols[j]] of a (rows, F) matrix, or of each (q, rows, F) slice; NaN
    where the index is off the data. A flat `take` is much faster than 2-D fancy indexing."""
    if values.ndim == 3:
        out3 = np.empty((values.shape[0], *index.shape))
        for i, v in enumerate(values):
            out3[i] = gather(v, index, cols)
        return out3
    n_rows, n_cols = values.shape
    block = _common_block(index, cols, n_rows, n_cols)
    if block is not None:
        return values[block]  # every firm on the same rows: a slice, no copy
    bad = (index < 0) | (index >= n_rows)
    flat = np.clip(index, 0, max(n_rows - 1, 0)) * n_cols + cols[None, :]
    out = np.ascontiguousarray(values).ravel().take(flat)
    out[bad] = np.nan
    return np.asarray(out, dtype=np.float64)


def _cross(a: Array, b: Array) -> Array:
    """(q, L, F) x (r, L, F) -> (F, q, r): per-firm cross products, one column pair at a time
    (q <= 3, so a few vector sums beat a general einsum)."""
    out = np.empty((a.shape[2], a.shape[0], b.shape[0]))
    for i in range(a.shape[0]):
        for j in range(b.shape[0]):
            out[:, i, j] = np.einsum("lf,lf->f", a[i], b[j])
    return out


def fit_ols(model: Model, y: Array, x: Array, mask: Mask) -> Fits:
    """Fit every column of `y` (L, F) on `x` (q, L, F) over its `mask` rows."""
    n = mask.sum(axis=0).astype(np.intp)
    if model == "market_adjusted":
        return _fit_adjusted(y, x, mask, n)
    q = x.shape[0]
    full = bool(mask.all())  # no masked row: skip the masking passes
    yz = y if full else np.where(mask, y, 0.0)
    xz = x if full else np.where(mask[None], x, 0.0)
    ybar = yz.sum(axis=0) / n
    xbar = xz.sum(axis=1) / n[None]
    xc = xz - xbar[:, None, :] if full else np.where(mask[None], xz - xbar[:, None, :], 0.0)
    yc = yz - ybar[None] if full else np.where(mask, yz - ybar[None], 0.0)
    sxx_inv = np.asarray(
        np.linalg.inv(_cross(xc, xc)) if q else np.zeros((y.shape[1], 0, 0)), dtype=np.float64
    )
    sxy = _cross(xc, yc[None])[:, :, 0]  # (F, q)
    beta = np.einsum("fij,fj->if", sxx_inv, sxy)
    alpha = ybar - np.sum(xbar * beta, axis=0)
    resid = yc - np.sum(xc * beta[:, None, :], axis=0)
    if not full:
        resid = np.where(mask, resid, np.nan)
    dof = n - (q + 1)
    sigma2 = (np.sum(resid**2, axis=0) if full else np.nansum(resid**2, axis=0)) / dof
    return Fits(model, alpha, beta, xbar, sxx_inv, sigma2, n, dof.astype(np.intp), resid)


def _fit_adjusted(y: Array, x: Array, mask: Mask, n: Index) -> Fits:
    """Market-adjusted: AR = R_i - R_m; Var(AR) = its sample variance in the estimation window."""
    resid = np.where(mask, y - x[0], np.nan)
    dof = n - 1
    mean = np.nansum(resid, axis=0) / n
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma2 = np.nansum((resid - mean[None]) ** 2, axis=0) / dof
    sigma2 = np.where(dof > 0, sigma2, np.nan)
    f = y.shape[1]
    return Fits(
        "market_adjusted",
        np.full(f, np.nan),
        np.empty((0, f)),
        np.empty((0, f)),
        np.empty((f, 0, 0)),
        sigma2,
        n,
        dof.astype(np.intp),
        resid,
    )


def abnormal_batch(fits: Fits, y: Array, x: Array) -> tuple[Array, Array, Array]:
    """Event-window ARs (W, F), their forecast variances (W, F) and Var(CAR) (F,)."""
    length = y.shape[0]
    if fits.model == "market_adjusted":
        ar = y - x[0]
        var = np.broadcast_to(fits.sigma2[None], ar.shape).copy()
        return ar, var, fits.sigma2 * length
    ar = y - fits.alpha[None] - np.sum(x * fits.beta[:, None, :], axis=0)
    d = x - fits.xbar[:, None, :]
    lev = np.einsum("iwf,fij,jwf->wf", d, fits.sxx_inv, d)
    var = fits.sigma2[None] * (1.0 + 1.0 / fits.n[None] + lev)
    total = d.sum(axis=1)
    extra = np.einsum("if,fij,jf->f", total, fits.sxx_inv, total)
    var_car = fits.sigma2 * (length + length**2 / fits.n + extra)
    return ar, var, var_car
