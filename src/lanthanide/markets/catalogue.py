"""The policy-event catalogue: what happened, when, who did it, and which way it should move prices.

Events are plain records validated here; the store reads the shipped CSV and hands the rows in.
`expected_direction` is the project's prior for rare-earth producers outside China (+1 scarcer
Chinese supply, -1 easier, 0 no direct channel); it signs pooled results, never the tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from lanthanide.errors import InvalidInput, Problem

Actor = Literal["CN", "US"]


class Event(BaseModel):
    """One catalogued (or ad hoc) event."""

    id: str = Field(min_length=1)
    date: dt.date
    actor: list[str] = Field(default_factory=list, description="country codes, e.g. ['CN','US']")
    authority: str = ""
    type: str = "ad_hoc"
    description: str = ""
    expected_direction: Literal[-1, 0, 1] = 0
    rule_ids: list[str] = Field(default_factory=list)
    source_url: str = ""
    confidence: str = ""

    @field_validator("actor", "rule_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value


def events_from_records(records: Iterable[Mapping[str, Any]], source: str = "") -> list[Event]:
    """Validate catalogue rows; every bad row is reported with its CSV line."""
    events: list[Event] = []
    problems: list[Problem] = []
    for line, record in enumerate(records, start=2):
        try:
            events.append(Event.model_validate(dict(record)))
        except ValidationError as error:
            for detail in error.errors():
                column = ".".join(str(p) for p in detail["loc"])
                problems.append(Problem(detail["msg"], source, line, column))
    seen: set[str] = set()
    for line, event in enumerate(events, start=2):
        if event.id in seen:
            problems.append(Problem(f"duplicate event id {event.id!r}", source, line, "id"))
        seen.add(event.id)
    if problems:
        raise InvalidInput("invalid event catalogue", problems)
    return sorted(events, key=lambda e: (e.date, e.id))


def select_events(
    events: Iterable[Event],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    actor: str | None = None,
    ids: Iterable[str] | None = None,
) -> list[Event]:
    """Filter by date range (inclusive), actor (an event with CN;US matches both) and id list.

    Unknown ids raise InvalidInput listing them, so a typo never silently shrinks a study.
    """
    chosen = list(events)
    if ids is not None:
        wanted = list(ids)
        known = {e.id for e in chosen}
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise InvalidInput(
                "unknown event id(s)",
                [
                    Problem(f"no catalogued event {i!r} (see `lanthanide events list`)")
                    for i in unknown
                ],
            )
        chosen = [e for e in chosen if e.id in set(wanted)]
    if start is not None:
        chosen = [e for e in chosen if e.date >= start]
    if end is not None:
        chosen = [e for e in chosen if e.date <= end]
    if actor is not None:
        chosen = [e for e in chosen if actor.upper() in e.actor]
    return chosen


def ad_hoc_event(date: dt.date) -> Event:
    """An event given on the command line (`--event-date`), not in the catalogue."""
    return Event(id=f"AD-HOC-{date.isoformat()}", date=date, type="ad_hoc")
