"""Chinese measures: Ann. 18/57 listed items, Ann. 61 extraterritorial rules, technology.

Every figure and country in a sentence comes from the rule (its thresholds, `regime`, `scope`);
a fact the BOM leaves empty makes the test `unknown` (applies None), never cleared.
"""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import COUNTRY_CODE, ELEMENTS, ITEM_TYPES, NONE, element_mask, type_mask
from lanthanide.controls.facts import CN_CONTENT, CN_CONTENT_OR_UNKNOWN, scope_mask
from lanthanide.controls.finding import Context, country_name, names, percent
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Rule
from lanthanide.controls.tri import Tri, all_of

ALL_RARE_EARTHS = np.uint32(element_mask(ELEMENTS))


def home(rule: Rule) -> int:
    """The country whose law the rule is (regime `cn` -> CN): exports start there."""
    return COUNTRY_CODE[rule.regime.upper()]


def not_exported(rule: Rule, ctx: Context, clause: str | None = None) -> Finding:
    """A shipment within one country (ship_from = ship_to) is not an export."""
    where = country_name(ctx.country(ctx.ship_from) or "")
    return _finding(
        rule,
        ctx,
        clause=clause,
        applies=False,
        sentence=f"The product ships within {where} (ship_from = ship_to): not an export.",
    )


def _elements_of(node_elements: int) -> list[str]:
    return [e for i, e in enumerate(ELEMENTS) if node_elements >> i & 1]


def _triggering(rule: Rule, item_type: str, node_elements: int) -> list[str]:
    """The listed elements that make an item of this type a listed item."""
    scope = rule.scope
    found = set(_elements_of(node_elements))
    listed = set(scope.elements) if item_type in scope.item_types else set()
    listed |= set(scope.item_types_if_elements.get(item_type, []))
    return [e for e in ELEMENTS if e in found & listed]


def cn_listed_items(rule: Rule, ctx: Context) -> list[Finding]:
    """Ann. 18 / 57: exporting a listed item (metal, oxide, target, listed magnet) from China."""
    bom, facts = ctx.facts.bom, ctx.facts
    listed = facts.mask(
        f"{rule.id}:listed",
        lambda: scope_mask(
            bom, rule.scope.elements, rule.scope.item_types, rule.scope.item_types_if_elements
        ),
    )
    country = home(rule)
    here = country_name(rule.regime.upper())
    root = ctx.root
    if ctx.domestic:
        return [not_exported(rule, ctx)]
    if ctx.ship_from != country:
        if ctx.ship_from == NONE:
            return [
                _finding(
                    rule,
                    ctx,
                    applies=None,
                    sentence=f"Where the product ships from is not given (ship_from, origin, "
                    f"made_in); {rule.instrument} licenses exports from {here}.",
                )
            ]
        where = country_name(ctx.country(ctx.ship_from) or "")
        return [
            _finding(
                rule,
                ctx,
                applies=False,
                sentence=f"The product ships from {where}, not from {here}; {rule.instrument} "
                f"licenses exports from {here}.",
            )
        ]
    if listed[root]:
        kind = ITEM_TYPES[int(bom.item_type[root])]
        hit = _triggering(rule, kind, int(bom.elements[root]))
        codes = [rule.scope.codes_by_element[e] for e in hit if e in rule.scope.codes_by_element]
        return [
            _finding(
                rule,
                ctx,
                applies=True,
                nodes=np.array([root]),
                control_codes=codes,
                sentence=f"The product is a listed item ({kind} containing {'/'.join(hit)}"
                + (f", {', '.join(codes)}" if codes else "")
                + f") exported from {here}, so each export needs a dual-use export licence "
                f"({rule.authority}).",
            )
        ]
    inside = facts.ranked(ctx.product, listed)
    extra = ""
    if inside.size:
        first = int(inside[0])
        kind = ITEM_TYPES[int(bom.item_type[first])]
        hit = _triggering(rule, kind, int(bom.elements[first]))
        extra = (
            f" It contains {inside.size} listed line(s) (e.g. {bom.line_label(first)}, {kind} "
            f"containing {'/'.join(hit)}), but assemblies with embedded magnets or materials are "
            "deep-processed products, outside the list."
        )
    return [
        _finding(
            rule,
            ctx,
            applies=False,
            nodes=inside,
            sentence=f"The product ships from {here} but is not a listed "
            f"{'/'.join(rule.scope.elements)} item.{extra}",
        )
    ]


