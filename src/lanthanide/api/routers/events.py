"""The policy-event catalogue, event studies and volatility studies of rare-earth equities."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from lanthanide import service
from lanthanide.api.calls import call
from lanthanide.api.errors import ERROR_RESPONSES
from lanthanide.markets.result import StudyResult
from lanthanide.markets.vol_result import VolatilityResult
from lanthanide.service.market_events import EventsRequest, StudyRequest
from lanthanide.store.uploads import Upload

router = APIRouter(prefix="/api/v1", tags=["events"], responses=ERROR_RESPONSES)


class StudyBody(StudyRequest):
    """A study request, optionally with its own prices (CSV text, long or wide, as the CLI reads
    them); without them the shipped sample of rare-earth equities is used."""

    prices_csv: str | None = Field(None, max_length=20_000_000, description="CSV of prices")

    def prices(self) -> Upload | None:
        if self.prices_csv is None:
            return None
        return Upload("prices.csv", self.prices_csv.encode("utf-8"))

    def request(self) -> StudyRequest:
        return StudyRequest.model_validate(self.model_dump(exclude={"prices_csv"}))


@router.get("/events")
async def list_events(
    request: Request,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    actor: Literal["CN", "US"] | None = None,
) -> service.EventsResult:
    """Catalogued policy events (2023-2026) with expected direction, sources and rule links."""
    body = EventsRequest(start=start, end=end, actor=actor)
    return await call(request, lambda r: service.events(body, r))


@router.post("/event-studies")
async def event_study(request: Request, body: StudyBody) -> StudyResult:
    """CAR per event and firm with the parametric and non-parametric tests, and its receipt."""
    return await call(request, lambda r: service.study(body.request(), r, prices=body.prices()))


@router.post("/volatility-studies")
async def volatility_study(request: Request, body: StudyBody) -> VolatilityResult:
    """Variance ratio, realised volatility and GARCH(1,1)-X event dummies around the events."""
    return await call(
        request, lambda r: service.volatility(body.request(), r, prices=body.prices())
    )
