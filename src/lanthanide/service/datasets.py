"""What the store holds: dataset versions with their hashes, and every vintage of every table."""

from __future__ import annotations

import math

from pydantic import BaseModel

from lanthanide.service.resources import Resources


class TableVintage(BaseModel):
    """One vintage (shipped edition or import) of one table: its rows and where they came from."""

    table: str
    vintage: str
    rows: int
    current: int
    source: str | None
    sha256: str | None
    date: str | None


class DatasetsResult(BaseModel):
    """Shipped dataset versions (name@version -> datapackage sha256) and the vintages."""

    datasets: dict[str, str]
    tables: list[TableVintage]


def _text(value: object) -> str | None:
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return None if missing else str(value)


def datasets(resources: Resources) -> DatasetsResult:
    """The datasets the store was built from and every vintage of every table."""
    store = resources.store
    tables = [
        TableVintage(
            table=str(row["table"]),
            vintage=str(row["vintage"]),
            rows=int(row["rows"]),
            current=int(row["current"]),
            source=_text(row["source"]),
            sha256=_text(row["sha256"]),
            date=_text(row["date"]),
        )
        for row in store.vintages().to_dict("records")
    ]
    return DatasetsResult(datasets=store.datasets(), tables=tables)
