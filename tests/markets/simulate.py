"""Seeded synthetic panels for the event-study reference tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lanthanide.markets import Event, PricePanel


def synthetic_panel(
    *,
    seed: int,
    n_firms: int = 20,
    n_days: int = 1200,
    rho: float = 0.0,
    sigma: float = 0.02,
    planted: dict[int, float] | None = None,
) -> tuple[PricePanel, pd.DatetimeIndex]:
    """Market-model returns R_i = a_i + b_i R_m + e_i on business days, as a price panel.

    `rho` is the pairwise correlation of the residuals e_i (a common non-market factor);
    `planted` adds an abnormal return to every firm on the given day positions.
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-01", periods=n_days + 1)
    market = rng.normal(0.0003, 0.01, n_days)
    alpha = rng.normal(0.0, 0.0005, n_firms)
    beta = rng.uniform(0.5, 1.5, n_firms)
    common = rng.normal(0.0, 1.0, n_days)
    own = rng.normal(0.0, 1.0, (n_days, n_firms))
    resid = sigma * (np.sqrt(rho) * common[:, None] + np.sqrt(1 - rho) * own)
    returns = alpha + np.outer(market, beta) + resid
    for pos, size in (planted or {}).items():
        returns[pos - 1, :] += size
    columns = {f"F{i:02d}": returns[:, i] for i in range(n_firms)} | {"MKT": market}
    growth = pd.DataFrame(columns, index=dates[1:])
    prices = 100 * (1 + growth).cumprod()
    first = pd.DataFrame(100.0, index=dates[:1], columns=growth.columns)
    return PricePanel(values=pd.concat([first, prices])), dates


def events_at(dates: pd.DatetimeIndex, positions: list[int]) -> list[Event]:
    return [
        Event(id=f"E{k:03d}", date=dt.date.fromisoformat(str(dates[p].date())))
        for k, p in enumerate(positions)
    ]
