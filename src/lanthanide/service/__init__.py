"""The use-case layer: one function per question, typed request in, typed result with its receipt
out. Every front-end (CLI, REST API, dashboard) calls these; they never print, parse argv or know
HTTP. They are the public Python API, re-exported from `lanthanide`.
"""

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
from lanthanide.service.screen import ScreenOutcome, ScreenRequest, screen
from lanthanide.service.timeline import TimelineRequest, TimelineResult, timeline
from lanthanide.store.uploads import Upload

__all__ = [
    "ChainRequest",
    "ChainResult",
    "DatasetsResult",
    "Resources",
    "ScreenOutcome",
    "ScreenRequest",
    "StageRequest",
    "StageResult",
    "TimelineRequest",
    "TimelineResult",
    "Upload",
    "chain",
    "datasets",
    "screen",
    "stage",
    "timeline",
]
