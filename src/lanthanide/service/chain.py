"""Where the chokepoints are: concentration by stage, chokepoints by element, US import reliance."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from lanthanide.chain import ChainReport, StageConcentration
from lanthanide.receipt import Receipt
from lanthanide.service.resources import Resources
from lanthanide.store.views import chain_from_store, elements, stage_from_store

#: the data years a request may ask for: the shipped tables start in 2018 and project to 2030
YEAR_RANGE = (1990, 2100)


class ChainRequest(BaseModel):
    """The full chain report for a year, optionally for one element."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(2025, ge=YEAR_RANGE[0], le=YEAR_RANGE[1], description="latest data <= year")
    element: str | None = Field(None, description="one rare earth by symbol, e.g. Dy")


class StageRequest(BaseModel):
    """One stage's concentration in exactly one year."""

    model_config = ConfigDict(extra="forbid")

    stage: str = Field(description="mining, separation, metal_alloy, magnet, ...")
    year: int = Field(2025, ge=YEAR_RANGE[0], le=YEAR_RANGE[1])
    material: str | None = Field(None, description="REO, HREE, NdFeB ...; default: broadest")
    element: str | None = None


class ChainResult(BaseModel):
    """The chain report with the receipt of what it was computed from."""

    report: ChainReport
    receipt: Receipt


class StageResult(BaseModel):
    """One stage's concentration with its receipt."""

    stage: StageConcentration
    receipt: Receipt


def chain(request: ChainRequest, resources: Resources) -> ChainResult:
    """Every stage at its latest data year <= `request.year`, chokepoints and import reliance."""
    report, receipt = chain_from_store(resources.store, request.year, request.element)
    return ChainResult(report=report, receipt=receipt)


def stage(request: StageRequest, resources: Resources) -> StageResult:
    """Concentration of `request.stage` in exactly `request.year`."""
    one, receipt = stage_from_store(
        resources.store, request.stage, request.year, request.material, request.element
    )
    return StageResult(stage=one, receipt=receipt)


def vocabulary(resources: Resources) -> dict[str, list[str]]:
    """The values `element`, `stage` and the measure ids of an assumption may take, from the
    store and the rules (for API schemas and dashboard forms)."""
    store = resources.store
    stages = store.frame("stages").sort_values("order")["stage"]
    return {
        "element": elements(store),
        "stage": [str(s) for s in stages],
        "measure": sorted(resources.rules.rules),
    }
