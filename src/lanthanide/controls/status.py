"""Status of a measure on a date: the date logic, in one place.

Order of the checks, and why:
1. a user assumption (`--assume ID=STATUS`) wins, and is echoed in the receipt;
2. before the issue date nothing exists (`not_yet_issued`);
3. a suspension window covers implementation even before the effective date (Ann. 57 was
   suspended from 2025-11-07, a day before it took effect), so it is checked next;
4. a date the sources disagree on as the end of a suspension is `unknown`;
5. before the (clause) effective date: `issued_not_effective`;
6. after the expiry date: `expired`;
7. after the last suspension has ended, with no source on what followed: `unknown`,
   never silently in force or lifted (unless the rule file says `after_last_suspension: in_force`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from lanthanide.controls.rule import Rule, RuleSet, Status
from lanthanide.errors import InvalidInput, Problem


def status_on(
    rule: Rule,
    on: dt.date,
    clause: str | None = None,
    assumptions: Mapping[str, Status] | None = None,
) -> Status:
    """The status of `rule` (or one of its clauses) on date `on`."""
    if assumptions and rule.id in assumptions:
        return assumptions[rule.id]
    if rule.issued is not None and on < rule.issued:
        return Status.NOT_YET_ISSUED
    windows = [w for w in rule.suspensions if w.covers(clause)]
    for window in windows:
        if window.from_ <= on <= window.until:
            return Status.SUSPENDED
        if window.until_latest is not None and window.until < on <= window.until_latest:
            return Status.UNKNOWN
    effective = rule.effective
    if clause is not None:
        part = rule.clause(clause)
        if part is None:
            raise KeyError(f"{rule.id} has no clause {clause!r}")
        effective = part.effective
    if effective is not None and on < effective:
        return Status.ISSUED_NOT_EFFECTIVE
    if rule.expires is not None and on > rule.expires:
        return Status.EXPIRED
    if windows and rule.after_last_suspension == "unknown":
        last_end = max(w.until_latest or w.until for w in windows)
        if on > last_end:
            return Status.UNKNOWN
    return Status.IN_FORCE


@dataclass(frozen=True)
class TimelineEntry:
    """One measure's status on a date, with its clauses and the reason in words."""

    measure: str
    title: str
    authority: str
    status: Status
    clauses: dict[str, Status]
    note: str
    assumed: bool
    source_url: str


def _note(rule: Rule, on: dt.date, status: Status) -> str:
    if status is Status.SUSPENDED:
        window = next(w for w in rule.suspensions if w.covers(None) and w.from_ <= on <= w.until)
        return f"suspended by {window.by} from {window.from_} until {window.until}"
    if status is Status.UNKNOWN:
        last = max((w for w in rule.suspensions if w.covers(None)), key=lambda w: w.until)
        end = last.until_latest or last.until
        if on <= end:
            return (
                f"sources disagree whether the suspension by {last.by} ends {last.until} or {end}"
            )
        return (
            f"suspension by {last.by} ended {end}; no source says whether it was extended, "
            "lapsed or replaced"
        )
    if status is Status.NOT_YET_ISSUED:
        return f"issued {rule.issued}"
    if status is Status.ISSUED_NOT_EFFECTIVE:
        return f"issued {rule.issued}, effective {rule.effective}"
    if status is Status.EXPIRED:
        return f"expired after {rule.expires}"
    since = rule.effective or rule.issued
    return f"in force since {since}" if since else "in force (long-standing)"


def timeline(
    rules: RuleSet, on: dt.date, assumptions: Mapping[str, Status] | None = None
) -> list[TimelineEntry]:
    """Every measure with its status (and its clauses' statuses) on `on`, sorted by id."""
    entries = []
    for rule in sorted(rules.rules.values(), key=lambda r: r.id):
        status = status_on(rule, on, assumptions=assumptions)
        assumed = bool(assumptions and rule.id in assumptions)
        clauses = {c.id: status_on(rule, on, c.id, assumptions) for c in rule.clauses}
        note = "assumed by the user" if assumed else _note(rule, on, status)
        entries.append(
            TimelineEntry(
                measure=rule.id,
                title=rule.title,
                authority=rule.authority,
                status=status,
                clauses=clauses,
                note=note,
                assumed=assumed,
                source_url=rule.source_url,
            )
        )
    return entries


def parse_assumptions(items: list[str], rules: RuleSet) -> dict[str, Status]:
    """Parse `ID=STATUS` statements; InvalidInput (field `assume`) names the bad one."""
    out: dict[str, Status] = {}
    allowed = ", ".join(s.value for s in Status)
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise _bad_assumption(f"assumption {item!r}: expected ID=STATUS")
        if key not in rules.rules:
            known = ", ".join(sorted(rules.rules))
            raise _bad_assumption(f"assumption {item!r}: unknown measure {key!r} (known: {known})")
        try:
            out[key] = Status(value)
        except ValueError:
            raise _bad_assumption(f"assumption {item!r}: status must be one of {allowed}") from None
    return out


def _bad_assumption(message: str) -> InvalidInput:
    return InvalidInput(message, [Problem(message, column="assume")])
