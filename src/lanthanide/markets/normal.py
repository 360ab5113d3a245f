"""Normal-return models: what a firm would have returned without the event.

Each model is a linear regression `y = X b + e` fitted by OLS on the estimation window, so one
forecast-error formula serves them all (MacKinlay 1997); `batch.fit_ols` fits it for all firms at
once:

    Var(AR_t)   = s^2 (1 + x_t (X'X)^-1 x_t')           for each event day t
    Var(CAR)    = s^2 (L + 1'X_w (X'X)^-1 X_w'1)         over the L event days

- `mean`: y = R_i, X = [1] (constant-mean-return model; Var(AR) = s^2 (1 + 1/L1));
- `market`: y = R_i, X = [1, R_m] (market model; the extra term is the (R_m - mean)^2 term);
- `ff3`: y = R_i - RF, X = [1, Mkt-RF, SMB, HML] (Fama-French three factors, given by the user);
- `market_adjusted`: AR = R_i - R_m with no parameters fitted; Var(AR) = s^2, the sample
  variance of R_i - R_m in the estimation window (dof L1 - 1).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Model = Literal["mean", "market_adjusted", "market", "ff3"]
MODELS: tuple[Model, ...] = ("mean", "market_adjusted", "market", "ff3")
#: Fama-French factor columns the `ff3` model needs, as published by Ken French's data library
FF3_COLUMNS = ("Mkt-RF", "SMB", "HML", "RF")

Array = npt.NDArray[np.float64]
