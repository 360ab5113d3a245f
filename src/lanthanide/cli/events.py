"""`lanthanide events list|study|volatility`: the policy-event catalogue, event studies of
mean abnormal returns, and volatility around the events."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets import Design, Event, PricePanel, ad_hoc_event, run_study, select_events
from lanthanide.markets.normal import Model
from lanthanide.markets.volatility import run_volatility
from lanthanide.receipt import make_receipt
from lanthanide.report import events as render
from lanthanide.report import volatility as vol_render
from lanthanide.store.events import catalogue_receipt, load_catalogue
from lanthanide.store.files import atomic_write_text
from lanthanide.store.prices import MAX_GAP_DAYS, read_prices

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


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        atomic_write_text(out, text)


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
    events = select_events(
        load_catalogue(), start=_date(from_, "--from"), end=_date(to, "--to"), actor=actor
    )
    if fmt is Format.json:
        receipt = make_receipt(
            "events_list",
            datasets=catalogue_receipt(),
            parameters={"from": from_, "to": to, "actor": actor},
        )
        _emit(render.events_json(events, receipt.model_dump(mode="json")), out)
    elif fmt is Format.csv:
        _emit(render.events_csv(events), out)
    else:
        _emit(render.events_table(events), out)


def _benchmarks(market: list[str], tickers: list[str], model: Model) -> dict[str, str | None]:
    default: str | None = None
    pairs: dict[str, str] = {}
    for item in market:
        if "=" in item:
            ticker, _, bench = item.partition("=")
            pairs[ticker.strip()] = bench.strip()
        elif default is None:
            default = item.strip()
        else:
            raise InvalidInput(
                "more than one default --market",
                [Problem(f"--market {item!r}: use TICKER=MARKET for per-ticker benchmarks")],
            )
    if model in ("market", "market_adjusted") and default is None:
        lacking = [t for t in tickers if t not in pairs]
        if lacking:
            raise InvalidInput(
                f"the {model} model needs --market",
                [Problem(f"no benchmark for {t}") for t in lacking],
            )
    return {t: pairs.get(t, default) for t in tickers}


@dataclass(frozen=True)
class _Inputs:
    """What `study` and `volatility` both read from their options."""

    panel: PricePanel
    events: list[Event]
    tickers: list[str]
    benchmarks: dict[str, str | None]
    catalogue: list[Event]
    factors: pd.DataFrame | None
    parameters: dict[str, object]

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of `run_study` and `run_volatility`, with the receipts' inputs."""
        return {
            "panel": self.panel,
            "events": self.events,
            "tickers": self.tickers,
            "benchmarks": self.benchmarks,
            "catalogue": self.catalogue,
            "factors": self.factors,
            "datasets": catalogue_receipt(),
            "parameters": self.parameters,
        }


#: the options of `study` and `volatility` that `_inputs` reads
INPUT_OPTIONS = (
    "prices",
    "market",
    "tickers",
    "events",
    "event_date",
    "factors",
    "from_",
    "to",
    "returns",
    "max_gap_days",
)


def _inputs(
    model: Model,
    *,
    prices: Path,
    market: list[str],
    tickers: list[str] | None,
    events: str | None,
    event_date: list[str] | None,
    factors: Path | None,
    from_: str | None,
    to: str | None,
    returns: bool,
    max_gap_days: int,
) -> _Inputs:
    """Read the price (and factor) files and pick tickers, benchmarks and events."""
    panel = read_prices(prices, kind="return" if returns else None, max_gap_days=max_gap_days)
    factor_panel = (
        read_prices(factors, kind="return", constant_ok=True) if factors is not None else None
    )
    chosen = [t.strip() for item in tickers or [] for t in item.split(",") if t.strip()]
    benches = {m.partition("=")[2] or m for m in market}
    if not chosen:
        chosen = [t for t in panel.tickers if t not in benches]
    catalogue = load_catalogue()
    ad_hoc = [ad_hoc_event(d) for d in (_date(v, "--event-date") for v in event_date or []) if d]
    if events is None:
        events = "" if ad_hoc else "all"
    ids = (
        None
        if events.strip().lower() == "all"
        else [i.strip() for i in events.split(",") if i.strip()]
    )
    picked = (
        select_events(catalogue, ids=ids, start=_date(from_, "--from"), end=_date(to, "--to"))
        if events.strip()
        else []
    )
    return _Inputs(
        panel=panel,
        events=[*picked, *ad_hoc],
        tickers=chosen,
        benchmarks=_benchmarks(market, chosen, model),
        catalogue=catalogue,
        factors=None if factor_panel is None else factor_panel.values,
        parameters={
            "prices": str(prices),
            "prices_sha256": hashlib.sha256(prices.read_bytes()).hexdigest(),
            "events": events,
            "event_dates": list(event_date or []),
        },
    )


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


def _design(window: str, estimation: str, model: ModelChoice, min_estimation: int) -> Design:
    design = Design(
        window=_pair(window, "--window"),
        estimation=_pair(estimation, "--estimation"),
        model=model.value,
        min_estimation=min_estimation,
    )
    design.check()
    return design


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
    design = _design(window, estimation, model, min_estimation)
    given = _inputs(design.model, **{k: v for k, v in locals().items() if k in INPUT_OPTIONS})
    result = run_study(design=design, **given.arguments())
    if fmt is Format.json:
        _emit(render.study_json(result), out)
    elif fmt is Format.csv:
        _emit(render.study_csv(result), out)
    else:
        _emit(render.study_table(result), out)
    if plot is not None:
        render.plot_caar(result, plot)


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
    design = _design(window, estimation, model, min_estimation)
    given = _inputs(design.model, **{k: v for k, v in locals().items() if k in INPUT_OPTIONS})
    result = run_volatility(design=design, rv_days=rv_days, **given.arguments())
    if fmt is Format.json:
        _emit(vol_render.volatility_json(result), out)
    elif fmt is Format.csv:
        _emit(vol_render.volatility_csv(result), out)
    else:
        _emit(vol_render.volatility_table(result), out)
    if plot is not None:
        vol_render.plot_volatility(result, plot)


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
