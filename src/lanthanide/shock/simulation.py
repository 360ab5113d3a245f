"""Monte Carlo driver: sample parameters per chunk, run the kernel, reduce to quantiles.

Runs are processed in chunks of `chunk_size` whose random streams come from
`SeedSequence(seed).spawn(n_chunks)`, so a result depends only on (scenario, calibration, seed,
runs, chunk_size), never on where or in which order chunks ran. Chunks are executed through `map_fn`
(builtin `map` locally; the CLI passes a Dask client's map), so this module stays free of I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lanthanide.errors import SimulationError
from lanthanide.shock import kernel
from lanthanide.shock.distributions import Dist
from lanthanide.shock.histogram import BINS, Edges, Histogram, edges_from, histogram, quantiles
from lanthanide.shock.indexes import build_index
from lanthanide.shock.network import (
    LAYERS,
    MAGNETS,
    MARKETS,
    PRICED,
    REGIONS,
    SECTORS,
    Network,
    layer_index,
    month_index,
    month_labels,
)
from lanthanide.shock.scenario import Scenario
from lanthanide.shock.state import NEVER, Cols, Draws, Index, Net, Out, Restr

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
QUANTILES = (0.1, 0.5, 0.9)
NO_QUOTA = 1e300  # no monthly quota
SCALARS = (
    "total_shortfall_t",
    "total_loss_musd",
    "shortfall_months",
    "cn_lost_export_revenue_musd",
)
#: what every simulation assumes, stated in its receipt (the kernel docstring has the equations)
ASSUMPTIONS = (
    f"monthly network: {len(REGIONS)} regions x {len(LAYERS)} (stage, material) layers, "
    f"{len(SECTORS)} sectors; Leontief inputs",
    "sourcing shares fixed at baseline; restricted orders move to spare capacity after "
    "qualification",
    "licence decisions arrive after the licence lag; denied material stays with the exporter",
    "prices are a partial-equilibrium response to the month's tightness and do not feed back; "
    "the supply elasticity ramps from the month each market first tightens",
    "China's lost export revenue: baseline-share orders from abroad less deliveries, at base "
    "prices, for NdPr and Dy/Tb metal and magnets",
    f"quantiles from {BINS}-bin streaming histograms merged over chunks",
)
MapFn = Callable[..., Iterable[Any]]


def series_layout() -> list[tuple[str, int]]:
    """(series name, kernel column) in output order; see README for meanings and units."""
    n_r, n_k = len(REGIONS), len(SECTORS)
    cols: list[tuple[str, int]] = [("cn_magnet_exports_t", 0)]
    cols += [(f"cn_magnet_exports_t/{r}", 1 + i) for i, r in enumerate(REGIONS) if r != "CN"]
    o = 1 + n_r
    cols.append(("shortfall_t", o))
    cols += [(f"shortfall_t/{r}", o + 1 + i) for i, r in enumerate(REGIONS)]
    cols += [(f"shortfall_t/{k}", o + 1 + n_r + i) for i, k in enumerate(SECTORS)]
    o += 1 + n_r + n_k
    cols += [(f"inventory_t/{r}", o + i) for i, r in enumerate(REGIONS)]
    o += n_r
    for pi, (material, _) in enumerate(PRICED):
        for mi, market in enumerate(MARKETS):
            cols.append((f"price_usd_per_kg/{material}/{market}", o + 2 * pi + mi))
    o += 2 * len(PRICED)
    cols += [(f"loss_musd/{k}", o + i) for i, k in enumerate(SECTORS)]
    cols.append(("loss_musd", o + n_k))
    cols.append(("cn_lost_export_revenue_musd", o + n_k + 1))
    return cols


N_KERNEL_SERIES = series_layout()[-1][1] + 1


def date_to_month(start: str, date: str) -> float:
    """Fractional month index of an ISO date (YYYY-MM-DD) from `start` (YYYY-MM)."""
    day = int(date[8:10]) if len(date) >= 10 else 1
    return month_index(start, date[:7]) + (day - 1) / 30.4375


def expand_layers(names: Iterable[str]) -> list[int]:
    """Layer indices for `stage:material`, a bare material (all its stages) or `*`."""
    out: list[int] = []
    for name in names:
        if name == "*":
            return list(range(len(LAYERS)))
        if ":" in name:
            stage, material = name.split(":", 1)
            out.append(layer_index(stage, material))
        else:
            out += [i for i, (_, m) in enumerate(LAYERS) if m == name]
    return sorted(set(out))


@dataclass(frozen=True)
class Model:
    """Everything a chunk needs: the kernel's network, restriction and index arrays (built once
    here, not per chunk), and the distributions to sample."""

    network: Network
    scenario: Scenario
    global_dists: tuple[Dist, ...]
    net: Net
    restr: Restr
    index: Index


def prepare(network: Network, scenario: Scenario, defaults: dict[str, Dist]) -> Model:
    """Bind a scenario to a network; `defaults` are the calibration's parameter distributions."""
    dists: list[Dist] = []
    for name in kernel.GLOBAL_PARAMS:
        if name in scenario.parameters:
            dists.append(scenario.parameters[name])
        elif name in defaults:
            dists.append(defaults[name])
        else:
            raise SimulationError(f"calibration has no default for parameter {name!r}")
    n_res, n_l, n_r = len(scenario.restrictions), len(LAYERS), len(REGIONS)
    exporter = np.zeros(n_res, dtype=np.int64)
    start = np.zeros(n_res)
    end = np.full(n_res, 1e9)
    layers = np.zeros((n_res, n_l), dtype=np.int64)
    dest = np.zeros((n_res, n_r), dtype=np.int64)
    for i, res in enumerate(scenario.restrictions):
        exporter[i] = REGIONS.index(res.exporter)
        start[i] = date_to_month(scenario.start, res.start)
        if res.end is not None:
            end[i] = date_to_month(scenario.start, res.end)
        layers[i, expand_layers(res.layers)] = 1
        for d in REGIONS if "*" in res.destinations else res.destinations:
            if d != res.exporter:
                dest[i, REGIONS.index(d)] = 1
    priority = np.zeros(len(SECTORS), dtype=np.int64)
    if scenario.allocation == "priority":
        for rank, sector in enumerate(scenario.priority, start=1):
            priority[SECTORS.index(sector)] = rank
    net = kernel_network(network, priority)
    restr = Restr(exporter, start, end, layers, dest)
    index = build_index(
        network.sourcing,
        network.demand,
        net.act_ptr,
        net.act_idx,
        exporter,
        start,
        dest,
        network.in_layer,
        priority,
    )
    return Model(network, scenario, tuple(dists), net, restr, index)


