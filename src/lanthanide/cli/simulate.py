"""`lanthanide simulate` and `lanthanide backtest`: parse, call the simulator, print or write."""

from __future__ import annotations

from contextlib import ExitStack
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from lanthanide.cli.common import MAX_RUNS
from lanthanide.cli.warm import notice_if_cold
from lanthanide.errors import InvalidInput
from lanthanide.report import simulation as report
from lanthanide.service.simulation import dask_map, simulation_receipt
from lanthanide.shock.backtest import BACKTESTS, compare
from lanthanide.shock.comparison import compare_scenarios
from lanthanide.shock.network import build_network
from lanthanide.shock.scenario import Scenario
from lanthanide.shock.sensitivity import TornadoRow, tornado
from lanthanide.shock.simulation import SimulationResult, prepare, simulate
from lanthanide.shock.stockpile import CoverRow, cover_needed
from lanthanide.store import read_table
from lanthanide.store.files import atomic_directory, atomic_write_bytes, atomic_write_text
from lanthanide.store.scenario_reader import read_scenario
from lanthanide.store.shock_network import Calibration, load_calibration

RUNS_HELP = f"Monte Carlo runs (1 to {MAX_RUNS:,})."


class Format(StrEnum):
    table = "table"
    json = "json"


def _map_for(workers: int | None, scheduler: str | None, stack: ExitStack) -> Any:
    """A chunk mapper: None (in-process) or a Dask client's map+gather."""
    if workers is None and scheduler is None:
        return None
    if workers is not None and scheduler is not None:
        raise InvalidInput("use either --workers or --scheduler, not both")
    from dask.distributed import Client, LocalCluster  # noqa: PLC0415 - heavy; only for Dask

    if scheduler is not None:
        client = stack.enter_context(Client(scheduler))  # type: ignore[no-untyped-call]
    else:
        if workers is not None and workers < 1:
            raise InvalidInput("--workers must be at least 1")
        cluster = stack.enter_context(
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True
            )
        )
        client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
    return dask_map(client)


def run(
    scenario: Scenario,
    *,
    calibration: Calibration,
    runs: int,
    seed: int,
    chunk_size: int,
    map_fn: Any,
    console: Console,
    quiet: bool = False,
) -> SimulationResult:
    network = build_network(calibration.tables, scenario.start, scenario.months)
    model = prepare(network, scenario, calibration.defaults)
    notice_if_cold(console.file)  # the first run of an install compiles the kernel for minutes
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("simulating runs", total=runs)
        return simulate(
            model,
            runs,
            seed,
            chunk_size=chunk_size,
            map_fn=map_fn,
            progress=lambda n: progress.advance(task, n),
        )


def simulate_command(
    scenario_files: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario TOML file; with several, they are compared side by side (paired by "
            "seed, differences against the first).",
            metavar="SCENARIO...",
        ),
    ],
    runs: Annotated[int, typer.Option("--runs", min=1, max=MAX_RUNS, help=RUNS_HELP)] = 1000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Root seed (SeedSequence, >= 0).")
    ] = 42,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Start a Dask LocalCluster with N workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Join an existing Dask scheduler ADDRESS.")
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, max=MAX_RUNS, help="Runs per chunk.")
    ] = 1000,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write summary.json, series.parquet/.csv and PNG fan charts."),
    ] = None,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="Also rank the uncertain parameters by their effect on total shortfall "
            "(tornado: each pinned at its P10 and P90, --runs runs each, paired by seed).",
        ),
    ] = False,
    stockpile: Annotated[
        bool,
        typer.Option(
            "--stockpile",
            help="Also size stockpiles: days of cover per region and per sector that keep its "
            "shortfall at zero in 90% of --runs runs (bisection, paired by seed).",
        ),
    ] = False,
) -> None:
    """Simulate export restrictions: shortages, prices and sector losses over time (Monte Carlo).

    Results depend on the scenario, calibration, --seed, --runs, --chunk-size;
    never on the Dask options (--workers, --scheduler).
    """
    calibration = load_calibration()
    if len(scenario_files) > 1:
        _compare(scenario_files, calibration, runs, seed, chunk_size, fmt, out)
        return
    scenario_file = scenario_files[0]
    scenario = read_scenario(scenario_file, calibration.measures)
    err = Console(stderr=True)
    with ExitStack() as stack:
        map_fn = _map_for(workers, scheduler, stack)
        result = run(
            scenario,
            calibration=calibration,
            runs=runs,
            seed=seed,
            chunk_size=chunk_size,
            map_fn=map_fn,
            console=err,
        )
    receipt = simulation_receipt(
        "simulate",
        scenario,
        scenario_file.read_bytes(),
        calibration,
        runs=runs,
        seed=seed,
        chunk_size=chunk_size,
    )
    payload = report.contract(result, receipt)
    rows: list[TornadoRow] = []
    cover: list[CoverRow] = []
    network = build_network(calibration.tables, scenario.start, scenario.months)
    model = prepare(network, scenario, calibration.defaults)
    if sensitivity:
        with err.status("sensitivity: pinning each uncertain parameter at its P10 and P90"):
            rows = tornado(model, runs, seed, chunk_size=chunk_size)
        payload["sensitivity"] = [r.as_dict() for r in rows]
    if stockpile:
        with err.status("stockpile sizing: bisecting days of cover per region and sector"):
            cover = cover_needed(model, runs, seed)
        payload["stockpile"] = [r.as_dict() for r in cover]
    if out is not None:
        with atomic_directory(out) as staging:  # all files or none
            written = report.write_outputs(staging, payload, result)
        for path in written:
            err.print(f"wrote {out / path.relative_to(staging)}")
    if fmt is Format.json:
        typer.echo(report.to_json(payload), nl=False)
    else:
        console = Console()
        console.print(report.summary_table(result))
        console.print(report.monthly_table(result))
        if rows:
            console.print(report.tornado_table(rows))
        if cover:
            console.print(report.stockpile_table(cover))


