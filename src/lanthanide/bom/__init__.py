"""Bills of materials as integer-coded arrays, vectorized roll-up and re-sourcing search."""

from lanthanide.bom.model import ELEMENTS, ITEM_TYPES, Bom
from lanthanide.bom.resourcing import Resourcing, smallest_resourcing
from lanthanide.bom.rollup import Plan, levels, plan, rollup

__all__ = [
    "ELEMENTS",
    "ITEM_TYPES",
    "Bom",
    "Plan",
    "Resourcing",
    "levels",
    "plan",
    "rollup",
    "smallest_resourcing",
]
