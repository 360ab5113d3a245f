"""Test statistics against hand-computed values from the formulas in methods note 1(g)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lanthanide.markets import significance as sig


def test_cross_sectional_t_is_caar_over_standard_error() -> None:
    cars = np.array([0.05, 0.02, 0.04, -0.01])
    result = sig.cross_sectional_t(cars)
    expected = cars.mean() / (cars.std(ddof=1) / 2)
    assert result.stat == pytest.approx(expected)
    assert result.p == pytest.approx(2 * stats.t.sf(abs(expected), 3))


def test_patell_z_divides_sum_of_csar_by_root_of_summed_variances() -> None:
    csar = np.array([2.0, 1.0, 3.0])
    ratios = np.array([198 / 196] * 3)
    z = sig.patell(csar, 3, ratios)
    assert z.stat == pytest.approx(6.0 / math.sqrt(3 * 3 * 198 / 196))


def test_kolari_pynnonen_shrinks_bmp_by_the_correlation_factor() -> None:
    scars = np.array([1.0, 2.0, 1.5, 0.5, 2.5])
    bmp = sig.bmp(scars)
    kp = sig.kolari_pynnonen(scars, 0.2)
    assert bmp.stat is not None and kp.stat is not None
    assert kp.stat == pytest.approx(bmp.stat * math.sqrt(0.8 / (1 + 4 * 0.2)))
    assert kp.p is not None and bmp.p is not None and kp.p > bmp.p


def test_kolari_pynnonen_equals_bmp_without_correlation() -> None:
    scars = np.array([1.0, 2.0, 1.5])
    assert sig.kolari_pynnonen(scars, 0.0).stat == pytest.approx(sig.bmp(scars).stat)


def test_generalized_sign_compares_positive_count_with_estimation_share() -> None:
    cars = np.array([0.1, 0.2, -0.1, 0.3])
    z = sig.generalized_sign(cars, 0.5)
    assert z.stat == pytest.approx((3 - 2) / math.sqrt(4 * 0.25))


def test_corrado_ranks_event_day_within_each_firm_series() -> None:
    # Two firms, 9 estimation days + event day 0 where both have their largest AR.
    days = list(range(-9, 1))
    a = pd.Series([0.0, 0.1, -0.1, 0.2, -0.2, 0.05, -0.05, 0.15, -0.15, 0.9], index=days)
    b = a * 2
    result = sig.corrado(np.column_stack([a.to_numpy(), b.to_numpy()]), slice(9, 10))
    u = a.rank() / 11 - 0.5
    expected = u.loc[0] / math.sqrt((u**2).mean())
    assert result.stat == pytest.approx(expected)


def test_statistics_are_undefined_for_a_single_firm() -> None:
    one = np.array([0.1])
    assert sig.cross_sectional_t(one).stat is None
    assert sig.bmp(one).p is None


def test_mean_pairwise_correlation_skips_the_diagonal() -> None:
    rng = np.random.default_rng(0)
    common = rng.normal(size=500)
    frame = pd.DataFrame({k: common + rng.normal(size=500) for k in "ABC"})
    assert sig.mean_pairwise_correlation(frame.to_numpy()) == pytest.approx(0.5, abs=0.08)


def test_mean_pairwise_correlation_equals_pandas_pairwise_on_ragged_columns() -> None:
    rng = np.random.default_rng(1)
    common = rng.normal(size=300)
    values = np.column_stack([common + rng.normal(size=300) for _ in range(6)])
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:290, 5] = np.nan  # one firm with too few common dates to count
    corr = pd.DataFrame(values).corr(min_periods=20).to_numpy()
    off = corr[~np.eye(6, dtype=bool)]
    expected = off[np.isfinite(off)].mean()
    assert sig.mean_pairwise_correlation(values) == pytest.approx(expected, rel=1e-12)


def test_average_ranks_equal_pandas_with_ties_and_gaps() -> None:
    rng = np.random.default_rng(2)
    values = rng.integers(0, 6, (40, 5)).astype(float)  # many ties
    values[rng.random(values.shape) < 0.25] = np.nan
    expected = pd.DataFrame(values).rank(method="average").to_numpy()
    np.testing.assert_array_equal(sig.average_ranks(values), expected)


def test_average_ranks_equal_pandas_on_distinct_floats_signed_zeros_and_infinities() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(0, 0.02, (60, 7))
    values[rng.random(values.shape) < 0.2] = np.nan
    values[0, :3] = [np.inf, -np.inf, -0.0]
    values[1, 2] = 0.0  # -0.0 and 0.0 tie
    values[2, 4] = -np.nan  # a NaN with its sign bit set still sorts as missing
    expected = pd.DataFrame(values).rank(method="average").to_numpy()
    np.testing.assert_array_equal(sig.average_ranks(values), expected)
    distinct = rng.normal(size=(60, 7))  # no ties: the packed-key path
    np.testing.assert_array_equal(
        sig.average_ranks(distinct), pd.DataFrame(distinct).rank(method="average").to_numpy()
    )
