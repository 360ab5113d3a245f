"""Property tests: the vectorized roll-up equals a brute-force walk over every path."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lanthanide.bom.rollup import down_weights, levels, multipliers, plan, rollup, up_weights


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random DAG with one root (node 0), shared children, values and stopping nodes."""
    n = draw(st.integers(1, 14))
    parents: list[int] = []
    children: list[int] = []
    for child in range(1, n):
        first = draw(st.integers(0, child - 1))
        chosen = {first} | set(draw(st.lists(st.integers(0, child - 1), max_size=2)))
        for parent in sorted(chosen):
            parents.append(parent)
            children.append(child)
    qty = draw(st.lists(st.integers(0, 4), min_size=len(parents), max_size=len(parents)))
    b = draw(st.lists(st.floats(0, 100), min_size=n, max_size=n))
    stop = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return (
        n,
        np.array(parents, dtype=np.int32),
        np.array(children, dtype=np.int32),
        np.array(qty, dtype=np.float64),
        np.array(b, dtype=np.float64),
        np.array(stop, dtype=bool),
    )


def brute_force(node: int, parent, child, qty, b, stop) -> float:  # type: ignore[no-untyped-def]  # noqa: PLR0917 (the graph arrays, spelled out)
    """Value of a node: own value plus, unless it stops, each use of each child, path by path."""
    total = float(b[node])
    if stop[node]:
        return total
    for e in np.flatnonzero(parent == node):
        total += qty[e] * brute_force(int(child[e]), parent, child, qty, b, stop)
    return total


@settings(max_examples=80, deadline=None)
@given(dags())
def test_rollup_equals_brute_force_tree_walk(dag) -> None:  # type: ignore[no-untyped-def]
    n, parent, child, qty, b, stop = dag
    level = levels(n, parent, child)
    assert (level >= 0).all()
    p = plan(n, parent, child, level)
    keep = ~stop[:, None]
    x = rollup(p, b[:, None], up_weights(p, qty, keep))[:, 0]
    expected = [brute_force(i, parent, child, qty, b, stop) for i in range(n)]
    assert np.allclose(x, expected, rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_contributions_add_up_to_the_rolled_up_total(dag) -> None:  # type: ignore[no-untyped-def]
    n, parent, child, qty, b, stop = dag
    p = plan(n, parent, child, levels(n, parent, child))
    keep = ~stop[:, None]
    x = rollup(p, b[:, None], up_weights(p, qty, keep))
    seed = np.zeros((n, 1))
    seed[0] = 1.0
    m = multipliers(p, seed, down_weights(p, qty, keep))
    assert np.isclose((m[:, 0] * b).sum(), x[0, 0], rtol=1e-9, atol=1e-9)


def test_levels_mark_cycles() -> None:
    parent = np.array([0, 1, 2], dtype=np.int32)
    child = np.array([1, 2, 1], dtype=np.int32)
    assert levels(3, parent, child).tolist() == [0, -1, -1]


def test_level_is_the_longest_path_from_the_root() -> None:
    parent = np.array([0, 0, 1], dtype=np.int32)
    child = np.array([1, 2, 2], dtype=np.int32)
    assert levels(3, parent, child).tolist() == [0, 1, 2]
