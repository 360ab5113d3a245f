"""Read daily price or return files (CSV or Parquet, long or wide) into a validated PricePanel.

Accepted layouts (column names are case-insensitive):

- long: `date, ticker, price` (or `date, ticker, return`), one row per ticker and day;
- wide: `date` plus one column per ticker; an empty cell means "no observation that day".

Every defect is reported with file, line and column (line 1 is the CSV header; for Parquet the
"line" is the 1-based row number plus one, so the numbers agree with a CSV export). Checked:
unreadable or missing dates, dates out of order, duplicate dates (or date-ticker pairs),
non-numeric values, non-positive prices (returns must be above -100%), and gaps longer than
`max_gap_days` calendar days between two observations of one ticker. Shorter gaps (holidays,
a day missing from the source) are kept as gaps and listed in `PricePanel.notes`; the engine then
computes a multi-day return for the firm and its benchmark alike.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets.panel import Kind, PricePanel

#: more problems than this are summarised, not listed one by one
MAX_PROBLEMS = 50
#: default longest allowed distance between two observations of one ticker (calendar days)
MAX_GAP_DAYS = 10
_VALUE_NAMES = {"price": "price", "close": "price", "adj_close": "price", "return": "return"}


def read_prices(
    path: Path, *, kind: Kind | None = None, max_gap_days: int = MAX_GAP_DAYS
) -> PricePanel:
    """Read and validate a price/return file; raise InvalidInput listing every problem found."""
    name = str(path)
    if not path.is_file():
        raise InvalidInput(f"{name}: no such file", [Problem("file not found", name)])
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            raw = pd.read_parquet(path)
            raw = raw.reset_index(drop=not isinstance(raw.index, pd.DatetimeIndex))
            raw = raw.astype({c: "string" for c in raw.columns})
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise InvalidInput(f"{name}: unreadable price file", [Problem(str(error), name)]) from error
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    if "date" not in lower:
        raise InvalidInput(
            f"{name}: no `date` column",
            [Problem(f"header has no `date` column (found: {list(raw.columns)})", name, 1)],
        )
    if raw.empty:
        raise InvalidInput(f"{name}: no data rows", [Problem("file has a header only", name, 2)])
    if "ticker" in lower:
        return _read_long(raw, lower, name, kind, max_gap_days)
    return _read_wide(raw, lower["date"], name, kind or "price", max_gap_days)


def _raise(name: str, problems: list[Problem]) -> None:
    if not problems:
        return
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(Problem(f"... and {len(problems) - MAX_PROBLEMS} more problems", name))
    raise InvalidInput(f"{name}: {len(problems)} problem(s) in price file", shown)


def _parse_dates(values: pd.Series, name: str, column: str) -> tuple[pd.Series, list[Problem]]:
    text = values.astype("string").str.strip()
    # A time part ("2025-07-10 00:00:00+10:00") is dropped: the exchange's local date is kept.
    day = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$", expand=False)
    dates = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    problems = [
        Problem(f"not a YYYY-MM-DD date: {text.iloc[i]!r}", name, int(i) + 2, column)
        for i in np.flatnonzero(dates.isna().to_numpy())
    ]
    return dates, problems


def _parse_values(
    values: pd.Series, name: str, column: str, kind: Kind
) -> tuple[pd.Series, list[Problem]]:
    text = values.astype("string").str.strip().fillna("")
    numbers = pd.Series(
        pd.to_numeric(text.to_numpy(dtype=object), errors="coerce"), index=text.index
    ).astype(np.float64)
    numbers[text == ""] = np.nan
    problems: list[Problem] = []
    for i in np.flatnonzero((numbers.isna() & (text != "")).to_numpy()):
        problems.append(Problem(f"not a number: {text.iloc[i]!r}", name, int(i) + 2, column))
    finite = numbers.to_numpy()
    bad = ~np.isnan(finite) & ((finite <= 0) if kind == "price" else (finite <= -1))
    what = "price must be positive" if kind == "price" else "return must be above -1 (-100%)"
    problems += [
        Problem(f"{what}: {finite[i]}", name, int(i) + 2, column) for i in np.flatnonzero(bad)
    ]
    if np.isinf(finite).any():
        for i in np.flatnonzero(np.isinf(finite)):
            problems.append(Problem("value is infinite", name, int(i) + 2, column))
    return numbers, problems


def _check_order(dates: pd.Series, name: str, column: str, lines: np.ndarray) -> list[Problem]:
    """Dates of one series must strictly increase; report each line that breaks the order."""
    d = dates.to_numpy()
    problems = []
    for k in range(1, len(d)):
        if d[k] == d[k - 1]:
            problems.append(Problem(f"duplicate date {str(d[k])[:10]}", name, lines[k], column))
        elif d[k] < d[k - 1]:
            problems.append(
                Problem(
                    f"dates out of order: {str(d[k])[:10]} after {str(d[k - 1])[:10]}",
                    name,
                    lines[k],
                    column,
                )
            )
    return problems


def _gaps(
    series: pd.Series, *, ticker: str, name: str, column: str, max_gap_days: int, lines: pd.Series
) -> list[Problem]:
    """Gaps longer than `max_gap_days` calendar days between two values of a ticker are errors."""
    observed = series.dropna()
    if len(observed) < 2:
        return []
    idx = pd.DatetimeIndex(observed.index)
    step = np.diff(idx.to_numpy()).astype("timedelta64[D]").astype(int)
    return [
        Problem(
            f"{ticker}: {step[k]} calendar days without a value between "
            f"{idx[int(k)].date()} and {idx[int(k) + 1].date()} (limit {max_gap_days}; "
            "split the series or raise --max-gap-days)",
            name,
            int(lines.loc[idx[int(k) + 1]]),
            column,
        )
        for k in np.flatnonzero(step > max_gap_days)
    ]


def missing_days(frame: pd.DataFrame) -> list[str]:
    """Notes on days a ticker lacks while its calendar peer has a value.

    The peer is the other ticker whose observed dates overlap most with this one's (same
    exchange, as a rule), so exchange holidays are not reported but a row missing from the
    source (STW.AX on 2025-10-24) is. Such days stay gaps; returns then span two days.
    """
    notes: list[str] = []
    present = frame.notna()
    for ticker in frame.columns:
        mine = present[ticker]
        if mine.sum() < 2 or frame.shape[1] < 2:
            continue
        span = mine.index[mine.to_numpy()]
        inside = present.loc[span[0] : span[-1]]
        overlap = {
            other: float(
                (inside[other] & inside[ticker]).sum()
                / max(1, (inside[other] | inside[ticker]).sum())
            )
            for other in frame.columns
            if other != ticker
        }
        peer = max(overlap, key=lambda k: overlap[k])
        gaps = inside.index[inside[peer].to_numpy() & ~inside[ticker].to_numpy()]
        if overlap[peer] > 0.9 and len(gaps):
            listed = ", ".join(str(d.date()) for d in gaps[:5])
            more = f" and {len(gaps) - 5} more" if len(gaps) > 5 else ""
            notes.append(
                f"{ticker}: no value on {listed}{more} where {peer} has one "
                "(kept as a gap; the next return spans both days for firm and benchmark)"
            )
    return notes


def _read_wide(
    raw: pd.DataFrame, date_col: str, name: str, kind: Kind, max_gap_days: int
) -> PricePanel:
    dates, problems = _parse_dates(raw[date_col], name, date_col)
    tickers = [c for c in raw.columns if c != date_col]
    if not tickers:
        problems.append(Problem("no ticker columns next to `date`", name, 1))
    lines = np.arange(2, len(raw) + 2)
    ok = dates.notna().to_numpy()
    problems += _check_order(dates[ok], name, date_col, lines[ok])
    columns: dict[str, pd.Series] = {}
    for ticker in tickers:
        numbers, found = _parse_values(raw[ticker], name, ticker, kind)
        problems += found
        columns[ticker] = numbers
    _raise(name, problems)
    frame = pd.DataFrame(columns)
    frame.index = pd.DatetimeIndex(dates, name="date")
    line_of = pd.Series(lines, index=frame.index)
    for ticker in tickers:
        problems += _gaps(
            frame[ticker],
            ticker=ticker,
            name=name,
            column=ticker,
            max_gap_days=max_gap_days,
            lines=line_of,
        )
        if frame[ticker].notna().sum() == 0:
            problems.append(Problem(f"{ticker}: column has no values", name, 1, ticker))
    _raise(name, problems)
    return PricePanel(values=frame, kind=kind, source=name, notes=missing_days(frame))


def _read_long(
    raw: pd.DataFrame, lower: dict[str, str], name: str, kind: Kind | None, max_gap_days: int
) -> PricePanel:
    value_cols = [lower[k] for k in _VALUE_NAMES if k in lower]
    if len(value_cols) != 1:
        raise InvalidInput(
            f"{name}: long format needs exactly one value column",
            [
                Problem(
                    "expected one of price, close, adj_close, return next to date and ticker "
                    f"(found: {list(raw.columns)})",
                    name,
                    1,
                )
            ],
        )
    value_col = value_cols[0]
    kind = kind or ("return" if _VALUE_NAMES[value_col.lower()] == "return" else "price")
    date_col, ticker_col = lower["date"], lower["ticker"]
    dates, problems = _parse_dates(raw[date_col], name, date_col)
    numbers, found = _parse_values(raw[value_col], name, value_col, kind)
    problems += found
    tickers = raw[ticker_col].astype("string").str.strip()
    lines = np.arange(2, len(raw) + 2)
    for i in np.flatnonzero((tickers.fillna("") == "").to_numpy()):
        problems.append(Problem("empty ticker", name, int(lines[i]), ticker_col))
    for i in np.flatnonzero(numbers.isna().to_numpy()):
        if str(raw[value_col].iloc[i]).strip() == "":
            problems.append(Problem("empty value", name, int(lines[i]), value_col))
    ok = dates.notna().to_numpy()
    for ticker in pd.unique(tickers[ok].dropna()):
        mask = ok & (tickers == ticker).fillna(False).to_numpy()
        problems += _check_order(dates[mask], name, date_col, lines[mask])
    _raise(name, problems)
    long = pd.DataFrame({"date": dates, "ticker": tickers, "value": numbers, "line": lines})
    frame = long.pivot(index="date", columns="ticker", values="value").sort_index()
    frame.columns = [str(c) for c in frame.columns]
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    for ticker in frame.columns:
        own = long[long["ticker"] == ticker].set_index("date")["line"]
        problems += _gaps(
            frame[ticker],
            ticker=ticker,
            name=name,
            column=value_col,
            max_gap_days=max_gap_days,
            lines=own,
        )
    _raise(name, problems)
    return PricePanel(values=frame, kind=kind, source=name, notes=missing_days(frame))
