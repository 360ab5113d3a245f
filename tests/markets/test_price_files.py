"""Price-file readers: good files load; bad files fail with file:line:column problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.prices import read_prices

WIDE = "date,MP,SPY\n2025-07-08,29.5,620.3\n2025-07-09,30.03,624.1\n2025-07-10,45.23,626.5\n"


def _write(tmp_path: Path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        read_prices(path)
    return [str(p) for p in error.value.problems]


def test_wide_csv_loads_with_tickers_as_columns(tmp_path: Path) -> None:
    panel = read_prices(_write(tmp_path, WIDE))
    assert panel.tickers == ["MP", "SPY"]
    assert panel.values.loc["2025-07-10", "MP"] == 45.23
    assert panel.kind == "price"


def test_long_csv_gives_the_same_panel_as_wide(tmp_path: Path) -> None:
    long = "date,ticker,price\n" + "".join(
        f"{d},{t},{v}\n"
        for d, mp, spy in [r.split(",") for r in WIDE.splitlines()[1:]]
        for t, v in (("MP", mp), ("SPY", spy))
    )
    wide = read_prices(_write(tmp_path, WIDE))
    longp = read_prices(_write(tmp_path, long, "long.csv"))
    pd.testing.assert_frame_equal(wide.values, longp.values, check_names=False)


def test_parquet_loads_like_csv(tmp_path: Path) -> None:
    frame = pd.read_csv(_write(tmp_path, WIDE))
    path = tmp_path / "prices.parquet"
    frame.to_parquet(path)
    assert read_prices(path).values.loc["2025-07-09", "MP"] == 30.03


def test_long_file_with_return_column_is_read_as_returns(tmp_path: Path) -> None:
    text = "date,ticker,return\n2025-07-09,MP,0.01\n2025-07-10,MP,-0.5\n"
    panel = read_prices(_write(tmp_path, text))
    assert panel.kind == "return"


def test_bad_date_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, WIDE.replace("2025-07-09", "09/07/2025"))
    assert _problems(path) == [f"{path}:3:date: not a YYYY-MM-DD date: '09/07/2025'"]


def test_unsorted_dates_are_reported(tmp_path: Path) -> None:
    text = "date,MP\n2025-07-08,1\n2025-07-10,2\n2025-07-09,3\n"
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:4:date: dates out of order: 2025-07-09 after 2025-07-10"]


def test_duplicate_dates_are_reported(tmp_path: Path) -> None:
    text = "date,MP\n2025-07-08,1\n2025-07-08,2\n"
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:3:date: duplicate date 2025-07-08"]


def test_duplicate_ticker_day_in_long_file_is_reported(tmp_path: Path) -> None:
    text = "date,ticker,price\n2025-07-08,MP,1\n2025-07-08,SPY,2\n2025-07-08,MP,3\n"
    path = _write(tmp_path, text)
    assert _problems(path) == [f"{path}:4:date: duplicate date 2025-07-08"]


def test_non_positive_and_non_numeric_prices_are_all_reported(tmp_path: Path) -> None:
    text = "date,MP,SPY\n2025-07-08,0,1\n2025-07-09,-3,abc\n"
    path = _write(tmp_path, text)
    assert _problems(path) == [
        f"{path}:2:MP: price must be positive: 0.0",
        f"{path}:3:MP: price must be positive: -3.0",
        f"{path}:3:SPY: not a number: 'abc'",
    ]


def test_returns_below_minus_one_are_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,ticker,return\n2025-07-08,MP,-1.2\n")
    assert _problems(path) == [f"{path}:2:return: return must be above -1 (-100%): -1.2"]


def test_long_gap_is_an_error_naming_the_line_after_it(tmp_path: Path) -> None:
    text = "date,MP\n2025-07-01,1\n2025-07-02,1\n2025-08-01,2\n"
    path = _write(tmp_path, text)
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:4:MP: MP: 30 calendar days without a value")


def test_a_day_missing_next_to_a_peer_is_kept_as_a_gap_and_noted(tmp_path: Path) -> None:
    dates = pd.bdate_range("2025-10-01", periods=30)
    frame = pd.DataFrame(
        {"LYC.AX": np.linspace(10, 12, 30), "STW.AX": np.linspace(80, 81, 30)}, index=dates
    )
    frame.iloc[16, 1] = np.nan
    path = tmp_path / "asx.csv"
    frame.rename_axis("date").to_csv(path, date_format="%Y-%m-%d")
    panel = read_prices(path)
    assert np.isnan(panel.values.iloc[16, 1])
    assert panel.notes == [
        f"STW.AX: no value on {dates[16].date()} where LYC.AX has one "
        "(kept as a gap; the next return spans both days for firm and benchmark)"
    ]


def test_missing_date_column_and_missing_file_are_clear(tmp_path: Path) -> None:
    path = _write(tmp_path, "day,MP\n2025-07-08,1\n")
    assert _problems(path) == [f"{path}:1: header has no `date` column (found: ['day', 'MP'])"]
    assert _problems(tmp_path / "none.csv") == [f"{tmp_path / 'none.csv'}: file not found"]


def test_long_file_needs_exactly_one_value_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,ticker,close,return\n2025-07-08,MP,1,0.1\n")
    (problem,) = _problems(path)
    assert "expected one of price, close, adj_close, return" in problem


def test_shipped_sample_loads_and_excludes_the_usar_spac_rows() -> None:
    import lanthanide

    sample = Path(lanthanide.__file__).parent / "data" / "samples" / "rare_earth_prices.csv"
    panel = read_prices(sample)
    usar = panel.values["USAR"].dropna()
    assert str(usar.index[0].date()) == "2025-03-14"
    assert panel.values.loc["2025-07-10", "MP"] == pytest.approx(45.22999954223633)
    assert any("STW.AX: no value on 2025-10-24" in n for n in panel.notes)


def test_timestamps_keep_the_local_date(tmp_path: Path) -> None:
    text = "date,LYC.AX\n2024-06-03 00:00:00+10:00,6.73\n2024-06-04 00:00:00+10:00,6.71\n"
    panel = read_prices(_write(tmp_path, text))
    assert [str(d.date()) for d in panel.values.index] == ["2024-06-03", "2024-06-04"]


def test_long_parquet_with_datetime_column_loads(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-07-09", "2025-07-10", "2025-07-09", "2025-07-10"]),
            "ticker": ["MP", "MP", "SPY", "SPY"],
            "price": [30.03, 45.23, 624.1, 626.5],
        }
    )
    path = tmp_path / "long.parquet"
    frame.to_parquet(path)
    panel = read_prices(path)
    assert panel.values.loc["2025-07-10", "MP"] == 45.23
