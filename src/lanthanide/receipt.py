"""Receipts: what a result was computed from, so that it can be reproduced and audited.

Every result object (chain report, screening, simulation, event study) embeds one. The core builds
it from plain values handed in by the caller; hashing of files happens in the store layer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from lanthanide.version import __version__


class Receipt(BaseModel):
    """Package version, inputs with their hashes, parameters and seed of one computation."""

    package: str = "lanthanide"
    version: str
    computed: str = Field(description="what was computed, e.g. 'chain', 'screen'")
    datasets: dict[str, str] = Field(
        default_factory=dict, description="dataset name@version -> sha256 of its datapackage"
    )
    rules: dict[str, str] = Field(default_factory=dict, description="rule file -> sha256")
    parameters: dict[str, Any] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list)
    seed: int | None = None


def make_receipt(computed: str, **kwargs: Any) -> Receipt:
    """Build a receipt stamped with the installed package version."""
    return Receipt(version=__version__, computed=computed, **kwargs)
