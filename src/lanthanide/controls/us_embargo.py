"""US embargoes and sanctions of 15 CFR Part 746, and the DFARS 225.7018 magnet restriction.

An embargo rule names its destinations and whether it reaches EAR99 items (`scope.ear99`): Cuba
needs a licence for every item subject to the EAR; Russia and Belarus for every item on the CCL
(EAR99 items only when listed by HS code, not held here, so those answer unknown). The product
must be subject to the EAR for the destination (`us_content`, which counts the US content this
embargo reaches at the de minimis level of 734.4).
"""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import NONE, country_codes, type_mask
from lanthanide.controls.facts import REE_LINES, REE_TYPES, US, Mask, exact_walk
from lanthanide.controls.finding import Context
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding, ResourcingResult
from lanthanide.controls.rule import Rule, Status
from lanthanide.controls.status import status_on
from lanthanide.controls.us_content import us_origin
from lanthanide.controls.us_measures import subject


def _places(rule: Rule) -> str:
    return ", ".join(rule.scope.destinations)


def us_embargo(rule: Rule, ctx: Context) -> list[Finding]:
    """Part 746: a licence for items subject to the EAR bound for an embargoed destination."""
    dest = ctx.country(ctx.ship_to)
    facts = ctx.facts
    reach = int(facts.made[ctx.root]) == US or bool(
        facts.ranked(ctx.product, us_origin(facts)).size
    )
    if dest is None:
        text = f"The destination (ship_to) is needed: {rule.instrument} covers {_places(rule)}."
        return [_finding(rule, ctx, applies=None if reach else False, sentence=text)]
    if dest not in rule.scope.destinations or ctx.domestic:
        text = f"{dest} is not a destination of {rule.instrument} ({_places(rule)})."
        return [_finding(rule, ctx, applies=False, sentence=text)]
    found = subject(ctx)
    root = np.array([ctx.root])
    if found.subject is False:
        text = f"The product ships to {dest} but is not subject to the EAR ({found.why})."
        return [_finding(rule, ctx, applies=False, sentence=text)]
    items: bool | None = True
    bom = facts.bom
    code = int(bom.eccn[ctx.root])
    eccn = bom.eccn_names[code] if code != NONE else None
    kind = "every item subject to the EAR, EAR99 included"
    if not rule.scope.ear99:
        kind = "every item on the Commerce Control List"
        items = None if eccn in {None, "EAR99"} else True
    regions = rule.scope.regions
    if regions:
        items = None
    applies = items if found.subject else (None if items is not False else False)
    how = {True: "is", None: "may be"}[found.subject]
    text = (
        f"The product {how} subject to the EAR ({found.why}) and ships to {dest}; "
        f"{rule.instrument} requires a licence for {kind}"
    )
    if items is None and not regions:
        text += (
            f" (the product's ECCN is {eccn or 'not given'}: EAR99 items need one only where "
            "listed, which is not held)"
        )
    if regions:
        text += f" in {', '.join(regions)}; the BOM names countries, not regions, so this is open"
    codes = [eccn] if eccn else []
    return [
        _finding(rule, ctx, applies=applies, nodes=root, sentence=text + ".", control_codes=codes)
    ]


DFARS = "US-DFARS-225.7018"
#: re-sourcing lists at most this many line ids (the total count is always given)
MAX_LINES = 100


def dfars_resourcing(ctx: Context, findings: list[Finding]) -> ResourcingResult | None:
    """The lines to re-source from outside the covered nations to clear a DFARS prohibition.

    Every deciding line must move (the restriction has no threshold: any covered-nation magnet
    or magnet material is prohibited), so the lines are the finding's deciding lines and the
    share before is their value in the product, summed exactly.
    """
    found = [f for f in findings if f.measure == DFARS and f.binding]
    if not found:
        return None
    facts, bom = ctx.facts, ctx.facts.bom
    labels = {line.line_id for line in found[0].deciding_lines}
    nodes = facts.nodes(ctx.product)
    mask = np.zeros(bom.n_nodes, dtype=bool)
    mask[[int(n) for n in nodes if bom.line_label(int(n)) in labels]] = True
    moved = float(sum(exact_walk(facts, ctx.root, mask).values()))
    return ResourcingResult(
        measure=DFARS,
        threshold=0.0,
        share_before=moved / ctx.value,
        share_after=0.0,
        moved_value_usd=moved,
        lines=sorted(labels)[:MAX_LINES],
        lines_total=found[0].deciding_lines_total,
    )


