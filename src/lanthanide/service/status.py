"""Which measure of either side is in force on a date, and why."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from lanthanide.controls import parse_assumptions
from lanthanide.controls import timeline as run_timeline
from lanthanide.controls.rule import Status
from lanthanide.controls.status import TimelineEntry
from lanthanide.receipt import Receipt, make_receipt
from lanthanide.service.resources import Resources


class TimelineRequest(BaseModel):
    """A date and the statuses the user states where the sources are silent."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(None, description="default: today (UTC)")
    assume: list[str] = Field(
        default_factory=list, description="ID=STATUS, e.g. CN-MOFCOM-2025-61=in_force"
    )


class TimelineResult(BaseModel):
    """Every measure (and clause) with its status on the date and the reason in words."""

    as_of: dt.date
    entries: list[TimelineEntry]
    receipt: Receipt


def today() -> dt.date:
    """The default screening date: today in UTC (not the server's local zone)."""
    return dt.datetime.now(dt.UTC).date()


def assumptions(items: list[str], resources: Resources) -> dict[str, Status]:
    """Parse `ID=STATUS` statements against the rule set (InvalidInput naming `assume`)."""
    return parse_assumptions(items, resources.rules)


def timeline(request: TimelineRequest, resources: Resources) -> TimelineResult:
    """The status of every shipped measure on `request.as_of`."""
    on = request.as_of or today()
    assumed = assumptions(request.assume, resources)
    entries = run_timeline(resources.rules, on, assumed)
    receipt = make_receipt(
        "timeline",
        rules=resources.rules.hashes,
        parameters={"as_of": on.isoformat()},
        assumptions=[f"{k}={v.value} (user assumption)" for k, v in sorted(assumed.items())],
    )
    return TimelineResult(as_of=on, entries=entries, receipt=receipt)
