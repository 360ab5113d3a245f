"""Normal-return models: what a firm would have returned without the event.

Each model is a linear regression `y = X b + e` fitted by OLS on the estimation window, so one
forecast-error formula serves them all (MacKinlay 1997):

    Var(AR_t)   = s^2 (1 + x_t (X'X)^-1 x_t')           for each event day t
    Var(CAR)    = s^2 (L + 1'X_w (X'X)^-1 X_w'1)         over the L event days

- `mean`: y = R_i, X = [1] (constant-mean-return model; Var(AR) = s^2 (1 + 1/L1));
- `market`: y = R_i, X = [1, R_m] (market model; the extra term is the (R_m - mean)^2 term);
- `ff3`: y = R_i - RF, X = [1, Mkt-RF, SMB, HML] (Fama-French three factors, given by the user);
- `market_adjusted`: AR = R_i - R_m with no parameters fitted; Var(AR) = s^2, the sample
  variance of R_i - R_m in the estimation window (dof L1 - 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from lanthanide.errors import InvalidInput, Problem

Model = Literal["mean", "market_adjusted", "market", "ff3"]
MODELS: tuple[Model, ...] = ("mean", "market_adjusted", "market", "ff3")
#: Fama-French factor columns the `ff3` model needs, as published by Ken French's data library
FF3_COLUMNS = ("Mkt-RF", "SMB", "HML", "RF")

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fit:
    """An estimated normal-return model for one firm and event."""

    model: Model
    coef: Array  # empty for market_adjusted
    xtx_inv: Array  # (k, k); empty for market_adjusted
    sigma2: float  # residual variance s^2
    dof: int  # L1 - k (L1 - 1 for market_adjusted)
    residuals: Array  # estimation-window abnormal returns

    @property
    def n(self) -> int:
        return int(self.residuals.size)


def fit(model: Model, y: Array, x: Array) -> Fit:
    """OLS on the estimation window. `x` has the regressors without the constant (may be empty)."""
    n = y.size
    if model == "market_adjusted":
        resid = y - x[:, 0]
        dof = n - 1
        sigma2 = float(np.var(resid, ddof=1)) if dof > 0 else float("nan")
        return Fit(model, np.empty(0), np.empty((0, 0)), sigma2, dof, resid)
    design = np.column_stack([np.ones(n), x]) if x.size else np.ones((n, 1))
    k = design.shape[1]
    if n <= k + 2:
        raise InvalidInput(
            "estimation window too short",
            [Problem(f"{n} estimation days for a {k}-parameter {model} model")],
        )
    coef = np.asarray(np.linalg.lstsq(design, y, rcond=None)[0], dtype=np.float64)
    resid = y - design @ coef
    dof = n - k
    sigma2 = float(resid @ resid / dof)
    xtx_inv = np.linalg.inv(design.T @ design)
    return Fit(model, coef, xtx_inv, sigma2, dof, resid)


def abnormal(f: Fit, y: Array, x: Array) -> tuple[Array, Array, float]:
    """Abnormal returns on the event window, their forecast variances, and Var(CAR)."""
    if f.model == "market_adjusted":
        ar = y - x[:, 0]
        var = np.full(ar.size, f.sigma2)
        return ar, var, f.sigma2 * ar.size
    design = np.column_stack([np.ones(y.size), x]) if x.size else np.ones((y.size, 1))
    ar = y - design @ f.coef
    leverage = np.einsum("ij,jk,ik->i", design, f.xtx_inv, design)
    var = f.sigma2 * (1.0 + leverage)
    total = design.sum(axis=0)
    var_car = f.sigma2 * (y.size + float(total @ f.xtx_inv @ total))
    return ar, var, var_car


def variance_ratio(dof: int) -> float:
    """Var of a t(dof) variable, dof/(dof-2): Patell's (L1-2)/(L1-4) for the market model."""
    return dof / (dof - 2) if dof > 2 else float("nan")
