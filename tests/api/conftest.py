"""A real uvicorn server on a free loopback port, one per test module, with httpx clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from lanthanide.api.app import create_app
from lanthanide.api.keys import create_key
from lanthanide.api.settings import ApiSettings
from lanthanide.config import Settings

#: how long a server may take to start before the fixture gives up (a guard, not a measurement)
START_GUARD_S = 30.0


@dataclass
class Server:
    """A running API: its base URL and the keys of two tenants (empty when open access)."""

    url: str
    keys: dict[str, str]

    def client(self, tenant: str | None = None) -> httpx.Client:
        """A client that presents `tenant`'s key (or none)."""
        headers = {"Authorization": f"Bearer {self.keys[tenant]}"} if tenant else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60.0)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(api: ApiSettings) -> Iterator[str]:
    """Run uvicorn in a thread until the generator is closed; yield the base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(), api), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_GUARD_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_GUARD_S)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that requires keys, with tenants `a` and `b`."""
    keys_file = Path(tmp_path_factory.mktemp("keys")) / "api-keys.json"
    keys = {tenant: create_key(keys_file, tenant)[0] for tenant in ("a", "b")}
    api = ApiSettings(keys_file=keys_file, max_upload_bytes=200_000, max_rows=500)
    for url in serve(api):
        yield Server(url, keys)


@pytest.fixture(scope="module")
def open_server() -> Iterator[Server]:
    """A server with no keys configured (local use: every request is tenant `local`)."""
    for url in serve(ApiSettings()):
        yield Server(url, {})