def sample(model: Model, rng: np.random.Generator, n: int) -> Draws:
    """Parameter draws for `n` runs, in a fixed order (global, facilities, restrictions)."""
    gp = np.column_stack([d.sample(rng, n) for d in model.global_dists])
    net = model.network
    delays = [
        np.asarray(rng.triangular(lo, mode, hi, n) if hi > lo else np.full(n, lo))
        for lo, mode, hi in net.fac_delay
    ]
    fac_delay = np.column_stack(delays) if delays else np.zeros((n, 0))
    res = model.scenario.restrictions
    approval = np.zeros((n, len(res)))
    lag = np.zeros((n, len(res)))
    grace = np.zeros((n, len(res)))
    quota = np.full((n, len(res)), NO_QUOTA)
    for i, r in enumerate(res):
        approval[:, i] = np.clip(r.approval_rate.sample(rng, n), 0.0, 1.0)
        lag[:, i] = np.maximum(r.licence_lag_months.sample(rng, n), 0.0)
        grace[:, i] = np.maximum(r.grace_days.sample(rng, n), 0.0)
        if r.quota_t_per_month is not None:
            quota[:, i] = np.maximum(r.quota_t_per_month.sample(rng, n), 0.0)
    return Draws(gp, fac_delay, approval, lag, grace, quota)


def central_draws(model: Model) -> Draws:
    """One run at central values (mode/mean/median): the deterministic reference path."""
    gp = np.array([[d.central() for d in model.global_dists]])
    fac_delay = np.array([[mode for _, mode, _ in model.network.fac_delay]]).reshape(1, -1)
    res = model.scenario.restrictions
    approval = np.array([[min(max(r.approval_rate.central(), 0.0), 1.0) for r in res]])
    lag = np.array([[max(r.licence_lag_months.central(), 0.0) for r in res]])
    grace = np.array([[max(r.grace_days.central(), 0.0) for r in res]])
    quota = np.array(
        [[NO_QUOTA if r.quota_t_per_month is None else r.quota_t_per_month.central() for r in res]]
    )
    return Draws(
        gp,
        fac_delay,
        approval.reshape(1, -1),
        lag.reshape(1, -1),
        grace.reshape(1, -1),
        quota.reshape(1, -1),
    )


