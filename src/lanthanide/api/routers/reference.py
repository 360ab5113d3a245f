"""Reference data: the chain report, one stage, the measures' timeline, the datasets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from lanthanide import service
from lanthanide.api.calls import call
from lanthanide.api.errors import ERROR_RESPONSES
from lanthanide.service.chain import YEAR_RANGE

router = APIRouter(prefix="/api/v1", tags=["reference"], responses=ERROR_RESPONSES)

Year = Annotated[int, Query(ge=YEAR_RANGE[0], le=YEAR_RANGE[1], examples=[2025])]


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers (no key needed)."""
    return {"status": "ok"}


@router.get("/chain")
async def chain(
    request: Request, year: Year = 2025, element: str | None = None
) -> service.ChainResult:
    """Country concentration of every stage at its latest data year <= `year`, chokepoints per
    element, non-China capacity and US net import reliance."""
    body = service.ChainRequest(year=year, element=element)
    return await call(request, lambda r: service.chain(body, r))


@router.get("/chain/stages/{stage}")
async def stage(
    request: Request,
    stage: str,
    year: Year = 2025,
    material: str | None = None,
    element: str | None = None,
) -> service.StageResult:
    """One stage's country shares, HHI and top-3 share in exactly `year`."""
    body = service.StageRequest(stage=stage, year=year, material=material, element=element)
    return await call(request, lambda r: service.stage(body, r))


@router.get("/timeline")
async def timeline(
    request: Request,
    as_of: Annotated[dt.date | None, Query(examples=["2026-11-10"])] = None,
    assume: Annotated[list[str] | None, Query(examples=[["CN-MOFCOM-2025-61=in_force"]])] = None,
) -> service.TimelineResult:
    """Every measure of both sides with its status on `as_of` and the reason."""
    body = service.TimelineRequest(as_of=as_of, assume=assume or [])
    return await call(request, lambda r: service.timeline(body, r))


@router.get("/datasets")
async def datasets(request: Request) -> service.DatasetsResult:
    """The shipped dataset versions with their hashes and the rows per table and vintage."""
    return await call(request, service.datasets)
