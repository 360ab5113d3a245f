"""Streaming quantiles: fixed-bin histograms merged across chunks, so memory stays flat in runs.

Bin edges are set once from the first chunk (computed before any other, so they are the same
locally and on any number of workers); counts are integers, so merging is exact and order-free.
Values outside the edges fall in two overflow bins whose extremes are tracked exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
BINS = 1024


@dataclass(frozen=True)
class Edges:
    lo: F64  # [m]
    hi: F64  # [m]


@dataclass
class Histogram:
    """Counts [m, BINS + 2] (under, bins..., over), exact min/max/sum per column."""

    counts: npt.NDArray[np.int64]
    vmin: F64
    vmax: F64
    total: F64
    n: int

    def merge(self, other: Histogram) -> Histogram:
        return Histogram(
            self.counts + other.counts,
            np.minimum(self.vmin, other.vmin),
            np.maximum(self.vmax, other.vmax),
            self.total + other.total,
            self.n + other.n,
        )

    def mean(self) -> F64:
        return self.total / max(self.n, 1)


def edges_from(sample: F64) -> Edges:
    """Edges spanning a pilot sample [runs, m], widened by a quarter of the span each way."""
    lo = sample.min(axis=0)
    hi = sample.max(axis=0)
    span = hi - lo
    pad = np.where(span > 0, 0.25 * span, np.maximum(np.abs(lo) * 1e-6, 1e-9))
    return Edges(lo - pad, hi + pad)


@numba.njit(cache=True)
def _count(values: F64, lo: F64, hi: F64, counts: npt.NDArray[np.int64]) -> None:
    n_runs, n_cols = values.shape
    n_bins = counts.shape[1] - 2
    for s in range(n_runs):
        for m in range(n_cols):
            x = values[s, m]
            if x < lo[m]:
                counts[m, 0] += 1
            elif x >= hi[m]:
                counts[m, n_bins + 1] += 1
            else:
                b = int((x - lo[m]) / (hi[m] - lo[m]) * n_bins)
                counts[m, 1 + min(b, n_bins - 1)] += 1


def histogram(values: F64, edges: Edges) -> Histogram:
    """Histogram of `values` [runs, m] on fixed edges."""
    counts = np.zeros((values.shape[1], BINS + 2), dtype=np.int64)
    _count(np.ascontiguousarray(values), edges.lo, edges.hi, counts)
    return Histogram(
        counts, values.min(axis=0), values.max(axis=0), values.sum(axis=0), values.shape[0]
    )


def quantiles(h: Histogram, edges: Edges, qs: tuple[float, ...]) -> F64:
    """[len(qs), m] quantiles by linear interpolation inside bins, clamped to the exact range."""
    cum = np.cumsum(h.counts, axis=1)
    width = (edges.hi - edges.lo) / BINS
    out = np.empty((len(qs), h.counts.shape[0]))
    rows = np.arange(h.counts.shape[0])
    for i, q in enumerate(qs):
        rank = q * h.n
        b = np.minimum((cum < rank).sum(axis=1), BINS + 1)
        before = np.where(b > 0, cum[rows, np.maximum(b - 1, 0)], 0)
        inside = h.counts[rows, b]
        frac = np.where(inside > 0, (rank - before) / np.maximum(inside, 1), 0.0)
        left = np.where(
            b == 0, h.vmin, np.where(b == BINS + 1, edges.hi, edges.lo + (b - 1) * width)
        )
        right = np.where(b == 0, edges.lo, np.where(b == BINS + 1, h.vmax, left + width))
        left = np.maximum(left, h.vmin)
        right = np.minimum(right, h.vmax)
        out[i] = np.clip(left + frac * (right - left), h.vmin, h.vmax)
    return out
