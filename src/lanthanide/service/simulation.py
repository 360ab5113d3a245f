"""What happens if exports are cut: the Monte Carlo simulator and its historical backtests.

The wiring (calibration -> network -> prepare -> simulate -> receipt) lives here once, for the
CLI, the API's jobs and the dashboard. `map_fn` runs chunks elsewhere (a Dask client's map);
results never depend on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lanthanide.errors import InvalidInput, Problem
from lanthanide.receipt import Receipt, make_receipt
from lanthanide.service.resources import Resources
from lanthanide.shock.backtest import BACKTESTS, compare
from lanthanide.shock.network import build_network
from lanthanide.shock.scenario import Scenario
from lanthanide.shock.simulation import ASSUMPTIONS, SimulationResult, prepare
from lanthanide.shock.simulation import simulate as run_simulation
from lanthanide.store import dataset_receipts, read_table
from lanthanide.store.scenario_reader import parse_scenario
from lanthanide.store.shock_network import Calibration, load_calibration

#: the most Monte Carlo runs one request may ask for (a 10x margin over the benchmark's 10,000)
MAX_RUNS = 100_000
#: the largest seed a request takes: every integer up to it is exact in JSON (2**53 - 1)
MAX_SEED = 2**53 - 1
#: the chunk size when a request does not say: one histogram merge per 1,000 runs
DEFAULT_CHUNK = 1000

Progress = Callable[[int, int], None]
MapFn = Callable[..., Iterable[Any]]

EXAMPLE_TOML = """[scenario]
name = "Chinese embargo on the US from 2027"
start = "2026-07"
months = 24

[[restrictions]]
id = "cn-us-embargo"
exporter = "CN"
materials = ["*"]
destinations = ["US"]
start = 2027-01-01
approval_rate = 0.0
"""


class SimulateRequest(BaseModel):
    """A scenario (TOML text, as in a scenario file) and the Monte Carlo settings."""

    model_config = ConfigDict(extra="forbid")

    scenario_toml: str = Field(
        min_length=1, max_length=1_000_000, examples=[EXAMPLE_TOML], description="scenario TOML"
    )
    scenario_name: str = Field("scenario.toml", description="name to report problems under")
    runs: int = Field(1000, ge=1, le=MAX_RUNS)
    seed: int = Field(42, ge=0, le=MAX_SEED)
    chunk_size: int = Field(DEFAULT_CHUNK, ge=1, le=MAX_RUNS)


class BacktestRequest(BaseModel):
    """A historical scenario to replay and score against observed exports."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        "2025-04", description="a backtest id", json_schema_extra={"enum": list(BACKTESTS)}
    )
    runs: int = Field(1000, ge=1, le=MAX_RUNS)
    seed: int = Field(42, ge=0, le=MAX_SEED)


class SimulationOutcome(BaseModel):
    """Quantile bands per series and month, the run summary, and the receipt."""

    receipt: Receipt
    months: list[str]
    series: dict[str, dict[str, list[float]]]
    summary: dict[str, Any]


class BacktestOutcome(BaseModel):
    """Observed beside simulated exports month by month, with MAPE and band coverage."""

    receipt: Receipt
    comparison: dict[str, Any]


def scenario_of(request: SimulateRequest, calibration: Calibration) -> Scenario:
    """Validate the scenario text (every problem located in `scenario_name`)."""
    return parse_scenario(request.scenario_toml, request.scenario_name, calibration.measures)


def _run(
    scenario: Scenario,
    calibration: Calibration,
    *,
    runs: int,
    seed: int,
    chunk_size: int,
    map_fn: MapFn | None,
    progress: Progress | None,
) -> SimulationResult:
    network = build_network(calibration.tables, scenario.start, scenario.months)
    model = prepare(network, scenario, calibration.defaults)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, runs)

    return run_simulation(model, runs, seed, chunk_size=chunk_size, map_fn=map_fn, progress=advance)


