"""Non-Chinese capacity by stage from the facility list: what runs now, and what is coming.

A facility counts as running in `year` when its status is an operating one and it started by
then (an unknown start date counts as started for operating sites). Everything else with a
capacity figure is pipeline, listed with its start date so a reader sees when the gap may close.
Capacity figures have different bases (nameplate, output, throughput); each facility keeps its
own basis text, and totals are only summed within one stage x material.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

RUNNING = frozenset({"operating", "ramping", "commissioning", "opening"})


@dataclass(frozen=True)
class Facility:
    """One facility as reported with its capacity."""

    facility_id: str
    company: str
    country: str
    status: str
    start: str
    capacity_t: float | None
    capacity_basis: str
    source_url: str
    confidence: str


@dataclass(frozen=True)
class StageCapacity:
    """Non-Chinese capacity of one stage x material: running in `year` and in the pipeline."""

    stage: str
    material: str
    year: int
    running_t: float
    pipeline_t: float
    running: list[Facility] = field(default_factory=list)
    pipeline: list[Facility] = field(default_factory=list)


def _text(value: object) -> str:
    """A cell as text; empty for a missing value (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number(value: object) -> float | None:
    """A cell as a number, None when missing or not numeric."""
    try:
        number = float(_text(value))
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _started(start: object, year: int) -> bool:
    text = _text(start)
    return text == "" or int(text[:4]) <= year


def non_china_capacity(facilities: pd.DataFrame, year: int) -> list[StageCapacity]:
    """Running and pipeline capacity outside China per stage x material, for `year`."""
    outside = facilities[facilities["country"] != "CN"]
    result = []
    for (stage, material), group in outside.groupby(["stage", "material"], sort=True):
        running: list[Facility] = []
        pipeline: list[Facility] = []
        for r in group.itertuples():
            item = Facility(
                facility_id=str(r.facility_id),
                company=str(r.company),
                country=str(r.country),
                status=str(r.status),
                start=_text(r.start),
                capacity_t=_number(r.capacity_t_per_year),
                capacity_basis=str(r.capacity_basis),
                source_url=str(r.source_url),
                confidence=str(r.confidence),
            )
            is_running = item.status in RUNNING and _started(r.start, year)
            (running if is_running else pipeline).append(item)
        result.append(
            StageCapacity(
                stage=str(stage),
                material=str(material),
                year=year,
                running_t=sum(f.capacity_t or 0.0 for f in running),
                pipeline_t=sum(f.capacity_t or 0.0 for f in pipeline),
                running=running,
                pipeline=sorted(pipeline, key=lambda f: f.start or "9999"),
            )
        )
    return result
