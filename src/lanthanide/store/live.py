"""Optional live prices through yfinance (`pip install 'lanthanide[live]'`).

Never used by the tests or by any other command: studies read files. This helper downloads
auto-adjusted closes and writes them in the wide layout that `read_prices` accepts, so the same
validation applies to fetched data as to any other file.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pandas as pd

from lanthanide.errors import ConfigError, InvalidInput, Problem
from lanthanide.store.files import atomic_write_text


def fetch_prices(tickers: list[str], start: dt.date, end: dt.date, out: Path) -> Path:
    """Download adjusted daily closes for `tickers` and write a wide CSV to `out`."""
    try:
        yf = importlib.import_module("yfinance")
    except ImportError as error:
        raise ConfigError(
            "live prices need the optional extra: pip install 'lanthanide[live]'"
        ) from error
    raw = yf.download(
        tickers, start=start.isoformat(), end=end.isoformat(), auto_adjust=True, progress=False
    )
    if raw is None or raw.empty:
        raise InvalidInput(
            "no prices returned", [Problem(f"yfinance returned nothing for {tickers}")]
        )
    close = raw["Close"]
    frame = close.to_frame(tickers[0]) if isinstance(close, pd.Series) else close
    frame.index = pd.DatetimeIndex(frame.index).tz_localize(None).normalize()
    frame.index.name = "date"
    atomic_write_text(out, frame.to_csv(date_format="%Y-%m-%d"))
    return out
