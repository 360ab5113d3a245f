"""US measures: EAR de minimis, the Commerce Country Chart, advanced computing, the Affiliates Rule.

Subject to the EAR is not the same as licence required. `us_de_minimis` says whether a product is
subject to the EAR (US-made, or foreign-made above the de minimis level); it never binds by itself.
`us_country_chart` decides the licence: an item subject to the EAR needs one when its own ECCN
does to the destination (`controls.country_chart`). The Part 746 embargoes and the DFARS magnet
rule are in `us_embargo`.
"""

from __future__ import annotations

import numpy as np

from lanthanide.bom.model import COUNTRIES, NONE
from lanthanide.controls.country_chart import licence_needed
from lanthanide.controls.facts import US, Facts, Mask
from lanthanide.controls.finding import Context
from lanthanide.controls.finding import make_finding as _finding
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Policy, Rule, Status
from lanthanide.controls.status import status_on
from lanthanide.controls.us_content import Subject, chart_of, subject_to_ear

ADVANCED = "US-EAR-ADVCOMP"


def eccns_of(facts: Facts, nodes: np.ndarray | None) -> list[str]:
    """The ECCNs of some lines (sorted, without repeats): the codes a finding is about."""
    if nodes is None:
        return []
    codes = {int(facts.bom.eccn[int(n)]) for n in nodes}
    return sorted(facts.bom.eccn_names[c] for c in codes if c != NONE)


def informational(finding: Finding) -> Finding:
    """A finding that reports a fact (subject to the EAR) but binds nothing by itself."""
    return finding.model_copy(update={"binding": False, "policy": Policy.NONE})


def _eccn_mask(rule: Rule, facts: Facts) -> Mask:
    """Nodes whose ECCN starts with one of the rule's prefixes."""

    def make() -> Mask:
        bom = facts.bom
        prefixes = tuple(rule.scope.eccn_prefixes)
        table = np.array([name.startswith(prefixes) for name in bom.eccn_names], dtype=bool)
        if table.size == 0:
            return np.zeros(bom.n_nodes, dtype=bool)
        hit: Mask = (bom.eccn != NONE) & table[np.maximum(bom.eccn, 0)]
        return hit

    return facts.mask(f"{rule.id}:eccn", make)


def advanced_lines(ctx: Context) -> Mask:
    """Advanced-computing lines (the ECCN prefixes of the advanced-computing rule file)."""
    if ctx.rules is None or ADVANCED not in ctx.rules.rules:
        return np.zeros(ctx.facts.bom.n_nodes, dtype=bool)
    return _eccn_mask(ctx.rules.rules[ADVANCED], ctx.facts)


def subject(ctx: Context) -> Subject:
    """Whether the product is subject to the EAR for its destination (see `us_content`)."""
    return subject_to_ear(ctx, advanced_lines(ctx))


def us_de_minimis(rule: Rule, ctx: Context) -> list[Finding]:
    """EAR 734.4: is the product subject to the EAR? (Reported; `us_country_chart` decides.)"""
    found = subject(ctx)
    if int(ctx.facts.made[ctx.root]) == US:
        sentence = (
            "The product is made in the United States: it is subject to the EAR directly and "
            "the de minimis test is not needed; US-EAR-738 decides whether it needs a licence."
        )
        return [informational(_finding(rule, ctx, applies=True, sentence=sentence))]
    verdict = {True: "is", False: "is not", None: "may be"}[found.subject]
    share = (
        f"US-origin content that would need a licence is {found.share:.2%}; "
        if (found.share is not None)
        else ""
    )
    sentence = (
        f"{share}the product {verdict} subject to the EAR ({found.why}). Being subject to the "
        "EAR is not a licence requirement: US-EAR-738 and the Part 746 rules decide that."
    )
    finding = _finding(
        rule,
        ctx,
        applies=found.subject,
        value=found.share,
        threshold=found.level,
        comparison=found.comparison,
        nodes=found.nodes,
        sentence=sentence,
        control_codes=eccns_of(ctx.facts, found.nodes),
    )
    return [informational(finding)]


def _not_an_export(rule: Rule, ctx: Context) -> Finding | None:
    dest = ctx.country(ctx.ship_to)
    if ctx.domestic:
        text = f"The product ships within {dest} (ship_from = ship_to): not an export."
    elif dest == "US":
        text = "The product ships to the United States: the EAR controls exports, not imports."
    else:
        return None
    return _finding(rule, ctx, applies=False, sentence=text)


def us_country_chart(rule: Rule, ctx: Context) -> list[Finding]:
    """15 CFR 738.4: an item subject to the EAR needs a licence when its ECCN does there."""
    skip = _not_an_export(rule, ctx)
    if skip is not None:
        return [skip]
    found = subject(ctx)
    if found.subject is False:
        return [
            _finding(rule, ctx, applies=False, sentence=f"Not subject to the EAR: {found.why}.")
        ]
    bom, chart = ctx.facts.bom, chart_of(ctx)
    code = int(bom.eccn[ctx.root])
    eccn = bom.eccn_names[code] if code != NONE else None
    dest = ctx.country(ctx.ship_to)
    root = np.array([ctx.root])
    if eccn is None or dest is None or chart is None:
        missing = "the product's ECCN (eccn of the top line)" if eccn is None else "ship_to"
        text = f"Whether a licence is needed cannot be told without {missing}."
        return [_finding(rule, ctx, applies=None, nodes=root, sentence=text)]
    answer = licence_needed(chart, eccn, dest)
    applies = (
        answer.required if found.subject else (None if answer.required is not False else False)
    )
    lead = (
        f"The product is subject to the EAR ({found.why}); "
        if found.subject
        else (f"The product may be subject to the EAR ({found.why}); ")
    )
    sentence = lead + answer.reason + f" under the Commerce Country Chart ({chart.source})."
    codes = [eccn, *answer.codes]
    return [
        _finding(rule, ctx, applies=applies, nodes=root, sentence=sentence, control_codes=codes)
    ]


