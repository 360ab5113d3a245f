"""Event-study engine at index scale (1,000 firms x 50 events) against a plain statsmodels loop.

Baseline: what one writes by hand with statsmodels: for every event and firm, slice the windows
with pandas, fit `sm.OLS`, take the ARs from `get_prediction`, and compute CAR and the BMP
statistic. Its cost is one model fit per firm-event, so it is timed on the first
`BASELINE_EVENTS` events for all firms and scaled to all events (per firm-event time x
firm-events); the scaling is printed. The target is `lanthanide.markets.run_study` on all
events: batched closed-form OLS for all firms at once, plus the t, Patell, KP, Corrado, sign and
portfolio tests and the exclusion of other events' windows from each estimation sample, so the
ratio understates its per-test speed.

Both run in this process, interleaved and repeated; the ranges over repeats of wall and CPU
time are printed (the machine is shared, so wall times swing with other users' load).
Target: <= 2 s for run_study and >= 50x the baseline.
Run: .venv/bin/python benchmarks/bench_event_study.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.markets.simulate import events_at, synthetic_panel

from lanthanide.markets import Design, run_study

N_FIRMS = 1000
N_DAYS = 1300
POSITIONS = list(range(300, 1300, 20))  # 50 events, 20 trading days apart
BASELINE_EVENTS = 2
REPEATS = 5


def baseline(panel, firms, positions):  # type: ignore[no-untyped-def]
    """Per event: BMP statistic and the firms' CARs, one statsmodels OLS per firm."""
    returns = panel.values.pct_change().iloc[1:]
    out = []
    for pos in positions:
        t0 = pos - 1
        scars, cars = [], []
        for firm in firms:
            est = returns.iloc[t0 - 250 : t0 - 29]
            model = sm.OLS(est[firm], sm.add_constant(est["MKT"])).fit()
            win = returns.iloc[t0 - 1 : t0 + 2]
            pred = model.get_prediction(sm.add_constant(win["MKT"], has_constant="add"))
            ar = win[firm].to_numpy() - pred.predicted_mean
            cars.append(ar.sum())
            scars.append(
                np.sum(ar / pred.se_obs) / np.sqrt(3 * (model.df_resid / (model.df_resid - 2)))
            )
        s = np.array(scars)
        out.append((s.mean() / (s.std(ddof=1) / np.sqrt(s.size)), np.array(cars)))
    return out


def target(panel, dates, firms):  # type: ignore[no-untyped-def]
    return run_study(
        panel,
        events_at(dates, POSITIONS),
        tickers=firms,
        benchmarks=dict.fromkeys(firms, "MKT"),
        design=Design(window=(-1, 1), estimation=(-250, -30)),
    )


def timed(fn, *args):  # type: ignore[no-untyped-def]
    """Wall and CPU seconds of one call (CPU time is less sensitive to other users' load)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _range(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


def main() -> None:
    panel, dates = synthetic_panel(seed=1, n_firms=N_FIRMS, n_days=N_DAYS)
    firms = [f"F{i:02d}" for i in range(N_FIRMS)]
    scale = len(POSITIONS) / BASELINE_EVENTS
    wall_t, cpu_t, wall_b, cpu_b = [], [], [], []
    for _ in range(REPEATS):  # interleaved, so each pair of runs sees the same machine load
        result, wall, cpu = timed(target, panel, dates, firms)
        wall_t.append(wall)
        cpu_t.append(cpu)
        base, wall, cpu = timed(baseline, panel, firms, POSITIONS[:BASELINE_EVENTS])
        wall_b.append(wall * scale)
        cpu_b.append(cpu * scale)
    tracemalloc.start()
    target(panel, dates, firms)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The first event's estimation window holds no other event, so both compute the same thing.
    first = result.events[0]
    cars = np.array([f.car for f in first.firms])
    bmp_diff = abs(base[0][0] - first.tests["bmp"].stat)
    car_diff = float(np.max(np.abs(base[0][1] - cars)))
    print(f"firms {N_FIRMS} x events {len(POSITIONS)} ({N_DAYS} trading days), {REPEATS} runs each")
    print(f"first event: |BMP diff| {bmp_diff:.1e}, max |CAR diff| {car_diff:.1e} vs statsmodels")
    print(
        f"target run_study (7 tests): wall {_range(wall_t)} s, CPU {_range(cpu_t)} s, "
        f"peak traced {peak / 1e6:.0f} MB"
    )
    print(
        f"baseline statsmodels loop (CAR+BMP only), timed on {BASELINE_EVENTS} events x "
        f"{N_FIRMS} firms and scaled x{scale:.0f} to {len(POSITIONS)} events: "
        f"wall {_range(wall_b, 1)} s, CPU {_range(cpu_b, 1)} s"
    )
    wall_r = [b / t for b, t in zip(wall_b, wall_t, strict=True)]
    cpu_r = [b / t for b, t in zip(cpu_b, cpu_t, strict=True)]
    print(
        f"speed ratio baseline/target per interleaved pair: wall {_range(wall_r, 0)}x, "
        f"CPU {_range(cpu_r, 0)}x"
    )


if __name__ == "__main__":
    main()
