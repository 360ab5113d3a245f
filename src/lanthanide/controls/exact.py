"""Exact legal threshold comparison: a value at a threshold is decided by the law, not by rounding.

A legal test such as "China-origin content worth 0.1% or more of the item's value" or "more than
25% US-controlled content" is a comparison of two sums of money. In binary floating point
0.3 + 0.6 is 0.8999999999999999, so 0.9 of 900 (exactly 0.1%) would test as below the threshold.
Here every comparison is made on exact rationals (`fractions.Fraction`).

Representation. The BOM readers store values and quantities as float64 parsed from decimal text.
A decimal text of at most 15 significant digits round-trips through float64, and `repr` of a
float is the shortest decimal text that reads back to it, so `Fraction(repr(x))` recovers the
decimal the user wrote (e.g. `0.3`, not 0.299999999999999988898). Thresholds come from the rule
files and are recovered the same way (`0.001` is exactly 1/1000). The roll-up runs in float64 for
speed; a product whose float share lies within `BAND` (relative) of a threshold is re-summed
exactly (`bom.rollup.exact_contributions`) and decided here, so the float result never decides a
case it could get wrong.

API (used by the Chinese and the US measures):

- `exact(x)`: the exact rational a number stands for;
- `meets(value, threshold, comparison)`: `value comparison threshold`, exactly;
- `share_meets(part, whole, threshold, comparison)`: `part / whole comparison threshold`, exactly;
- `near(share, threshold)`: whether a float share is too close to the threshold to trust;
- `float_meets(share, threshold, comparison)`: the fast comparison for a share that is not near.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeVar

#: the comparisons a legal threshold uses (">=" "0.1% or more", ">" "more than 25%", ...)
Comparison = Literal[">=", ">", "<=", "<"]
Number = int | float | str | Decimal | Fraction
T = TypeVar("T", float, Fraction)
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

#: relative distance from a threshold inside which a float share is re-decided exactly. The
#: float roll-up of n positive terms errs by at most about n * 2**-53 relative (1.1e-10 for a
#: million lines), far inside this band; outside it the float comparison gives the exact answer.
BAND = 1e-6


def exact(x: Number) -> Fraction:
    """The exact rational `x` stands for; a float is read as the decimal text it was parsed from.

    Raises ValueError for NaN or infinity (a legal value is a finite amount).
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"not a finite amount: {x!r}")
        return Fraction(repr(x))
    return Fraction(x)


def meets(value: Number, threshold: Number, comparison: Comparison) -> bool:
    """Whether `value comparison threshold` holds, compared exactly."""
    return _compare(exact(value), exact(threshold), comparison)


def _compare(value: T, threshold: T, comparison: Comparison) -> bool:
    try:
        return bool(OPERATORS[comparison](value, threshold))
    except KeyError:
        raise ValueError(f"unknown comparison {comparison!r}") from None


def share_meets(part: Number, whole: Number, threshold: Number, comparison: Comparison) -> bool:
    """Whether the share `part / whole` meets `threshold` under `comparison`, exactly.

    `share_meets(Fraction("0.3") + Fraction("0.6"), 900, 0.001, ">=")` is True: 0.9 of 900 is
    exactly 0.1%. Cross-multiplied, so no division rounds: part >= threshold * whole.
    Raises ValueError when `whole` is not positive (a share of nothing is undefined).
    """
    w = exact(whole)
    if w <= 0:
        raise ValueError(f"a share needs a positive whole, got {whole!r}")
    return meets(exact(part), exact(threshold) * w, comparison)


def near(share: float, threshold: Number) -> bool:
    """Whether a float `share` is within `BAND` (relative) of `threshold`: decide it exactly."""
    t = threshold if isinstance(threshold, float) else float(exact(threshold))
    scale = max(abs(t), abs(share))
    if scale == 0.0:
        return True
    return abs(share - t) <= BAND * scale


def float_meets(share: float, threshold: float, comparison: Comparison) -> bool:
    """`share comparison threshold` in floats: only for a share `near` says is away from it."""
    return _compare(share, threshold, comparison)