def _advanced_destination(rule: Rule, ctx: Context, dest: str) -> bool | None:
    """D:1, D:4, D:5 less A:5/A:6 (groups from the dataset), plus the rule's own list (Macau)."""
    chart = chart_of(ctx)
    if dest in rule.scope.destinations:
        return True
    if chart is None or dest not in chart.groups:
        return None
    held = chart.groups[dest]
    return bool(held & set(rule.scope.destination_groups)) and not held & set(
        rule.scope.except_groups
    )


def _hq_reached(rule: Rule, ctx: Context) -> bool:
    hq = ctx.facts.bom.hq(ctx.product)
    if hq == NONE:
        return False
    place = COUNTRIES[hq]
    chart = chart_of(ctx)
    groups = chart.groups.get(place, frozenset()) if chart is not None else frozenset()
    return place in rule.scope.end_user_hq or bool(groups & set(rule.scope.end_user_hq_groups))


def _policy_tier(rule: Rule, ctx: Context, lines: np.ndarray) -> tuple[Policy, str]:
    """Presumption of denial, or case-by-case for exports from the US of chips below the TPP cap."""
    clause = rule.clause("h200_case_by_case")
    cap = rule.thresholds["tpp_case_by_case"]
    denial = Policy(rule.policy.default)
    if clause is None or status_on(rule, ctx.on, clause.id, ctx.assumptions) is not Status.IN_FORCE:
        return denial, ""
    if ctx.country(ctx.ship_from) != "US":
        return (
            denial,
            f"; from {clause.effective} case-by-case review is only for exports from the US",
        )
    bom = ctx.facts.bom
    chips = [int(n) for n in lines if bom.eccn_names[int(bom.eccn[n])].startswith("3A090")]
    tpps = [bom.tpp_of(n) for n in chips or [int(n) for n in lines]]
    if any(t is None for t in tpps):
        return denial, (
            f"; a line gives no tpp, so the stricter policy applies (case-by-case needs TPP "
            f"{cap.comparison} {cap.value:,.0f})"
        )
    below = all(t is not None and t < cap.value for t in tpps)
    if below:
        return Policy.CASE_BY_CASE, (
            f"; every line has TPP {cap.comparison} {cap.value:,.0f}: case-by-case review from "
            f"{clause.effective} ({clause.summary})"
        )
    return denial, f"; a line has TPP of {cap.value:,.0f} or more"


def us_advanced_computing(rule: Rule, ctx: Context) -> list[Finding]:
    """Advanced computing items subject to the EAR: D:1/D:4/D:5 (less A:5/A:6), Macau, D:5 HQ."""
    facts, bom = ctx.facts, ctx.facts.bom
    has = _eccn_mask(rule, facts)
    if int(facts.made[ctx.root]) == US:
        lines = facts.ranked(ctx.product, has)
    else:
        reach = facts.mask(
            f"{rule.id}:reach", lambda: has & ((bom.origin == US) | (bom.tech_origin == US))
        )
        lines = facts.ranked(ctx.product, reach)
    names = "/".join(rule.scope.eccn_prefixes)
    if lines.size == 0:
        text = f"No advanced-computing item ({names}) subject to the EAR is in the product."
        return [_finding(rule, ctx, applies=False, sentence=text)]
    dest = ctx.country(ctx.ship_to)
    hq = _hq_reached(rule, ctx)
    where = _advanced_destination(rule, ctx, dest) if dest is not None else None
    scope = (
        ", ".join(rule.scope.destination_groups)
        + " less those also in "
        + " or ".join(rule.scope.except_groups)
    )
    applies: bool | None = True if hq else where
    count = f"{lines.size} advanced-computing line(s) ({names}) subject to the EAR"
    if hq:
        place = COUNTRIES[bom.hq(ctx.product)]
        head = f"{count}; the end user's ultimate parent is headquartered in {place}"
    elif dest is None:
        head = f"{count}; the destination (ship_to) is needed to decide"
    elif where is None:
        head = f"{count}; {dest} is not held in the Country Groups dataset"
    else:
        inside = "inside" if where else "outside"
        head = f"{count} ship to {dest}, {inside} {scope} and {', '.join(rule.scope.destinations)}"
    policy, note = _policy_tier(rule, ctx, lines) if applies else (Policy.NONE, "")
    sentence = head + (f": a BIS licence is required{note}." if applies else ".")
    codes = eccns_of(facts, lines)
    return [
        _finding(
            rule,
            ctx,
            applies=applies,
            nodes=lines,
            sentence=sentence,
            policy=policy,
            control_codes=codes,
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