def _compare(
    paths: list[Path],
    calibration: Calibration,
    runs: int,
    seed: int,
    chunk_size: int,
    fmt: Format,
    out: Path | None,
) -> None:
    scenarios = [read_scenario(p, calibration.measures) for p in paths]
    models = [
        prepare(build_network(calibration.tables, s.start, s.months), s, calibration.defaults)
        for s in scenarios
    ]
    err = Console(stderr=True)
    with err.status(f"simulating {len(models)} scenarios x {runs} runs, paired by seed"):
        comparison = compare_scenarios(models, runs, seed, chunk_size=chunk_size)
    text = b"".join(p.read_bytes() for p in paths)
    receipt = simulation_receipt(
        "simulate-compare",
        scenarios[0],
        text,
        calibration,
        runs=runs,
        seed=seed,
        chunk_size=chunk_size,
        scenario_files=[str(p) for p in paths],
    )
    payload = {"receipt": receipt.model_dump(mode="json"), "comparison": comparison.as_dict()}
    if out is not None:
        atomic_write_text(out / "comparison.json", report.to_json(payload))
        err.print(f"wrote {out / 'comparison.json'}")
    if fmt is Format.json:
        typer.echo(report.to_json(payload), nl=False)
    else:
        Console().print(report.comparison_table(comparison))


def backtest_command(
    name: Annotated[str, typer.Argument(help="Backtest name, e.g. 2025-04.")],
    runs: Annotated[int, typer.Option("--runs", min=1, max=MAX_RUNS, help=RUNS_HELP)] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Root seed (>= 0).")] = 42,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write backtest.json and backtest.png here.")
    ] = None,
) -> None:
    """Run a historical scenario and compare China's magnet exports with the observed series."""
    if name not in BACKTESTS:
        raise InvalidInput(f"unknown backtest {name!r} (known: {', '.join(BACKTESTS)})")
    spec = BACKTESTS[name]
    calibration = load_calibration()
    path = Path(str(files("lanthanide.data") / "scenarios" / spec.scenario_file))
    scenario = read_scenario(path, calibration.measures)
    err = Console(stderr=True)
    result = run(
        scenario,
        calibration=calibration,
        runs=runs,
        seed=seed,
        chunk_size=1000,
        map_fn=None,
        console=err,
    )
    observed = read_table(spec.observed_table)
    bt = compare(spec, result, observed, calibration.tables["exports_by_destination"])
    receipt = simulation_receipt(
        "backtest", scenario, path.read_bytes(), calibration, runs=runs, seed=seed
    )
    payload = {"receipt": receipt.model_dump(mode="json"), **bt.as_dict()}
    if out is not None:
        with atomic_directory(out) as staging:  # both files or neither
            atomic_write_text(staging / "backtest.json", report.to_json(payload))
            atomic_write_bytes(staging / "backtest.png", report.backtest_chart(bt))
        err.print(f"wrote {out / 'backtest.json'} and {out / 'backtest.png'}")
    if fmt is Format.json:
        typer.echo(report.to_json(payload), nl=False)
    else:
        Console().print(report.backtest_table(bt))
