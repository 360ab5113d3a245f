"""Market event studies of rare-earth policy events: catalogue, normal-return models, tests."""

from __future__ import annotations

from lanthanide.markets.catalogue import Event, ad_hoc_event, events_from_records, select_events
from lanthanide.markets.normal import MODELS, Model
from lanthanide.markets.panel import PricePanel, pair_returns
from lanthanide.markets.result import EventResult, FirmCar, StudyResult
from lanthanide.markets.study import Design, run_study

__all__ = [
    "MODELS",
    "Design",
    "Event",
    "EventResult",
    "FirmCar",
    "Model",
    "PricePanel",
    "StudyResult",
    "ad_hoc_event",
    "events_from_records",
    "pair_returns",
    "run_study",
    "select_events",
]
