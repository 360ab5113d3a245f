"""Value-chain model: concentration of each stage by country, and where the chokepoint is."""

from lanthanide.chain.metrics import (
    ChainReport,
    Chokepoint,
    CountryShare,
    ImportReliance,
    StageConcentration,
    chain_report,
    chokepoints,
    concentration,
    hhi,
    import_reliance,
    shares_from_rows,
)
from lanthanide.chain.precedence import current_rows

__all__ = [
    "ChainReport",
    "Chokepoint",
    "CountryShare",
    "ImportReliance",
    "StageConcentration",
    "chain_report",
    "chokepoints",
    "concentration",
    "current_rows",
    "hhi",
    "import_reliance",
    "shares_from_rows",
]
