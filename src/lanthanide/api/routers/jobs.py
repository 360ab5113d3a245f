"""Simulations and backtests as jobs: create, poll progress, fetch the result, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from lanthanide.api.errors import ERROR_RESPONSES
from lanthanide.api.security import tenant_of
from lanthanide.service import simulation as sim
from lanthanide.service.jobs import JobRunner, JobStatus
from lanthanide.store.shock_network import load_calibration

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


@router.post("/simulations", status_code=202)
async def create_simulation(request: Request, body: sim.SimulateRequest) -> JobStatus:
    """Validate the scenario now (422 with every problem), then run it as a job."""
    sim.scenario_of(body, load_calibration())
    scheduler: str | None = request.app.state.api_settings.scheduler
    if scheduler:
        target: Any = sim.simulate_on_cluster
        args: tuple[Any, ...] = (body, scheduler)
    else:
        target, args = sim.simulate, (body,)
    return _runner(request).submit(tenant_of(request), "simulation", target, args, body.runs)


@router.post("/backtests", status_code=202)
async def create_backtest(request: Request, body: sim.BacktestRequest) -> JobStatus:
    """Replay a historical restriction as a job and score it against observed exports."""
    sim.known_backtest(body.name)
    return _runner(request).submit(tenant_of(request), "backtest", sim.backtest, (body,), body.runs)


@router.get("")
async def list_jobs(request: Request) -> list[JobStatus]:
    """This tenant's jobs, oldest first."""
    return _runner(request).list(tenant_of(request))


@router.get("/{job_id}")
async def job_status(request: Request, job_id: str) -> JobStatus:
    """State and progress (runs done of total) of one of this tenant's jobs."""
    return _runner(request).status(tenant_of(request), job_id)


@router.get("/{job_id}/result")
async def job_result(request: Request, job_id: str) -> sim.SimulationOutcome | sim.BacktestOutcome:
    """The result of a finished job; 409 while it is queued or running."""
    result: sim.SimulationOutcome | sim.BacktestOutcome = _runner(request).result(
        tenant_of(request), job_id
    )
    return result


@router.delete("/{job_id}")
async def cancel_job(request: Request, job_id: str) -> JobStatus:
    """Stop a queued or running job at once (its process is terminated)."""
    return _runner(request).cancel(tenant_of(request), job_id)
