"""Read daily price or return files (CSV or Parquet) into a validated PricePanel.

Accepted layouts (column names are case-insensitive):

- long: `date, ticker, price` (or `close`, `adj_close`, `return`), one row per ticker and day;
  with several OHLCV columns (`open, high, low, close, adj close, volume`) Adj Close is used;
- wide: `date` plus one column per ticker; an empty cell means "no observation that day";
- one ticker's OHLCV file (`Date, Open, High, Low, Close, Adj Close, Volume`, as yfinance writes
  it): the ticker comes from a `ticker`/`symbol` column or the file name, Adj Close is preferred;
- the multi-row header of `yf.download([...]).to_csv()` (a row of fields, a row of tickers, a
  `Date` row, in either order): one series per ticker, Adj Close preferred.

A column named like a price field among tickers (`date, MP, Volume`) is an error, never a firm.
Every defect is reported with file, line and column (line 1 is the CSV header; for Parquet the
"line" is the 1-based row number plus one, so the numbers agree with a CSV export). Checked:
unreadable or missing dates, dates out of order, duplicate dates (or date-ticker pairs), repeated
headers, non-numeric values, non-positive prices (returns must be above -100%), series whose
every value is the same (no variance: a market model on it is singular), and gaps longer than
`max_gap_days` calendar days between two observations of one ticker. Shorter gaps (holidays,
a day missing from the source) are kept as gaps and listed in `PricePanel.notes`. Every check
is linear in the number of cells except the calendar-peer search (`missing_days`, one matrix
product).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets.panel import Kind, PricePanel
from lanthanide.store.input_text import read_text
from lanthanide.store.price_layout import MAX_COLUMNS, Layout, layout

#: more problems than this are summarised, not listed one by one
MAX_PROBLEMS = 50
#: default longest allowed distance between two observations of one ticker (calendar days)
MAX_GAP_DAYS = 10
#: tickers compared at once in the calendar-peer search (bounds its memory)
PEER_BLOCK = 512


def read_prices(
    path: Path,
    *,
    kind: Kind | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
    constant_ok: bool = False,
) -> PricePanel:
    """Read and validate a price/return file; raise InvalidInput listing every problem found.

    `constant_ok` admits series without variance (a factor file's risk-free rate); firms and
    benchmarks need variance, or their market model is singular.
    """
    name = str(path)
    if not path.is_file():
        raise InvalidInput(f"{name}: no such file", [Problem("file not found", name)])
    shaped = layout(_grid(path, name), name, path.stem)
    if shaped.long is not None:
        panel = _read_long(shaped, name, kind, max_gap_days)
    else:
        panel = _read_wide(shaped, name, kind or shaped.kind or "price", max_gap_days)
    if not constant_ok:
        labels = shaped.value_labels(panel.tickers)
        _raise(name, _constant(panel.values, name, labels))
    return panel


def _grid(path: Path, name: str) -> pd.DataFrame:
    """Every cell as text, no header interpreted (layouts with several header rows exist)."""
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            raw = pd.read_parquet(path)
            raw = raw.reset_index(drop=not isinstance(raw.index, pd.DatetimeIndex))
            header = pd.DataFrame([[str(c) for c in raw.columns]])
            body = pd.DataFrame(raw.astype("string").fillna("").to_numpy(dtype=object))
            return pd.concat([header, body], ignore_index=True)
        text = read_text(path, name, "price file")
        first = text.split("\n", 1)[0]
        if first.count(",") >= MAX_COLUMNS:
            raise InvalidInput(
                f"{name}: too wide", [Problem(f"more than {MAX_COLUMNS:,} columns", name, 1)]
            )
        return pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=False,
        )
    except (OSError, ValueError, pd.errors.ParserError) as error:
        message = str(error).strip().splitlines()[0][:300] if str(error).strip() else "unreadable"
        raise InvalidInput(f"{name}: unreadable price file", [Problem(message, name)]) from error


def _raise(name: str, problems: list[Problem]) -> None:
    if not problems:
        return
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(Problem(f"... and {len(problems) - MAX_PROBLEMS} more problems", name))
    raise InvalidInput(f"{name}: {len(problems)} problem(s) in price file", shown)


def _parse_dates(
    values: pd.Series, name: str, column: str, lines: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    text = values.astype("string").str.strip()
    # A time part ("2025-07-10 00:00:00+10:00") is dropped: the exchange's local date is kept.
    day = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$", expand=False)
    dates = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    problems = [
        Problem(f"not a YYYY-MM-DD date: {text.iloc[i]!r}", name, int(lines[i]), column)
        for i in np.flatnonzero(dates.isna().to_numpy())
    ]
    return dates, problems


def _parse_values(
    values: pd.Series, name: str, column: str, kind: Kind, lines: np.ndarray
) -> tuple[np.ndarray, list[Problem]]:
    text = values.astype("string").str.strip().fillna("")
    empty = (text == "").to_numpy()
    numbers = np.asarray(
        pd.to_numeric(text.to_numpy(dtype=object), errors="coerce"), dtype=np.float64
    )
    numbers[empty] = np.nan
    problems = [
        Problem(f"not a number: {text.iloc[i]!r}", name, int(lines[i]), column)
        for i in np.flatnonzero(np.isnan(numbers) & ~empty)
    ]
    bad = ~np.isnan(numbers) & ((numbers <= 0) if kind == "price" else (numbers <= -1))
    what = "price must be positive" if kind == "price" else "return must be above -1 (-100%)"
    problems += [
        Problem(f"{what}: {numbers[i]}", name, int(lines[i]), column) for i in np.flatnonzero(bad)
    ]
    problems += [
        Problem("value is infinite", name, int(lines[i]), column)
        for i in np.flatnonzero(np.isinf(numbers))
    ]
    return numbers, problems


def _check_order(dates: np.ndarray, name: str, column: str, lines: np.ndarray) -> list[Problem]:
    """Dates of one series must strictly increase; report each line that breaks the order."""
    if dates.size < 2:
        return []
    same = np.flatnonzero(dates[1:] == dates[:-1]) + 1
    back = np.flatnonzero(dates[1:] < dates[:-1]) + 1
    problems = [
        Problem(f"duplicate date {str(dates[k])[:10]}", name, int(lines[k]), column) for k in same
    ]
    problems += [
        Problem(
            f"dates out of order: {str(dates[k])[:10]} after {str(dates[k - 1])[:10]}",
            name,
            int(lines[k]),
            column,
        )
        for k in back
    ]
    return sorted(problems, key=lambda p: p.line or 0)


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


def _constant(frame: pd.DataFrame, name: str, where: dict[str, str]) -> list[Problem]:
    """A series with one value throughout has no returns to regress: a located error."""
    values = frame.to_numpy(dtype=np.float64)
    counts = np.sum(~np.isnan(values), axis=0)
    with np.errstate(all="ignore"):
        flat = np.nanmax(values, axis=0, initial=-np.inf) == np.nanmin(
            values, axis=0, initial=np.inf
        )
    return [
        Problem(
            f"{ticker}: every value is {frame[ticker].dropna().iloc[0]:g}; a series without "
            "variance cannot be studied (as a benchmark its market model is singular)",
            name,
            1,
            where.get(ticker, ticker),
        )
        for ticker, n, same in zip(frame.columns, counts, flat, strict=True)
        if n >= 2 and same
    ]


def missing_days(frame: pd.DataFrame) -> list[str]:
    """Notes on days a ticker lacks while its calendar peer has a value.

    The peer is the other ticker whose observed dates overlap most with this one's within its
    own first-to-last span (same exchange, as a rule), so exchange holidays are not reported but
    a row missing from the source (STW.AX on 2025-10-24) is. Such days stay gaps; returns then
    span two days. Overlaps come from one matrix product per block of tickers.
    """
    present = frame.notna().to_numpy()
    n_days, n_tickers = present.shape
    if n_tickers < 2:
        return []
    counts = present.sum(axis=0)
    first = np.argmax(present, axis=0)
    last = n_days - 1 - np.argmax(present[::-1], axis=0)
    cum = np.vstack([np.zeros((1, n_tickers)), np.cumsum(present, axis=0, dtype=np.float64)])
    p = present.astype(np.float32)
    notes: list[str] = []
    for start in range(0, n_tickers, PEER_BLOCK):
        block = np.arange(start, min(start + PEER_BLOCK, n_tickers))
        inter = (p[:, block].T @ p).astype(np.float64)
        in_span = cum[last[block] + 1] - cum[first[block]]
        union = counts[block, None] + in_span - inter
        overlap = inter / np.maximum(union, 1.0)
        overlap[np.arange(block.size), block] = -np.inf
        for row, i in enumerate(block):
            if counts[i] < 2:
                continue
            peer = int(np.argmax(overlap[row]))
            span = slice(int(first[i]), int(last[i]) + 1)
            gaps = np.flatnonzero(present[span, peer] & ~present[span, i]) + span.start
            if overlap[row, peer] > 0.9 and gaps.size:
                days = frame.index[gaps]
                listed = ", ".join(str(d.date()) for d in days[:5])
                more = f" and {len(days) - 5} more" if len(days) > 5 else ""
                notes.append(
                    f"{frame.columns[int(i)]}: no value on {listed}{more} where "
                    f"{frame.columns[peer]} has one "
                    "(kept as a gap; the next return spans both days for firm and benchmark)"
                )
    return notes


def _read_wide(shaped: Layout, name: str, kind: Kind, max_gap_days: int) -> PricePanel:
    body, lines = shaped.body, shaped.lines
    dates, problems = _parse_dates(body[shaped.date], name, shaped.date_label, lines)
    ok = dates.notna().to_numpy()
    problems += _check_order(dates[ok].to_numpy(), name, shaped.date_label, lines[ok])
    columns: dict[str, np.ndarray] = {}
    for ticker, (column, label) in shaped.series.items():
        numbers, found = _parse_values(body[column], name, label, kind, lines)
        problems += found
        columns[ticker] = numbers
    _raise(name, problems)
    frame = pd.DataFrame(columns, index=pd.DatetimeIndex(dates, name="date"))
    line_of = pd.Series(lines, index=frame.index)
    labels = {t: label for t, (_, label) in shaped.series.items()}
    for ticker in frame.columns:
        problems += _gaps(
            frame[ticker],
            ticker=ticker,
            name=name,
            column=labels[ticker],
            max_gap_days=max_gap_days,
            lines=line_of,
        )
    problems += [
        Problem(f"{t}: column has no values", name, 1, labels[t])
        for t in frame.columns[frame.notna().sum().to_numpy() == 0]
    ]
    _raise(name, problems)
    notes = [*shaped.notes, *missing_days(frame)]
    return PricePanel(values=frame, kind=kind, source=name, notes=notes)


def _read_long(shaped: Layout, name: str, kind: Kind | None, max_gap_days: int) -> PricePanel:
    assert shaped.long is not None
    body, lines = shaped.body, shaped.lines
    ticker_col, value_col = shaped.long
    kind = kind or shaped.kind or "price"
    dates, problems = _parse_dates(body[shaped.date], name, shaped.date_label, lines)
    numbers, found = _parse_values(body[value_col], name, shaped.label(value_col), kind, lines)
    problems += found
    tickers = body[ticker_col].astype("string").str.strip().fillna("")
    ticker_label = shaped.label(ticker_col)
    problems += [
        Problem("empty ticker", name, int(lines[i]), ticker_label)
        for i in np.flatnonzero((tickers == "").to_numpy())
    ]
    raw_values = body[value_col].astype("string").str.strip().fillna("").to_numpy()
    problems += [
        Problem("empty value", name, int(lines[i]), shaped.label(value_col))
        for i in np.flatnonzero(raw_values == "")
    ]
    ok = np.flatnonzero(dates.notna().to_numpy() & (tickers != "").to_numpy())
    codes = pd.factorize(tickers.to_numpy()[ok])[0]
    order = ok[np.lexsort((np.arange(ok.size), codes))]  # by ticker, file order within
    day = dates.to_numpy()[order]
    group = codes[np.lexsort((np.arange(ok.size), codes))]
    same_group = group[1:] == group[:-1]
    for k in np.flatnonzero(same_group & (day[1:] == day[:-1])) + 1:
        problems.append(
            Problem(
                f"duplicate date {str(day[k])[:10]}", name, int(lines[order[k]]), shaped.date_label
            )
        )
    for k in np.flatnonzero(same_group & (day[1:] < day[:-1])) + 1:
        problems.append(
            Problem(
                f"dates out of order: {str(day[k])[:10]} after {str(day[k - 1])[:10]}",
                name,
                int(lines[order[k]]),
                shaped.date_label,
            )
        )
    problems.sort(key=lambda p: p.line or 0)
    _raise(name, problems)
    long = pd.DataFrame({"date": dates, "ticker": tickers, "value": numbers, "line": lines})
    frame = long.pivot(index="date", columns="ticker", values="value").sort_index()
    line_frame = long.pivot(index="date", columns="ticker", values="line").sort_index()
    frame.columns = [str(c) for c in frame.columns]
    line_frame.columns = frame.columns
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    line_frame.index = frame.index
    for ticker in frame.columns:
        problems += _gaps(
            frame[ticker],
            ticker=ticker,
            name=name,
            column=shaped.label(value_col),
            max_gap_days=max_gap_days,
            lines=line_frame[ticker].dropna().astype(np.int64),
        )
    _raise(name, problems)
    notes = [*shaped.notes, *missing_days(frame)]
    return PricePanel(values=frame, kind=kind, source=name, notes=notes)
