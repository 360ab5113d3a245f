"""The REST API under load: 50 concurrent clients posting single-product screenings.

Starts `lanthanide serve` as a real uvicorn server in its own process on a free loopback port
(keys required, one tenant), then for `--seconds` each:

1. load alone: 50 clients, each posting one single-product screening after another;
2. the same load while a 10,000-run simulation job runs in the server's job process.

Reports requests, errors (any non-201 answer or transport failure), p50 / p90 / p99 / max
latency, and the baseline measured in this process on the same body: the service function
`lanthanide.screen` called directly (no HTTP), so the ratio shows what HTTP, JSON and the
thread hand-off add. Targets (issue 11): p99 < 100 ms and zero errors, in both phases.

Usage: .venv/bin/python benchmarks/bench_api.py [--seconds 60] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from lanthanide.api.routers.screenings import EXAMPLE_ROWS

ROWS = EXAMPLE_ROWS  # the API's own documented example: a motor with a Chinese magnet
BODY = {"as_of": "2026-12-01", "rows": ROWS}
SCENARIO = Path(__file__).parents[1] / "examples" / "scenarios" / "full-embargo-us-2027.toml"
#: a guard against a server that never comes up (not a measurement)
START_GUARD_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """`lanthanide serve` with one key, in its own process; return it, its URL and the key."""
    env = {**os.environ, "LANTHANIDE_HOME": str(home)}
    exe = [sys.executable, "-m", "lanthanide"]
    key = subprocess.run(
        [*exe, "serve", "keys", "create", "--tenant", "bench"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [*exe, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_GUARD_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1.0).status_code == 200:
                return server, url, key
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("server did not start")


async def client_loop(
    client: httpx.AsyncClient, until: float, latencies: list[float], errors: list[str]
) -> None:
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            answer = await client.post("/api/v1/screenings", json=BODY)
            if answer.status_code != 201:
                errors.append(f"status {answer.status_code}")
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
        latencies.append(time.perf_counter() - start)


async def load(url: str, key: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=30.0
    ) as client:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(client_loop(client, until, latencies, errors) for _ in range(clients))
        )
    return latencies, errors


def report(
    name: str, latencies: list[float], errors: list[str], seconds: float
) -> dict[str, float]:
    ms = np.array(latencies) * 1000.0
    figures = {
        "requests": float(ms.size),
        "per_s": ms.size / seconds,
        "errors": float(len(errors)),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }
    print(
        f"{name}: {int(figures['requests'])} requests ({figures['per_s']:.0f}/s), "
        f"{len(errors)} errors, p50 {figures['p50_ms']:.1f} ms, p90 {figures['p90_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms"
        + (f" (first errors: {sorted(set(errors))[:3]})" if errors else "")
    )
    return figures


def in_process_baseline(repeats: int = 300) -> float:
    """Median ms of the same screening through the service function, no HTTP."""
    import lanthanide

    resources = lanthanide.Resources.open()
    request = lanthanide.ScreenRequest(as_of="2026-12-01")  # type: ignore[arg-type]
    text = "[" + ",\n".join(json.dumps(r) for r in ROWS) + "]"
    upload = lanthanide.Upload("rows.json", text.encode())
    lanthanide.screen(request, upload, resources)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        lanthanide.screen(request, upload, resources)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    baseline = in_process_baseline()
    print(f"baseline: lanthanide.screen in process, median {baseline:.2f} ms per screening")
    with tempfile.TemporaryDirectory() as tmp:
        server, url, key = start_server(Path(tmp))
        try:
            asyncio.run(load(url, key, args.clients, 3.0))  # warm-up, not reported
            lat, err = asyncio.run(load(url, key, args.clients, args.seconds))
            alone = report(f"{args.clients} clients, {args.seconds:.0f} s", lat, err, args.seconds)
            headers = {"Authorization": f"Bearer {key}"}
            job = httpx.post(
                f"{url}/api/v1/jobs/simulations",
                json={"scenario_toml": SCENARIO.read_text(), "runs": 10_000},
                headers=headers,
                timeout=30.0,
            ).json()
            lat, err = asyncio.run(load(url, key, args.clients, args.seconds))
            status = httpx.get(f"{url}/api/v1/jobs/{job['id']}", headers=headers).json()
            busy = report("same, while a 10,000-run simulation job runs", lat, err, args.seconds)
            print(
                f"  job after the phase: {status['state']}, {status['done']}/{status['total']} runs"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name, figures in (("alone", alone), ("with job", busy)):
        print(
            f"{name}: p50 / in-process baseline = {figures['p50_ms'] / baseline:.1f}x; "
            f"target p99 < 100 ms: {'met' if figures['p99_ms'] < 100 else 'NOT met'}; "
            f"errors: {int(figures['errors'])}"
        )


if __name__ == "__main__":
    main()
