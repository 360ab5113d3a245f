"""One evaluation per rule `test`: scope and threshold of a measure applied to one product.

Each function returns findings with a plain sentence saying what was found and why; the date
logic lives in `status`, the numbers in `facts`, the combination in `result.determine`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from lanthanide.bom.model import COUNTRIES, ITEM_TYPES, NONE, country_codes, type_mask
from lanthanide.controls.facts import (
    CN,
    CN_CONTENT,
    REE_LINES,
    REE_TYPES,
    US,
    US_CONTENT,
    US_CONTENT_OR_UNCLASSIFIED,
    Facts,
    scope_mask,
)
from lanthanide.controls.result import Finding, Line, binding
from lanthanide.controls.rule import Policy, Rule, Status, Test
from lanthanide.controls.status import status_on

#: deciding lines listed per finding (the total count is always given)
MAX_LINES = 10


@dataclass(frozen=True)
class Context:
    """One product on one date, with its shipment facts resolved (BOM, else CLI default)."""

    facts: Facts
    product: int
    on: dt.date
    ship_from: int
    ship_to: int
    end_user: str | None
    end_use: str | None
    assumptions: Mapping[str, Status]

    @property
    def root(self) -> int:
        return int(self.facts.bom.root[self.product])

    @property
    def value(self) -> float:
        return float(self.facts.value[self.product])

    def country(self, code: int) -> str | None:
        return COUNTRIES[code] if code != NONE else None


def _policy(rule: Rule, ctx: Context) -> tuple[Policy, str]:
    for row in rule.policy.rules:
        if row.from_ is not None and ctx.on < row.from_:
            continue
        if row.end_users and ctx.end_user not in row.end_users:
            continue
        if row.end_uses and ctx.end_use not in row.end_uses:
            continue
        if row.ship_from and ctx.country(ctx.ship_from) not in row.ship_from:
            continue
        return row.policy, row.note
    return rule.policy.default, ""


def _status_text(rule: Rule, status: Status, on: dt.date, clause: str | None) -> str:
    if status is Status.IN_FORCE:
        return ""
    window = next((w for w in rule.suspensions if w.from_ <= on <= w.until), None)
    if status is Status.SUSPENDED and window is not None:
        return (
            f" On {on} it is suspended by {window.by} (until {window.until}), so it binds nothing."
        )
    if status is Status.SUSPENDED:
        return f" On {on} it is suspended (a user assumption), so it binds nothing."
    if status is Status.UNKNOWN:
        return (
            f" Its status on {on} is unknown (no source says what followed its suspension); "
            f"to decide, state an assumption such as --assume {rule.id}=in_force."
        )
    if status is Status.ISSUED_NOT_EFFECTIVE:
        part = rule.clause(clause) if clause else None
        when = part.effective if part else rule.effective
        return f" It takes effect on {when}, after {on}."
    if status is Status.NOT_YET_ISSUED:
        return f" It was not yet issued on {on} (issued {rule.issued})."
    if rule.expires is None:
        return f" On {on} it is {status.value} (a user assumption)."
    return f" It expired after {rule.expires}."


def _lines(ctx: Context, nodes: np.ndarray, column: int | None) -> tuple[list[Line], int]:
    bom = ctx.facts.bom
    out = []
    for node in nodes[:MAX_LINES]:
        i = int(node)
        value = float(ctx.facts.contribution[i, column]) if column is not None else 0.0
        out.append(
            Line(
                line_id=bom.line_label(i),
                file_line=int(bom.node_row[i]),
                item_type=ITEM_TYPES[int(bom.item_type[i])],
                origin=COUNTRIES[int(bom.origin[i])],
                value_usd=value,
            )
        )
    return out, int(nodes.size)


def _finding(
    rule: Rule,
    ctx: Context,
    *,
    applies: bool | None,
    sentence: str,
    clause: str | None = None,
    nodes: np.ndarray | None = None,
    column: int | None = None,
    value: float | None = None,
    threshold: float | None = None,
    comparison: str | None = None,
    policy: Policy | None = None,
) -> Finding:
    status = status_on(rule, ctx.on, clause, ctx.assumptions)
    chosen, note = _policy(rule, ctx)
    lines, total = _lines(ctx, nodes, column) if nodes is not None else ([], 0)
    text = sentence
    if applies and note:
        text += f" Policy note: {note}."
    if applies is False and status is Status.UNKNOWN:
        text += f" (Its status on {ctx.on} is unknown.)"
    elif applies is False and status is not Status.IN_FORCE:
        text += f" (Status on {ctx.on}: {status.value}.)"
    else:
        text += _status_text(rule, status, ctx.on, clause)
    return Finding(
        measure=rule.id,
        clause=clause,
        status=status,
        assumed=rule.id in ctx.assumptions,
        applies=applies,
        binding=binding(status, applies),
        policy=policy or (chosen if applies is not False else Policy.NONE),
        value=value,
        threshold=threshold,
        comparison=comparison,
        deciding_lines=lines,
        deciding_lines_total=total,
        sentence=text,
        source_url=rule.source_url,
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
                sentence=f"The product is a listed {kind} containing {names} elements exported "
                f"from China, so each export needs a MOFCOM dual-use licence.",
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
        applies = share >= threshold.value
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


def us_de_minimis(rule: Rule, ctx: Context) -> list[Finding]:
    """EAR 734.4: share of US-origin controlled content in a foreign-made item."""
    facts = ctx.facts
    root = ctx.root
    share = float(facts.share(US_CONTENT)[ctx.product])
    share_hi = float(facts.share(US_CONTENT_OR_UNCLASSIFIED)[ctx.product])
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
    adv_nodes = facts.ranked(ctx.product, facts.us_controlled & adv)
    dest = ctx.country(ctx.ship_to)
    t = rule.thresholds
    if dest is None:
        lo, hi = t["us_controlled_share_e1"].value, t["us_controlled_share"].value
        decided = share_hi <= lo or share > hi
        applies: bool | None = share > hi if decided else None
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
        if share > level:
            applies = True
        elif share_hi > level:
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
    reach = facts.mask("us_reach", lambda: (bom.origin == US) | (bom.tech_origin == US))
    return facts.ranked(ctx.product, has & reach)


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
    if bad.size:
        return [
            _finding(
                rule,
                ctx,
                clause="melted_produced",
                applies=True,
                nodes=bad,
                sentence=f"{bad.size} NdFeB/SmCo magnet line(s) were melted or produced in a "
                "covered nation (China, Russia, North Korea, Iran); DoD may not acquire them.",
            )
        ]
    if not phase2:
        return [
            _finding(
                rule,
                ctx,
                clause=clause,
                applies=False,
                sentence="No NdFeB/SmCo magnet in the product was made in a covered nation.",
            )
        ]
    upstream_mask = facts.mask(
        f"{rule.id}:upstream",
        lambda: (
            (type_mask(list(REE_TYPES))[bom.item_type] & np.isin(bom.origin, nations))
            | np.isin(bom.mined_in, nations)
        ),
    )
    upstream = facts.ranked(ctx.product, upstream_mask)
    if upstream.size:
        return [
            _finding(
                rule,
                ctx,
                clause=clause,
                applies=True,
                nodes=upstream,
                sentence=f"{upstream.size} rare-earth line(s) were mined, refined or separated "
                "in a covered nation, prohibited for DoD from 2027-01-01.",
            )
        ]
    blind_mask = facts.mask(
        f"{rule.id}:blind",
        lambda: magnets & (facts.x[:, REE_LINES] == 0) & (bom.mined_in == NONE),
    )
    blind = facts.ranked(ctx.product, blind_mask)
    if blind.size:
        return [
            _finding(
                rule,
                ctx,
                clause=clause,
                applies=None,
                nodes=blind,
                sentence=f"{blind.size} magnet line(s) give no upstream provenance (no "
                "rare-earth material lines below them and no mined_in); the mine-to-magnet "
                "test cannot be decided.",
            )
        ]
    return [
        _finding(
            rule,
            ctx,
            clause=clause,
            applies=False,
            sentence="No magnet or rare-earth line comes from a covered nation.",
        )
    ]


Evaluator = Callable[[Rule, Context], list[Finding]]
EVALUATORS: dict[Test, Evaluator] = {
    Test.CN_LISTED_ITEMS: cn_listed_items,
    Test.CN_EXTRATERRITORIAL: cn_extraterritorial,
    Test.CN_TECHNOLOGY: cn_technology,
    Test.US_DE_MINIMIS: us_de_minimis,
    Test.US_ADVANCED_COMPUTING: us_advanced_computing,
    Test.US_DFARS_MAGNETS: us_dfars_magnets,
}
