"""The numbers a screening needs, computed once for all products with array operations.

Five columns are rolled up the BOM, each with its own stopping rule (a counted line counts whole
and what it contains is not counted again):

0. China-origin controlled rare-earth content (Ann. 61 Annex 1 Part I items of China origin);
1. US-origin controlled content (US-origin lines with an ECCN other than EAR99);
2. what could be US-origin controlled content: column 1 plus US-origin lines with no ECCN and
   lines of unknown origin whose ECCN is not EAR99 (to tell when a missing fact could decide);
3. a count of rare-earth material lines below each item (DFARS upstream provenance);
4. what could be China-origin Part I content: column 0 plus Part I lines of unknown origin.

An unknown fact is an answer: where column 0 and column 4 fall on different sides of a threshold,
the test is `unknown` and names the lines whose origin is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from lanthanide.bom.model import (
    COUNTRY_CODE,
    F64,
    I16,
    I64,
    NONE,
    Bom,
    element_mask,
    type_mask,
)
from lanthanide.bom.rollup import Plan, down_weights, multipliers, plan, rollup, up_weights
from lanthanide.controls.exact import (
    BAND,
    Comparison,
    Number,
    exact,
    float_meets,
    near,
    share_meets,
)
from lanthanide.controls.rule import Rule

CN, US = COUNTRY_CODE["CN"], COUNTRY_CODE["US"]
CN_CONTENT, US_CONTENT, US_CONTENT_OR_UNCLASSIFIED, REE_LINES, CN_CONTENT_OR_UNKNOWN = range(5)
#: the value columns whose per-line contributions are kept (deciding lines, re-sourcing)
VALUE_COLUMNS = (CN_CONTENT, US_CONTENT, CN_CONTENT_OR_UNKNOWN)
REE_TYPES = ("ree_metal", "ree_alloy", "ree_oxide", "ree_compound")

Mask = npt.NDArray[np.bool_]


def scope_mask(
    bom: Bom, elements: list[str], item_types: list[str], if_elements: dict[str, list[str]]
) -> Mask:
    """Nodes whose item type is listed and which contain a listed element."""
    listed = element_mask(elements)
    hit = type_mask(item_types)[bom.item_type] & ((bom.elements & np.uint32(listed)) != 0)
    for name, symbols in if_elements.items():
        hit |= type_mask([name])[bom.item_type] & (
            (bom.elements & np.uint32(element_mask(symbols))) != 0
        )
    return np.asarray(hit, dtype=bool)


@dataclass(frozen=True)
class Facts:
    """Rolled-up values, per-node contributions and per-product groupings of one BOM."""

    bom: Bom
    plan: Plan
    value: F64  # (P,) product value (top line unit value)
    made: I16  # (n,) where each item was made
    cn_part_i: Mask  # (n,) counted China-origin controlled RE items
    part_i: Mask  # (n,) Annex 1 Part I items, whatever their origin
    us_controlled: Mask
    us_unclassified: Mask
    x: F64  # (n, 5) rolled-up columns
    contribution: F64  # (n, 5) node contribution to its product's total (VALUE_COLUMNS only)
    by_product: I64  # nodes sorted by product
    product_start: I64  # (P + 1,) slices into by_product
    counted: Mask  # (n, 5) lines counted whole in each column (the roll-up stops there)
    memo: dict[str, Mask] = field(default_factory=dict)
    shares: dict[int, F64] = field(default_factory=dict)
    exact_memo: dict[tuple[int, int], dict[int, Fraction]] = field(default_factory=dict)
    #: float arrays computed once per screening by a measure (e.g. per-destination roll-ups)
    values: dict[str, F64] = field(default_factory=dict)
    edge_memo: dict[str, I64] = field(default_factory=dict)
    line_shares: dict[int, F64] = field(default_factory=dict)

    def mask(self, key: str, make: Callable[[], Mask]) -> Mask:
        """A node mask computed once per screening (the per-product loop only slices it)."""
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found

    def any_flag(self, key: str, mask: Mask) -> bool:
        """Whether a memoised node mask holds anywhere (checked once per screening)."""
        flag = self.memo.get(f"{key}:any")
        if flag is None:
            flag = self.memo[f"{key}:any"] = np.array([mask.any()])
        return bool(flag[0])

    def share(self, column: int) -> F64:
        """Per product: rolled-up column value / product value (computed once per column)."""
        found = self.shares.get(column)
        if found is None:
            found = self.shares[column] = self.x[self.bom.root, column] / self.value
        return found

    def line_share(self, column: int) -> F64:
        """Per line: rolled-up column value / the line's own unit value (NaN where zero)."""
        found = self.line_shares.get(column)
        if found is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                out = self.x[:, column] / self.bom.unit_value
            found = self.line_shares[column] = np.where(self.bom.unit_value > 0, out, np.nan)
        return found

    def nodes_meet(
        self, nodes: I64, column: int, threshold: float, comparison: Comparison
    ) -> npt.NDArray[np.bool_]:
        """`node_meets` for many nodes: floats where clearly decided, rationals near the line."""
        share = self.line_share(column)[nodes]
        valid = ~np.isnan(share)
        share = np.where(valid, share, 0.0)
        scale = np.maximum(abs(threshold), np.abs(share))
        close = valid & (np.abs(share - threshold) <= BAND * scale)
        ops = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
        out = valid & ops[comparison](share, threshold)
        for k in np.flatnonzero(close):
            out[k] = self.node_meets(int(nodes[k]), column, threshold, comparison)
        return np.asarray(out, dtype=bool)

    def exact_contributions(self, node: int, column: int) -> dict[int, Fraction]:
        """Exact contribution of each counted node below `node` to its `column` (cached)."""
        key = (node, column)
        found = self.exact_memo.get(key)
        if found is None:
            found = self.exact_memo[key] = _exact_contributions(self, node, column)
        return found

    def exact_total(self, node: int, column: int) -> Fraction:
        """The rolled-up `column` of `node`, summed exactly from the decimal inputs."""
        return sum(self.exact_contributions(node, column).values(), Fraction(0))

    def node_meets(self, node: int, column: int, threshold: Number, comparison: Comparison) -> bool:
        """Whether `node`'s rolled-up `column` over its own unit value meets a threshold, exactly.

        The float share decides when it is clearly away from the threshold; within
        `exact.BAND` of it the share is re-summed in rationals (`exact.share_meets`).
        """
        value = float(self.bom.unit_value[node])
        if not value > 0:
            return False
        share = float(self.x[node, column]) / value
        if not near(share, threshold):
            return float_meets(share, float(threshold), comparison)
        return share_meets(self.exact_total(node, column), value, threshold, comparison)

    def meets(self, product: int, column: int, threshold: Number, comparison: Comparison) -> bool:
        """Whether the product's share in `column` meets a legal threshold, decided exactly."""
        return self.node_meets(int(self.bom.root[product]), column, threshold, comparison)

    def nodes(self, product: int) -> I64:
        return self.by_product[self.product_start[product] : self.product_start[product + 1]]

    def any_per_product(self, mask: Mask) -> Mask:
        counts = np.bincount(self.bom.product[mask], minlength=self.bom.n_products)
        return np.asarray(counts > 0, dtype=bool)

    def ranked(self, product: int, mask: Mask, column: int | None = None) -> I64:
        """Nodes of a product where `mask`, largest contribution in `column` first."""
        nodes = self.nodes(product)
        hit = nodes[mask[nodes]]
        if column is None or hit.size < 2:
            return hit
        return hit[np.argsort(-self.contribution[hit, column], kind="stable")]


