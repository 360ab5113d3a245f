"""Compile the simulator kernel ahead of the first simulation: `python -m lanthanide.cli.warm`.

numba compiles the kernel on its first call and caches the machine code next to the module, so
the first `simulate` or `backtest` of an install waits for the compiler. `make demo` and
`make test` run this once so that wait is not the user's; `simulate` says when it is coming.
"""

from __future__ import annotations

import sys
import time
from importlib.resources import files
from pathlib import Path
from typing import IO

#: the backtest scenario ships with the package, so warming needs no user file
WARM_SCENARIO = "2025-04-no18.toml"
#: runs to simulate: one lane group is enough to compile every code path
WARM_RUNS = 32
#: what the cold compile takes: measured with `python -m lanthanide.cli.warm` on an empty cache,
#: 63 s of CPU and 304 s wall on the 2-core project machine while other jobs ran
#: (README "Start-up and first run")
COLD_COMPILE = "about 1-5 minutes"


def kernel_is_cached() -> bool:
    """Whether numba has a compiled simulator kernel on disk (else the next call compiles)."""
    from lanthanide.shock import kernel  # noqa: PLC0415 - numba is heavy; only when simulating

    cache = kernel.simulate_runs.stats.cache_path
    return cache is not None and any(Path(cache).glob("*simulate_runs-*.nbi"))


def notice_if_cold(stream: IO[str]) -> None:
    """Tell the user the kernel is about to compile, and for how long, if it is not cached."""
    if not kernel_is_cached():
        stream.write(
            f"compiling the simulator kernel (first run of this install only; {COLD_COMPILE}; "
            "`python -m lanthanide.cli.warm` does it ahead)...\n"
        )
        stream.flush()


def warm() -> float:
    """Run the simulator once on the shipped backtest scenario; return the seconds it took."""
    from lanthanide.shock.network import build_network  # noqa: PLC0415
    from lanthanide.shock.simulation import prepare, simulate  # noqa: PLC0415
    from lanthanide.store.scenario_reader import read_scenario  # noqa: PLC0415
    from lanthanide.store.shock_network import load_calibration  # noqa: PLC0415

    start = time.perf_counter()
    calibration = load_calibration()
    path = Path(str(files("lanthanide.data") / "scenarios" / WARM_SCENARIO))
    scenario = read_scenario(path, calibration.measures)
    network = build_network(calibration.tables, scenario.start, scenario.months)
    simulate(prepare(network, scenario, calibration.defaults), WARM_RUNS, seed=0)
    return time.perf_counter() - start


def main() -> None:
    """Warm the cache and say what it cost."""
    was_cached = kernel_is_cached()
    seconds = warm()
    state = "already compiled" if was_cached else "compiled"
    sys.stdout.write(f"simulator kernel {state}: {seconds:.1f} s\n")


if __name__ == "__main__":
    main()