def simulation_receipt(
    computed: str, scenario: Scenario, text: bytes, calibration: Calibration, **params: Any
) -> Receipt:
    """What a simulation or backtest was computed from: calibration, scenario and its sha256."""
    datasets = dict(calibration.receipts)
    if computed == "backtest":
        datasets.update(dataset_receipts("reference"))
    return make_receipt(
        computed,
        datasets=datasets,
        parameters={
            "scenario": scenario.name,
            "scenario_file": scenario.source,
            "scenario_sha256": hashlib.sha256(text).hexdigest(),
            **params,
        },
        assumptions=list(ASSUMPTIONS),
        seed=params.get("seed"),
    )


def simulate(
    request: SimulateRequest,
    resources: Resources | None = None,
    *,
    progress: Progress | None = None,
    map_fn: MapFn | None = None,
) -> SimulationOutcome:
    """Run the scenario's Monte Carlo; `progress(done, total)` after every chunk."""
    del resources  # the calibration is shipped data, not store rows
    calibration = load_calibration()
    scenario = scenario_of(request, calibration)
    result = _run(
        scenario,
        calibration,
        runs=request.runs,
        seed=request.seed,
        chunk_size=request.chunk_size,
        map_fn=map_fn,
        progress=progress,
    )
    receipt = simulation_receipt(
        "simulate",
        scenario,
        request.scenario_toml.encode("utf-8"),
        calibration,
        runs=request.runs,
        seed=request.seed,
        chunk_size=request.chunk_size,
    )
    return SimulationOutcome(
        receipt=receipt, months=result.months, series=result.series, summary=result.summary
    )


def known_backtest(name: str) -> None:
    """Reject an unknown backtest id, naming the known ones."""
    if name not in BACKTESTS:
        known = ", ".join(BACKTESTS)
        raise InvalidInput(
            f"unknown backtest {name!r} (known: {known})",
            [Problem(f"expected one of {known}", column="name")],
        )


def backtest(
    request: BacktestRequest,
    resources: Resources | None = None,
    *,
    progress: Progress | None = None,
) -> BacktestOutcome:
    """Replay a historical restriction and compare China's exports with the observed series."""
    del resources
    known_backtest(request.name)
    spec = BACKTESTS[request.name]
    calibration = load_calibration()
    text = (files("lanthanide.data") / "scenarios" / spec.scenario_file).read_bytes()
    scenario = parse_scenario(text.decode("utf-8"), spec.scenario_file, calibration.measures)
    result = _run(
        scenario,
        calibration,
        runs=request.runs,
        seed=request.seed,
        chunk_size=DEFAULT_CHUNK,
        map_fn=None,
        progress=progress,
    )
    comparison = compare(spec, result, read_table(spec.observed_table)).as_dict()
    receipt = simulation_receipt(
        "backtest", scenario, text, calibration, runs=request.runs, seed=request.seed
    )
    return BacktestOutcome(receipt=receipt, comparison=comparison)


def dask_map(client: Any) -> MapFn:
    """map(fn, models, tasks, edges) on a Dask client; the model is scattered once."""

    def mapper(fn: Callable[..., Any], models: list[Any], *rest: list[Any]) -> Iterable[Any]:
        model = client.scatter(models[0], broadcast=True)
        futures = client.map(fn, [model] * len(models), *rest, pure=False)
        for future in futures:  # in submission order, so merging is deterministic
            yield future.result()

    return mapper


def simulate_on_cluster(
    request: SimulateRequest, scheduler: str, *, progress: Progress | None = None
) -> SimulationOutcome:
    """`simulate` with its chunks sent to the Dask scheduler at `scheduler` (same results)."""
    from dask.distributed import Client  # noqa: PLC0415 - heavy; only for cluster runs

    with Client(scheduler) as client:  # type: ignore[no-untyped-call]
        return simulate(request, progress=progress, map_fn=dask_map(client))