def _edges_of(facts: Facts, product: int) -> I64:
    """Edge indexes of one product (edges sorted by product once, then sliced)."""
    bom = facts.bom
    memo = facts.edge_memo
    if "order" not in memo:
        memo["order"] = np.argsort(bom.product[bom.parent], kind="stable").astype(np.int64)
        memo["keys"] = bom.product[bom.parent][memo["order"]].astype(np.int64)
    order, keys = memo["order"], memo["keys"]
    lo, hi = np.searchsorted(keys, [product, product + 1])
    out: I64 = order[lo:hi].astype(np.int64)
    return out


def _exact_contributions(facts: Facts, top: int, column: int) -> dict[int, Fraction]:
    """The roll-up below one node in one column, in rationals: the model of `rollup.multipliers`.

    A counted node stops the walk (what it contains is not counted again). Edges are taken in
    ascending level of their parent, so a parent's multiplier is complete before it is passed
    on; quantities and values are read back as the decimal text they were parsed from.
    """
    return exact_walk(facts, top, facts.counted[:, column])


def exact_walk(facts: Facts, top: int, counted: Mask) -> dict[int, Fraction]:
    """Exact contribution of each `counted` node below `top` (a counted node stops the walk)."""
    bom = facts.bom
    edges = _edges_of(facts, int(bom.product[top]))
    edges = edges[np.argsort(bom.level[bom.parent[edges]], kind="stable")]
    mult: dict[int, Fraction] = {top: Fraction(1)}
    for e in edges:
        p, c = int(bom.parent[e]), int(bom.child[e])
        if p not in mult or counted[p]:
            continue
        mult[c] = mult.get(c, Fraction(0)) + mult[p] * exact(float(bom.quantity[e]))
    return {
        node: m * exact(float(bom.unit_value[node]))
        for node, m in mult.items()
        if counted[node] and m
    }