def active_suppliers(net: Network) -> tuple[I64, I64]:
    """CSR of regions that ever have capacity per layer (the kernel loops over these only)."""
    active = net.cap_base.max(axis=2) > 0
    active[net.fac_layer, net.fac_region] = True
    ptr = np.zeros(len(LAYERS) + 1, dtype=np.int64)
    idx: list[int] = []
    for li in range(len(LAYERS)):
        idx += [int(r) for r in np.flatnonzero(active[li])]
        ptr[li + 1] = len(idx)
    return ptr, np.array(idx, dtype=np.int64)


def kernel_network(net: Network, priority: I64) -> Net:
    """The network as the kernel's named tuple of arrays."""
    return Net(
        net.cap_base,
        net.fac_layer,
        net.fac_region,
        net.fac_cap,
        net.fac_start,
        net.fac_ramp,
        net.in_ptr,
        net.in_layer,
        net.in_coef,
        net.sourcing,
        net.demand,
        net.growth,
        net.cover_days,
        net.base_price,
        np.array([layer_index(stage, m) for m, stage in PRICED], dtype=np.int64),
        net.var_usd_per_kg,
        net.recycling,
        net.recycling_growth,
        float(net.years0),
        np.array([layer_index("magnet", g) for g in MAGNETS], dtype=np.int64),
        *active_suppliers(net),
        priority,
    )


def kernel_args(model: Model, draws: Draws) -> tuple[Net, Restr, Index, Draws, Cols]:
    """The kernel's inputs (contiguous draws, as the compiled loops expect)."""
    contiguous = Draws(*(np.ascontiguousarray(a) for a in draws))
    cols = kernel.columns(len(REGIONS), len(SECTORS), len(PRICED))
    return model.net, model.restr, model.index, contiguous, cols


@dataclass(frozen=True)
class Raw:
    """Per-run outputs of one chunk: series [runs, months, kernel series], scalars, diagnostics."""

    series: F64
    scalars: F64
    diag: F64


def run_draws(
    model: Model, draws: Draws, with_diag: bool = False, buffer: F64 | None = None
) -> Raw:
    """Run the kernel; `buffer` (at least [n, months, series]) is reused for the series.

    The kernel overwrites every value, so a buffer need not be cleared; reusing one across chunks
    spares the page faults of a fresh ~50 MB array per chunk, which the threads serialise on.
    """
    n = draws.gp.shape[0]
    t = model.network.months
    if buffer is not None and buffer.shape[0] >= n and buffer.shape[1:] == (t, N_KERNEL_SERIES):
        series = buffer[:n]
    else:
        series = np.empty((n, t, N_KERNEL_SERIES))
    scalars = np.zeros((n, len(SCALARS)))
    diag = np.zeros((n, t, len(kernel.DIAG)) if with_diag else (0, 1, len(kernel.DIAG)))
    compiled: Any = kernel.simulate_runs
    compiled(*kernel_args(model, draws), Out(series, scalars, diag))
    return Raw(series, scalars, diag)


def run_raw(
    model: Model,
    n: int,
    seed: np.random.SeedSequence,
    with_diag: bool = False,
    buffer: F64 | None = None,
) -> Raw:
    """Run `n` runs with one chunk's seed and keep every per-run output (tests, pilot)."""
    return run_draws(model, sample(model, np.random.default_rng(seed), n), with_diag, buffer)


def _columns() -> I64:
    return np.array([c for _, c in series_layout()], dtype=np.int64)


def flatten(raw: Raw) -> F64:
    """[runs, months * series] in public series order (a copy; tests and pilots only)."""
    return raw.series[:, :, _columns()].reshape(raw.series.shape[0], -1)


def series_histogram(raw: Raw, edges: Edges) -> Histogram:
    """Histogram of a chunk's series without copying them into public order."""
    return histogram(raw.series, edges, _columns())


@dataclass
class ChunkStats:
    series: Histogram
    scalars: Histogram
    any_short: int


@dataclass(frozen=True)
class ChunkTask:
    index: int
    runs: int
    seed: np.random.SeedSequence


