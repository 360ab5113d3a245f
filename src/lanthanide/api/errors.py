"""Map the error hierarchy to HTTP statuses, in one table, and render error bodies.

A 422 body carries every problem with its file, line and column, the same list the CLI prints.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from lanthanide.errors import (
    ConfigError,
    DatasetIntegrityError,
    InvalidInput,
    InvalidRule,
    LanthanideError,
    NotFound,
    SimulationError,
)
from lanthanide.service.jobs import JobNotDone


class Timeout(LanthanideError):
    """A request computed for longer than the configured limit."""


#: HTTP status per error class (the most specific listed class wins; others: 500)
HTTP_STATUS: dict[type[LanthanideError], int] = {
    InvalidInput: 422,
    JobNotDone: 409,
    NotFound: 404,
    SimulationError: 422,
    ConfigError: 503,
    InvalidRule: 500,
    DatasetIntegrityError: 500,
    Timeout: 504,
}


class ProblemBody(BaseModel):
    """One located problem: file, line and column as far as the reader could tell."""

    file: str | None
    line: int | None
    column: int | str | None
    message: str


class ErrorBody(BaseModel):
    """Every error answer: the error class, one sentence, and every problem found."""

    error: str
    message: str
    problems: list[ProblemBody]


#: documented on every route, so clients and schema checks know the error answers
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "no valid API key",
        404: "not found, or another tenant's",
        409: "the job has not finished",
        413: "request body above the upload limit",
        422: "invalid input: every problem with file, line and column",
        503: "the store is unavailable",
        504: "the request took longer than the time limit",
    }.items()
}


def http_status(error: LanthanideError) -> int:
    """The status for an error: the most specific class in the table, else 500."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500


def error_body(error: LanthanideError) -> dict[str, Any]:
    """`{"error": kind, "message": ..., "problems": [{file, line, column, message}]}`."""
    problems = error.problems if isinstance(error, InvalidInput) else []
    return {
        "error": type(error).__name__,
        "message": str(error.args[0]) if error.args else type(error).__name__,
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in problems
        ],
    }


def install(app: FastAPI) -> None:
    """Register the handlers: project errors by the table, request validation as 422."""

    async def project_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, LanthanideError)
        return JSONResponse(error_body(error), status_code=http_status(error))

    async def validation_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError | ValidationError)
        problems = [
            {
                "file": None,
                "line": None,
                "column": ".".join(str(part) for part in e["loc"]),
                "message": e["msg"],
            }
            for e in error.errors()
        ]
        body = {"error": "InvalidInput", "message": "invalid request", "problems": problems}
        return JSONResponse(body, status_code=422)

    app.add_exception_handler(LanthanideError, project_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ValidationError, validation_error)
