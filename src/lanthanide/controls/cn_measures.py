"""Chinese measures: Ann. 18/57 listed items, Ann. 61 extraterritorial rules, technology."""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import ITEM_TYPES, type_mask
from lanthanide.controls.facts import (
    CN,
    CN_CONTENT,
    scope_mask,
)
from lanthanide.controls.finding import Context
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Rule


def _not_exported(rule: Rule, ctx: Context, clause: str | None = None) -> Finding:
    where = ctx.country(ctx.ship_from)
    return _finding(
        rule,
        ctx,
        clause=clause,
        applies=False,
        sentence=f"The product ships within {where} (ship_from = ship_to): not an export.",
    )


def cn_listed_items(rule: Rule, ctx: Context) -> list[Finding]:
    """Ann. 18 / 57: exporting a listed item (metal, oxide, target, listed magnet) from China."""
    bom, facts = ctx.facts.bom, ctx.facts
    listed = facts.mask(
        f"{rule.id}:listed",
        lambda: scope_mask(
            bom, rule.scope.elements, rule.scope.item_types, rule.scope.item_types_if_elements
        ),
    )
    names = "/".join(rule.scope.elements)
    root = ctx.root
    if ctx.domestic:
        return [_not_exported(rule, ctx)]
    if ctx.ship_from != CN:
        where = ctx.country(ctx.ship_from) or "an unknown place"
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                sentence=f"The product ships from {where}, not "
                f"from China; {rule.instrument} licenses exports from China.",
            )
        ]
    if listed[root]:
        kind = ITEM_TYPES[int(bom.item_type[root])]
        return [
            _finding(
                rule,
                ctx,
                applies=True,
                nodes=np.array([root]),
                sentence=f"The product is a listed item ({kind} with {names} content) exported "
                "from China, so each export needs a MOFCOM dual-use licence.",
            )
        ]
    inside = facts.ranked(ctx.product, listed)
    extra = ""
    if inside.size:
        extra = (
            f" It contains {inside.size} listed line(s) (e.g. {bom.line_label(int(inside[0]))}),"
            " but assemblies with embedded magnets or materials are deep-processed products, "
            "outside the list."
        )
    return [
        _finding(
            rule,
            ctx,
            applies=False,
            nodes=inside,
            sentence=f"The product ships from China but is not a listed {names} item.{extra}",
        )
    ]


def cn_extraterritorial(rule: Rule, ctx: Context) -> list[Finding]:
    """Ann. 61: 0.1% de minimis, Chinese-technology rule and re-export, each its own finding."""
    bom, facts = ctx.facts.bom, ctx.facts
    scope = rule.scope
    root = ctx.root
    if ctx.domestic:
        return [_not_exported(rule, ctx, c.id) for c in rule.clauses]
    from_china = ctx.ship_from == CN
    made_abroad = int(facts.made[root]) != CN
    part_ii = facts.mask(
        f"{rule.id}:part_ii", lambda: type_mask(scope.part_ii_item_types)[bom.item_type]
    )
    annex = facts.mask(
        f"{rule.id}:annex",
        lambda: part_ii | scope_mask(bom, scope.part_i_elements, scope.part_i_item_types, {}),
    )
    threshold = rule.thresholds["cn_controlled_share"]
    share = float(facts.share(CN_CONTENT)[ctx.product])
    counted = facts.mask(
        "cn_counted", lambda: facts.cn_part_i & (facts.contribution[:, CN_CONTENT] > 0)
    )
    content = facts.ranked(ctx.product, counted, CN_CONTENT)
    holds_part_ii = facts.ranked(ctx.product, part_ii)
    pct = f"{share:.4%}"
    # de minimis
    applies: bool = False
    if from_china or not made_abroad:
        sentence = (
            "The product is made in or shipped from China; the 0.1% rule is for foreign-made "
            "items exported from third countries."
        )
    elif holds_part_ii.size == 0:
        sentence = (
            f"China-origin controlled rare-earth content is {pct} of the product's value, but the "
            "product neither is nor contains a permanent-magnet or target item (Annex 1 Part II), "
            "so the 0.1% rule does not reach it."
        )
    else:
        applies = facts.meets(ctx.product, CN_CONTENT, threshold.value, threshold.comparison)
        sentence = (
            f"China-origin controlled rare-earth content is {pct} of the value of this "
            f"foreign-made product holding Part II items (e.g. line "
            f"{bom.line_label(int(holds_part_ii[0]))}), "
            + ("at or above the 0.1% threshold." if applies else "below the 0.1% threshold.")
        )
    dm = _finding(
        rule,
        ctx,
        clause="de_minimis",
        applies=applies,
        value=share,
        threshold=threshold.value,
        comparison=threshold.comparison,
        nodes=content,
        column=CN_CONTENT,
        sentence=sentence,
    )
    # Chinese rare-earth technology
    tech_mask = facts.mask(
        f"{rule.id}:tech", lambda: annex & (bom.tech_origin == CN) & (facts.made != CN)
    )
    tech = facts.ranked(ctx.product, tech_mask)
    if from_china:
        te = _finding(
            rule,
            ctx,
            clause="technology",
            applies=False,
            sentence="The product ships from China; the technology rule is for items made abroad.",
        )
    else:
        te = _finding(
            rule,
            ctx,
            clause="technology",
            applies=bool(tech.size),
            nodes=tech,
            sentence=(
                f"{tech.size} foreign-made magnet or rare-earth line(s) were made with "
                "China-origin rare-earth technology."
                if tech.size
                else "No magnet or rare-earth line is recorded as made abroad with China-origin "
                "technology (tech_origin CN)."
            ),
        )
    # re-export of a China-origin Annex 1 item
    china_item = bool(annex[root]) and int(bom.origin[root]) == CN
    if from_china:
        re = _finding(
            rule,
            ctx,
            clause="reexport",
            applies=False,
            sentence="Shipping from China is an export, not a re-export.",
        )
    else:
        re = _finding(
            rule,
            ctx,
            clause="reexport",
            applies=china_item,
            nodes=np.array([root]) if china_item else None,
            sentence=(
                "The product is a China-origin Annex 1 item re-exported from a third country."
                if china_item
                else "The product is not a China-origin Annex 1 item."
            ),
        )
    return [dm, te, re]


def cn_technology(rule: Rule, ctx: Context) -> list[Finding]:
    """Technology controls: goods reach them only through the catch-all end uses (Ann. 62)."""
    uses = rule.scope.end_uses
    if uses and ctx.ship_from == CN and ctx.end_use in uses:
        return [
            _finding(
                rule,
                ctx,
                applies=True,
                sentence=f"Goods shipped from China for end use {ctx.end_use!r} fall under "
                "the catch-all for overseas rare-earth production.",
            )
        ]
    return [
        _finding(
            rule,
            ctx,
            applies=False,
            sentence="This measure controls technology transfers (know-how, drawings, process "
            "data); a bill of materials of goods does not carry them"
            + (", and no catch-all end use applies." if uses else "."),
        )
    ]
