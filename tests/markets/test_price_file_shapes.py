"""Price files in the shapes downloads have: OHLCV per ticker, yfinance's multi-row header."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanthanide.store.prices import missing_days, read_prices
from tests.markets.test_price_files import _problems
from tests.markets.test_price_files import _write as write

DAYS = ["2025-07-08", "2025-07-09", "2025-07-10"]
OHLCV = "Date,Open,High,Low,Close,Adj Close,Volume\n" + "".join(
    f"{d},{10 + i},{11 + i},{9 + i},{10.5 + i},{10.2 + i},{1000 * (i + 1)}\n"
    for i, d in enumerate(DAYS)
)


def problems(path: Path) -> list[str]:
    """The problems without the file name in front."""
    return [p.removeprefix(f"{path}:") for p in _problems(path)]


def test_one_tickers_ohlcv_file_is_one_series_of_adjusted_closes(tmp_path: Path) -> None:
    panel = read_prices(write(tmp_path, OHLCV, "MP.csv"))
    assert panel.tickers == ["MP"]
    assert panel.values["MP"].tolist() == [10.2, 11.2, 12.2]
    assert (
        panel.notes[0] == "one ticker's OHLCV file: ticker 'MP' from the file name, Adj Close used"
    )


def test_an_ohlcv_file_without_adjusted_closes_uses_close(tmp_path: Path) -> None:
    text = OHLCV.replace(",Adj Close", "").replace(",10.2,", ",").replace(",11.2,", ",")
    text = text.replace(",12.2,", ",")
    panel = read_prices(write(tmp_path, text, "LYC.AX.csv"))
    assert panel.tickers == ["LYC.AX"] and panel.values["LYC.AX"].tolist() == [10.5, 11.5, 12.5]


def test_a_long_ohlcv_file_takes_the_ticker_column(tmp_path: Path) -> None:
    lines = OHLCV.splitlines()
    text = "Date,Ticker," + lines[0].split(",", 1)[1] + "\n"
    text += "".join(f"{r.split(',', 1)[0]},MP,{r.split(',', 1)[1]}\n" for r in lines[1:])
    panel = read_prices(write(tmp_path, text))
    assert panel.tickers == ["MP"] and panel.values["MP"].tolist() == [10.2, 11.2, 12.2]


@pytest.mark.parametrize("fields_first", [True, False])
def test_the_yfinance_multi_row_header_is_read_per_ticker(
    tmp_path: Path, fields_first: bool
) -> None:
    fields = "Price,Adj Close,Adj Close,Close,Close,Volume,Volume"
    tickers = "Ticker,MP,SPY,MP,SPY,MP,SPY"
    head = [fields, tickers] if fields_first else [tickers.replace("Ticker", ""), fields]
    body = "".join(f"{d},{30 + i},{600 + i},{31 + i},{601 + i},5,6\n" for i, d in enumerate(DAYS))
    panel = read_prices(write(tmp_path, "\n".join([*head, "Date,,,,,,"]) + "\n" + body))
    assert panel.tickers == ["MP", "SPY"]
    assert panel.values["MP"].tolist() == [30.0, 31.0, 32.0]
    assert panel.notes[0] == "yfinance header with 2 tickers; used Adj Close"


def test_a_price_field_among_tickers_is_an_error_not_a_firm(tmp_path: Path) -> None:
    text = "date,MP,Volume\n2025-07-08,29.5,100\n2025-07-09,30,200\n"
    assert problems(write(tmp_path, text)) == [
        "1:3: column 'Volume' is a price field, not a ticker (a file with OHLCV columns holds one "
        "ticker, named by a `ticker` column or the file name)"
    ]


def test_a_repeated_ticker_column_is_an_error_not_two_firms(tmp_path: Path) -> None:
    text = "date,MP,SPY,MP\n2025-07-08,29.5,600,29.5\n2025-07-09,30,601,30\n"
    assert problems(write(tmp_path, text)) == [
        "1:4: column 'MP' appears twice (first as column 2); one series cannot have two columns"
    ]


def test_a_constant_series_is_a_located_error(tmp_path: Path) -> None:
    text = "date,MP,SPY\n" + "".join(f"{d},{29 + i},600\n" for i, d in enumerate(DAYS))
    assert problems(write(tmp_path, text)) == [
        "1:SPY: SPY: every value is 600; a series without variance cannot be studied (as a "
        "benchmark its market model is singular)"
    ]


def test_utf16_and_binary_price_files_are_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(OHLCV.encode("utf-16"))
    assert problems(path) == ["1:1: the file is UTF-16; save it as UTF-8"]
    path.write_bytes(b"date,MP\n\x00\x01\x02")
    assert problems(path)[0].startswith("2:1: a NUL byte")


def reference_missing_days(frame: pd.DataFrame) -> list[str]:
    """The original per-pair loop (quadratic in tickers), as the reference."""
    notes: list[str] = []
    present = frame.notna()
    for ticker in frame.columns:
        mine = present[ticker]
        if mine.sum() < 2 or frame.shape[1] < 2:
            continue
        span = mine.index[mine.to_numpy()]
        inside = present.loc[span[0] : span[-1]]
        both = {o: (inside[o] & inside[ticker]).sum() for o in frame.columns if o != ticker}
        either = {o: (inside[o] | inside[ticker]).sum() for o in frame.columns if o != ticker}
        overlap = {o: float(both[o] / max(1, either[o])) for o in both}
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


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 9),
    st.integers(3, 60),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 0.3),
)
def test_the_linear_peer_search_gives_the_notes_of_the_pairwise_loop(
    tickers: int, days: int, seed: int, holes: float
) -> None:
    rng = np.random.default_rng(seed)
    values = rng.random((days, tickers)) + 1.0
    values[rng.random((days, tickers)) < holes] = np.nan
    frame = pd.DataFrame(
        values,
        index=pd.bdate_range("2025-01-01", periods=days),
        columns=[f"T{i}" for i in range(tickers)],
    )
    assert missing_days(frame) == reference_missing_days(frame)
