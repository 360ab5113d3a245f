"""Benchmark: 10,000 runs x 120 months on the full network, against a per-run Python loop.

Run: .venv/bin/python benchmarks/bench_simulate.py [--runs 10000] [--baseline-runs 8]

Prints wall time of the chunked, compiled Monte Carlo (after warm-up), the per-run cost of the
same equations run as plain Python (the kernel and its phase helpers with `NUMBA_DISABLE_JIT=1`,
in a child process, since the switch is read when numba is imported), their ratio,
and the memory peaks for N/5 and 2N runs (memory must stay flat as runs grow 10x), twice:
tracemalloc in this process (NumPy buffers), and the peak resident set of a fresh child process
per size (VmHWM, reset after warm-up), which also counts what tracemalloc cannot see, such as the
compiled kernel's own allocations. The kernel walks `LANES` runs side by side, so the Python
baseline is called with `LANES` distinct runs at a time and its time divided by the runs it
computed (one run per call would spend most of its time on padding lanes).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from lanthanide.shock import kernel
from lanthanide.shock import simulation as sim
from lanthanide.shock.network import build_network
from lanthanide.store.scenario_reader import read_scenario
from lanthanide.store.shock_network import load_calibration

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "scenarios" / "full-embargo-us-2027.toml"


def model_for(months: int) -> sim.Model:
    cal = load_calibration()
    scenario = dataclasses.replace(read_scenario(SCENARIO, cal.measures), months=months)
    return sim.prepare(build_network(cal.tables, scenario.start, months), scenario, cal.defaults)


def python_loop_seconds_per_run(months: int, n: int) -> float:
    """Seconds per run of the kernel as plain Python, measured in a child with the JIT off."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run(
        [sys.executable, __file__, "--months", str(months), "--python-child", str(n)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[-1])


def python_child(months: int, n: int) -> None:
    """Print seconds per run of the uncompiled kernel (whole lane groups, so no lane is padding)."""
    model = model_for(months)
    lanes = kernel.LANES
    n = max(lanes, -(-n // lanes) * lanes)
    draws = sim.sample(model, np.random.default_rng(0), n)
    start = time.perf_counter()
    for s in range(0, n, lanes):
        group = sim.Draws(*(a[s : s + lanes] for a in draws))
        sim.run_draws(model, group)
    print((time.perf_counter() - start) / n)


def peak_bytes(model: sim.Model, runs: int) -> int:
    tracemalloc.start()
    sim.simulate(model, runs, seed=1, chunk_size=1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def child_peak_rss(runs: int, months: int) -> tuple[int, int]:
    """(RSS before, peak RSS during) simulating `runs` runs in a fresh process, in bytes."""
    out = subprocess.run(
        [sys.executable, __file__, "--months", str(months), "--rss-child", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def rss_child(runs: int, months: int) -> None:
    """Print RSS before and peak RSS during one simulation (Linux /proc; high-water mark reset)."""
    model = model_for(months)
    sim.simulate(model, 200, seed=0, chunk_size=100)  # load the cached kernel, as in main()
    gc.collect()
    before = _status_kib("VmRSS")
    # Reset VmHWM so the peak is this simulation's, not the dataset load's (Linux >= 4.0).
    Path("/proc/self/clear_refs").write_text("5")
    sim.simulate(model, runs, seed=1, chunk_size=1000)
    print(before * 1024, _status_kib("VmHWM") * 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--baseline-runs", type=int, default=8)
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--python-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.python_child is not None:
        python_child(args.months, args.python_child)
        return
    if args.rss_child is not None:
        rss_child(args.rss_child, args.months)
        return
    model = model_for(args.months)
    n_nodes = model.network.cap_base.shape[0] * model.network.cap_base.shape[1]
    print(f"network: {n_nodes} (layer, region) nodes + {model.network.demand.size} demand nodes")
    sim.simulate(model, 200, seed=0, chunk_size=100)  # warm-up: compile/load cached kernels
    times = []
    for rep in range(3):
        start = time.perf_counter()
        sim.simulate(model, args.runs, seed=rep, chunk_size=1000)
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"compiled: {args.runs} runs x {args.months} months: best {best:.2f} s of {times}")
    per_run = python_loop_seconds_per_run(args.months, args.baseline_runs)
    loop = per_run * args.runs
    print(f"python loop: {per_run:.2f} s/run -> {loop:.0f} s for {args.runs} runs (extrapolated)")
    print(f"speed-up: {loop / best:.0f}x")
    small = peak_bytes(model, args.runs // 5)
    large = peak_bytes(model, args.runs * 2)
    print(
        f"peak traced memory: {args.runs // 5} runs {small / 2**20:.1f} MiB, "
        f"{args.runs * 2} runs {large / 2**20:.1f} MiB (ratio {large / small:.2f} for 10x runs)"
    )
    (base_s, small_rss), (base_l, large_rss) = (
        child_peak_rss(n, args.months) for n in (args.runs // 5, args.runs * 2)
    )
    print(
        f"peak RSS while simulating, fresh process: {args.runs // 5} runs "
        f"{small_rss / 2**20:.0f} MiB (+{(small_rss - base_s) / 2**20:.0f} over the warmed-up "
        f"process), {args.runs * 2} runs {large_rss / 2**20:.0f} MiB "
        f"(+{(large_rss - base_l) / 2**20:.0f}); ratio {large_rss / small_rss:.2f} for 10x runs"
    )


if __name__ == "__main__":
    main()
