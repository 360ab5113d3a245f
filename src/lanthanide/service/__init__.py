"""The use-case layer: one function per question, typed request in, typed result with its receipt
out. Every front-end (CLI, REST API, dashboard) calls these; they never print, parse argv or know
HTTP. They are the public Python API, re-exported from `lanthanide`.

The light capabilities (reference data) are imported with the package; the heavy ones (the
screening engine, the simulator) on first access, so `lanthanide chain` loads neither. Their
modules are named unlike their functions (`screening.screen`), because importing a submodule binds
its name on the package and would hide a lazily served function of the same name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lanthanide.service.chain import (
    ChainRequest,
    ChainResult,
    StageRequest,
    StageResult,
    chain,
    stage,
)
from lanthanide.service.datasets import DatasetsResult, datasets
from lanthanide.service.resources import Resources
from lanthanide.store.uploads import Upload

if TYPE_CHECKING:
    from lanthanide.service.market_events import (
        EventsRequest,
        EventsResult,
        StudyRequest,
        events,
        study,
        volatility,
    )
    from lanthanide.service.screening import ScreenOutcome, ScreenRequest, compare, screen
    from lanthanide.service.simulation import (
        BacktestOutcome,
        BacktestRequest,
        SimulateRequest,
        SimulationOutcome,
        backtest,
        simulate,
    )
    from lanthanide.service.status import TimelineRequest, TimelineResult, timeline

#: the heavy capabilities' names and the modules they are loaded from on first access
_LAZY = {
    "EventsRequest": "lanthanide.service.market_events",
    "EventsResult": "lanthanide.service.market_events",
    "StudyRequest": "lanthanide.service.market_events",
    "events": "lanthanide.service.market_events",
    "study": "lanthanide.service.market_events",
    "volatility": "lanthanide.service.market_events",
    "ScreenOutcome": "lanthanide.service.screening",
    "ScreenRequest": "lanthanide.service.screening",
    "compare": "lanthanide.service.screening",
    "screen": "lanthanide.service.screening",
    "BacktestOutcome": "lanthanide.service.simulation",
    "BacktestRequest": "lanthanide.service.simulation",
    "SimulateRequest": "lanthanide.service.simulation",
    "SimulationOutcome": "lanthanide.service.simulation",
    "backtest": "lanthanide.service.simulation",
    "simulate": "lanthanide.service.simulation",
    "TimelineRequest": "lanthanide.service.status",
    "TimelineResult": "lanthanide.service.status",
    "timeline": "lanthanide.service.status",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lanthanide.service' has no attribute {name!r}")


__all__ = [
    "BacktestOutcome",
    "BacktestRequest",
    "ChainRequest",
    "ChainResult",
    "DatasetsResult",
    "EventsRequest",
    "EventsResult",
    "Resources",
    "ScreenOutcome",
    "ScreenRequest",
    "SimulateRequest",
    "SimulationOutcome",
    "StageRequest",
    "StageResult",
    "StudyRequest",
    "TimelineRequest",
    "TimelineResult",
    "Upload",
    "backtest",
    "chain",
    "compare",
    "datasets",
    "events",
    "screen",
    "simulate",
    "stage",
    "study",
    "timeline",
    "volatility",
]
