"""Who is asking (API key -> tenant), how much they may send, and the headers every answer gets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.types import ASGIApp

from lanthanide.api.keys import KeyRing

#: the tenant of every request when no key is configured (local use only)
LOCAL_TENANT = "local"

#: sent with every response; the dashboard's pages load scripts from 'self' only (no eval)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
}
#: paths any caller may read without a key (the schema and a liveness check)
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs"})

Handler = Callable[[Request], Awaitable[Response]]


def presented_key(request: Request) -> str | None:
    """The key from `Authorization: Bearer KEY` or `X-API-Key: KEY`."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def tenant_of(request: Request) -> str:
    """The tenant the access middleware resolved for this request."""
    return str(request.state.tenant)


class AccessMiddleware(BaseHTTPMiddleware):
    """Resolve the tenant, refuse oversized bodies, add the security headers."""

    def __init__(self, app: ASGIApp, keys: KeyRing, max_upload_bytes: int) -> None:
        super().__init__(app)
        self.keys = keys
        self.max_upload_bytes = max_upload_bytes

    async def dispatch(self, request: Request, call_next: Handler) -> Response:
        response = await self._checked(request, call_next)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    async def _checked(self, request: Request, call_next: Handler) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.max_upload_bytes
        ):
            return _refuse(413, f"request body above {self.max_upload_bytes} bytes")
        self.keys.reload()
        if self.keys.open_access:
            request.state.tenant = LOCAL_TENANT
        elif request.url.path in PUBLIC_PATHS:
            request.state.tenant = None
        else:
            key = presented_key(request)
            tenant = self.keys.tenant(key) if key else None
            if tenant is None:
                return _refuse(401, "a valid API key is required (Authorization: Bearer KEY)")
            request.state.tenant = tenant
        return await call_next(request)


def _refuse(status: int, message: str) -> JSONResponse:
    kind = {401: "Unauthorized", 413: "TooLarge"}.get(status, "Refused")
    body = {"error": kind, "message": message, "problems": []}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)
