"""`lanthanide events list|study`: the policy-event catalogue and market event studies."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide.cli.common import emit
from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets import Design, ad_hoc_event, run_study, select_events
from lanthanide.markets.normal import Model
from lanthanide.receipt import make_receipt
from lanthanide.report import events as render
from lanthanide.store.events import catalogue_receipt, load_catalogue
from lanthanide.store.files import atomic_write_text
from lanthanide.store.prices import MAX_GAP_DAYS, read_prices

app = typer.Typer(
    help="Policy-event catalogue (2023-2026) and market event studies of rare-earth equities.",
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


@app.command("study")
def study(
    *,
    prices: Annotated[Path, typer.Option("--prices", help="CSV/Parquet prices (long or wide).")],
    market: Annotated[
        list[str],
        typer.Option(
            "--market",
            help="Benchmark ticker in the price file; repeat as TICKER=MARKET for "
            "per-ticker benchmarks (e.g. LYC.AX=STW.AX).",
        ),
    ],
    tickers: Annotated[
        list[str] | None,
        typer.Option(
            "--tickers",
            help="Firms to study (comma-separated or repeated); "
            "default: every non-benchmark column.",
        ),
    ] = None,
    events: Annotated[
        str | None,
        typer.Option(
            "--events",
            help="Catalogue ids, comma-separated, or 'all' (default unless --event-date is given).",
        ),
    ] = None,
    event_date: Annotated[
        list[str] | None,
        typer.Option("--event-date", help="Ad hoc event date YYYY-MM-DD (repeatable)."),
    ] = None,
    window: Annotated[
        str, typer.Option("--window", help="Event window in trading days, e.g. -1,1.")
    ] = "-1,1",
    estimation: Annotated[
        str, typer.Option("--estimation", help="Estimation window in trading days.")
    ] = "-250,-30",
    model: Annotated[
        ModelChoice, typer.Option("--model", help="Normal-return model.")
    ] = ModelChoice.market,
    factors: Annotated[
        Path | None,
        typer.Option(
            "--factors",
            help="Fama-French daily factors (date, Mkt-RF, SMB, HML, RF; "
            "decimals) for --model ff3.",
        ),
    ] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Only events on/after.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Only events on/before.")] = None,
    returns: Annotated[
        bool, typer.Option("--returns", help="The file holds simple returns, not prices.")
    ] = False,
    max_gap_days: Annotated[
        int, typer.Option("--max-gap-days", help="Longest allowed gap between observations.")
    ] = MAX_GAP_DAYS,
    min_estimation: Annotated[
        int, typer.Option("--min-estimation", help="Fewest estimation days to keep a firm.")
    ] = 30,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to a file.")] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a CAAR plot with 95% bands (PNG).")
    ] = None,
) -> None:
    """CAR per event and firm; t, Patell, BMP, Kolari-Pynnonen, Corrado, sign, portfolio tests."""
    design = Design(
        window=_pair(window, "--window"),
        estimation=_pair(estimation, "--estimation"),
        model=model.value,
        min_estimation=min_estimation,
    )
    design.check()
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
    result = run_study(
        panel,
        [*picked, *ad_hoc],
        tickers=chosen,
        benchmarks=_benchmarks(market, chosen, design.model),
        design=design,
        catalogue=catalogue,
        factors=None if factor_panel is None else factor_panel.values,
        datasets=catalogue_receipt(),
        parameters={
            "prices": str(prices),
            "prices_sha256": hashlib.sha256(prices.read_bytes()).hexdigest(),
            "events": events,
            "event_dates": list(event_date or []),
        },
    )
    text = {
        Format.json: render.study_json,
        Format.csv: render.study_csv,
        Format.table: render.study_table,
    }[fmt](result)
    emit(text, out, {} if plot is None else {plot: render.caar_png(result)})


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
