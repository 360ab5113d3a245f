"""Is a product subject to the EAR? US-made, or foreign-made above the de minimis level (734.4).

The de minimis numerator is the value of the US-origin content "that would need a licence to the
destination" (734.4(c)): a US-origin line counts when its own ECCN needs a licence there under
the Commerce Country Chart, or when an embargo rule of Part 746 in force reaches it (Cuba: every
item subject to the EAR, EAR99 included). Two masks are kept per destination: `lo` (lines that
certainly count) and `hi` (lines that may count: an unknown chart answer, a line with no ECCN).
The level (25%, 10% or 0%) and the countries it is for come from the 734.4 rule file.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np

from lanthanide.bom.model import NONE
from lanthanide.bom.rollup import rollup, up_weights
from lanthanide.controls.country_chart import CountryChart, licence_needed
from lanthanide.controls.exact import exact as exact_number
from lanthanide.controls.exact import near, share_meets
from lanthanide.controls.facts import US, Facts, Mask, exact_walk
from lanthanide.controls.finding import Context
from lanthanide.controls.rule import Rule, Status, Test, Threshold
from lanthanide.controls.status import status_on

DE_MINIMIS = "US-EAR-734.4"
FLOAT_TESTS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Subject:
    """Whether the product is subject to the EAR for one destination, and why."""

    subject: bool | None
    share: float | None  # the counted US content share (lower bound)
    level: float | None
    comparison: str | None
    why: str
    nodes: np.ndarray | None


def us_origin(facts: Facts) -> Mask:
    """US-origin lines (computed once per screening)."""
    return facts.mask("us-origin", lambda: facts.bom.origin == US)


def chart_of(ctx: Context) -> CountryChart | None:
    return ctx.rules.chart if ctx.rules is not None else None


def embargoes(ctx: Context, dest: str) -> list[Rule]:
    """Part 746 rules in force (or unknown) on the date whose destinations include `dest`."""
    if ctx.rules is None:
        return []
    return [
        r
        for r in ctx.rules.rules.values()
        if r.test is Test.US_EMBARGO
        and dest in r.scope.destinations
        and status_on(r, ctx.on, None, ctx.assumptions) in {Status.IN_FORCE, Status.UNKNOWN}
    ]


def _eccn_answers(facts: Facts, chart: CountryChart, dest: str) -> tuple[Mask, Mask]:
    """Per node: the line's own ECCN certainly / possibly needs a licence to `dest`."""
    bom = facts.bom
    answers = [licence_needed(chart, name, dest).required for name in bom.eccn_names]
    yes = np.array([a is True for a in answers] + [False], dtype=bool)
    maybe = np.array([a is not False for a in answers] + [True], dtype=bool)  # no ECCN: maybe
    code = np.where(bom.eccn == NONE, len(answers), bom.eccn)
    return yes[code], maybe[code]


def content_masks(ctx: Context, dest: str) -> tuple[Mask, Mask, str]:
    """US-origin lines that certainly (`lo`) / possibly (`hi`) need a licence to `dest`.

    The third value is the memo key of this destination and date (for `share_of`).
    """
    facts = ctx.facts
    chart = chart_of(ctx)
    bom = facts.bom
    key = f"us-content:{dest}:{ctx.on}:{sorted(ctx.assumptions.items())}"
    found = facts.memo.get(key + ":lo")
    if found is not None:
        return found, facts.memo[key + ":hi"], key
    us = bom.origin == US
    if chart is None:
        yes, maybe = np.zeros(bom.n_nodes, dtype=bool), np.ones(bom.n_nodes, dtype=bool)
    else:
        yes, maybe = _eccn_answers(facts, chart, dest)
    ear99 = np.array([n == "EAR99" for n in bom.eccn_names] + [False], dtype=bool)
    is_ear99 = ear99[np.where(bom.eccn == NONE, len(bom.eccn_names), bom.eccn)]
    for rule in embargoes(ctx, dest):
        if rule.scope.ear99:
            yes = np.ones(bom.n_nodes, dtype=bool)
        else:
            yes = yes | ((bom.eccn != NONE) & ~is_ear99)
            maybe = np.ones(bom.n_nodes, dtype=bool)  # EAR99 items listed by HS code: not held
    # a line of unknown origin may be US-origin: it may count, never certainly
    lo, hi = us & yes, (us | (bom.origin == NONE)) & (yes | maybe)
    facts.memo[key + ":lo"], facts.memo[key + ":hi"] = lo, hi
    return lo, hi, key


