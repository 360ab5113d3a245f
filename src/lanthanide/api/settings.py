"""How the API behaves: where keys live, limits, timeouts. Passed explicitly to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: hosts on which the API may run without keys (a single local user)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ApiSettings:
    """Limits and access for one API process.

    `keys_file=None` or a file with no keys means open access (tenant `local`), which the CLI only
    allows on a loopback host; with keys, every request needs one and each key is a tenant.
    """

    keys_file: Path | None = None
    #: largest request body accepted, bytes (uploads above it get 413)
    max_upload_bytes: int = 20 * 1024 * 1024
    #: most BOM rows (uses + products) one screening may hold (above it: 422)
    max_rows: int = 200_000
    #: a request still computing after this many seconds gets 504
    request_timeout_s: float = 60.0
    #: most screening results kept in memory per tenant (oldest dropped first)
    max_results_per_tenant: int = 1_000
    #: simulation and backtest jobs running at once (each in its own process); others queue
    job_workers: int = 1
    #: a Dask scheduler address: jobs send their chunks there instead of running them locally
    scheduler: str | None = None
