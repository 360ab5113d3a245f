from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lanthanide.shock import simulation as sim
from lanthanide.shock.backtest import BACKTESTS, compare
from lanthanide.shock.histogram import edges_from, histogram, quantiles
from lanthanide.shock.network import build_network
from lanthanide.store.scenario_reader import read_scenario
from lanthanide.store.shock_network import Calibration
from tests.shock.conftest import ModelFactory, embargo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def reversed_map(fn: Callable[..., Any], *columns: list[Any]) -> Iterable[Any]:
    """Run chunks in reverse order, then hand results back in submission order."""
    jobs = list(zip(*columns, strict=True))
    done = {i: fn(*jobs[i]) for i in reversed(range(len(jobs)))}
    return [done[i] for i in range(len(jobs))]


def test_results_do_not_depend_on_where_or_in_which_order_chunks_run(
    make_model: ModelFactory,
) -> None:
    model = make_model(embargo(0.4, 1.0))
    local = sim.simulate(model, 250, seed=3, chunk_size=50)
    shuffled = sim.simulate(model, 250, seed=3, chunk_size=50, map_fn=reversed_map)
    assert local.series == shuffled.series and local.summary == shuffled.summary


def test_a_run_gives_the_same_bits_in_any_lane_of_any_group(calibration: Calibration) -> None:
    # the kernel computes runs in lane groups; a run's result must not depend on its lane or on its
    # neighbours. The compiler vectorises lane loops and must round every lane alike: with
    # reassociation and FMA contraction both on, lanes in vector and in scalar remainder loops
    # rounded differently, and this check failed in most permutations (whether it does in a given
    # process depends on array alignment, hence several permutations and two sizes).
    scenario = read_scenario(EXAMPLES / "2025-04-no18.toml", calibration.measures)
    scenario = dataclasses.replace(scenario, months=12)
    network = build_network(calibration.tables, scenario.start, 12)
    model = sim.prepare(network, scenario, calibration.defaults)
    fields = sim.Draws._fields
    for runs in (64, 100):
        draws = sim.sample(model, np.random.default_rng(5), runs)
        base = sim.run_draws(model, draws)
        for seed in range(6):
            order = np.random.default_rng(seed).permutation(runs)
            moved = sim.Draws(*(np.ascontiguousarray(getattr(draws, f)[order]) for f in fields))
            permuted = sim.run_draws(model, moved)
            assert np.array_equal(base.series[order], permuted.series), (runs, seed)
            assert np.array_equal(base.scalars[order], permuted.scalars), (runs, seed)


def test_streaming_quantiles_match_exact_quantiles_within_a_bin(
    make_model: ModelFactory,
) -> None:
    model = make_model(embargo(0.3, 1.0), months=12)
    raw = sim.run_raw(model, 400, np.random.SeedSequence(5))
    values = sim.flatten(raw)
    edges = edges_from(values[:100])
    merged = histogram(values[:100], edges).merge(histogram(values[100:], edges))
    approx = quantiles(merged, edges, (0.1, 0.5, 0.9))
    exact = np.quantile(values, (0.1, 0.5, 0.9), axis=0, method="inverted_cdf")
    width = (edges.hi - edges.lo) / 1024
    spread = values.max(axis=0) - values.min(axis=0)
    tolerance = np.maximum(3 * width, 0.02 * spread) + 1e-9
    assert np.all(np.abs(approx - exact) <= tolerance)


def test_runs_are_split_into_chunks_of_at_most_chunk_size(make_model: ModelFactory) -> None:
    # bounded chunks are what keeps memory flat; the benchmark measures the memory itself
    model = make_model(months=12)
    tasks = sim.plan_chunks(10_000, 1, 1000)
    assert len(tasks) == 10 and {t.runs for t in tasks} == {1000}
    assert sim.plan_chunks(1001, 1, 1000)[-1].runs == 1
    result = sim.simulate(model, 30, seed=1, chunk_size=7)
    assert result.summary["runs"] == 30


def test_json_contract_names_the_documented_series(make_model: ModelFactory) -> None:
    result = sim.simulate(make_model(embargo(0.5, 1.0), months=6), 20, seed=1, chunk_size=10)
    assert len(result.months) == 6 and result.months[0] == "2026-01"
    names = set(result.series)
    assert {"cn_magnet_exports_t", "cn_magnet_exports_t/US", "cn_magnet_exports_t/EU"} <= names
    assert {"shortfall_t/JP", "shortfall_t/defence", "inventory_t/KR", "loss_musd"} <= names
    assert "price_usd_per_kg/hreo/XC" in names and "cn_magnet_exports_t/CN" not in names
    for q in result.series.values():
        assert all(
            lo <= mid <= hi for lo, mid, hi in zip(q["p10"], q["p50"], q["p90"], strict=True)
        )


def test_backtest_uses_single_months_and_skips_gaps_and_combined_rows(
    make_model: ModelFactory,
) -> None:
    result = sim.simulate(make_model(months=12, start="2025-01"), 10, seed=1, chunk_size=10)
    observed = pd.DataFrame(
        {
            "period_start": ["2025-02", "2025-04", "2025-05"],
            "period_end": ["2025-03", "2025-04", "2025-05"],
            "tonnes": [8900.0, 2630.0, 1238.0],
            "source_url": ["a", "b", "c"],
        }
    )
    bt = compare(BACKTESTS["2025-04"], result, observed)
    assert [r.month for r in bt.rows][:3] == ["2025-04", "2025-05", "2025-06"]
    assert [r.month for r in bt.used] == ["2025-04", "2025-05"]
    p50 = {r.month: r.p50 for r in bt.rows}
    expected = (abs(p50["2025-04"] - 2630) / 2630 + abs(p50["2025-05"] - 1238) / 1238) / 2
    assert abs(bt.mape - expected) < 1e-12


def test_backtest_scores_each_destination_and_its_out_of_sample_months(
    make_model: ModelFactory,
) -> None:
    result = sim.simulate(make_model(months=12, start="2025-01"), 10, seed=1, chunk_size=10)
    total = pd.DataFrame(
        {
            "period_start": ["2025-04", "2025-05"],
            "period_end": ["2025-04", "2025-05"],
            "tonnes": [2630.0, 1238.0],
            "source_url": ["a", "b"],
        }
    )
    us = pd.DataFrame(
        {
            "destination": ["US", "US", "US"],
            "month": ["2025-05", "2025-06", "2025-07"],
            "tonnes": [46.4, 353.0, 619.0],
            "source_url": ["c", "d", "e"],
        }
    )
    spec = dataclasses.replace(BACKTESTS["2025-04"], in_sample=("2025-05",))
    bt = compare(spec, result, total, us)
    assert [s.name for s in bt.series] == ["total", "US"]
    us_bt = bt.series[1]
    assert [r.month for r in us_bt.used] == ["2025-05", "2025-06", "2025-07"]
    assert [r.month for r in us_bt.out_of_sample] == ["2025-06", "2025-07"]
    p50 = {r.month: r.p50 for r in us_bt.rows}
    expected = (abs(p50["2025-06"] - 353) / 353 + abs(p50["2025-07"] - 619) / 619) / 2
    assert abs(us_bt.mape_out_of_sample - expected) < 1e-12
    inside = sum(r.p10 <= (r.observed or -1) <= r.p90 for r in bt.total.used + us_bt.used)
    assert bt.coverage == inside / 5
