"""Shared pieces of every measure evaluation: the product context and building a finding.

A finding carries the status on the date (from `status`), the policy row that matched, the
deciding lines and one plain sentence; `cn_measures` and `us_measures` decide `applies`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pycountry

from lanthanide.bom.model import COUNTRIES, ITEM_TYPES, NONE
from lanthanide.controls.facts import (
    Facts,
)
from lanthanide.controls.result import Finding, Line, binding
from lanthanide.controls.rule import Policy, Rule, RuleSet, Status
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
    #: the whole rule set, for measures that read others (the US measures read the Country Chart)
    rules: RuleSet | None = None
    #: per-screening cache shared by all products (statuses and open points per rule clause:
    #: they depend on the date and the assumptions, not on the product)
    shared: dict[tuple[str, str | None], tuple[Status, list[str]]] = field(default_factory=dict)

    def status(self, rule: Rule, clause: str | None) -> tuple[Status, list[str]]:
        """Status of a rule (clause) on the date, and its open points, computed once."""
        key = (rule.id, clause)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = (
                status_on(rule, self.on, clause, self.assumptions),
                _open_points(rule, clause),
            )
        return found

    @property
    def root(self) -> int:
        return int(self.facts.bom.root[self.product])

    @property
    def domestic(self) -> bool:
        """Shipped within one country (ship_to given and equal to ship_from): not an export."""
        return self.ship_to != NONE and self.ship_to == self.ship_from

    @property
    def value(self) -> float:
        return float(self.facts.value[self.product])

    def country(self, code: int) -> str | None:
        return COUNTRIES[code] if code != NONE else None


@cache
def country_name(code: str) -> str:
    """A country's short English name for sentences ("CN" -> "China"), from ISO 3166."""
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def names(codes: Sequence[str]) -> str:
    """Country names of a rule's list, joined for a sentence ("China, Russia and Iran")."""
    words = [country_name(c) for c in codes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def percent(share: float) -> str:
    """A threshold from the rule as written in law: 0.001 -> "0.1%", 0.25 -> "25%"."""
    return f"{share * 100:.6g}%"


def disagreements(ctx: Context, groups: Sequence[np.ndarray]) -> list[str]:
    """Warnings for lines whose origin and made_in are both given and differ.

    Origin tests (Ann. 61 Part I content, US content) read `origin`; where-made tests (foreign-
    made, DFARS melted or produced) read `made_in`. When the two disagree the BOM may hold an
    error, so the finding says which value it used.
    """
    bom = ctx.facts.bom
    differ = ctx.facts.mask(
        "origin_made_in_differ",
        lambda: (bom.made_in >= 0) & (bom.origin >= 0) & (bom.made_in != bom.origin),
    )
    if not ctx.facts.any_flag("origin_made_in_differ", differ):
        return []
    hit = sorted({int(i) for some in groups for i in some[differ[some]]})
    return [
        f"line {bom.line_label(i)} (file line {int(bom.node_row[i])}): origin "
        f"{COUNTRIES[int(bom.origin[i])]} but made_in {COUNTRIES[int(bom.made_in[i])]}; origin "
        "decides origin tests and made_in where-made tests"
        for i in hit[:MAX_LINES]
    ]


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
    window = next(
        (w for w in rule.suspensions if w.covers(clause) and w.from_ <= on <= w.until), None
    )
    if status is Status.SUSPENDED and window is not None:
        return (
            f" On {on} it is suspended by {window.by} (until {window.until}), so it binds nothing."
        )
    if status is Status.SUSPENDED:
        return f" On {on} it is suspended (a user assumption), so it binds nothing."
    if status is Status.UNKNOWN:
        return (
            f" Its status on {on} is unknown (no source says what followed its suspension); "
            f"to decide, state an assumption that {rule.id} is in force (or not)."
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


def _lines(
    ctx: Context, nodes: np.ndarray, column: int | None, shares: np.ndarray | None
) -> tuple[list[Line], int]:
    bom = ctx.facts.bom
    out = []
    for k, node in enumerate(nodes[:MAX_LINES]):
        i = int(node)
        value = float(ctx.facts.contribution[i, column]) if column is not None else 0.0
        origin = int(bom.origin[i])
        out.append(
            Line.model_construct(
                line_id=bom.line_label(i),
                file_line=int(bom.node_row[i]),
                item_type=ITEM_TYPES[int(bom.item_type[i])],
                origin=COUNTRIES[origin] if origin != NONE else "",
                value_usd=value,
                share=float(shares[k]) if shares is not None else None,
            )
        )
    return out, int(nodes.size)


def _open_points(rule: Rule, clause: str | None) -> list[str]:
    """The rule's `uncertain:` entries for this finding.

    An entry tagged with a clause id ("de_minimis: ...") belongs to that clause's findings; for
    a finding about the instrument as a whole (no clause), every untagged entry applies.
    """
    if clause is None:
        tags = tuple(f"{c.id}:" for c in rule.clauses)
        return [u for u in rule.uncertain if not tags or not u.startswith(tags)]
    tag = f"{clause}:"
    return [u.removeprefix(tag).strip() for u in rule.uncertain if u.startswith(tag)]


def make_finding(
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
    shares: np.ndarray | None = None,
    control_codes: Sequence[str] = (),
    uncertain: Sequence[str] = (),
    warn_nodes: np.ndarray | None = None,
    upstream: bool = False,
) -> Finding:
    """A finding with its status, policy, deciding lines and warnings.

    `shares` gives each deciding line its own share (upstream findings); `warn_nodes` adds lines
    whose origin/made_in disagreement bears on the finding to the root and the deciding lines.
    """
    status, open_points = ctx.status(rule, clause)
    chosen, note = _policy(rule, ctx)
    lines, total = _lines(ctx, nodes, column, shares) if nodes is not None else ([], 0)
    checked = [np.array([ctx.root])] + [a for a in (nodes, warn_nodes) if a is not None]
    warnings = disagreements(ctx, checked)
    text = sentence
    if applies and note:
        text += f" Policy note: {note}."
    if applies is False and status is Status.UNKNOWN:
        text += f" (Its status on {ctx.on} is unknown.)"
    elif applies is False and status is not Status.IN_FORCE:
        text += f" (Status on {ctx.on}: {status.value}.)"
    else:
        text += _status_text(rule, status, ctx.on, clause)
    # built from validated data only, so construction skips pydantic's validation (hot path)
    return Finding.model_construct(
        measure=rule.id,
        clause=clause,
        status=status,
        assumed=rule.id in ctx.assumptions,
        applies=applies,
        binding=False if upstream else binding(status, applies),  # upstream binds others
        policy=policy or (chosen if applies is not False else Policy.NONE),
        value=value,
        threshold=threshold,
        comparison=comparison,
        deciding_lines=lines,
        deciding_lines_total=total,
        sentence=text,
        source_url=rule.source_url,
        control_codes=list(control_codes),
        warnings=warnings,
        uncertain=[*open_points, *uncertain],
        upstream=upstream,
    )
