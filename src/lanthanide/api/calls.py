"""Run a blocking service call off the event loop, with a per-request cursor and a time limit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request

from lanthanide.api.errors import Timeout
from lanthanide.service.resources import Resources

T = TypeVar("T")


def resources_of(request: Request) -> Resources:
    """The process-wide resources opened when the app started."""
    resources: Resources = request.app.state.resources
    return resources


async def call(request: Request, fn: Callable[[Resources], T]) -> T:
    """`fn(resources)` in a worker thread on its own cursor; Timeout after the limit.

    A thread cannot be killed, so a timed-out call finishes in the background and its result is
    dropped; the client gets its answer (504) at the limit.
    """
    view = resources_of(request).for_request()
    limit: float = request.app.state.api_settings.request_timeout_s

    def run() -> T:
        try:
            return fn(view)
        finally:
            view.close()

    try:
        with anyio.fail_after(limit):
            return await anyio.to_thread.run_sync(functools.partial(run), abandon_on_cancel=True)
    except TimeoutError:
        raise Timeout(f"the request took longer than {limit:g} s") from None
