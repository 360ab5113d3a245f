"""`lanthanide events list|study|volatility`: the policy-event catalogue, event studies of
mean abnormal returns, and volatility around the events."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide import service
from lanthanide.cli.common import emit, options_named, request
from lanthanide.errors import InvalidInput, Problem
from lanthanide.report import events as render
from lanthanide.report import volatility as vol_render
from lanthanide.service.market_events import StudyRequest
from lanthanide.store.prices import MAX_GAP_DAYS
from lanthanide.store.uploads import Upload

app = typer.Typer(
    help="Policy-event catalogue (2023-2026), market event studies of rare-earth equities and "
    "volatility around the events.",
    no_args_is_help=True,
)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ModelChoice(StrEnum):
    mean = "mean"
    market_adjusted = "market_adjusted"
    market = "market"
    ff3 = "ff3"


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(
            f"{flag}: not a YYYY-MM-DD date", [Problem(f"{flag} {value!r}: {error}")]
        ) from error


def _pair(value: str, flag: str) -> tuple[int, int]:
    parts = value.split(",")
    try:
        first, second = (int(p) for p in parts)
    except ValueError as error:
        raise InvalidInput(
            f"{flag}: expected two integers like -1,1", [Problem(f"{flag} {value!r}")]
        ) from error
    return first, second


@app.command("list")
def list_events(
    *,
    from_: Annotated[
        str | None, typer.Option("--from", help="Earliest event date, YYYY-MM-DD.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Latest event date, YYYY-MM-DD.")] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="CN or US (joint events match both).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to a file.")] = None,
) -> None:
    """List catalogued events with their expected direction and linked rule ids."""
    if actor is not None and actor.upper() not in {"CN", "US"}:
        raise InvalidInput("--actor must be CN or US", [Problem(f"--actor {actor!r}")])
    body = request(
        service.EventsRequest,
        {"from": "--from", "to": "--to", "actor": "--actor"},
        **{"from": _date(from_, "--from"), "to": _date(to, "--to")},
        actor=actor.upper() if actor else None,
    )
    result = service.events(body)
    text = {
        Format.json: lambda: render.events_json(
            result.events, result.receipt.model_dump(mode="json")
        ),
        Format.csv: lambda: render.events_csv(result.events),
        Format.table: lambda: render.events_table(result.events),
    }[fmt]()
    emit(text, out)


#: request field -> the option that sets it (for error messages)
FLAGS = {
    "events": "--events",
    "event_dates": "--event-date",
    "tickers": "--tickers",
    "market": "--market",
    "window": "--window",
    "estimation": "--estimation",
    "model": "--model",
    "min_estimation": "--min-estimation",
    "start": "--from",
    "end": "--to",
    "returns": "--returns",
    "max_gap_days": "--max-gap-days",
    "rv_days": "--rv-days",
}


def _study_request(
    *,
    market: list[str],
    tickers: list[str] | None,
    events: str | None,
    event_date: list[str] | None,
    window: str,
    estimation: str,
    model: ModelChoice,
    from_: str | None,
    to: str | None,
    returns: bool,
    max_gap_days: int,
    min_estimation: int,
    rv_days: int = 20,
) -> StudyRequest:
    """The service request the options of `study` and `volatility` describe."""
    dates = [d for d in (_date(v, "--event-date") for v in event_date or []) if d]
    chosen = [t.strip() for item in tickers or [] for t in item.split(",") if t.strip()]
    values: dict[str, object] = {
        "event_dates": dates,
        "tickers": chosen,
        "market": market,
        "window": _pair(window, "--window"),
        "estimation": _pair(estimation, "--estimation"),
        "model": model.value,
        "min_estimation": min_estimation,
        "start": _date(from_, "--from"),
        "end": _date(to, "--to"),
        "returns": returns,
        "max_gap_days": max_gap_days,
        "rv_days": rv_days,
    }
    if events is not None:
        ids = [i.strip() for i in events.split(",") if i.strip()]
        values["events"] = "all" if events.strip().lower() == "all" else ids
    elif dates:
        values["events"] = []
    return request(StudyRequest, FLAGS, **values)


PricesOpt = Annotated[Path, typer.Option("--prices", help="CSV/Parquet prices (long or wide).")]
MarketOpt = Annotated[
    list[str],
    typer.Option(
        "--market",
        help="Benchmark ticker in the price file; repeat as TICKER=MARKET for "
        "per-ticker benchmarks (e.g. LYC.AX=STW.AX).",
    ),
]
TickersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tickers",
        help="Firms to study (comma-separated or repeated); default: every non-benchmark column.",
    ),
]
EventsOpt = Annotated[
    str | None,
    typer.Option(
        "--events",
        help="Catalogue ids, comma-separated, or 'all' (default unless --event-date is given).",
    ),
]
EventDateOpt = Annotated[
    list[str] | None,
    typer.Option("--event-date", help="Ad hoc event date YYYY-MM-DD (repeatable)."),
]
WindowOpt = Annotated[
    str, typer.Option("--window", help="Event window in trading days, e.g. -1,1.")
]
EstimationOpt = Annotated[
    str, typer.Option("--estimation", help="Estimation window in trading days.")
]
ModelOpt = Annotated[ModelChoice, typer.Option("--model", help="Normal-return model.")]
FactorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--factors",
        help="Fama-French daily factors (date, Mkt-RF, SMB, HML, RF; decimals) for --model ff3.",
    ),
]
FromOpt = Annotated[str | None, typer.Option("--from", help="Only events on/after.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Only events on/before.")]
ReturnsOpt = Annotated[
    bool, typer.Option("--returns", help="The file holds simple returns, not prices.")
]
GapOpt = Annotated[
    int, typer.Option("--max-gap-days", help="Longest allowed gap between observations.")
]
MinEstOpt = Annotated[
    int, typer.Option("--min-estimation", help="Fewest estimation days to keep a firm.")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to a file.")]


#: the options of `study` and `volatility` that describe the request (not files or outputs)
STUDY_OPTIONS = (
    "market",
    "tickers",
    "events",
    "event_date",
    "window",
    "estimation",
    "model",
    "from_",
    "to",
    "returns",
    "max_gap_days",
    "min_estimation",
    "rv_days",
)


def _upload(path: Path | None) -> Upload | None:
    return None if path is None else Upload.from_path(path)


@app.command("study")
def study(
    *,
    prices: PricesOpt,
    market: MarketOpt,
    tickers: TickersOpt = None,
    events: EventsOpt = None,
    event_date: EventDateOpt = None,
    window: WindowOpt = "-1,1",
    estimation: EstimationOpt = "-250,-30",
    model: ModelOpt = ModelChoice.market,
    factors: FactorsOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    returns: ReturnsOpt = False,
    max_gap_days: GapOpt = MAX_GAP_DAYS,
    min_estimation: MinEstOpt = 30,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a CAAR plot with 95% bands (PNG).")
    ] = None,
) -> None:
    """CAR per event and firm; t, Patell, BMP, Kolari-Pynnonen, Corrado, sign, portfolio tests."""
    body = _study_request(**{k: v for k, v in locals().items() if k in STUDY_OPTIONS})
    with options_named(FLAGS):
        result = service.study(body, prices=_upload(prices), factors=_upload(factors))
    text = {
        Format.json: render.study_json,
        Format.csv: render.study_csv,
        Format.table: render.study_table,
    }[fmt](result)
    emit(text, out, {} if plot is None else {plot: render.caar_png(result)})


@app.command("volatility")
def volatility(
    *,
    prices: PricesOpt,
    market: MarketOpt,
    tickers: TickersOpt = None,
    events: EventsOpt = None,
    event_date: EventDateOpt = None,
    window: WindowOpt = "-1,1",
    estimation: EstimationOpt = "-250,-30",
    model: ModelOpt = ModelChoice.market,
    factors: FactorsOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    returns: ReturnsOpt = False,
    max_gap_days: GapOpt = MAX_GAP_DAYS,
    min_estimation: MinEstOpt = 30,
    rv_days: Annotated[
        int,
        typer.Option("--rv-days", help="Trading days of realised volatility before and after."),
    ] = 20,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the basket's GARCH volatility path and RV (PNG)."),
    ] = None,
) -> None:
    """Event-induced variance (ratio and F test), realised volatility, GARCH(1,1) event dummies."""
    body = _study_request(**{k: v for k, v in locals().items() if k in STUDY_OPTIONS})
    with options_named(FLAGS):
        result = service.volatility(body, prices=_upload(prices), factors=_upload(factors))
    text = {
        Format.json: vol_render.volatility_json,
        Format.csv: vol_render.volatility_csv,
        Format.table: vol_render.volatility_table,
    }[fmt](result)
    emit(text, out, {} if plot is None else {plot: vol_render.volatility_png(result)})


@app.command("fetch")
def fetch(
    *,
    tickers: Annotated[str, typer.Option("--tickers", help="Comma-separated Yahoo tickers.")],
    from_: Annotated[str, typer.Option("--from", help="First date, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Last date (exclusive), YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option("--out", help="Wide CSV to write.")],
) -> None:
    """Download adjusted closes with yfinance (needs the `live` extra; network at run time)."""
    from lanthanide.store.live import fetch_prices  # noqa: PLC0415 - optional extra

    start, end = _date(from_, "--from"), _date(to, "--to")
    assert start is not None and end is not None
    names = [t.strip() for t in tickers.split(",") if t.strip()]
    path = fetch_prices(names, start, end, out)
    typer.echo(f"wrote {path}; check it with `lanthanide events study --prices {path} ...`")