def _part_ii(rule: Rule, ctx: Context) -> np.ndarray:
    """Per node: 1 a Part II item, 0 not one, -1 unknown (a type that is Part II only when it
    holds a rare earth, with no element given)."""

    def make() -> np.ndarray:
        bom = ctx.facts.bom
        scope = rule.scope
        sure = type_mask(scope.part_ii_item_types)[bom.item_type]
        maybe = type_mask(scope.part_ii_item_types_if_rare_earth)[bom.item_type]
        has_re = (bom.elements & ALL_RARE_EARTHS) != 0
        out = np.where(sure | (maybe & has_re), 1, 0)
        unknown: np.ndarray = np.where(maybe & (bom.elements == 0), -1, out)
        return unknown

    return ctx.facts.mask(f"{rule.id}:part_ii", make)


def _abroad(rule: Rule, ctx: Context) -> Tri:
    """Whether the product ships from outside the regime's country (None: not given)."""
    return None if ctx.ship_from == NONE else ctx.ship_from != home(rule)


def _tri(code: int) -> Tri:
    return None if code < 0 else bool(code)


def _outside(rule: Rule, ctx: Context) -> tuple[Tri, str]:
    """Ann. 61 covers exports to places outside China: a shipment into China is not caught."""
    excluded = rule.scope.excluded_destinations
    dest = ctx.country(ctx.ship_to)
    places = names(excluded)
    if dest is None:
        return None, (
            "the destination (ship_to) is not given; the clause covers exports to places "
            f"outside {places}"
        )
    if dest in excluded:
        return False, (
            f"the product ships to {country_name(dest)}; the clause covers exports to places "
            f"outside {places}"
        )
    return True, ""


def _de_minimis(rule: Rule, ctx: Context) -> tuple[Finding, Finding | None]:
    """Ann. 61 (1): a foreign-made Part II item with >= 0.1% China-origin Part I content."""
    bom, facts = ctx.facts.bom, ctx.facts
    root = ctx.root
    country, here = home(rule), country_name(rule.regime.upper())
    threshold = rule.thresholds["cn_controlled_share"]
    level = percent(threshold.value)
    kind = ITEM_TYPES[int(bom.item_type[root])]
    made = int(facts.made[root])
    part_ii = _part_ii(rule, ctx)
    share = float(facts.share(CN_CONTENT)[ctx.product])
    share_hi = float(facts.share(CN_CONTENT_OR_UNKNOWN)[ctx.product])
    low = facts.meets(ctx.product, CN_CONTENT, threshold.value, threshold.comparison)
    high = facts.meets(ctx.product, CN_CONTENT_OR_UNKNOWN, threshold.value, threshold.comparison)
    unknown_lines = facts.ranked(
        ctx.product,
        facts.mask("cn_unknown_origin", lambda: facts.part_i & (bom.origin == NONE)),
        CN_CONTENT_OR_UNKNOWN,
    )
    meets: Tri = True if low else (None if high else False)
    applies, reasons = all_of(
        (
            _abroad(rule, ctx),
            f"the product ships from {here}; the {level} rule is for items made abroad and "
            f"exported from other countries",
        ),
        (
            None if made == NONE else made != country,
            f"the product is made in {here}, not a foreign-made item (its Ann. 61 clause is the "
            f"re-export of {here}-origin items)"
            if made != NONE
            else "where the product was made is not given (made_in and origin of its top line)",
        ),
        _outside(rule, ctx),
        (
            _tri(int(part_ii[root])),
            f"the product ({kind}) is not itself an Annex 1 Part II item (a permanent-magnet or "
            f"target material), so the {level} rule does not reach it"
            if part_ii[root] == 0
            else f"the product ({kind}) lists no rare earth in `elements`, so whether it is a "
            "rare-earth Part II item is not known",
        ),
        (
            meets,
            f"{here}-origin Part I content is {share:.4%} of its value, below the {level} threshold"
            if meets is False
            else f"{unknown_lines.size} Part I line(s) have no origin (e.g. "
            f"{bom.line_label(int(unknown_lines[0])) if unknown_lines.size else '-'}); with them "
            f"the share is {share_hi:.4%}, without them {share:.4%}, against the {level} threshold",
        ),
    )
    if applies:
        sentence = (
            f"{here}-origin Part I content is {share:.4%} of the value of this foreign-made "
            f"Part II item ({kind}), at or above the {level} threshold."
        )
    else:
        sentence = "Not caught: " if applies is False else "Unknown: "
        sentence += "; ".join(reasons) + "."
    counted = facts.mask(
        "cn_counted", lambda: facts.cn_part_i & (facts.contribution[:, CN_CONTENT] > 0)
    )
    content = facts.ranked(ctx.product, counted, CN_CONTENT)
    nodes = content if applies is not None or not unknown_lines.size else unknown_lines
    dm = _finding(
        rule,
        ctx,
        clause="de_minimis",
        applies=applies,
        value=share,
        threshold=threshold.value,
        comparison=threshold.comparison,
        nodes=nodes,
        column=CN_CONTENT if nodes is content else CN_CONTENT_OR_UNKNOWN,
        warn_nodes=facts.ranked(ctx.product, facts.part_i),
        sentence=sentence,
    )
    upstream = None
    if part_ii[root] == 0 and _abroad(rule, ctx) is not False:
        upstream = _upstream(rule, ctx, part_ii)
    return dm, upstream


