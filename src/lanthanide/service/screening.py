"""Does each product of a BOM need an export licence on a date, and why (measures of both sides
and the party lists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ConfigDict, Field, field_validator

from lanthanide.bom.model import COUNTRY_CODE
from lanthanide.controls import Screening
from lanthanide.controls.facts import Facts
from lanthanide.controls.history import Options, ProductChange, diff, screen_on
from lanthanide.controls.screening import facts_for
from lanthanide.service.resources import Resources
from lanthanide.service.status import assumptions, today
from lanthanide.store.uploads import Upload, read_bom_upload


class ScreenRequest(Options):
    """The date and the product-level defaults for columns a BOM leaves empty."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(None, description="default: today (UTC)")

    @field_validator("ship_from", "ship_to")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.upper() not in COUNTRY_CODE:
            raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code")
        return value.upper()

    def options(self) -> Options:
        """The options as a recorded run keeps them (everything but the date)."""
        return Options.model_validate(self.model_dump(exclude={"as_of"}))


@dataclass(frozen=True)
class ScreenOutcome:
    """The screening and the per-line roll-ups it was decided from (for a `--lines` report)."""

    screening: Screening
    facts: Facts


def screen(
    request: ScreenRequest, bom: Upload, resources: Resources, columns: Upload | None = None
) -> ScreenOutcome:
    """Read and validate the BOM (and optional column mapping), then screen every product
    against every measure and the party lists (shipped and imported into the store)."""
    assumptions(request.assume, resources)  # a bad statement is refused before the BOM is read
    parsed = read_bom_upload(bom, columns)
    inputs = {f"bom:{bom.basename}": bom.sha256}
    if columns is not None:
        inputs[f"columns:{columns.basename}"] = columns.sha256
    facts = facts_for(parsed, resources.rules)
    screening = screen_on(
        parsed,
        resources.rules,
        resources.parties,
        request.as_of or today(),
        request.options(),
        inputs=inputs,
        facts=facts,
    )
    return ScreenOutcome(screening, facts)


def compare(before: Screening, after: Screening) -> list[ProductChange]:
    """The products whose determination or findings differ from `before` to `after`."""
    return diff(before, after)
