"""US measures: EAR de minimis, advanced computing, the Affiliates Rule and the DFARS magnet ban."""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import NONE, country_codes, type_mask
from lanthanide.controls.facts import (
    REE_LINES,
    REE_TYPES,
    US,
    US_CONTENT,
    US_CONTENT_OR_UNCLASSIFIED,
    Facts,
)
from lanthanide.controls.finding import Context
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Rule, Status
from lanthanide.controls.status import status_on


def us_de_minimis(rule: Rule, ctx: Context) -> list[Finding]:
    """EAR 734.4: share of US-origin controlled content in a foreign-made item."""
    facts = ctx.facts
    root = ctx.root
    share = float(facts.share(US_CONTENT)[ctx.product])
    if int(facts.made[root]) == US:
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                value=share,
                sentence="The product is made in the United States: it is subject to the "
                "EAR directly and the de minimis test is not needed.",
            )
        ]
    counted = facts.mask(
        "us_counted", lambda: facts.us_controlled & (facts.contribution[:, US_CONTENT] > 0)
    )
    nodes = facts.ranked(ctx.product, counted, US_CONTENT)
    adv = _eccn_mask(rule, facts)
    us_adv = facts.mask(f"{rule.id}:us_adv", lambda: facts.us_controlled & adv)
    adv_nodes = facts.ranked(ctx.product, us_adv)
    dest = ctx.country(ctx.ship_to)
    t = rule.thresholds
    if dest is None:
        lo, hi = t["us_controlled_share_e1"].value, t["us_controlled_share"].value
        over_hi = facts.meets(ctx.product, US_CONTENT, hi, ">")
        decided = over_hi or not facts.meets(ctx.product, US_CONTENT_OR_UNCLASSIFIED, lo, ">")
        applies: bool | None = over_hi if decided else None
        level = hi
        why = "no destination was given (ship_to); the level is 10% or 25% depending on it"
    else:
        if dest in t["no_de_minimis"].destinations and adv_nodes.size:
            level, why = (
                0.0,
                f"US-origin advanced-computing content bound for {dest} has no de minimis level",
            )
            nodes = adv_nodes
        elif dest in t["us_controlled_share_e1"].destinations:
            level, why = t["us_controlled_share_e1"].value, f"{dest} takes the 10% level"
        else:
            level, why = t["us_controlled_share"].value, f"{dest} takes the 25% level"
        if facts.meets(ctx.product, US_CONTENT, level, ">"):
            applies = True
        elif facts.meets(ctx.product, US_CONTENT_OR_UNCLASSIFIED, level, ">"):
            applies = None
            why += "; US-origin lines without an ECCN could push it over"
        else:
            applies = False
    verdict = {True: "above", False: "not above", None: "possibly above"}[applies]
    return [
        _finding(
            rule,
            ctx,
            applies=applies,
            value=share,
            threshold=level,
            comparison=">",
            nodes=nodes,
            column=US_CONTENT,
            sentence=f"US-origin controlled content is {share:.2%} of the product's value, "
            f"{verdict} the de minimis level ({why}).",
        )
    ]


def _eccn_mask(rule: Rule, facts: Facts) -> np.ndarray:
    """Nodes whose ECCN starts with one of the rule's prefixes."""

    def make() -> np.ndarray:
        bom = facts.bom
        prefixes = tuple(rule.scope.eccn_prefixes)
        table = np.array([name.startswith(prefixes) for name in bom.eccn_names], dtype=bool)
        if table.size == 0:
            return np.zeros(bom.n_nodes, dtype=bool)
        hit: np.ndarray = (bom.eccn != NONE) & table[np.maximum(bom.eccn, 0)]
        return hit

    return facts.mask(f"{rule.id}:eccn", make)


def _subject_to_ear_lines(rule: Rule, ctx: Context) -> np.ndarray:
    bom, facts = ctx.facts.bom, ctx.facts
    has = _eccn_mask(rule, facts)
    if int(facts.made[ctx.root]) == US:
        return facts.ranked(ctx.product, has)
    reach = facts.mask(
        f"{rule.id}:reach", lambda: has & ((bom.origin == US) | (bom.tech_origin == US))
    )
    return facts.ranked(ctx.product, reach)


