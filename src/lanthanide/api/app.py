"""The FastAPI application factory: nothing is opened until the app starts."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from lanthanide.api import errors
from lanthanide.api.keys import KeyRing
from lanthanide.api.routers import events, jobs, reference, screenings
from lanthanide.api.security import AccessMiddleware
from lanthanide.api.settings import ApiSettings
from lanthanide.api.tenancy import TenantRegistry
from lanthanide.config import Settings
from lanthanide.controls import Screening, Status
from lanthanide.service.chain import vocabulary
from lanthanide.service.jobs import JobRunner
from lanthanide.service.resources import Resources
from lanthanide.version import __version__

log = logging.getLogger("lanthanide.api")

DESCRIPTION = (
    "Cited rare-earth supply-chain data and export-control screening over one service layer. "
    "Every result carries a receipt (package version, dataset and rule hashes, parameters). "
    "Errors: 422 with every file:line:column problem, 404 for what does not exist or belongs to "
    "another tenant, 401 without a valid key, 413 above the upload limit, 504 past the time limit."
)


def create_app(settings: Settings | None = None, api: ApiSettings | None = None) -> FastAPI:
    """An app over the store `settings` names (default: the embedded reference data)."""
    settings = settings or Settings()
    api = api or ApiSettings()
    keys = KeyRing(api.keys_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.resources = Resources.open(settings)
        app.state.resources.rules  # noqa: B018 - load and validate the rules before serving
        app.state.resources.parties  # noqa: B018 - and the party lists
        log.info("store: %s", settings.db_path or "embedded reference data (in memory)")
        yield
        app.state.jobs.shutdown()
        app.state.resources.close()

    app = FastAPI(
        title="lanthanide",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.api_settings = api
    app.state.keys = keys
    app.state.screenings = TenantRegistry[Screening]("screening", api.max_results_per_tenant)
    app.state.jobs = JobRunner(workers=api.job_workers)
    app.add_middleware(AccessMiddleware, keys=keys, max_upload_bytes=api.max_upload_bytes)
    errors.install(app)
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]
    app.include_router(reference.router)
    app.include_router(screenings.router)
    app.include_router(jobs.router)
    app.include_router(events.router)
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the store's elements and stages as enums of those parameters.

    The valid values are data (the shipped tables), so they are filled in when the document is
    first asked for, after start-up, rather than written into the request models.
    """
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        values = vocabulary(app.state.resources)
        statuses = "|".join(s.value for s in Status)
        measures = "|".join(re.escape(m) for m in values["measure"])
        assumption = {"type": "string", "pattern": f"^({measures})=({statuses})$"}
        for path in schema["paths"].values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    name = parameter["name"]
                    if name in ("element", "stage"):
                        parameter["schema"] = {"type": "string", "enum": values[name]}
                    elif name == "assume":
                        parameter["schema"] = {"type": "array", "items": assumption}
        app.openapi_schema = schema
    return app.openapi_schema
