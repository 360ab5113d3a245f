"""Seeded simulations: the tests find a planted abnormal return, reject pure noise at about the
nominal rate, and Kolari-Pynnonen corrects BMP when residuals are cross-correlated."""

from __future__ import annotations

import numpy as np
import pytest

from lanthanide.markets import Design, run_study
from lanthanide.markets.significance import TESTS
from tests.markets.simulate import events_at, synthetic_panel

FIRMS = [f"F{i:02d}" for i in range(20)]
BENCH = dict.fromkeys(FIRMS, "MKT")
DESIGN = Design(window=(0, 0), estimation=(-120, -11))
#: event days every 10 trading days after a 130-day burn-in: 156 events per panel
POSITIONS = list(range(130, 1690, 10))
#: nominal size of every test
ALPHA = 0.05
#: with 156 events the rejection share has sd sqrt(.05 * .95 / 156) = 1.7 pp; we accept
#: 0.5%-11% (about 3.5 sd either side, loose enough for a fixed seed, tight enough to catch
#: a statistic that is off by a factor)
LOW, HIGH = 0.005, 0.11


def _rejection_rates(rho: float, seed: int) -> dict[str, float]:
    panel, dates = synthetic_panel(seed=seed, n_days=1700, rho=rho)
    result = run_study(
        panel, events_at(dates, POSITIONS), tickers=FIRMS, benchmarks=BENCH, design=DESIGN
    )
    assert len(result.events) == len(POSITIONS)
    rates = {}
    for name in TESTS:
        p = np.array([e.tests[name].p for e in result.events], dtype=float)
        rates[name] = float(np.mean(p < ALPHA))
    return rates


def test_every_test_rejects_pure_noise_at_about_the_nominal_rate() -> None:
    rates = _rejection_rates(rho=0.0, seed=11)
    assert all(LOW <= r <= HIGH for r in rates.values()), rates


def test_planted_abnormal_return_is_detected_by_every_test() -> None:
    # +3% on day 0 for all 20 firms (1.5 residual sd): every test should reject at 5% for
    # nearly every event.
    panel, dates = synthetic_panel(
        seed=12, n_days=700, planted=dict.fromkeys(range(130, 690, 10), 0.03)
    )
    result = run_study(
        panel,
        events_at(dates, list(range(130, 690, 10))),
        tickers=FIRMS,
        benchmarks=BENCH,
        design=DESIGN,
    )
    for name in TESTS:
        p = np.array([e.tests[name].p for e in result.events], dtype=float)
        assert np.mean(p < ALPHA) >= 0.95, name
    caar = np.array([e.caar for e in result.events], dtype=float)
    assert caar.mean() == pytest.approx(0.03, abs=0.003)


def test_kolari_pynnonen_restores_size_when_residuals_are_cross_correlated() -> None:
    # rho = 0.3: the variance of the mean SCAR is (1 + 19 * 0.3) = 6.7 times what BMP assumes,
    # so BMP over-rejects badly; KP divides it back out (Kolari & Pynnonen 2010).
    rates = _rejection_rates(rho=0.3, seed=13)
    assert rates["bmp"] > 0.25
    assert LOW <= rates["kp"] <= HIGH
    assert rates["kp"] < rates["bmp"]
    # The tests that take their variance from the cross-sectional average keep their size too;
    # the ones that assume independence (t, Patell, sign) over-reject like BMP.
    assert LOW <= rates["portfolio"] <= HIGH
    assert LOW <= rates["corrado"] <= HIGH
    assert min(rates["t"], rates["patell"], rates["sign"]) > 0.25


def test_kp_statistic_is_smaller_than_bmp_on_each_correlated_event() -> None:
    panel, dates = synthetic_panel(seed=14, n_days=400, rho=0.3)
    result = run_study(
        panel, events_at(dates, [200, 300]), tickers=FIRMS, benchmarks=BENCH, design=DESIGN
    )
    for event in result.events:
        bmp, kp = event.tests["bmp"].stat, event.tests["kp"].stat
        assert bmp is not None and kp is not None
        assert abs(kp) < abs(bmp)
        assert event.mean_residual_correlation == pytest.approx(0.3, abs=0.1)
