"""Vectorized roll-up over a DAG by low-level code (the SAP costing-level idea).

`levels` assigns each node its low-level code: the length of the longest path from a root
(Kahn's algorithm, one numpy round per level). A child's code is always larger than each of its
parents', so rolling up level by level from the deepest parents upward sees every child complete.

Roll-up solves X = b + A_keep X, where A_keep is the quantity matrix with the rows of "stopping"
nodes zeroed: a stopping node counts with its own value and what it contains is not counted
again (a China-origin Dy magnet counts whole; its Dy is not added on top). The solve is one pass
over the edges, grouped by parent level and reduced with `np.add.reduceat`. See
methods.md 2(a) for the measured alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lanthanide.bom.model import F64, I32, I64


def levels(n: int, parent: I32, child: I32) -> I32:
    """Low-level code of each node; -1 for nodes on or below a cycle.

    Kahn's algorithm, one round per level: edges are sorted by parent once, so each round
    gathers exactly the edges leaving the current frontier.
    """
    level = np.full(n, -1, dtype=np.int32)
    indegree = np.bincount(child, minlength=n)
    order = np.argsort(parent, kind="stable")
    sorted_child = child[order]
    bounds = np.searchsorted(parent[order], np.arange(n + 1))
    frontier = np.flatnonzero(indegree == 0)
    reached = np.zeros(n, dtype=bool)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        starts, stops = bounds[frontier], bounds[frontier + 1]
        counts = stops - starts
        total = int(counts.sum())
        if total == 0:
            break
        # indexes of the frontier's out-edges: concatenated ranges [start, stop)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        targets = sorted_child[offsets + np.arange(total)]
        indegree -= np.bincount(targets, minlength=n)
        reached[:] = False
        reached[targets] = True
        frontier = np.flatnonzero(reached & (indegree == 0))
        depth += 1
    return level


@dataclass(frozen=True)
class Plan:
    """Edges pre-sorted for the bottom-up and top-down passes."""

    n: int
    # bottom-up: edges sorted by (parent level desc, parent); per level a slice and segments
    up_parent: I32
    up_child: I32
    up_edge: I64  # original edge index, to reorder quantities and weights
    up_slices: list[tuple[int, int, I64, I32]]  # (start, stop, segment starts, unique parents)
    # top-down: edges grouped by parent level ascending (order within a level is free)
    down_parent: I32
    down_child: I32
    down_edge: I64
    down_slices: list[tuple[int, int]]


def _segments(keys: npt.NDArray[np.int32], start: int, stop: int) -> tuple[I64, I32]:
    part = keys[start:stop]
    if part.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    change = np.flatnonzero(part[1:] != part[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    return starts, part[starts]


def plan(n: int, parent: I32, child: I32, level: I32) -> Plan:
    """Sort the edges once; the plan is reused for every value column and pass.

    Levels are small integers, so the level sorts are stable radix sorts on int16 keys.
    """
    plevel = level[parent].astype(np.int16)
    by_parent = np.argsort(parent, kind="stable")
    up = by_parent[np.argsort(-plevel[by_parent], kind="stable")].astype(np.int64)
    down = np.argsort(plevel, kind="stable").astype(np.int64)
    up_parent, up_child = parent[up], child[up]
    top = int(level.max(initial=0))
    up_levels, down_levels = plevel[up], plevel[down]
    up_slices = []
    for lvl in range(top, -1, -1):
        start, stop = np.searchsorted(-up_levels, [-lvl, -lvl + 1])
        if stop > start:
            starts, keys = _segments(up_parent, int(start), int(stop))
            up_slices.append((int(start), int(stop), starts, keys))
    down_slices = []
    for lvl in range(top + 1):
        start, stop = np.searchsorted(down_levels, [lvl, lvl + 1])
        if stop > start:
            down_slices.append((int(start), int(stop)))
    return Plan(
        n=n,
        up_parent=up_parent,
        up_child=up_child,
        up_edge=up,
        up_slices=up_slices,
        down_parent=parent[down],
        down_child=child[down],
        down_edge=down,
        down_slices=down_slices,
    )


def up_weights(p: Plan, quantity: F64, keep: npt.NDArray[np.bool_]) -> F64:
    """Per-column, per-edge weights `quantity * keep[parent]` in bottom-up order, shape (k, E).

    `keep` is (n, k): False where a node stops the roll-up of column k. Columns are stored
    contiguously so each pass gathers and reduces one flat array at a time.
    """
    out: F64 = keep.T[:, p.up_parent] * quantity[p.up_edge]
    return out


def down_weights(p: Plan, quantity: F64, keep: npt.NDArray[np.bool_]) -> F64:
    """The same weights in top-down order (for `multipliers`), shape (k, E)."""
    out: F64 = keep.T[:, p.down_parent] * quantity[p.down_edge]
    return out


def rollup(p: Plan, b: F64, weights: F64) -> F64:
    """Solve X = b + A_keep X bottom-up; `b` is (n, k), `weights` (k, E) from `up_weights`."""
    xt = np.array(b.T, order="C")
    child = p.up_child
    for column, w in zip(xt, weights, strict=True):
        for start, stop, starts, parents in p.up_slices:
            gathered = np.take(column, child[start:stop])
            gathered *= w[start:stop]
            column[parents] += np.add.reduceat(gathered, starts)
    out: F64 = xt.T
    return out


def multipliers(p: Plan, seed: F64, weights: F64) -> F64:
    """Top-down: m = seed + A_keepᵀ m, the extended quantity of each node per unit of its root.

    With `seed` one at each root, `m[i] * b[i]` is node i's contribution to its root's roll-up
    total, so the contributions of a product's nodes sum to its rolled-up value. A parent's
    multiplier is final once every lower level is done; children are summed with `bincount`.
    `weights` is (k, E) from `down_weights`.
    """
    mt = np.array(seed.T, order="C")
    parent, child = p.down_parent, p.down_child
    for column, w in zip(mt, weights, strict=True):
        for start, stop in p.down_slices:
            contrib = np.take(column, parent[start:stop])
            contrib *= w[start:stop]
            np.add(
                column, np.bincount(child[start:stop], weights=contrib, minlength=p.n), out=column
            )
    out: F64 = mt.T
    return out
