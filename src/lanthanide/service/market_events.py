"""How the market priced each policy move: the event catalogue, event studies, volatility.

One place picks the tickers, their benchmarks and the events from a request, for the CLI, the API
and the dashboard. Prices come from an upload (a path's bytes or an HTTP upload) or, when none is
given, from the shipped sample of rare-earth equities.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lanthanide.errors import InvalidInput, Problem
from lanthanide.markets import Event, ad_hoc_event, run_study, select_events
from lanthanide.markets.result import StudyResult
from lanthanide.markets.sample import Design
from lanthanide.markets.vol_result import VolatilityResult
from lanthanide.markets.volatility import run_volatility
from lanthanide.receipt import Receipt, make_receipt
from lanthanide.service.resources import Resources
from lanthanide.store.events import catalogue_receipt, load_catalogue
from lanthanide.store.price_uploads import read_prices_upload
from lanthanide.store.prices import MAX_GAP_DAYS
from lanthanide.store.uploads import Upload

#: the shipped sample of daily prices (see its provenance file beside it)
SAMPLE = "rare_earth_prices.csv"
#: the sample's benchmarks: SPY for the US listings, the ASX 200 ETF for the Australian ones
SAMPLE_MARKET = ("SPY", "LYC.AX=STW.AX", "ILU.AX=STW.AX")

Model = Literal["mean", "market_adjusted", "market", "ff3"]
#: trading days relative to day 0 (about eight years either way)
Offset = Annotated[int, Field(ge=-2000, le=2000)]
#: an ad hoc event date within the years the price readers accept
EventDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2200, 12, 31))]


class EventsRequest(BaseModel):
    """Catalogued events in a date range, optionally of one actor."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: dt.date | None = Field(None, alias="from", description="earliest event date")
    end: dt.date | None = Field(None, alias="to", description="latest event date")
    actor: Literal["CN", "US"] | None = Field(None, description="joint events match both")


class EventsResult(BaseModel):
    """The selected events with their expected direction, sources and linked rule ids."""

    events: list[Event]
    receipt: Receipt


class StudyRequest(BaseModel):
    """Which events, firms and benchmarks to study, and the study design."""

    model_config = ConfigDict(extra="forbid")

    events: list[str] | Literal["all"] = Field(
        "all", description="catalogue ids, or 'all' (the default unless event_dates are given)"
    )
    event_dates: list[EventDate] = Field(default_factory=list, description="ad hoc event dates")
    tickers: list[str] = Field(
        default_factory=list, description="firms; default: every column that is not a benchmark"
    )
    market: list[str] = Field(
        default_factory=lambda: list(SAMPLE_MARKET),
        description="a default benchmark and/or TICKER=MARKET pairs",
    )
    window: tuple[Offset, Offset] = (-1, 1)
    estimation: tuple[Offset, Offset] = (-250, -30)
    model: Model = "market"
    min_estimation: int = Field(30, ge=5)
    start: dt.date | None = Field(None, description="only events on/after")
    end: dt.date | None = Field(None, description="only events on/before")
    returns: bool = Field(False, description="the prices hold simple returns, not prices")
    max_gap_days: int = Field(MAX_GAP_DAYS, ge=1, le=366)
    rv_days: int = Field(20, ge=2, le=250, description="volatility: realised-volatility days")


def sample_prices() -> Upload:
    """The shipped price sample as an upload named by its package path."""
    resource = files("lanthanide.data") / "samples" / SAMPLE
    return Upload(f"lanthanide/data/samples/{SAMPLE}", resource.read_bytes())


def events(request: EventsRequest, resources: Resources | None = None) -> EventsResult:
    """The catalogue, filtered by date range and actor."""
    del resources  # the catalogue is shipped data
    chosen = select_events(
        load_catalogue(), start=request.start, end=request.end, actor=request.actor
    )
    receipt = make_receipt(
        "events_list",
        datasets=catalogue_receipt(),
        parameters=request.model_dump(mode="json", by_alias=True),
    )
    return EventsResult(events=chosen, receipt=receipt)


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
                "more than one default market benchmark",
                [
                    Problem(
                        f"{item!r}: use TICKER=MARKET for per-ticker benchmarks", column="market"
                    )
                ],
            )
    if model in ("market", "market_adjusted") and default is None:
        lacking = [t for t in tickers if t not in pairs]
        if lacking:
            raise InvalidInput(
                f"the {model} model needs a market benchmark",
                [Problem(f"no benchmark for {t}", column="market") for t in lacking],
            )
    return {t: pairs.get(t, default) for t in tickers}


def _in_panel(columns: list[str], file: str, **named: list[str]) -> None:
    """Every ticker and benchmark a request names must be a series of the price file."""
    known = set(columns)
    problems = [
        Problem(f"{name!r} is not a series of {file} (it has {', '.join(columns)})", column=field)
        for field, names in named.items()
        for name in names
        if name not in known
    ]
    if problems:
        raise InvalidInput(f"{len(problems)} ticker(s) not in the price file", problems)


def _arguments(
    request: StudyRequest, prices: Upload | None, factors: Upload | None
) -> dict[str, Any]:
    design = Design(
        window=request.window,
        estimation=request.estimation,
        model=request.model,
        min_estimation=request.min_estimation,
    )
    design.check()
    source = prices or sample_prices()
    kind: Literal["return"] | None = "return" if request.returns else None
    panel = read_prices_upload(source, kind=kind, max_gap_days=request.max_gap_days)
    factor_panel = (
        read_prices_upload(factors, kind="return", constant_ok=True)
        if factors is not None
        else None
    )
    benches = {m.partition("=")[2] or m for m in request.market}
    tickers = request.tickers or [t for t in panel.tickers if t not in benches]
    uses_market = request.model in ("market", "market_adjusted")
    _in_panel(
        panel.tickers, source.name, tickers=tickers, market=sorted(benches) if uses_market else []
    )
    catalogue = load_catalogue()
    ad_hoc = [ad_hoc_event(d) for d in request.event_dates]
    wanted: list[str] | Literal["all"] | None = request.events
    if wanted == "all" and ad_hoc and "events" not in request.model_fields_set:
        wanted = []
    picked = (
        select_events(
            catalogue,
            ids=None if wanted == "all" else wanted,
            start=request.start,
            end=request.end,
        )
        if wanted
        else []
    )
    return {
        "panel": panel,
        "events": [*picked, *ad_hoc],
        "tickers": tickers,
        "benchmarks": _benchmarks(request.market, tickers, request.model),
        "catalogue": catalogue,
        "factors": None if factor_panel is None else factor_panel.values,
        "datasets": catalogue_receipt(),
        "design": design,
        "parameters": {
            "prices": source.name,
            "prices_sha256": source.sha256,
            "events": request.events,
            "event_dates": [d.isoformat() for d in request.event_dates],
        },
    }


def study(
    request: StudyRequest,
    resources: Resources | None = None,
    *,
    prices: Upload | None = None,
    factors: Upload | None = None,
) -> StudyResult:
    """CARs per event and firm with the t, Patell, BMP, Kolari-Pynnonen, Corrado, sign and
    portfolio tests."""
    del resources
    return run_study(**_arguments(request, prices, factors))


def volatility(
    request: StudyRequest,
    resources: Resources | None = None,
    *,
    prices: Upload | None = None,
    factors: Upload | None = None,
) -> VolatilityResult:
    """Event-induced variance (ratio and F test), realised volatility and GARCH(1,1)-X dummies."""
    del resources
    return run_volatility(rv_days=request.rv_days, **_arguments(request, prices, factors))
