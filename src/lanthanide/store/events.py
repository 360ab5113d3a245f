"""Load the shipped policy-event catalogue (verified against its datapackage hashes)."""

from __future__ import annotations

from lanthanide.markets.catalogue import Event, events_from_records
from lanthanide.store.datasets import dataset_path, dataset_receipts, read_table

DATASET = "events"


def load_catalogue(version: str | None = None) -> list[Event]:
    """Every catalogued event, sorted by date."""
    table = read_table("events", dataset=DATASET, version=version)
    table = table.astype(object).where(table.notna(), None)
    source = str(dataset_path(DATASET, version) / "events.csv")
    return events_from_records(
        [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")],
        source=source,
    )


def catalogue_receipt(version: str | None = None) -> dict[str, str]:
    """`events@version -> sha256` for result receipts."""
    return dataset_receipts(DATASET, version)
