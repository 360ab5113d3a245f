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
    """Low-level code of each node; -1 for nodes on or below a cycle."""
    level = np.full(n, -1, dtype=np.int32)
    indegree = np.bincount(child, minlength=n)
    frontier = np.flatnonzero(indegree == 0)
    alive = np.ones(parent.size, dtype=bool)
    is_front = np.zeros(n, dtype=bool)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        is_front[:] = False
        is_front[frontier] = True
        leaving = alive & is_front[parent]
        alive &= ~leaving
        targets = child[leaving]
        if targets.size == 0:
            break
        indegree -= np.bincount(targets, minlength=n)
        touched = np.unique(targets)
        frontier = touched[indegree[touched] == 0]
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
    # top-down: edges sorted by (parent level asc, child)
    down_parent: I32
    down_child: I32
    down_edge: I64
    down_slices: list[tuple[int, int, I64, I32]]


def _segments(keys: npt.NDArray[np.int32], start: int, stop: int) -> tuple[I64, I32]:
    part = keys[start:stop]
    if part.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    change = np.flatnonzero(part[1:] != part[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    return starts, part[starts]


def plan(n: int, parent: I32, child: I32, level: I32) -> Plan:
    """Sort the edges once; the plan is reused for every value column and pass."""
    plevel = level[parent]
    up = np.lexsort((parent, -plevel)).astype(np.int64)
    down = np.lexsort((child, plevel)).astype(np.int64)
    up_parent, up_child = parent[up], child[up]
    down_parent, down_child = parent[down], child[down]
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
            starts, keys = _segments(down_child, int(start), int(stop))
            down_slices.append((int(start), int(stop), starts, keys))
    return Plan(
        n=n,
        up_parent=up_parent,
        up_child=up_child,
        up_edge=up,
        up_slices=up_slices,
        down_parent=down_parent,
        down_child=down_child,
        down_edge=down,
        down_slices=down_slices,
    )


def edge_weights(p: Plan, quantity: F64, keep: npt.NDArray[np.bool_]) -> tuple[F64, F64]:
    """Per-edge, per-column weights `quantity * keep[parent]`, in bottom-up and top-down order.

    `keep` is (n, k): False where a node stops the roll-up of column k.
    """
    up = quantity[p.up_edge][:, None] * keep[p.up_parent]
    down = quantity[p.down_edge][:, None] * keep[p.down_parent]
    return up, down


def rollup(p: Plan, b: F64, weights: F64) -> F64:
    """Solve X = b + A_keep X bottom-up; `b` is (n, k), `weights` (E, k) from `edge_weights`."""
    x = b.copy()
    child = p.up_child
    for start, stop, starts, parents in p.up_slices:
        contrib = weights[start:stop] * x[child[start:stop]]
        x[parents] += np.add.reduceat(contrib, starts, axis=0)
    return x


def multipliers(p: Plan, seed: F64, weights: F64) -> F64:
    """Top-down: m = seed + A_keepᵀ m, the extended quantity of each node per unit of its root.

    With `seed` one at each root, `m[i] * b[i]` is node i's contribution to its root's roll-up
    total, so the contributions of a product's nodes sum to its rolled-up value.
    """
    m = seed.copy()
    parent = p.down_parent
    for start, stop, starts, children in p.down_slices:
        contrib = weights[start:stop] * m[parent[start:stop]]
        m[children] += np.add.reduceat(contrib, starts, axis=0)
    return m
