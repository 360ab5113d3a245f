"""`lanthanide events list|study` end to end on the shipped real-price sample."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import lanthanide
from lanthanide.cli.app import app
from lanthanide.cli.errors import run_guarded

SAMPLE = Path(lanthanide.__file__).parent / "data" / "samples" / "rare_earth_prices.csv"
MARKETS = ["--market", "SPY", "--market", "LYC.AX=STW.AX", "--market", "ILU.AX=STW.AX"]


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    monkeypatch.setattr(sys, "argv", ["lanthanide", *args])
    code = run_guarded(app)
    out = capsys.readouterr()
    return code, out.out, out.err


def _study(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    """`events study` on the shipped sample with US and ASX benchmarks."""
    return _run(monkeypatch, capsys, "events", "study", "--prices", str(SAMPLE), *MARKETS, *args)


def test_events_list_filters_by_actor_and_date(monkeypatch, capsys) -> None:
    code, out, _ = _run(
        monkeypatch,
        capsys,
        "events",
        "list",
        "--actor",
        "CN",
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-31",
        "--format",
        "json",
    )
    assert code == 0
    body = json.loads(out)
    assert body["receipt"]["computed"] == "events_list"
    assert any(k.startswith("events@") for k in body["receipt"]["datasets"])
    ids = [e["id"] for e in body["events"]]
    assert "CN-MOFCOM-2025-61" in ids and "US-TARIFF-THREAT-2025-10-10" not in ids


def test_study_json_follows_the_contract(monkeypatch, capsys) -> None:
    code, out, _ = _study(
        monkeypatch,
        capsys,
        "--events",
        "US-DOD-MP-2025",
        "--format",
        "json",
    )
    assert code == 0
    body = json.loads(out)
    assert body["receipt"]["computed"] == "event_study"
    (event,) = body["events"]
    assert {"id", "date", "firms", "caar", "tests"} <= set(event)
    assert set(event["tests"]) == {"t", "patell", "bmp", "kp", "corrado", "sign", "portfolio"}
    for test in event["tests"].values():
        assert set(test) == {"stat", "p"}
        assert 0 <= test["p"] <= 1
    firms = {f["ticker"]: f for f in event["firms"]}
    assert {"ticker", "car", "t"} <= set(firms["MP"])
    # Real data: MP closed 30.03 on 2025-07-09 and 45.23 on 2025-07-10 (+50.6%).
    assert firms["MP"]["car"] > 0.4
    assert firms["LYC.AX"]["event_day"] == "2025-07-11"  # the ASX reacts next session


def test_study_with_ad_hoc_date_table_csv_and_plot(monkeypatch, capsys, tmp_path) -> None:
    plot = tmp_path / "caar.png"
    code, out, _ = _study(
        monkeypatch,
        capsys,
        "--tickers",
        "MP,USAR",
        "--event-date",
        "2025-10-13",
        "--window",
        "0,0",
        "--plot",
        str(plot),
    )
    assert code == 0
    assert "AD-HOC-2025-10-13" in out and "kp" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = _run(
        monkeypatch,
        capsys,
        "events",
        "study",
        "--prices",
        str(SAMPLE),
        "--market",
        "SPY",
        "--tickers",
        "MP",
        "--event-date",
        "2025-10-13",
        "--format",
        "csv",
    )
    assert code == 0
    assert out.splitlines()[0].startswith("event_id,date,ticker,event_day,car,t,p")


def test_bad_price_file_exits_2_with_file_line_column(monkeypatch, capsys, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,MP,SPY\n2025-07-08,29.5,620\n2025-07-09,-1,621\n", encoding="utf-8")
    code, out, err = _run(
        monkeypatch,
        capsys,
        "events",
        "study",
        "--prices",
        str(bad),
        "--market",
        "SPY",
    )
    assert code == 2
    assert out == ""
    assert f"{bad}:3:MP: price must be positive: -1.0" in err


def test_unknown_event_id_exits_2(monkeypatch, capsys) -> None:
    code, _, err = _study(
        monkeypatch,
        capsys,
        "--events",
        "NOPE",
    )
    assert code == 2
    assert "NOPE" in err


def test_fetch_without_the_live_extra_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    import importlib

    real = importlib.import_module

    def no_yfinance(name: str, *args: object):
        if name == "yfinance":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_yfinance)
    code, _, err = _run(
        monkeypatch,
        capsys,
        "events",
        "fetch",
        "--tickers",
        "MP",
        "--from",
        "2025-01-01",
        "--to",
        "2025-02-01",
        "--out",
        str(tmp_path / "p.csv"),
    )
    assert code == 2
    assert "pip install 'lanthanide[live]'" in err
    assert not (tmp_path / "p.csv").exists()


GOLDEN = Path(__file__).parents[1] / "golden" / "events_study_dod_mp.txt"


def test_study_table_matches_golden_file(monkeypatch, capsys) -> None:
    """Update with LANTHANIDE_UPDATE_GOLDEN=1 after an intended change; review the diff."""
    import os

    code, out, _ = _study(monkeypatch, capsys, "--events", "US-DOD-MP-2025")
    assert code == 0
    if os.environ.get("LANTHANIDE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8")


def test_ff3_model_reads_a_factor_file(monkeypatch, capsys, tmp_path) -> None:
    import numpy as np
    import pandas as pd

    dates = pd.read_csv(SAMPLE)["date"]
    rng = np.random.default_rng(0)
    factors = pd.DataFrame(
        {
            "date": dates,
            "Mkt-RF": rng.normal(0, 0.01, len(dates)),
            "SMB": rng.normal(0, 0.005, len(dates)),
            "HML": rng.normal(0, 0.005, len(dates)),
            "RF": 0.0001,
        }
    )
    path = tmp_path / "ff3.csv"
    factors.to_csv(path, index=False)
    code, out, err = _study(
        monkeypatch,
        capsys,
        "--model",
        "ff3",
        "--factors",
        str(path),
        "--tickers",
        "MP",
        "--events",
        "US-DOD-MP-2025",
        "--format",
        "json",
    )
    assert code == 0, err
    (firm,) = json.loads(out)["events"][0]["firms"]
    assert firm["benchmark"] == "ff3 factors"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--window", "1"), "--window: expected two integers like -1,1"),
        (("--window", "2,1"), "--window: window start 2 is after its end 1"),
        (("--estimation=-100,0",), "estimation window must end before the event window"),
        (("--event-date", "2025-13-01"), "--event-date: not a YYYY-MM-DD date"),
    ],
)
def test_bad_study_options_exit_2_with_a_clear_message(monkeypatch, capsys, args, message):
    code, _, err = _study(monkeypatch, capsys, *args)
    assert code == 2
    assert message in err


def _volatility(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    """`events volatility` on the shipped sample with US and ASX benchmarks."""
    return _run(
        monkeypatch, capsys, "events", "volatility", "--prices", str(SAMPLE), *MARKETS, *args
    )


def test_volatility_json_follows_the_contract_with_receipt(monkeypatch, capsys) -> None:
    code, out, _ = _volatility(
        monkeypatch, capsys, "--events", "US-DOD-MP-2025", "--rv-days", "10", "--format", "json"
    )
    assert code == 0
    body = json.loads(out)
    receipt = body["receipt"]
    assert receipt["computed"] == "volatility_study"
    assert len(receipt["parameters"]["prices_sha256"]) == 64
    assert any(k.startswith("events@") for k in receipt["datasets"])
    (event,) = body["events"]
    assert event["id"] == "US-DOD-MP-2025"
    assert set(event["variance_ratio"]) >= {"ratio", "f", "df_window", "df_estimation"}
    series = {r["series"] for r in event["realized"]}
    assert {"MP", "LYC.AX", "basket", "SPY", "STW.AX"} <= series
    lyc = next(r for r in event["realized"] if r["series"] == "LYC.AX")
    assert lyc["event_day"] == "2025-07-11"  # the ASX reacts on the next session
    assert {g["series"] for g in body["garch"]} == series
    assert all(g["half_life"] is None or g["half_life"] > 0 for g in body["garch"])


def test_volatility_csv_and_plot(monkeypatch, capsys, tmp_path) -> None:
    plot = tmp_path / "vol.png"
    code, out, _ = _volatility(
        monkeypatch,
        capsys,
        "--events",
        "US-DOD-MP-2025,CN-MOFCOM-2025-61",
        "--format",
        "csv",
        "--plot",
        str(plot),
    )
    assert code == 0
    header, *rows = out.splitlines()
    assert header.startswith("event_id,date,series,event_day,rv_before")
    assert len(rows) == 2 * 9  # 6 firms, the basket and 2 benchmarks per event
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_volatility_bad_rv_days_exits_2(monkeypatch, capsys) -> None:
    code, _, err = _volatility(monkeypatch, capsys, "--rv-days", "1")
    assert code == 2
    assert "--rv-days" in err and "Traceback" not in err


def test_2026_events_are_studied_on_the_us_tickers_the_sample_covers(monkeypatch, capsys) -> None:
    """US columns run to 2026-07-31, the ASX ones stop at 2025-12-31 (see the provenance file)."""
    code, out, _ = _study(
        monkeypatch,
        capsys,
        "--events",
        "BEIJING-SUMMIT-2026,CN-MOFCOM-2025-70-EXPIRY",
        "--format",
        "json",
    )
    assert code == 0
    body = json.loads(out)
    (event,) = body["events"]
    assert event["id"] == "BEIJING-SUMMIT-2026"
    assert [f["ticker"] for f in event["firms"]] == ["MP", "USAR", "UUUU", "REMX"]
    reasons = {(s["event"], s["ticker"]): s["reason"] for s in body["skipped"]}
    assert reasons[("BEIJING-SUMMIT-2026", "LYC.AX")].startswith("event window runs past the end")
    assert reasons[("CN-MOFCOM-2025-70-EXPIRY", None)].startswith("event window runs past the end")
