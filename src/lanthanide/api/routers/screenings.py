"""Screen a BOM (uploaded file or posted rows), fetch a tenant's results, download them as CSV."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lanthanide import service
from lanthanide.api.calls import call
from lanthanide.api.errors import ERROR_RESPONSES
from lanthanide.api.security import tenant_of
from lanthanide.controls import Screening
from lanthanide.controls.history import ProductChange
from lanthanide.errors import InvalidInput, Problem
from lanthanide.report import screening as render
from lanthanide.store.uploads import Upload

router = APIRouter(prefix="/api/v1/screenings", tags=["screening"], responses=ERROR_RESPONSES)

EXAMPLE_ROWS: list[dict[str, Any]] = [
    {
        "product_id": "motor-1",
        "line_id": "motor",
        "parent_line_id": "",
        "quantity": 1,
        "item_type": "finished_good",
        "origin": "DE",
        "unit_value_usd": 1500,
        "ship_to": "US",
    },
    {
        "product_id": "motor-1",
        "line_id": "magnet",
        "parent_line_id": "motor",
        "quantity": 1,
        "item_type": "magnet_ndfeb",
        "origin": "CN",
        "unit_value_usd": 90,
        "elements": "Nd:0.28;Pr:0.05;Dy:0.03",
    },
]


class RowsBody(service.ScreenRequest):
    """Screening options and the BOM as rows (one object per row, the file columns as keys).

    Problems are located as `rows.json:N:column`, N being the 1-based position of the row.
    """

    rows: list[dict[str, str | float | int | None]] = Field(
        min_length=1, examples=[EXAMPLE_ROWS], description="BOM rows, as in a CSV file"
    )


class ScreeningRecord(BaseModel):
    """A screening kept for this tenant under a random id."""

    id: str
    screening: Screening


class ScreeningSummary(BaseModel):
    """One line of a tenant's screening history."""

    id: str
    as_of: str | None
    inputs: dict[str, str] = Field(description="BOM (and column map) name -> sha256")
    products: int
    determinations: dict[str, int] = Field(description="determination -> number of products")


class ScreeningDiff(BaseModel):
    """The products whose determination or findings changed from one screening to another."""

    before: str
    after: str
    changes: list[ProductChange]


def _summary(screening_id: str, screening: Screening) -> ScreeningSummary:
    counts: dict[str, int] = {}
    for product in screening.products:
        counts[product.determination.value] = counts.get(product.determination.value, 0) + 1
    as_of = screening.receipt.parameters.get("as_of")
    return ScreeningSummary(
        id=screening_id,
        as_of=None if as_of is None else str(as_of),
        inputs=dict(screening.receipt.datasets),
        products=len(screening.products),
        determinations=counts,
    )


def _rows_upload(rows: list[dict[str, Any]]) -> Upload:
    """Rows as a JSON BOM with row N on line N, so the reader's lines are row positions."""
    text = "[" + ",\n".join(json.dumps(row, allow_nan=False) for row in rows) + "]"
    return Upload("rows.json", text.encode("utf-8"))


def _checked_rows(request: Request, count: int) -> None:
    limit: int = request.app.state.api_settings.max_rows
    if count > limit:
        raise InvalidInput(
            f"{count} rows is above the limit of {limit} per screening",
            [Problem(f"at most {limit} rows", column="rows")],
        )


async def _screen(request: Request, options: service.ScreenRequest, bom: Upload) -> ScreeningRecord:
    def run(resources: service.Resources) -> Screening:
        outcome = service.screen(options, bom, resources)
        _checked_rows(request, outcome.facts.bom.n_nodes)
        return outcome.screening

    screening = await call(request, run)
    results = request.app.state.screenings
    return ScreeningRecord(id=results.add(tenant_of(request), screening), screening=screening)


@router.post("", status_code=201)
async def screen_rows(request: Request, body: RowsBody) -> ScreeningRecord:
    """Screen posted rows on a date: per product a determination, findings and re-sourcing."""
    _checked_rows(request, len(body.rows))
    options = service.ScreenRequest(**body.model_dump(exclude={"rows"}))
    return await _screen(request, options, _rows_upload(body.rows))


@router.post("/upload", status_code=201)
async def screen_upload(
    request: Request,
    file: UploadFile,
    *,
    as_of: Annotated[str | None, Form(examples=["2026-12-01"])] = None,
    ship_from: Annotated[str | None, Form()] = None,
    ship_to: Annotated[str | None, Form()] = None,
    end_use: Annotated[str | None, Form()] = None,
    end_user: Annotated[str | None, Form()] = None,
    assume: Annotated[list[str] | None, Form()] = None,
) -> ScreeningRecord:
    """Screen an uploaded BOM file (.csv, .xlsx or .json) with the same readers as the CLI."""
    options = service.ScreenRequest.model_validate(
        {
            "as_of": as_of or None,
            "ship_from": ship_from or None,
            "ship_to": ship_to or None,
            "end_use": end_use or None,
            "end_user": end_user or None,
            "assume": assume or [],
        }
    )
    content = await file.read()
    return await _screen(request, options, Upload(file.filename or "upload.csv", content))


@router.get("")
async def list_screenings(request: Request) -> list[ScreeningSummary]:
    """This tenant's screenings, oldest first: date, inputs with their sha256, results."""
    results = request.app.state.screenings
    tenant = tenant_of(request)
    return [_summary(i, results.get(tenant, i)) for i in results.ids(tenant)]


@router.get("/diff")
async def diff_screenings(
    request: Request,
    before: Annotated[str, Query(description="id of the earlier screening")],
    after: Annotated[str, Query(description="id of the later screening")],
) -> ScreeningDiff:
    """What changed between two of this tenant's screenings (e.g. the same BOM on two dates)."""
    results = request.app.state.screenings
    tenant = tenant_of(request)
    changes = service.compare(results.get(tenant, before), results.get(tenant, after))
    return ScreeningDiff(before=before, after=after, changes=changes)


@router.get("/{screening_id}")
async def get_screening(request: Request, screening_id: str) -> ScreeningRecord:
    """One of this tenant's screenings (404 for an unknown id or another tenant's)."""
    screening: Screening = request.app.state.screenings.get(tenant_of(request), screening_id)
    return ScreeningRecord(id=screening_id, screening=screening)


@router.get("/{screening_id}/csv", response_class=Response)
async def get_screening_csv(request: Request, screening_id: str) -> Response:
    """One row per finding, as `lanthanide screen --format csv` writes it (formulas defused)."""
    screening: Screening = request.app.state.screenings.get(tenant_of(request), screening_id)
    return Response(
        render.screening_csv(screening),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="screening-{screening_id}.csv"'},
    )
