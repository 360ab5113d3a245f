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
        ChainRequest,
        ChainResult,
        DatasetsResult,
        Resources,
        ScreenOutcome,
        ScreenRequest,
        StageRequest,
        StageResult,
        TimelineRequest,
        TimelineResult,
        Upload,
        chain,
        datasets,
        screen,
        stage,
        timeline,
    )


def __getattr__(name: str) -> Any:
    # only names in __all__ that are not defined above reach here: the service's
    if name in __all__:
        return getattr(importlib.import_module("lanthanide.service"), name)
    raise AttributeError(f"module 'lanthanide' has no attribute {name!r}")


__all__ = [
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
    "SimulationError",
    "StageRequest",
    "StageResult",
    "TimelineRequest",
    "TimelineResult",
    "Upload",
    "__version__",
    "chain",
    "datasets",
    "screen",
    "stage",
    "timeline",
]
