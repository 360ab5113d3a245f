"""Load the simulator's calibration (`shock-network` dataset): tables, distributions, measures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lanthanide.errors import DatasetIntegrityError
from lanthanide.shock.distributions import Dist, make
from lanthanide.store.datasets import dataset_receipts, read_table

DATASET = "shock-network"
TABLES = (
    "capacity",
    "facilities",
    "demand",
    "sectors",
    "coefficients",
    "sourcing",
    "inventory",
    "prices",
    "recycling",
    "parameters",
    "measures",
    "exports_by_destination",
)
DIST_FIELDS = ("value", "low", "mode", "high")


@dataclass(frozen=True)
class Measure:
    """A real measure's dates and the layers it covers (from the `measures` table)."""

    id: str
    exporter: str
    effective: str
    suspended_from: str | None
    suspended_until: str | None
    layers: tuple[str, ...]
    source_url: str


@dataclass(frozen=True)
class Calibration:
    tables: dict[str, pd.DataFrame]
    defaults: dict[str, Dist]
    measures: dict[str, Measure]
    receipts: dict[str, str]


def _dist(row: pd.Series) -> Dist:
    params = {f: float(row[f]) for f in DIST_FIELDS if f in row and pd.notna(row[f])}
    try:
        return make(str(row["dist"]), params)
    except ValueError as error:
        raise DatasetIntegrityError(f"{DATASET} parameters: {row['parameter']}: {error}") from error


def load_calibration(version: str | None = None) -> Calibration:
    """All calibration tables, verified against their sha256, plus parsed defaults and measures."""
    tables = {name: read_table(name, dataset=DATASET, version=version) for name in TABLES}
    defaults = {str(row["parameter"]): _dist(row) for _, row in tables["parameters"].iterrows()}
    measures: dict[str, Measure] = {}
    for _, row in tables["measures"].iterrows():
        measures[str(row["measure_id"])] = Measure(
            id=str(row["measure_id"]),
            exporter=str(row["exporter"]),
            effective=str(row["effective"]),
            suspended_from=str(row["suspended_from"]) if pd.notna(row["suspended_from"]) else None,
            suspended_until=(
                str(row["suspended_until"]) if pd.notna(row["suspended_until"]) else None
            ),
            layers=tuple(str(row["layers"]).split(";")),
            source_url=str(row["source_url"]),
        )
    return Calibration(tables, defaults, measures, dataset_receipts(DATASET, version))
