"""lanthanide: an open toolkit for the rare-earth chokepoint.

The public API is what `__all__` lists; everything else is an implementation detail. The use-case
functions and their request/result models (`lanthanide.service`) are loaded on first access, so
`import lanthanide` (and `lanthanide --version`) does not pay for DuckDB, pandas and numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lanthanide.config import Settings
from lanthanide.errors import (
    ConfigError,
    DatasetIntegrityError,
    InvalidInput,
    InvalidRule,
    LanthanideError,
    NotFound,
    Problem,
    SimulationError,
)
from lanthanide.version import __version__

if TYPE_CHECKING:
    from lanthanide.service import (
        BacktestOutcome,
        BacktestRequest,
        ChainRequest,
        ChainResult,
        DatasetsResult,
        Resources,
        ScreenOutcome,
        ScreenRequest,
        SimulateRequest,
        SimulationOutcome,
        StageRequest,
        StageResult,
        TimelineRequest,
        TimelineResult,
        Upload,
        backtest,
        compare,
        datasets,
        screen,
        simulate,
        stage,
        timeline,
    )
    from lanthanide.service import chain as chain_report


def __getattr__(name: str) -> Any:
    # only names in __all__ that are not defined above reach here: the service's.
    # `lanthanide.chain` is the core package, so the chain report is served as `chain_report`
    if name == "chain_report":
        return importlib.import_module("lanthanide.service").chain
    if name in __all__:
        return getattr(importlib.import_module("lanthanide.service"), name)
    raise AttributeError(f"module 'lanthanide' has no attribute {name!r}")


__all__ = [
    "BacktestOutcome",
    "BacktestRequest",
    "ChainRequest",
    "ChainResult",
    "ConfigError",
    "DatasetIntegrityError",
    "DatasetsResult",
    "InvalidInput",
    "InvalidRule",
    "LanthanideError",
    "NotFound",
    "Problem",
    "Resources",
    "ScreenOutcome",
    "ScreenRequest",
    "Settings",
    "SimulateRequest",
    "SimulationError",
    "SimulationOutcome",
    "StageRequest",
    "StageResult",
    "TimelineRequest",
    "TimelineResult",
    "Upload",
    "__version__",
    "backtest",
    "chain_report",
    "compare",
    "datasets",
    "screen",
    "simulate",
    "stage",
    "timeline",
]
