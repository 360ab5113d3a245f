"""Re-sourcing: the fewest lines to move to a non-Chinese source to bring a share under a limit.

A counted line's contribution is its extended quantity times its unit value (a counted line
stops the roll-up, so contributions add up to the product's total and never overlap). Removing
the k largest contributions removes the most value any k lines can, so taking lines in
descending order of contribution until the rest is under the limit gives a smallest set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lanthanide.bom.model import F64, I64


@dataclass(frozen=True)
class Resourcing:
    """Which nodes to re-source (largest first) and the share left afterwards."""

    nodes: I64
    moved_value: float
    share_before: float
    share_after: float
    limit: float


def smallest_resourcing(
    nodes: I64, contribution: F64, value: float, limit: float, strict: bool = True
) -> Resourcing | None:
    """Fewest nodes whose removal brings `sum(contribution) / value` below `limit`.

    `strict=True` means the share after must be `< limit` (the rule tests `>=`); otherwise
    `<= limit`. None when the share is already under the limit.
    """
    total = float(contribution.sum())
    share = total / value

    def under(s: float) -> bool:
        return s < limit if strict else s <= limit

    if under(share):
        return None
    order = np.argsort(-contribution, kind="stable")
    remaining = total - np.cumsum(contribution[order])
    ratios = np.maximum(remaining, 0.0) / value
    ok = np.flatnonzero(ratios < limit if strict else ratios <= limit)
    k = int(ok[0]) + 1 if ok.size else order.size
    chosen = nodes[order[:k]]
    left = float(remaining[k - 1]) if k else total
    return Resourcing(
        nodes=chosen.astype(np.int64),
        moved_value=total - left,
        share_before=share,
        share_after=max(left, 0.0) / value,
        limit=limit,
    )
