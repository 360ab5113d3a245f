"""`lanthanide screen` on a synthetic 1,000,000-line multi-level BOM with shared subassemblies.

Measures, in one run:
- end to end: the `lanthanide screen ... --format json --out` command in a subprocess (read CSV,
  validate, roll up, decide, write JSON), wall time and peak RSS; target <= 3 s on 2 cores;
- the stages in process (read, facts, screen, render);
- the roll-up alone against a memory-bandwidth bound (bytes it must stream / measured copy
  bandwidth); target within 5x;
- baselines in the same process on the same graph: a networkx tree walk (DiGraph build plus
  pure-Python roll-up in reverse topological order) and a DuckDB per-level SQL roll-up
  (one GROUP BY per low-level code), both checked equal to the numpy roll-up.

Usage: .venv/bin/python benchmarks/bench_screen.py [--rows 1000000] [--products 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

# products have levels of these relative sizes (0 = top line); leaves hold the materials
SHAPE = (1, 8, 40, 200, 800, 3151)
SHARED = 0.2  # share of nodes below level 1 that get a second parent (a shared subassembly)


def synthetic_bom(rows: int, products: int, seed: int = 42) -> pa.Table:
    """A BOM with `products` products of ~rows/products rows each, 20% shared subassemblies."""
    rng = np.random.default_rng(seed)
    per = int(rows / products / (1 + SHARED * 0.98))
    scale = per / sum(SHAPE)
    sizes = np.maximum(1, np.round(np.array(SHAPE) * scale).astype(np.int64))
    sizes[0] = 1
    nper = int(sizes.sum())
    level_of = np.repeat(np.arange(sizes.size), sizes)
    start = np.concatenate(([0], np.cumsum(sizes)))
    # primary parent: a random node of the level above (same product)
    local_parent = np.full(nper, -1, dtype=np.int64)
    for lvl in range(1, sizes.size):
        lo, hi = start[lvl - 1], start[lvl]
        local_parent[start[lvl] : start[lvl + 1]] = rng.integers(lo, hi, sizes[lvl])
    node = np.arange(products * nper, dtype=np.int64)
    product = node // nper
    local = node % nper
    level = level_of[local]
    parent = np.where(local_parent[local] >= 0, product * nper + local_parent[local], -1)
    # shared uses: extra rows for some nodes with a second parent one level up
    candidates = node[level >= 2]
    extra = candidates[rng.random(candidates.size) < SHARED]
    extra_level = level[extra]
    lo, hi = start[extra_level - 1], start[extra_level]
    extra_parent = (
        product[extra] * nper + lo + (rng.random(extra.size) * (hi - lo)).astype(np.int64)
    )
    keep = extra_parent != parent[extra]
    extra, extra_parent = extra[keep], extra_parent[keep]
    take = min(extra.size, max(0, rows - node.size))
    extra, extra_parent = extra[:take], extra_parent[:take]

    n = node.size
    leaf = level == sizes.size - 1
    draw = rng.random(n)
    item_type = np.full(n, "component", dtype=object)
    item_type[level == 0] = "finished_good"
    item_type[(level >= 1) & (level <= 2)] = "assembly"
    item_type[leaf] = "other"
    item_type[leaf & (draw < 0.05)] = "ree_metal"
    item_type[leaf & (draw >= 0.05) & (draw < 0.10)] = "magnet_ndfeb"
    item_type[leaf & (draw >= 0.10) & (draw < 0.20)] = "chip"
    elements = np.full(n, "", dtype=object)
    elements[item_type == "ree_metal"] = "Dy"
    elements[item_type == "magnet_ndfeb"] = "Nd:0.28;Pr:0.05;Dy:0.03"
    origin = rng.choice(np.array(["DE", "JP", "MX", "VN", "KR"], dtype=object), n)
    cn = rng.random(n) < 0.3
    origin[cn & np.isin(item_type, ["ree_metal", "magnet_ndfeb"])] = "CN"
    eccn = np.full(n, "", dtype=object)
    chips = item_type == "chip"
    origin[chips & (rng.random(n) < 0.5)] = "US"
    eccn[chips] = np.where(rng.random(n)[chips] < 0.02, "3A090.a", "EAR99")
    value = np.round(rng.lognormal(2.0, 1.0, n), 2)
    value[level == 0] = np.round(rng.lognormal(13.0, 0.3, int((level == 0).sum())), 2)
    quantity = rng.integers(1, 5, n).astype(np.float64)

    line = pa.array([f"L{i}" for i in local], type=pa.string())
    pid = pa.array([f"P{i:05d}" for i in product], type=pa.string())
    parent_txt = np.where(parent >= 0, parent % nper, -1)
    parent_line = pa.array(["" if p < 0 else f"L{p}" for p in parent_txt], type=pa.string())
    base = {
        "product_id": pid,
        "line_id": line,
        "parent_line_id": parent_line,
        "description": pa.array(np.where(level == 0, "synthetic product", ""), type=pa.string()),
        "item_type": pa.array(item_type, type=pa.string()),
        "elements": pa.array(elements, type=pa.string()),
        "origin": pa.array(origin, type=pa.string()),
        "quantity": pa.array(np.where(level == 0, "", quantity.astype(np.int64).astype(str))),
        "unit_value_usd": pa.array(value.astype(str)),
        "eccn": pa.array(eccn, type=pa.string()),
        "ship_to": pa.array(np.where(level == 0, "US", ""), type=pa.string()),
    }
    extra_rows = {
        "product_id": pa.array([f"P{i:05d}" for i in product[extra]], type=pa.string()),
        "line_id": pa.array([f"L{i}" for i in local[extra]], type=pa.string()),
        "parent_line_id": pa.array([f"L{p % nper}" for p in extra_parent], type=pa.string()),
        "quantity": pa.array(rng.integers(1, 5, extra.size).astype(str)),
    }
    empty = pa.array([""] * extra.size, type=pa.string())
    merged = {
        name: pa.concat_arrays([column, extra_rows.get(name, empty)])
        for name, column in base.items()
    }
    return pa.table(merged)


def bandwidth_gbs() -> float:
    """Measured copy bandwidth (read + write bytes per second), best of 5."""
    src = np.ones(32_000_000, dtype=np.float64)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2 * src.nbytes / best / 1e9


def best_of(fn, repeat: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def networkx_rollup(n, parent, child, qty, b, keep):  # noqa: PLR0917 (mirrors duckdb_rollup)
    import networkx as nx

    t = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(parent.tolist(), child.tolist(), qty.tolist(), strict=True))
    built = time.perf_counter() - t
    t = time.perf_counter()
    x = b.tolist()
    stops = (~keep).tolist()
    for u in reversed(list(nx.topological_sort(graph))):
        if stops[u]:
            continue
        x[u] += sum(d["weight"] * x[v] for v, d in graph._succ[u].items())
    walked = time.perf_counter() - t
    return np.asarray(x), built, walked


def duckdb_rollup(n, parent, child, qty, b, keep, level):  # noqa: PLR0917 (one array each)
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    edges = pd.DataFrame({"parent": parent, "child": child, "qty": qty})
    nodes = pd.DataFrame({"id": np.arange(n), "lvl": level, "keep": keep, "v": b})
    con.register("e_df", edges)
    con.register("n_df", nodes)
    con.execute("CREATE TABLE edges AS SELECT * FROM e_df")
    con.execute("CREATE TABLE nodes AS SELECT * FROM n_df")
    t = time.perf_counter()
    con.execute("CREATE OR REPLACE TABLE roll AS SELECT id, lvl, v FROM nodes")
    for lvl in range(int(level.max()) - 1, -1, -1):
        con.execute(
            f"""CREATE OR REPLACE TABLE roll AS
            SELECT r.id, r.lvl, r.v + COALESCE(s.c, 0) AS v FROM roll r LEFT JOIN (
              SELECT e.parent, SUM(e.qty * c.v) AS c FROM edges e
              JOIN roll c ON c.id = e.child JOIN nodes pn ON pn.id = e.parent
              WHERE pn.lvl = {lvl} AND pn.keep GROUP BY e.parent) s ON s.parent = r.id"""
        )
    x = con.execute("SELECT v FROM roll ORDER BY id").fetchnumpy()["v"]
    return np.asarray(x), time.perf_counter() - t


def numba_reference(bom, b, keep, x_expected) -> float:  # type: ignore[no-untyped-def]
    """One pass in reverse topological order over CSR (methods.md Appendix A), best of 5."""
    import numba

    @numba.njit(cache=False)
    def kernel(order, indptr, indices, data, b, keep):  # noqa: PLR0917 (CSR arrays)
        x = b.copy()
        for i in order:
            if keep[i]:
                for e in range(indptr[i], indptr[i + 1]):
                    x[i] += data[e] * x[indices[e]]
        return x

    by_parent = np.argsort(bom.parent, kind="stable")
    indptr = np.searchsorted(bom.parent[by_parent], np.arange(bom.n_nodes + 1))
    indices = bom.child[by_parent]
    data = bom.quantity[by_parent]
    order = np.argsort(-bom.level, kind="stable")  # deepest first
    x = kernel(order, indptr, indices, data, b, keep)
    assert np.allclose(x, x_expected)
    return best_of(lambda: kernel(order, indptr, indices, data, b, keep))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--skip-baselines", action="store_true")
    args = parser.parse_args()

    from lanthanide.controls import Defaults, screen
    from lanthanide.controls.facts import CN_CONTENT, compute_facts
    from lanthanide.controls.status import parse_assumptions
    from lanthanide.report.screening import screening_json
    from lanthanide.store.bom_reader import read_bom
    from lanthanide.store.rules import shipped_rules

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        table = synthetic_bom(args.rows, args.products)
        pacsv.write_csv(table, path)
        size_mb = path.stat().st_size / 1e6
        print(
            f"synthetic BOM: {table.num_rows:,} lines, {args.products} products, {size_mb:.0f} MB"
        )

        # end to end, as a user runs it
        exe = Path(sys.executable).with_name("lanthanide")
        out = Path(tmp) / "out.json"
        cmd = [
            str(exe),
            "screen",
            str(path),
            "--as-of",
            "2026-11-28",
            "--format",
            "json",
            "--out",
            str(out),
            "--assume",
            "CN-MOFCOM-2025-61=in_force",
        ]
        walls = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(cmd, check=True)
            walls.append(time.perf_counter() - t)
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"end to end `lanthanide screen --format json`: best {min(walls):.2f} s "
            f"(runs {', '.join(f'{w:.2f}' for w in walls)}), target <= 3 s; "
            f"peak RSS {peak_child:.0f} MB; output {out.stat().st_size / 1e6:.1f} MB"
        )

        # stages in process
        rules = shipped_rules()
        assumed = parse_assumptions(["CN-MOFCOM-2025-61=in_force"], rules)
        t = time.perf_counter()
        bom = read_bom(path)
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        facts = compute_facts(bom, rules.rules["CN-MOFCOM-2025-61"])
        t_facts = time.perf_counter() - t
        t = time.perf_counter()
        result = screen(bom, rules, dt.date(2026, 11, 28), defaults=Defaults(), assumptions=assumed)
        t_screen = time.perf_counter() - t
        t = time.perf_counter()
        screening_json(result)
        t_render = time.perf_counter() - t
        print(
            f"in process: read+validate {t_read:.2f} s; roll-ups {t_facts:.3f} s; "
            f"screen (incl. roll-ups) {t_screen:.2f} s; JSON {t_render:.2f} s"
        )
        print(
            f"graph: {bom.n_nodes:,} items, {bom.parent.size:,} uses, "
            f"{int(bom.level.max()) + 1} levels"
        )

        # roll-up alone vs memory-bandwidth bound
        from lanthanide.bom.rollup import rollup, up_weights

        p = facts.plan
        keep = np.ones((bom.n_nodes, 1), dtype=bool)
        keep[:, 0] = ~facts.cn_part_i
        b = np.where(facts.cn_part_i, bom.unit_value, 0.0)[:, None]
        up = up_weights(p, bom.quantity, keep)
        t_roll = best_of(lambda: rollup(p, b, up))
        e, n, k = bom.parent.size, bom.n_nodes, 1
        # child index (4 B) + weight (8k) + gathered x (8k) + reduced write (8k) per edge,
        # plus x copied and read/written (3 * 8k per node)
        moved = e * (4 + 3 * 8 * k) + n * 3 * 8 * k
        gbs = bandwidth_gbs()
        bound = moved / (gbs * 1e9)
        # if every child gather misses cache it moves a 64-byte line instead of 8 bytes
        bound_miss = (moved + e * (64 - 8)) / (gbs * 1e9)
        print(
            f"roll-up alone (1 column): {t_roll * 1e3:.1f} ms; copy bandwidth {gbs:.1f} GB/s; "
            f"streaming bound {bound * 1e3:.1f} ms for {moved / 1e6:.0f} MB -> ratio "
            f"{t_roll / bound:.1f}x (target <= 5x); cache-line-per-gather bound "
            f"{bound_miss * 1e3:.1f} ms -> ratio {t_roll / bound_miss:.1f}x"
        )
        t_numba = numba_reference(bom, b[:, 0], keep[:, 0], rollup(p, b, up)[:, 0])
        print(
            f"numba single pass (compiled reference, not shipped): {t_numba * 1e3:.1f} ms; "
            f"numpy roll-up / numba = {t_roll / t_numba:.1f}x"
        )
        x = rollup(p, b, up)[:, 0]
        assert np.allclose(x[bom.root], facts.x[bom.root, CN_CONTENT])

        if not args.skip_baselines:
            cols = (bom.parent, bom.child, bom.quantity, b[:, 0], keep[:, 0])
            x_dd, t_dd = duckdb_rollup(n, *cols, bom.level)
            assert np.allclose(x_dd, x, rtol=1e-9, atol=1e-6)
            print(
                f"DuckDB per-level SQL roll-up: {t_dd:.2f} s; ratio {t_dd / t_roll:.0f}x the "
                "numpy roll-up"
            )
            x_nx, built, walked = networkx_rollup(n, *cols)
            assert np.allclose(x_nx, x, rtol=1e-9, atol=1e-6)
            print(
                f"networkx tree walk: build {built:.2f} s + walk {walked:.2f} s; ratio "
                f"{(built + walked) / t_roll:.0f}x the numpy roll-up, "
                f"{(built + walked) / t_facts:.0f}x all four roll-ups with contributions"
            )
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this benchmark process: {peak_self:.0f} MB")


if __name__ == "__main__":
    main()
