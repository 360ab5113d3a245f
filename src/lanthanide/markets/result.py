"""Result objects of an event study, shaped like the JSON contract of `lanthanide events study`.

    {"receipt": {...}, "events": [{"id", "date", "firms": [{"ticker", "car", "t", ...}], "caar",
      "tests": {"t": {"stat", "p"}, "patell": ..., "bmp": ..., "kp": ..., "corrado": ...,
      "sign": ..., "portfolio": ...}, ...}], "pooled": {...}, "skipped": [...]}

All p-values are two-sided. Undefined statistics are null.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from lanthanide.receipt import Receipt


class Stat(BaseModel):
    stat: float | None
    p: float | None = Field(description="two-sided p-value")


class FirmCar(BaseModel):
    """One firm on one event."""

    ticker: str
    event_day: dt.date = Field(description="the firm's day 0 (its own trading calendar)")
    benchmark: str | None
    car: float
    t: float | None = Field(description="CAR / sqrt(Var(CAR)) with the forecast-error variance")
    p: float | None
    ar: list[float] = Field(description="abnormal return on each event-window day")
    n_estimation: int
    alpha: float | None = None
    beta: float | None = None
    sigma: float = Field(description="residual standard deviation in the estimation window")


class PathPoint(BaseModel):
    """CAAR cumulated from the first window day to `tau`, with its cross-sectional std. error."""

    tau: int
    caar: float
    se: float | None


class EventResult(BaseModel):
    id: str
    date: dt.date
    members: list[str] = Field(description="catalogue ids merged into this event (same day 0)")
    actor: list[str]
    expected_direction: int
    rule_ids: list[str]
    description: str
    source_url: str
    firms: list[FirmCar]
    n: int
    caar: float | None
    tests: dict[str, Stat]
    mean_residual_correlation: float | None
    caar_path: list[PathPoint]
    overlaps: list[str] = Field(
        default_factory=list, description="other studied events whose windows overlap this one"
    )


class Pooled(BaseModel):
    """Direction-signed CARs over all events with a non-zero expected direction.

    `t` averages each firm's signed CARs first, so n counts firms, not firm-events; it still
    assumes firms are independent. `t_events` treats each event's signed CAAR (a portfolio
    of the firms hit that day, which absorbs their cross-correlation) as one observation.
    """

    n_firms: int
    n_events: int
    mean_signed_car: float | None
    t: Stat
    mean_signed_caar: float | None
    t_events: Stat
    per_firm: dict[str, float]


class Skipped(BaseModel):
    event: str
    ticker: str | None
    reason: str


class StudyResult(BaseModel):
    receipt: Receipt
    window: tuple[int, int]
    estimation: tuple[int, int]
    model: str
    events: list[EventResult]
    pooled: Pooled | None
    skipped: list[Skipped]
    notes: list[str] = Field(default_factory=list)