def _upstream(rule: Rule, ctx: Context, part_ii: np.ndarray) -> Finding | None:
    """A product that is not a Part II item: its foreign-made Part II lines and their own shares."""
    bom, facts = ctx.facts.bom, ctx.facts
    country, here = home(rule), country_name(rule.regime.upper())
    threshold = rule.thresholds["cn_controlled_share"]
    level = percent(threshold.value)
    lines = facts.ranked(ctx.product, facts.mask(f"{rule.id}:part_ii_lines", lambda: part_ii != 0))
    lines = lines[(facts.made[lines] != country) & (lines != ctx.root)]
    if lines.size == 0:
        return None
    share = np.nan_to_num(facts.line_share(CN_CONTENT)[lines])
    order = np.argsort(-share, kind="stable")
    lines, share = lines[order], share[order]
    known = facts.nodes_meet(lines, CN_CONTENT, threshold.value, threshold.comparison)
    maybe = facts.nodes_meet(lines, CN_CONTENT_OR_UNKNOWN, threshold.value, threshold.comparison)
    applies: Tri = True if known.any() else (None if maybe.any() else False)
    at = int(known.sum())
    return _finding(
        rule,
        ctx,
        clause="de_minimis",
        applies=applies,
        threshold=threshold.value,
        comparison=threshold.comparison,
        nodes=lines,
        shares=share,
        upstream=True,
        sentence=f"Upstream: {lines.size} foreign-made Part II line(s) inside the product (e.g. "
        f"{bom.line_label(int(lines[0]))}, {share[0]:.4%} {here}-origin Part I content of its "
        f"own value); {at} at or above the {level} threshold needed a licence when exported as "
        "such from a third country. This does not decide the product itself.",
    )