def run_chunk(
    model: Model, task: ChunkTask, edges: tuple[Edges, Edges], buffer: F64 | None = None
) -> ChunkStats:
    """One chunk reduced to histograms (what workers send back)."""
    raw = run_raw(model, task.runs, task.seed, buffer=buffer)
    return ChunkStats(
        series_histogram(raw, edges[0]),
        histogram(raw.scalars, edges[1]),
        int((raw.scalars[:, 0] > 1e-9).sum()),
    )


def plan_chunks(runs: int, seed: int, chunk_size: int) -> list[ChunkTask]:
    if runs < 1:
        raise SimulationError("runs must be at least 1")
    if chunk_size < 1:
        raise SimulationError("chunk size must be at least 1")
    n_chunks = -(-runs // chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(n_chunks)
    return [ChunkTask(i, min(chunk_size, runs - i * chunk_size), seeds[i]) for i in range(n_chunks)]


@dataclass
class SimulationResult:
    """Quantiles per series and month plus a summary; `as_dict` gives the JSON contract body."""

    months: list[str]
    series: dict[str, dict[str, list[float]]]
    summary: dict[str, Any]
    runs: int
    seed: int
    extras: dict[str, Any] = field(default_factory=dict)


def _series_quantiles(
    hist: Histogram, edges: Edges, months: int
) -> dict[str, dict[str, list[float]]]:
    q = quantiles(hist, edges, QUANTILES)
    names = [name for name, _ in series_layout()]
    n_s = len(names)
    out: dict[str, dict[str, list[float]]] = {}
    for j, name in enumerate(names):
        cols = np.arange(months) * n_s + j
        out[name] = {
            label: [float(round(v, 6)) for v in q[i, cols]]
            for i, label in enumerate(("p10", "p50", "p90"))
        }
    return out


def simulate(
    model: Model,
    runs: int,
    seed: int,
    *,
    chunk_size: int = 1000,
    map_fn: MapFn | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Run the Monte Carlo; `map_fn(fn, tasks)` runs chunks (defaults to in-process map)."""
    tasks = plan_chunks(runs, seed, chunk_size)
    pilot = run_raw(model, tasks[0].runs, tasks[0].seed)
    edges = (edges_from(pilot.series, _columns()), edges_from(pilot.scalars))
    first = ChunkStats(
        series_histogram(pilot, edges[0]),
        histogram(pilot.scalars, edges[1]),
        int((pilot.scalars[:, 0] > 1e-9).sum()),
    )
    if progress:
        progress(tasks[0].runs)
    total = first
    rest = tasks[1:]
    if rest:
        results: Iterator[ChunkStats]
        if map_fn is None:  # in process: chunks run one after another in the pilot's buffer
            results = (run_chunk(model, task, edges, pilot.series) for task in rest)
        else:
            results = iter(map_fn(run_chunk, [model] * len(rest), rest, [edges] * len(rest)))
        for task, stats in zip(rest, results, strict=True):
            total.series.merge(stats.series)
            total.scalars.merge(stats.scalars)
            total.any_short += stats.any_short
            if progress:
                progress(task.runs)
    months = month_labels(model.scenario.start, model.network.months)
    series = _series_quantiles(total.series, edges[0], len(months))
    sq = quantiles(total.scalars, edges[1], QUANTILES)
    summary: dict[str, Any] = {
        "scenario": model.scenario.name,
        "runs": runs,
        "probability_of_shortfall": round(total.any_short / runs, 6),
    }
    mean = total.scalars.mean()
    for i, name in enumerate(SCALARS):
        summary[name] = {
            "p10": round(float(sq[0, i]), 6),
            "p50": round(float(sq[1, i]), 6),
            "p90": round(float(sq[2, i]), 6),
            "mean": round(float(mean[i]), 6),
        }
    p50 = series["shortfall_t"]["p50"]
    peak = int(np.argmax(p50))
    summary["peak_shortfall_month_p50"] = months[peak] if p50[peak] > 0.5 else None  # t
    summary["restrictions"] = [r.id for r in model.scenario.restrictions]
    extras = {"restriction_windows": restriction_windows(model)}
    return SimulationResult(months, series, summary, runs, seed, extras)


def restriction_windows(model: Model) -> list[dict[str, Any]]:
    """Each restriction's window in months from the start (fractional; end None = open), for
    charts that shade them."""
    out = []
    for i, res in enumerate(model.scenario.restrictions):
        end = float(model.restr.end[i])
        out.append(
            {
                "id": res.id,
                "start_month": float(model.restr.start[i]),
                "end_month": None if end >= NEVER else end,
            }
        )
    return out