def share_of(ctx: Context, mask: Mask, key: str) -> float:
    """Product share of the content in `mask` (a counted line stops the roll-up below it)."""
    facts = ctx.facts
    shares = facts.values.get(key)
    if shares is None:
        bom = facts.bom
        b = np.where(mask, bom.unit_value, 0.0)[:, None]
        x = rollup(facts.plan, b, up_weights(facts.plan, bom.quantity, ~mask[:, None]))
        shares = facts.values[key] = x[bom.root, 0] / facts.value
    return float(shares[ctx.product])


def over(ctx: Context, mask: Mask, key: str, threshold: Threshold) -> bool:
    """Whether the content in `mask` meets the threshold, decided exactly near it."""
    share = share_of(ctx, mask, key)
    if not near(share, threshold.value):  # far from the threshold a float comparison is exact
        return bool(FLOAT_TESTS[threshold.comparison](share, threshold.value))
    part = sum(exact_walk(ctx.facts, ctx.root, mask).values())
    whole = exact_number(float(ctx.facts.value[ctx.product]))
    return share_meets(part, whole, threshold.value, threshold.comparison)


def level_for(rule: Rule, chart: CountryChart | None, dest: str) -> tuple[str, Threshold]:
    """The de minimis threshold a destination takes (its own list or Country Group), else 25%."""
    groups = chart.groups.get(dest, frozenset()) if chart is not None else frozenset()
    for name, t in rule.thresholds.items():
        if name != "advanced_computing" and (
            dest in t.destinations or groups & set(t.destination_groups)
        ):
            return name, t
    return "us_controlled_share", rule.thresholds["us_controlled_share"]


def subject_to_ear(ctx: Context, adv: Mask) -> Subject:
    """US-made, or above the de minimis level for the destination; None when it cannot be told.

    `adv` marks US-origin advanced-computing lines (the 0% level for their destinations).
    """
    facts = ctx.facts
    if int(facts.made[ctx.root]) == US:
        return Subject(True, None, None, None, "it is made in the United States", None)
    found = _de_minimis(ctx, adv)
    if found.subject is False and int(facts.made[ctx.root]) == NONE:
        why = "where the product was made is not given, and a US-made product is subject directly"
        return Subject(None, found.share, found.level, found.comparison, why, found.nodes)
    return found


def _de_minimis(ctx: Context, adv: Mask) -> Subject:
    """The de minimis test of a product not known to be US-made."""
    facts = ctx.facts
    us_lines = us_origin(facts)
    maybe_us = facts.mask("us-origin-or-unknown", lambda: us_lines | (facts.bom.origin == NONE))
    if not facts.ranked(ctx.product, maybe_us).size:
        return Subject(False, 0.0, None, None, "it has no US-origin content", None)
    dest = ctx.country(ctx.ship_to)
    if ctx.rules is None or DE_MINIMIS not in ctx.rules.rules or dest is None:
        why = "the destination (ship_to) decides which US content counts and at what level"
        return Subject(None, None, None, None, why, facts.ranked(ctx.product, us_lines))
    rule = ctx.rules.rules[DE_MINIMIS]
    zero = rule.thresholds["advanced_computing"]
    lo, hi, key = content_masks(ctx, dest)
    us_adv = facts.mask("us-origin-advanced", lambda: adv & us_lines)
    adv_here = facts.ranked(ctx.product, us_adv)
    if dest in zero.destinations and adv_here.size:
        pct = f"{zero.value:.0%}"
        why = f"US-origin advanced-computing content bound for {dest} has a {pct} level"
        share = share_of(ctx, us_adv, key + ":adv")
        return Subject(True, share, zero.value, zero.comparison, why, adv_here)
    name, t = level_for(rule, chart_of(ctx), dest)
    share = share_of(ctx, lo, key + ":lo")
    level = f"the {t.value:.0%} level for {dest}"
    if over(ctx, lo, key + ":lo", t):
        nodes = facts.ranked(ctx.product, lo)
        return Subject(True, share, t.value, t.comparison, f"above {level}", nodes)
    if over(ctx, hi, key + ":hi", t):
        why = f"possibly above {level}: US-origin lines without an ECCN or an answer could count"
        return Subject(None, share, t.value, t.comparison, why, facts.ranked(ctx.product, hi))
    return Subject(False, share, t.value, t.comparison, f"not above {level} ({name})", None)