def compute_facts(bom: Bom, extraterritorial: Rule) -> Facts:
    """Roll up all value columns of a BOM (the hot path: array operations only)."""
    n = bom.n_nodes
    scope = extraterritorial.scope
    part_i = scope_mask(bom, scope.part_i_elements, scope.part_i_item_types, {})
    cn_part_i = part_i & (bom.origin == CN)
    ear99 = [i for i, name in enumerate(bom.eccn_names) if name == "EAR99"]
    classified = (bom.eccn != NONE) & ~np.isin(bom.eccn, ear99)
    us_origin = bom.origin == US
    us_controlled = us_origin & classified
    us_unclassified = (us_origin & (bom.eccn == NONE)) | (
        (bom.origin == NONE) & ~np.isin(bom.eccn, ear99)
    )
    ree = type_mask(list(REE_TYPES))[bom.item_type]
    cn_or_unknown = part_i & ((bom.origin == CN) | (bom.origin == NONE))

    counted = np.stack(
        [cn_part_i, us_controlled, us_controlled | us_unclassified, ree, cn_or_unknown], axis=1
    )
    b = np.where(counted, bom.unit_value[:, None], 0.0)
    b[:, REE_LINES] = ree
    keep = ~counted
    keep[:, REE_LINES] = True

    p = plan(n, bom.parent, bom.child, bom.level)
    x = rollup(p, b, up_weights(p, bom.quantity, keep))
    columns = list(VALUE_COLUMNS)
    seed = np.zeros((n, len(columns)), dtype=np.float64)
    seed[bom.root] = 1.0
    m = multipliers(p, seed, down_weights(p, bom.quantity, keep[:, columns]))
    contribution = np.zeros((n, 5), dtype=np.float64)
    contribution[:, columns] = m * b[:, columns]
    by_product = np.argsort(bom.product, kind="stable").astype(np.int64)
    start = np.searchsorted(bom.product[by_product], np.arange(bom.n_products + 1))
    return Facts(
        bom=bom,
        plan=p,
        value=bom.unit_value[bom.root],
        made=bom.made_in_or_origin(),
        cn_part_i=cn_part_i,
        part_i=part_i,
        us_controlled=us_controlled,
        us_unclassified=us_unclassified,
        x=x,
        contribution=contribution,
        by_product=by_product,
        product_start=start.astype(np.int64),
        counted=counted,
    )