def _below(ctx: Context, magnets: Mask) -> Mask:
    """Nodes reached from a magnet line going down the BOM (the magnet's own materials)."""
    plan = ctx.facts.plan
    mark = magnets.copy()
    for start, stop in plan.down_slices:
        parents, children = plan.down_parent[start:stop], plan.down_child[start:stop]
        mark[children[mark[parents]]] = True
    out: Mask = mark & ~magnets
    return out


def us_dfars_magnets(rule: Rule, ctx: Context) -> list[Finding]:
    """DFARS 225.7018: covered-nation magnets, and from 2027 the magnets' own upstream materials."""
    bom, facts = ctx.facts.bom, ctx.facts
    if ctx.end_use not in rule.scope.end_uses:
        uses = ", ".join(rule.scope.end_uses)
        text = f"Not a US defense procurement (end_use {uses})."
        return [_finding(rule, ctx, applies=False, sentence=text)]
    nations = country_codes(rule.scope.origins)
    names = ", ".join(rule.scope.origins)
    magnets = facts.mask(
        f"{rule.id}:magnets", lambda: type_mask(rule.scope.item_types)[bom.item_type]
    )
    covered = facts.mask(f"{rule.id}:covered", lambda: magnets & np.isin(facts.made, nations))
    phase2 = status_on(rule, ctx.on, "mine_to_magnet", ctx.assumptions) in {
        Status.IN_FORCE,
        Status.UNKNOWN,
    }
    bad = facts.ranked(ctx.product, covered)
    if bad.size:
        text = (
            f"{bad.size} magnet line(s) were melted or produced in a covered nation ({names}); "
            "DoD may not acquire them. Re-source these lines from outside the covered nations "
            "to clear the prohibition."
        )
        return [
            _finding(rule, ctx, clause="melted_produced", applies=True, nodes=bad, sentence=text)
        ]
    if not phase2:
        text = f"No magnet line in the product was made in a covered nation ({names})."
        return [_finding(rule, ctx, clause="melted_produced", applies=False, sentence=text)]
    below = facts.mask(f"{rule.id}:below", lambda: _below(ctx, magnets))
    upstream = facts.mask(
        f"{rule.id}:upstream",
        lambda: (
            below
            & type_mask(list(REE_TYPES))[bom.item_type]
            & (np.isin(bom.origin, nations) | np.isin(bom.mined_in, nations))
        ),
    )
    mined = facts.mask(f"{rule.id}:mined", lambda: magnets & np.isin(bom.mined_in, nations))
    blind = facts.mask(
        f"{rule.id}:blind",
        lambda: magnets & (facts.x[:, REE_LINES] == 0) & (bom.mined_in == NONE),
    )
    hit = facts.ranked(ctx.product, upstream | mined)
    clause = rule.clause("mine_to_magnet")
    since = clause.effective if clause else ""
    if hit.size:
        text = (
            f"{hit.size} material line(s) of the product's magnets were mined, refined or "
            f"separated in a covered nation ({names}), prohibited for DoD from {since}. "
            "Re-source these lines from outside the covered nations to clear the prohibition."
        )
        applies: bool | None = True
        nodes = hit
    elif facts.ranked(ctx.product, blind).size:
        nodes = facts.ranked(ctx.product, blind)
        applies = None
        text = (
            f"{nodes.size} magnet line(s) give no upstream provenance (no rare-earth material "
            "lines below them and no mined_in); the mine-to-magnet test cannot be decided."
        )
    elif facts.ranked(ctx.product, magnets).size:
        applies, nodes = False, None
        text = (
            f"No material line below the product's magnets comes from a covered nation ({names})."
        )
    else:
        applies, nodes = False, None
        text = "The product holds no NdFeB or SmCo magnet line."
    return [
        _finding(rule, ctx, clause="mine_to_magnet", applies=applies, nodes=nodes, sentence=text)
    ]
