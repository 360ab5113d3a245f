"""lanthanide: an open toolkit for the rare-earth chokepoint.

The public API is what `__all__` lists; everything else is an implementation detail.
"""

from __future__ import annotations

from lanthanide.config import Settings
from lanthanide.errors import (
    ConfigError,
    DatasetIntegrityError,
    InvalidInput,
    InvalidRule,
    LanthanideError,
    Problem,
    SimulationError,
)
from lanthanide.version import __version__

__all__ = [
    "ConfigError",
    "DatasetIntegrityError",
    "InvalidInput",
    "InvalidRule",
    "LanthanideError",
    "Problem",
    "Settings",
    "SimulationError",
    "__version__",
]
