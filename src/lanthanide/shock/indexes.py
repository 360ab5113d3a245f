"""Sparse index lists the kernel loops over, built once per model in `simulation.prepare`."""

from __future__ import annotations

import numpy as np

from lanthanide.shock.state import F64, I64, NEVER, Index


def _csr(rows: list[list[int]]) -> tuple[I64, I64]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    flat = [i for r in rows for i in r]
    return ptr, np.array(flat if flat else [0], dtype=np.int64)


def build_index(  # noqa: PLR0917 - mirrors the arrays it indexes
    sourcing: F64,
    demand: F64,
    act_ptr: I64,
    act_idx: I64,
    res_exporter: I64,
    res_start: F64,
    res_dest: I64,
    in_layer: I64,
    priority: I64,
) -> Index:
    """CSR lists of the network's nonzero edges and nodes (orders elsewhere are always zero)."""
    n_l, n_r = sourcing.shape[0], sourcing.shape[1]
    n_g = demand.shape[2]
    active = [[int(r) for r in act_idx[act_ptr[li] : act_ptr[li + 1]]] for li in range(n_l)]
    # suppliers a buyer sources from (active, share > 0), and the transpose
    src = [
        [r for r in active[li] if sourcing[li, d, r] != 0.0]
        for li in range(n_l)
        for d in range(n_r)
    ]
    buy = [
        [d for d in range(n_r) if sourcing[li, d, r] != 0.0]
        for li in range(n_l)
        for r in range(n_r)
    ]
    # demand nodes (magnet, region) with any sector demand: the others never order or consume
    dmd = [[d for d in range(n_r) if np.any(demand[:, d, g] != 0.0)] for g in range(n_g)]
    dst = [
        [d for d in range(n_r) if res_dest[n, d] == 1 and d != res_exporter[n]]
        for n in range(res_exporter.shape[0])
    ]
    use = [[j for j in range(in_layer.shape[0]) if in_layer[j] == li] for li in range(n_l)]
    return Index(
        *_csr(src),
        *_csr(buy),
        *_csr(dmd),
        *_csr(dst),
        *_csr(use),
        int(priority.max(initial=0)),
        float(res_start.min(initial=NEVER)),
    )
