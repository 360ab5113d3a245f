"""The same chunks on a real two-worker Dask LocalCluster give bit-identical results."""

from __future__ import annotations

import pytest

from lanthanide.cli.simulate import dask_map
from lanthanide.shock import simulation as sim
from tests.shock.conftest import ModelFactory, embargo


@pytest.mark.slow
def test_two_dask_workers_give_identical_results_to_the_local_run(
    make_model: ModelFactory,
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    model = make_model(embargo(0.3, 1.5), months=18)
    local = sim.simulate(model, 400, seed=9, chunk_size=50)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        assert len(client.scheduler_info()["workers"]) == 2
        remote = sim.simulate(model, 400, seed=9, chunk_size=50, map_fn=dask_map(client))
    assert remote.series == local.series
    assert remote.summary == local.summary
