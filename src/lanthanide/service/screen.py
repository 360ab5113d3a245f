"""Does each product of a BOM need an export licence on a date, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lanthanide.bom.model import COUNTRY_CODE
from lanthanide.controls import Defaults, Screening
from lanthanide.controls import screen as run_screen
from lanthanide.controls.facts import Facts
from lanthanide.controls.screening import facts_for
from lanthanide.service.resources import Resources
from lanthanide.service.timeline import assumptions, today
from lanthanide.store.uploads import Upload, read_bom_upload


class ScreenRequest(BaseModel):
    """Screening options: the date and product-level defaults for columns a BOM leaves empty."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(None, description="default: today (UTC)")
    ship_from: str | None = Field(None, description="default exporting country (ISO alpha-2)")
    ship_to: str | None = Field(None, description="default destination (ISO alpha-2)")
    end_use: str | None = Field(None, description="civil, military, advanced_logic_14nm, ...")
    end_user: str | None = Field(None, description="free text or a flag such as military")
    assume: list[str] = Field(default_factory=list, description="ID=STATUS statements")

    @field_validator("ship_from", "ship_to")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.upper() not in COUNTRY_CODE:
            raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code")
        return value.upper()

    @field_validator("end_use", "end_user")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.lower() if value else None


@dataclass(frozen=True)
class ScreenOutcome:
    """The screening and the per-line roll-ups it was decided from (for a `--lines` report)."""

    screening: Screening
    facts: Facts


def screen(
    request: ScreenRequest, bom: Upload, resources: Resources, columns: Upload | None = None
) -> ScreenOutcome:
    """Read and validate the BOM (and optional column mapping), then screen every product."""
    rules = resources.rules
    assumed = assumptions(request.assume, resources)
    parsed = read_bom_upload(bom, columns)
    inputs = {f"bom:{bom.basename}": bom.sha256}
    if columns is not None:
        inputs[f"columns:{columns.basename}"] = columns.sha256
    facts = facts_for(parsed, rules)
    defaults = Defaults(
        ship_from=request.ship_from,
        ship_to=request.ship_to,
        end_user=request.end_user,
        end_use=request.end_use,
    )
    screening = run_screen(
        parsed,
        rules,
        request.as_of or today(),
        defaults=defaults,
        assumptions=assumed,
        inputs=inputs,
        facts=facts,
    )
    return ScreenOutcome(screening, facts)
