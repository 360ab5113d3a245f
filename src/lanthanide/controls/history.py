"""Screening over time: one BOM on several dates, and what changed between two screenings.

A compliance officer must show what was decided when and why it changed. `screen_on` runs the
whole screening (measures, then party lists) for one BOM on one date from plain options, so a
recorded run can be repeated from its stored BOM and options; `diff` compares two screenings
product by product: the determination and every finding, keyed by measure, clause and (for a
party hit) the listed entry, with what moved (applies, binding, policy, or the status of a
finding that applies; a measure that applies on neither side is not reported for its status).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from lanthanide.bom.model import Bom
from lanthanide.controls.facts import Facts
from lanthanide.controls.parties import PartyLists, screen_parties
from lanthanide.controls.result import Determination, Finding, Screening
from lanthanide.controls.rule import RuleSet
from lanthanide.controls.screening import Defaults, screen
from lanthanide.controls.status import parse_assumptions


class Options(BaseModel):
    """The screening options a run was made with (everything but the date and the BOM)."""

    ship_from: str | None = None
    ship_to: str | None = None
    end_use: str | None = None
    end_user: str | None = None
    assume: list[str] = Field(default_factory=list, description="as given, e.g. ID=in_force")


def screen_on(
    bom: Bom,
    rules: RuleSet,
    lists: PartyLists,
    on: dt.date,
    options: Options,
    *,
    inputs: Mapping[str, str] | None = None,
    facts: Facts | None = None,
) -> Screening:
    """Measures and party lists for every product of `bom` on `on` (the one screening path)."""
    defaults = Defaults(
        ship_from=options.ship_from,
        ship_to=options.ship_to,
        end_user=options.end_user.lower() if options.end_user else None,
        end_use=options.end_use.lower() if options.end_use else None,
    )
    result = screen(
        bom,
        rules,
        on,
        defaults=defaults,
        assumptions=parse_assumptions(options.assume, rules),
        inputs=inputs,
        facts=facts,
    )
    return screen_parties(result, bom, lists, on, end_user_default=defaults.end_user, rules=rules)


class FindingChange(BaseModel):
    """One finding that appeared, disappeared or moved between two screenings."""

    key: str = Field(
        description="measure, clause and listed entry, e.g. CN-MOFCOM-2025-61/de_minimis"
    )
    change: str = Field(description="added, removed or changed")
    before: str | None = Field(description="status/applies/binding/policy before, if present")
    after: str | None
    sentence: str = Field(description="the finding's sentence on the later side (else earlier)")


class ProductChange(BaseModel):
    """A product whose determination or findings differ between two screenings."""

    product_id: str
    before: Determination | None = Field(description="null: the product was not screened")
    after: Determination | None
    findings: list[FindingChange]


def _key(f: Finding) -> str:
    parts = [f.measure, f.clause or ""]
    if f.party is not None:
        parts.append(f.party.entry_id)
    return "/".join(p for p in parts if p)


def _state(f: Finding) -> str:
    applies = "unknown" if f.applies is None else str(f.applies).lower()
    bound = "unknown" if f.binding is None else str(f.binding).lower()
    return f"status={f.status.value} applies={applies} binding={bound} policy={f.policy.value}"


def _moved(a: Finding, b: Finding) -> bool:
    """A change that matters: what binds or applies, or the status of a finding that applies."""
    if (a.applies, a.binding, a.policy) != (b.applies, b.binding, b.policy):
        return True
    return a.status is not b.status and not (a.applies is False and b.applies is False)


def _finding_changes(before: Sequence[Finding], after: Sequence[Finding]) -> list[FindingChange]:
    old = {_key(f): f for f in before}
    new = {_key(f): f for f in after}
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and not _moved(a, b):
            continue
        change = "added" if a is None else "removed" if b is None else "changed"
        shown = b if b is not None else a
        assert shown is not None
        out.append(
            FindingChange(
                key=key,
                change=change,
                before=_state(a) if a else None,
                after=_state(b) if b else None,
                sentence=shown.sentence,
            )
        )
    return out


def diff(a: Screening, b: Screening) -> list[ProductChange]:
    """Products (by id) whose determination or findings differ from `a` to `b`."""
    old = {p.product_id: p for p in a.products}
    new = {p.product_id: p for p in b.products}
    out = []
    for pid in sorted(old.keys() | new.keys()):
        pa, pb = old.get(pid), new.get(pid)
        findings = _finding_changes(pa.findings if pa else [], pb.findings if pb else [])
        before = pa.determination if pa else None
        after = pb.determination if pb else None
        if before != after or findings:
            out.append(ProductChange(product_id=pid, before=before, after=after, findings=findings))
    return out


class DateStep(BaseModel):
    """What changed for the products of one BOM from one screening date to the next."""

    source: str = Field(description="the BOM's name")
    start: str = Field(description="earlier date, YYYY-MM-DD")
    end: str = Field(description="later date")
    changes: list[ProductChange]


def steps(source: str, dated: Sequence[tuple[dt.date, Screening]]) -> list[DateStep]:
    """Consecutive differences of one BOM's screenings, in date order."""
    ordered = sorted(dated, key=lambda pair: pair[0])
    return [
        DateStep(source=source, start=str(d0), end=str(d1), changes=diff(s0, s1))
        for (d0, s0), (d1, s1) in itertools.pairwise(ordered)
    ]


