"""With a Dask scheduler configured, a simulation job runs its chunks on the cluster and gives
the same result as a local run (chunks are seeded independently of where they run)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from lanthanide.api.settings import ApiSettings
from lanthanide.service.simulation import EXAMPLE_TOML, SimulateRequest, simulate
from tests.api.conftest import Server, serve

#: a guard against a hung job or cluster (not a measurement)
GUARD_S = 900.0


@pytest.fixture(scope="module")
def cluster_server() -> Iterator[Server]:
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for url in serve(ApiSettings(scheduler=cluster.scheduler_address)):
            yield Server(url, {})


@pytest.mark.slow
def test_job_on_the_cluster_equals_the_local_run(cluster_server: Server) -> None:
    body = {"scenario_toml": EXAMPLE_TOML, "runs": 2000, "seed": 3, "chunk_size": 500}
    with cluster_server.client() as client:
        job_id = client.post("/api/v1/jobs/simulations", json=body).json()["id"]
        deadline = time.monotonic() + GUARD_S
        while (status := client.get(f"/api/v1/jobs/{job_id}").json())["state"] == "running":
            assert time.monotonic() < deadline, "the cluster job never finished"
            time.sleep(0.2)
        assert status["state"] == "done", status
        result = client.get(f"/api/v1/jobs/{job_id}/result").json()
    assert result["summary"] == simulate(SimulateRequest(**body)).summary