def us_advanced_computing(rule: Rule, ctx: Context) -> list[Finding]:
    """Advanced computing items subject to the EAR, bound for China or Macau."""
    lines = _subject_to_ear_lines(rule, ctx)
    dest = ctx.country(ctx.ship_to)
    if lines.size == 0:
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                sentence="No advanced-computing item (3A090, 4A090, .z) subject to the EAR "
                "is in the product.",
            )
        ]
    if dest is None:
        return [
            _finding(
                rule,
                ctx,
                applies=None,
                nodes=lines,
                sentence=f"{lines.size} advanced-computing line(s) subject to the EAR; the "
                "destination (ship_to) is needed to decide.",
            )
        ]
    hit = dest in rule.scope.destinations
    return [
        _finding(
            rule,
            ctx,
            applies=hit,
            nodes=lines,
            sentence=f"{lines.size} advanced-computing line(s) subject to the EAR (US origin "
            f"or US technology) ship to {dest}"
            + (", which needs a BIS licence." if hit else ", outside China and Macau."),
        )
    ]


def us_affiliates(rule: Rule, ctx: Context, subject_to_ear: bool | None) -> list[Finding]:
    """50% Affiliates Rule: listed-party restrictions reach >= 50% owned affiliates."""
    if ctx.end_user not in rule.scope.end_users:
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                sentence="The end user is not flagged as a >= 50% owned affiliate of a "
                "listed party.",
            )
        ]
    text = {
        True: "the product is subject to the EAR",
        False: "but the product is not subject to the EAR",
        None: "and whether the product is subject to the EAR is not decided",
    }
    return [
        _finding(
            rule,
            ctx,
            applies=subject_to_ear,
            sentence=f"The end user is a listed party's affiliate ({ctx.end_user}) and "
            f"{text[subject_to_ear]}.",
        )
    ]


def us_dfars_magnets(rule: Rule, ctx: Context) -> list[Finding]:
    """DFARS 225.7018: covered-nation magnets (and from 2027 their upstream) in DoD deliveries."""
    bom, facts = ctx.facts.bom, ctx.facts
    if ctx.end_use != "us_defense_procurement":
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                sentence="Not a US defense procurement (end_use us_defense_procurement).",
            )
        ]
    nations = country_codes(rule.scope.origins)
    magnets = facts.mask(
        f"{rule.id}:magnets", lambda: type_mask(rule.scope.item_types)[bom.item_type]
    )
    covered_magnets = facts.mask(
        f"{rule.id}:covered_magnets", lambda: magnets & np.isin(facts.made, nations)
    )
    phase2 = status_on(rule, ctx.on, "mine_to_magnet", ctx.assumptions) in {
        Status.IN_FORCE,
        Status.UNKNOWN,
    }
    clause = "mine_to_magnet" if phase2 else "melted_produced"
    bad = facts.ranked(ctx.product, covered_magnets)
    applies: bool | None = False
    nodes: np.ndarray | None = None
    if bad.size:
        clause, applies, nodes = "melted_produced", True, bad
        sentence = (
            f"{bad.size} NdFeB/SmCo magnet line(s) were melted or produced in a covered nation "
            "(China, Russia, North Korea, Iran); DoD may not acquire them."
        )
    elif not phase2:
        sentence = "No NdFeB/SmCo magnet in the product was made in a covered nation."
    else:
        upstream_mask = facts.mask(
            f"{rule.id}:upstream",
            lambda: (
                (type_mask(list(REE_TYPES))[bom.item_type] & np.isin(bom.origin, nations))
                | np.isin(bom.mined_in, nations)
            ),
        )
        blind_mask = facts.mask(
            f"{rule.id}:blind",
            lambda: magnets & (facts.x[:, REE_LINES] == 0) & (bom.mined_in == NONE),
        )
        upstream = facts.ranked(ctx.product, upstream_mask)
        blind = facts.ranked(ctx.product, blind_mask)
        if upstream.size:
            applies, nodes = True, upstream
            sentence = (
                f"{upstream.size} rare-earth line(s) were mined, refined or separated in a "
                "covered nation, prohibited for DoD from 2027-01-01."
            )
        elif blind.size:
            applies, nodes = None, blind
            sentence = (
                f"{blind.size} magnet line(s) give no upstream provenance (no rare-earth "
                "material lines below them and no mined_in); the mine-to-magnet test cannot be "
                "decided."
            )
        else:
            sentence = "No magnet or rare-earth line comes from a covered nation."
    return [_finding(rule, ctx, clause=clause, applies=applies, nodes=nodes, sentence=sentence)]