def _technology(rule: Rule, ctx: Context, annex: np.ndarray) -> Finding:
    """Ann. 61 (2): Annex 1 items made abroad with China-origin rare-earth technology."""
    bom, facts = ctx.facts.bom, ctx.facts
    country, here = home(rule), country_name(rule.regime.upper())
    tech_mask = facts.mask(
        f"{rule.id}:tech", lambda: annex & (bom.tech_origin == country) & (facts.made != country)
    )
    tech = facts.ranked(ctx.product, tech_mask)
    root_hit = bool(tech_mask[ctx.root])
    inner = tech[tech != ctx.root]
    item: Tri = True if root_hit else (None if inner.size else False)
    if root_hit and int(facts.made[ctx.root]) == NONE:
        item = None  # made abroad or in China? (made_in and origin empty)
    applies, reasons = all_of(
        (
            _abroad(rule, ctx),
            f"the product ships from {here}; the technology rule is for items made abroad",
        ),
        _outside(rule, ctx),
        (
            item,
            f"no Annex 1 line is recorded as made abroad with {here}-origin technology "
            f"(tech_origin {rule.regime.upper()})"
            if item is False
            else f"{inner.size} Annex 1 line(s) inside the product (e.g. "
            f"{bom.line_label(int(inner[0])) if inner.size else '-'}) were made abroad with "
            f"{here}-origin technology; whether the clause reaches an item built into another "
            "product is not stated",
        ),
    )
    if applies:
        sentence = (
            f"The product is an Annex 1 item made abroad with {here}-origin rare-earth technology."
        )
    else:
        sentence = ("Not caught: " if applies is False else "Unknown: ") + "; ".join(reasons) + "."
    return _finding(rule, ctx, clause="technology", applies=applies, nodes=tech, sentence=sentence)


def _reexport(rule: Rule, ctx: Context, annex: np.ndarray) -> Finding:
    """Ann. 61 (3): re-export of a China-origin Annex 1 item from a third country."""
    bom = ctx.facts.bom
    country, here = home(rule), country_name(rule.regime.upper())
    root = ctx.root
    origin = int(bom.origin[root])
    item: Tri = bool(annex[root]) and (None if origin == NONE else origin == country)
    applies, reasons = all_of(
        (_abroad(rule, ctx), f"shipping from {here} is an export, not a re-export"),
        _outside(rule, ctx),
        (
            item,
            f"the product is not a {here}-origin Annex 1 item"
            if item is False
            else "the product is an Annex 1 item whose origin is not given",
        ),
    )
    if applies:
        sentence = f"The product is a {here}-origin Annex 1 item re-exported from a third country."
    else:
        sentence = ("Not caught: " if applies is False else "Unknown: ") + "; ".join(reasons) + "."
    return _finding(
        rule,
        ctx,
        clause="reexport",
        applies=applies,
        nodes=np.array([root]) if item is not False else None,
        sentence=sentence,
    )


def cn_extraterritorial(rule: Rule, ctx: Context) -> list[Finding]:
    """Ann. 61: 0.1% de minimis, Chinese-technology rule and re-export, each its own finding."""
    bom, facts = ctx.facts.bom, ctx.facts
    scope = rule.scope
    if ctx.domestic:
        return [not_exported(rule, ctx, c.id) for c in rule.clauses]
    annex = facts.mask(
        f"{rule.id}:annex",
        lambda: (
            (_part_ii(rule, ctx) != 0)
            | scope_mask(bom, scope.part_i_elements, scope.part_i_item_types, {})
        ),
    )
    dm, upstream = _de_minimis(rule, ctx)
    found = [dm, _technology(rule, ctx, annex), _reexport(rule, ctx, annex)]
    return found + ([upstream] if upstream is not None else [])


def cn_technology(rule: Rule, ctx: Context) -> list[Finding]:
    """Technology controls: goods reach them only through the catch-all end uses (Ann. 62)."""
    uses = rule.scope.end_uses
    country, here = home(rule), country_name(rule.regime.upper())
    codes = list(rule.scope.control_codes)
    if uses and ctx.ship_from == country and ctx.end_use in uses:
        return [
            _finding(
                rule,
                ctx,
                applies=True,
                control_codes=codes,
                sentence=f"Goods shipped from {here} for end use {ctx.end_use!r} fall under "
                "the catch-all for overseas rare-earth production.",
            )
        ]
    return [
        _finding(
            rule,
            ctx,
            applies=False,
            control_codes=codes,
            sentence="This measure controls technology transfers (know-how, drawings, process "
            "data); a bill of materials of goods does not carry them"
            + (", and no catch-all end use applies." if uses else "."),
        )
    ]
