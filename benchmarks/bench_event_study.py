"""Event-study engine against a plain statsmodels loop on the same synthetic panel.

Baseline: what one writes by hand with statsmodels: for every event and firm, slice the windows
with pandas, fit `sm.OLS`, take the ARs, and compute CAR and the BMP statistic. The target is
`lanthanide.markets.run_study`, which also runs the t, Patell, KP, Corrado, sign and portfolio
tests and drops other events' windows from each estimation sample, so the ratio understates its
per-test speed.
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

N_FIRMS = 20
POSITIONS = list(range(300, 1690, 20))


def baseline(panel, dates, firms):  # type: ignore[no-untyped-def]
    returns = panel.values.pct_change().iloc[1:]
    out = []
    for pos in POSITIONS:
        t0 = pos - 1
        scars = []
        for firm in firms:
            est = returns.iloc[t0 - 250 : t0 - 29]
            model = sm.OLS(est[firm], sm.add_constant(est["MKT"])).fit()
            win = returns.iloc[t0 - 1 : t0 + 2]
            pred = model.get_prediction(sm.add_constant(win["MKT"], has_constant="add"))
            ar = win[firm].to_numpy() - pred.predicted_mean
            scars.append(
                np.sum(ar / pred.se_obs) / np.sqrt(3 * (model.df_resid / (model.df_resid - 2)))
            )
        s = np.array(scars)
        out.append(s.mean() / (s.std(ddof=1) / np.sqrt(s.size)))
    return out


def target(panel, dates, firms):  # type: ignore[no-untyped-def]
    return run_study(
        panel,
        events_at(dates, POSITIONS),
        tickers=firms,
        benchmarks=dict.fromkeys(firms, "MKT"),
        design=Design(window=(-1, 1), estimation=(-250, -30)),
    )


def measure(fn, *args):  # type: ignore[no-untyped-def]
    """Best of three wall times, then peak traced memory in a separate run (tracemalloc slows)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, min(times), peak


def main() -> None:
    panel, dates = synthetic_panel(seed=1, n_firms=N_FIRMS, n_days=1700)
    firms = [f"F{i:02d}" for i in range(N_FIRMS)]
    base, t_base, m_base = measure(baseline, panel, dates, firms)
    result, t_target, m_target = measure(target, panel, dates, firms)
    # Same BMP where no other event overlaps the estimation window (events 20 days apart do
    # overlap, so compare only the first event, whose estimation window is clean).
    first = result.events[0].tests["bmp"].stat
    print(f"events {len(POSITIONS)} x firms {N_FIRMS}")
    print(f"BMP first event: baseline {base[0]:.6f}  target {first:.6f}")
    print(f"baseline (statsmodels loop, CAR+BMP only): {t_base:.3f} s, peak {m_base / 1e6:.1f} MB")
    print(
        f"target (run_study, 7 tests):               {t_target:.3f} s, peak {m_target / 1e6:.1f} MB"
    )
    print(f"speed ratio baseline/target: {t_base / t_target:.2f}x")


if __name__ == "__main__":
    main()
