"""A price (or return) panel: trading dates by tickers, NaN where a ticker has no observation.

The panel is the one shape the event-study engine reads. Readers in `lanthanide.store.prices`
build it from user files after validation; tests build it directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from lanthanide.errors import InvalidInput, Problem

Kind = Literal["price", "return"]


@dataclass(frozen=True)
class PricePanel:
    """Dates (sorted, unique) by tickers. `kind` says whether cells are prices or simple returns.

    A NaN cell means "no observation that day" (an exchange holiday, a ticker not yet listed, a
    missing row in the source). It is never filled: returns are computed between consecutive days
    on which both a firm and its benchmark have a value (see `pair_returns`).
    """

    values: pd.DataFrame
    kind: Kind = "price"
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def tickers(self) -> list[str]:
        return [str(c) for c in self.values.columns]

    def require(self, tickers: list[str]) -> None:
        """Raise InvalidInput naming every ticker the panel does not hold."""
        missing = [t for t in tickers if t not in self.values.columns]
        if missing:
            raise InvalidInput(
                f"{len(missing)} ticker(s) not in the price file",
                [
                    Problem(
                        f"ticker {t!r} not found (have: {', '.join(self.tickers)})", self.source
                    )
                    for t in missing
                ],
            )


def pair_returns(panel: PricePanel, ticker: str, benchmark: str | None) -> pd.DataFrame:
    """Simple returns of `ticker` (column `r`) and its benchmark (column `m`) on common days.

    Only days on which both series have a value are kept, so a day missing from either series
    turns the next return into a two-day return for both: the firm and its benchmark always
    cover the same interval. With `benchmark=None` only `r` is returned.
    """
    cols = [ticker] if benchmark is None else [ticker, benchmark]
    frame = panel.values[cols].dropna(how="any")
    if panel.kind == "price":
        out = frame / frame.shift(1) - 1.0
        out = out.iloc[1:]
    else:
        out = frame
    out = out.rename(columns={ticker: "r"} | ({} if benchmark is None else {benchmark: "m"}))
    return out.astype(np.float64)
