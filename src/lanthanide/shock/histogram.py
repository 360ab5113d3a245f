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
BINS = 512


@dataclass(frozen=True)
class Edges:
    lo: F64  # [m]
    hi: F64  # [m]


@dataclass
class Histogram:
    """Counts [m, BINS + 2] (under, bins..., over), exact min/max/sum per column."""

    counts: npt.NDArray[np.int32]
    vmin: F64
    vmax: F64
    total: F64
    n: int

    def merge(self, other: Histogram) -> Histogram:
        """Add `other` into this histogram in place (no new arrays, so memory stays flat)."""
        self.counts += other.counts
        np.minimum(self.vmin, other.vmin, out=self.vmin)
        np.maximum(self.vmax, other.vmax, out=self.vmax)
        self.total += other.total
        self.n += other.n
        return self

    def mean(self) -> F64:
        return self.total / max(self.n, 1)


def edges_from(sample: F64, cols: npt.NDArray[np.int64] | None = None) -> Edges:
    """Edges spanning a pilot sample, widened by a quarter of the span each way.

    `sample` is [runs, m], or [runs, months, series] with `cols` picking the series: column
    month * len(cols) + i, as in `histogram` (no copy of the sample into that order).
    """
    if cols is None:
        lo = sample.min(axis=0)
        hi = sample.max(axis=0)
    else:
        lo = sample.min(axis=0)[:, cols].reshape(-1)
        hi = sample.max(axis=0)[:, cols].reshape(-1)
    span = hi - lo
    pad = np.where(span > 0, 0.25 * span, np.maximum(np.abs(lo) * 1e-6, 1e-9))
    return Edges(lo - pad, hi + pad)


@numba.njit(parallel=True, cache=True)
def _count(  # noqa: PLR0917 - numba kernels take their arrays positionally
    values: F64,
    cols: npt.NDArray[np.int64],
    lo: F64,
    hi: F64,
    counts: npt.NDArray[np.int32],
    stats: F64,
) -> None:
    """values [runs, months, kernel series]; column m = month * len(cols) + series index."""
    n_runs, n_t, _ = values.shape
    n_c = cols.shape[0]
    n_bins = counts.shape[1] - 2
    for m in numba.prange(n_t * n_c):
        t = m // n_c
        c = cols[m % n_c]
        scale = n_bins / (hi[m] - lo[m])
        vmin = np.inf
        vmax = -np.inf
        total = 0.0
        for s in range(n_runs):
            x = values[s, t, c]
            vmin = min(vmin, x)
            vmax = max(vmax, x)
            total += x
            if x < lo[m]:
                counts[m, 0] += 1
            elif x >= hi[m]:
                counts[m, n_bins + 1] += 1
            else:
                counts[m, 1 + min(int((x - lo[m]) * scale), n_bins - 1)] += 1
        stats[m, 0] = vmin
        stats[m, 1] = vmax
        stats[m, 2] = total


def histogram(values: F64, edges: Edges, cols: npt.NDArray[np.int64] | None = None) -> Histogram:
    """Histogram of `values` [runs, months, series] (or [runs, m]) on fixed edges."""
    if values.ndim == 2:
        values = values[:, None, :]
    if cols is None:
        cols = np.arange(values.shape[2], dtype=np.int64)
    n_m = values.shape[1] * cols.shape[0]
    counts = np.zeros((n_m, BINS + 2), dtype=np.int32)
    stats = np.zeros((n_m, 3))
    _count(values, cols, edges.lo, edges.hi, counts, stats)
    return Histogram(counts, stats[:, 0], stats[:, 1], stats[:, 2], values.shape[0])


def quantiles(h: Histogram, edges: Edges, qs: tuple[float, ...]) -> F64:
    """[len(qs), m] quantiles by linear interpolation inside bins, clamped to the exact range."""
    cum = np.cumsum(h.counts, axis=1, dtype=np.int64)
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
