"""Chinese end-user bans: no dual-use item to a named country's military users or uses.

MOFCOM Ann. 46 of 2024 Art. 1 (United States) and Ann. 1 of 2026 (Japan) prohibit such exports
outright (policy `prohibited`), unlike Ann. 61's "in principle not approved" for military users,
which is a licence requirement with a presumption of denial.

Three conditions, each True, False or unknown (`tri.all_of`): the destination is the named
country; the end user or end use is military; the product is a Chinese dual-use item the ban
reaches. The engine knows China's rare-earth dual-use entries (the Ann. 61 Annex 1 Part I
scope); any other product shipped from China may still be on the list, so it is unknown, never
cleared. Transfers from third countries are reached as the rule's scope says (`yes`, `no`,
`uncertain`).
"""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import COUNTRIES, ITEM_TYPES, NONE
from lanthanide.controls.cn_measures import home, not_exported
from lanthanide.controls.finding import Context, country_name, names
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Rule
from lanthanide.controls.tri import Tri, all_of


def _destination(rule: Rule, ctx: Context) -> tuple[Tri, str]:
    dest = ctx.country(ctx.ship_to)
    places = names(rule.scope.destinations)
    if dest is None:
        return None, f"the destination (ship_to) is not given; the ban is on exports to {places}"
    if dest in rule.scope.destinations:
        return True, ""
    return False, f"the product ships to {country_name(dest)}, not to {places}"


def _military(rule: Rule, ctx: Context) -> tuple[Tri, str]:
    users, uses = rule.scope.end_users, rule.scope.end_uses
    wanted = "/".join(sorted({*users, *uses}))
    if ctx.end_user in users or ctx.end_use in uses:
        return True, ""
    if ctx.end_user is None and ctx.end_use is None:
        return None, f"neither end user nor end use is given; the ban is on {wanted} ones"
    return False, (
        f"the end user ({ctx.end_user or '-'}) and end use ({ctx.end_use or '-'}) are not {wanted}"
    )


def _item(rule: Rule, ctx: Context) -> tuple[Tri, str, np.ndarray | None]:
    """Whether the product is a Chinese dual-use item the ban reaches, with the lines why."""
    bom, facts = ctx.facts.bom, ctx.facts
    country, here = home(rule), country_name(rule.regime.upper())
    root = ctx.root
    kind = ITEM_TYPES[int(bom.item_type[root])]
    listed = bool(facts.part_i[root])
    if ctx.ship_from == country:
        if listed:
            return True, "", np.array([root])
        reason = (
            f"the product ({kind}) is not one of the rare-earth dual-use items the engine knows; "
            f"whether it is on {here}'s Dual-Use Export Control List must be checked"
        )
        return None, reason, None
    shipped = ctx.country(ctx.ship_from)
    where = country_name(shipped) if shipped else "a place not given"
    reach = rule.scope.third_country_transfers
    if reach == "no" and shipped is not None:
        return False, f"the product ships from {where}; the ban is on exports from {here}", None
    origin = int(bom.origin[root])
    inside = facts.ranked(ctx.product, facts.cn_part_i)
    inside = inside[inside != root]
    if listed and origin == country:
        value: Tri = True if reach == "yes" else None
        reason = (
            f"a {here}-origin dual-use item shipped from {where}; whether the ban reaches "
            "transfers from third countries is not stated"
        )
        return value, reason, np.array([root])
    if inside.size:
        reason = (
            f"the product ships from {where} and contains {inside.size} {here}-origin dual-use "
            f"line(s) (e.g. {bom.line_label(int(inside[0]))}); whether a built-in item is a "
            "transfer of it is not stated"
        )
        return None, reason, inside
    if origin in {country, NONE} or shipped is None:
        said = COUNTRIES[origin] if origin != NONE else "not given"
        reason = (
            f"the product ships from {where} and its origin ({said}) leaves open whether it is "
            f"a {here}-origin dual-use item"
        )
        return None, reason, None
    reason = (
        f"the product ships from {where} and neither is nor contains a {here}-origin dual-use item"
    )
    return False, reason, None


def cn_end_user_ban(rule: Rule, ctx: Context) -> list[Finding]:
    """Ann. 46/2024 Art. 1 and Ann. 1/2026: a prohibition, decided on three conditions."""
    clause = "art1" if rule.clause("art1") else None
    if ctx.domestic:
        return [not_exported(rule, ctx, clause)]
    item, item_reason, nodes = _item(rule, ctx)
    applies, reasons = all_of(_destination(rule, ctx), _military(rule, ctx), (item, item_reason))
    places = names(rule.scope.destinations)
    if applies:
        sentence = (
            f"A dual-use item for a military end user or use in {places}: {rule.instrument} "
            "prohibits the export (no licence can be granted)."
        )
    else:
        sentence = ("Not caught: " if applies is False else "Unknown: ") + "; ".join(reasons) + "."
    return [_finding(rule, ctx, clause=clause, applies=applies, nodes=nodes, sentence=sentence)]
