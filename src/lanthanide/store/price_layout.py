"""Which layout a price file has, decided from its header rows alone (`store.prices` reads it).

A price file's header says what its columns are: tickers (wide), a ticker column (long), the
fields of one ticker (an OHLCV download), or two rows of fields and tickers (`yf.download` for
several tickers). Deciding this first means a column called `Volume` is never studied as a firm
and a repeated header is never counted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets.panel import Kind

#: widest file accepted (tickers per file); the calendar-peer search compares every pair
MAX_COLUMNS = 5000
#: names of the columns of an OHLCV download (normalised: lower case, single spaces)
FIELDS = frozenset({"open", "high", "low", "close", "adj close", "volume", "price"})
#: value columns a long file may have; with both, Adj Close wins over Close (dividends, splits)
VALUES = ("adj close", "close", "price", "return")


def norm(text: str) -> str:
    """`Adj_Close`, `adj close`, `AdjClose` -> `adj close`."""
    lower = re.sub(r"[\s_]+", " ", str(text).strip().lower())
    return "adj close" if lower == "adjclose" else lower


@dataclass
class Layout:
    """The body of a file as text cells, and what each column holds."""

    body: pd.DataFrame  # columns are positions in the file
    lines: np.ndarray  # file line of each body row
    date: int
    header: list[str]  # label of each column for messages
    series: dict[str, tuple[int, str]] = field(default_factory=dict)  # wide: ticker -> column
    long: tuple[int, int] | None = None  # (ticker column, value column)
    kind: Kind | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def date_label(self) -> str:
        return self.header[self.date]

    def label(self, column: int) -> str:
        return self.header[column]

    def value_labels(self, tickers: list[str]) -> dict[str, str]:
        """The column label under which each ticker's values are reported."""
        if self.long is not None:
            return dict.fromkeys(tickers, self.header[self.long[1]])
        return {t: self.series[t][1] for t in tickers}


def _fail(name: str, message: str, problems: list[Problem]) -> InvalidInput:
    return InvalidInput(f"{name}: {message}", problems)


def _value_column(names: dict[str, int], name: str, found: list[str]) -> tuple[int, Kind]:
    """The one value column: Adj Close over Close; any other pair is ambiguous."""
    present = [v for v in VALUES if v in names]
    if present[:2] == ["adj close", "close"] and "return" not in present and "price" not in present:
        present = ["adj close"]
    if len(present) != 1:
        raise _fail(
            name,
            "needs exactly one value column",
            [
                Problem(
                    "expected one of price, close, adj_close, return (or Close with Adj Close) "
                    f"next to date (found: {found})",
                    name,
                    1,
                )
            ],
        )
    return names[present[0]], "return" if present[0] == "return" else "price"


def _body(grid: pd.DataFrame, start: int) -> tuple[pd.DataFrame, np.ndarray]:
    body = grid.iloc[start:]
    lines = np.arange(start + 1, start + 1 + len(body), dtype=np.int64)
    filled = (body.fillna("").astype(str).apply(lambda c: c.str.strip()) != "").any(axis=1)
    keep = filled.to_numpy()
    return body[keep].reset_index(drop=True), lines[keep]


def _repeated(header: list[str], name: str, line: int) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, label in enumerate(header):
        key = label.lower()
        if key and key in first:
            problems.append(
                Problem(
                    f"column {label!r} appears twice (first as column {first[key] + 1}); "
                    "one series cannot have two columns",
                    name,
                    line,
                    i + 1,
                )
            )
        first.setdefault(key, i)
    return problems


def _multi(grid: pd.DataFrame, name: str) -> Layout | None:
    """`yf.download` of several tickers: a fields row and a tickers row, then `Date`."""
    if len(grid) < 3 or grid.shape[1] < 2:
        return None
    rows = [[str(v).strip() for v in grid.iloc[r].fillna("")] for r in range(3)]
    fields_at = [r for r in (0, 1) if all(norm(v) in FIELDS for v in rows[r][1:])]
    if len(fields_at) != 1:
        return None
    f_row, t_row = fields_at[0], 1 - fields_at[0]
    if not all(rows[t_row][1:]) or norm(rows[2][0]) != "date" or any(rows[2][1:]):
        return None
    pairs: dict[str, dict[str, int]] = {}
    problems = []
    for i in range(1, grid.shape[1]):
        ticker, what = rows[t_row][i], norm(rows[f_row][i])
        if what in pairs.setdefault(ticker, {}):
            message = f"{rows[f_row][i]} of {ticker} appears twice (first as column "
            problems.append(Problem(f"{message}{pairs[ticker][what] + 1})", name, t_row + 1, i + 1))
        pairs[ticker].setdefault(what, i)
    if problems:
        raise _fail(name, "repeated columns in the header", problems)
    header = ["Date"] + [f"{rows[t_row][i]} {rows[f_row][i]}" for i in range(1, grid.shape[1])]
    series: dict[str, tuple[int, str]] = {}
    for ticker, columns in pairs.items():
        column, _ = _value_column(columns, name, sorted(columns))
        series[ticker] = (column, header[column])
    body, lines = _body(grid, 3)
    used = sorted({header[c].split(" ", 1)[1] for c, _ in series.values()})
    note = f"yfinance header with {len(series)} tickers; used {', '.join(used)}"
    return Layout(body, lines, 0, header, series=series, notes=[note])


def layout(grid: pd.DataFrame, name: str, stem: str) -> Layout:
    """Decide the layout of a file from its first rows; raise on headers that mislead."""
    if grid.empty:
        raise _fail(name, "no header", [Problem("the file is empty", name, 1)])
    multi = _multi(grid, name)
    if multi is not None:
        return multi
    header = [str(v).strip() for v in grid.iloc[0].fillna("")]
    names = {norm(h): i for i, h in enumerate(header)}
    if "date" not in names:
        raise _fail(
            name,
            "no `date` column",
            [Problem(f"header has no `date` column (found: {header})", name, 1)],
        )
    problems = _repeated(header, name, 1)
    if problems:
        raise _fail(name, "repeated columns in the header", problems)
    body, lines = _body(grid, 1)
    if body.empty:
        raise _fail(name, "no data rows", [Problem("file has a header only", name, 2)])
    date = names["date"]
    others = [i for i in range(len(header)) if i != date]
    ticker = names.get("ticker", names.get("symbol"))
    if ticker is not None:
        values = {k: i for k, i in names.items() if k in VALUES}
        value, kind = _value_column(values, name, header)
        return Layout(body, lines, date, header, long=(ticker, value), kind=kind)
    fields = [i for i in others if norm(header[i]) in FIELDS]
    if fields and len(fields) == len(others):
        values = {norm(header[i]): i for i in fields}
        value, kind = _value_column(values, name, header)
        note = f"one ticker's OHLCV file: ticker {stem!r} from the file name, {header[value]} used"
        return Layout(
            body,
            lines,
            date,
            header,
            series={stem: (value, header[value])},
            kind=kind,
            notes=[note],
        )
    if fields:
        raise _fail(
            name,
            "a price field among the tickers",
            [
                Problem(
                    f"column {header[i]!r} is a price field, not a ticker (a file with OHLCV "
                    "columns holds one ticker, named by a `ticker` column or the file name)",
                    name,
                    1,
                    i + 1,
                )
                for i in fields
            ],
        )
    if not others:
        raise _fail(name, "no tickers", [Problem("no ticker columns next to `date`", name, 1)])
    return Layout(body, lines, date, header, series={header[i]: (i, header[i]) for i in others})
