"""Simulation jobs over the real server: progress, result, cancel mid-run, tenant isolation."""

from __future__ import annotations

import time
from typing import Any

import httpx

from lanthanide.service.simulation import EXAMPLE_TOML, SimulateRequest, simulate
from tests.api.conftest import Server

#: a guard against a hung job (the first job may compile the simulator kernel for minutes)
GUARD_S = 900.0


def _wait(client: httpx.Client, job_id: str, until: Any) -> dict[str, Any]:
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if until(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached the state asked for")


def test_simulation_job_reports_progress_and_the_same_result_as_the_service(
    keyed: Server,
) -> None:
    body = {"scenario_toml": EXAMPLE_TOML, "runs": 3000, "seed": 7, "chunk_size": 1000}
    with keyed.client("a") as client:
        created = client.post("/api/v1/jobs/simulations", json=body)
        assert created.status_code == 202
        job_id = created.json()["id"]
        seen = []
        status = _wait(
            client, job_id, lambda s: seen.append(s["done"]) or s["state"] in {"done", "failed"}
        )
        assert status["state"] == "done", status
        assert seen == sorted(seen) and status["done"] == 3000
        result = client.get(f"/api/v1/jobs/{job_id}/result").json()
    direct = simulate(SimulateRequest(**body))
    assert result["summary"] == direct.summary
    assert result["receipt"]["seed"] == 7


def test_a_running_job_can_be_cancelled(keyed: Server) -> None:
    body = {"scenario_toml": EXAMPLE_TOML, "runs": 100_000, "chunk_size": 1000}
    with keyed.client("a") as client:
        job_id = client.post("/api/v1/jobs/simulations", json=body).json()["id"]
        _wait(client, job_id, lambda s: s["done"] > 0)
        cancelled = client.delete(f"/api/v1/jobs/{job_id}").json()
        assert cancelled["state"] == "cancelled"
        assert cancelled["done"] < 100_000
        time.sleep(0.5)
        assert client.get(f"/api/v1/jobs/{job_id}").json()["state"] == "cancelled"
        assert client.get(f"/api/v1/jobs/{job_id}/result").status_code == 409


def test_other_tenant_cannot_see_or_cancel_a_job(keyed: Server) -> None:
    body = {"scenario_toml": EXAMPLE_TOML, "runs": 1000}
    with keyed.client("a") as mine, keyed.client("b") as theirs:
        job_id = mine.post("/api/v1/jobs/simulations", json=body).json()["id"]
        assert theirs.get(f"/api/v1/jobs/{job_id}").status_code == 404
        assert theirs.get(f"/api/v1/jobs/{job_id}/result").status_code == 404
        assert theirs.delete(f"/api/v1/jobs/{job_id}").status_code == 404
        assert job_id not in [j["id"] for j in theirs.get("/api/v1/jobs").json()]
        assert job_id in [j["id"] for j in mine.get("/api/v1/jobs").json()]
        mine.delete(f"/api/v1/jobs/{job_id}")


def test_invalid_scenario_is_refused_before_a_job_starts(keyed: Server) -> None:
    bad = EXAMPLE_TOML.replace('exporter = "CN"', 'exporter = "Atlantis"')
    body = {"scenario_toml": bad, "scenario_name": "mine.toml"}
    with keyed.client("a") as client:
        answer = client.post("/api/v1/jobs/simulations", json=body)
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["file"] == "mine.toml"


def test_unknown_backtest_is_a_422(keyed: Server) -> None:
    with keyed.client("a") as client:
        answer = client.post("/api/v1/jobs/backtests", json={"name": "1999-01"})
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "name"