class DatedScreening(BaseModel):
    """One BOM screened on one date (one run of a multi-BOM, multi-date command)."""

    source: str = Field(description="the BOM's file name")
    as_of: str
    run_id: int | None = Field(default=None, description="set when the run was recorded")
    screening: Screening


class Series(BaseModel):
    """Several BOMs and/or dates: every screening, and per BOM what changed from date to date."""

    runs: list[DatedScreening]
    changes: list[DateStep]


class Rescreen(BaseModel):
    """A recorded run repeated on a new date: what changed against what was recorded."""

    run_id: int = Field(description="the recorded run repeated")
    new_run_id: int | None = Field(default=None, description="set when the repeat was recorded")
    source: str
    recorded_as_of: str
    as_of: str
    inputs: list[str] = Field(
        default_factory=list, description="what differs from the recorded run's inputs"
    )
    changes: list[ProductChange]


def series(runs: Sequence[DatedScreening]) -> Series:
    """The runs with their date-to-date changes per BOM (BOMs in the order first given)."""
    by_source: dict[str, list[tuple[dt.date, Screening]]] = {}
    for run in runs:
        by_source.setdefault(run.source, []).append(
            (dt.date.fromisoformat(run.as_of), run.screening)
        )
    changes = [step for source, dated in by_source.items() for step in steps(source, dated)]
    return Series(runs=list(runs), changes=changes)


def receipt_changes(a: Screening, b: Screening) -> list[str]:
    """What differs between the inputs of two screenings: date, options, rule files, lists."""
    ra, rb = a.receipt, b.receipt
    out = []
    for name in sorted(ra.parameters.keys() | rb.parameters.keys()):
        va, vb = ra.parameters.get(name), rb.parameters.get(name)
        if name == "parties":
            la = (va or {}).get("lists", {}) if isinstance(va, dict) else {}
            lb = (vb or {}).get("lists", {}) if isinstance(vb, dict) else {}
            out += [
                f"party list {k}: {la.get(k, 0)} -> {lb.get(k, 0)} entries"
                for k in sorted(la.keys() | lb.keys())
                if la.get(k, 0) != lb.get(k, 0)
            ]
        elif va != vb:
            out.append(f"{name}: {va} -> {vb}")
    for file in sorted(ra.rules.keys() | rb.rules.keys()):
        if ra.rules.get(file) != rb.rules.get(file):
            what = (
                "added"
                if file not in ra.rules
                else "removed"
                if file not in rb.rules
                else "changed"
            )
            out.append(f"rule file {file} {what}")
    if ra.assumptions != rb.assumptions:
        out.append(f"assumptions: {ra.assumptions} -> {rb.assumptions}")
    if ra.version != rb.version:
        out.append(f"lanthanide version: {ra.version} -> {rb.version}")
    return out
