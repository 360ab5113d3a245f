"""What the store holds: dataset versions with their hashes and the rows of each vintage."""

from __future__ import annotations

from pydantic import BaseModel

from lanthanide.service.resources import Resources


class TableVintage(BaseModel):
    """How many rows one vintage (shipped or imported) holds in one table."""

    table: str
    vintage: str
    rows: int


class DatasetsResult(BaseModel):
    """Shipped dataset versions (name@version -> datapackage sha256) and the rows by vintage."""

    datasets: dict[str, str]
    tables: list[TableVintage]


def datasets(resources: Resources) -> DatasetsResult:
    """The datasets the store was built from and its row counts per table and vintage."""
    store = resources.store
    summary = store.summary()
    tables = [
        TableVintage(table=str(table), vintage=str(vintage), rows=int(rows))
        for table, vintage, rows in zip(
            summary["table"], summary["vintage"], summary["rows"], strict=True
        )
    ]
    return DatasetsResult(datasets=store.datasets(), tables=tables)
