"""Returns from a panel: a day missing from either series gives both a two-day return."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lanthanide.markets import PricePanel, pair_returns


def _panel(kind: str = "price") -> PricePanel:
    dates = pd.DatetimeIndex(["2025-10-22", "2025-10-23", "2025-10-24", "2025-10-27"])
    values = pd.DataFrame(
        {"LYC.AX": [10.0, 11.0, 12.1, 12.1], "STW.AX": [80.0, 80.8, np.nan, 82.416]}, index=dates
    )
    return PricePanel(values=values, kind=kind)  # type: ignore[arg-type]


def test_gap_in_the_benchmark_gives_the_firm_a_matching_two_day_return() -> None:
    out = pair_returns(_panel(), "LYC.AX", "STW.AX")
    assert [str(d.date()) for d in out.index] == ["2025-10-23", "2025-10-27"]
    assert out.loc["2025-10-27", "r"] == pytest.approx(12.1 / 11.0 - 1)
    assert out.loc["2025-10-27", "m"] == pytest.approx(82.416 / 80.8 - 1)


def test_return_panels_are_used_as_given() -> None:
    panel = _panel()
    returns = PricePanel(values=panel.values.pct_change(fill_method=None).iloc[1:], kind="return")
    out = pair_returns(returns, "LYC.AX", None)
    assert out["r"].tolist() == pytest.approx([0.1, 0.1, 0.0])
