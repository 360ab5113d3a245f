"""Build small BOM files for tests: rows as dicts, written as canonical CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from lanthanide.bom.model import Bom
from lanthanide.controls import Defaults, Screening, screen
from lanthanide.controls.status import parse_assumptions
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.bom_table import CANONICAL
from lanthanide.store.rules import shipped_rules


def line(  # noqa: PLR0917 (positional order mirrors the CSV columns in tests)
    line_id: str,
    parent: str = "",
    item_type: str = "component",
    origin: str = "DE",
    value: float | str = 10.0,
    quantity: float = 1.0,
    product: str = "P1",
    **extra: Any,
) -> dict[str, Any]:
    """One BOM row with sensible defaults."""
    row = {
        "product_id": product,
        "line_id": line_id,
        "parent_line_id": parent,
        "item_type": item_type,
        "origin": origin,
        "quantity": quantity,
        "unit_value_usd": value,
    }
    row.update(extra)
    return row


def write_bom(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in CANONICAL})
    return path


def load(tmp: Path, rows: list[dict[str, Any]]) -> Bom:
    return read_bom(write_bom(tmp / "bom.csv", rows))


def run(
    tmp: Path,
    rows: list[dict[str, Any]],
    on: str,
    assume: tuple[str, ...] = (),
    **defaults: str,
) -> Screening:
    rules = shipped_rules()
    return screen(
        load(tmp, rows),
        rules,
        dt.date.fromisoformat(on),
        defaults=Defaults(**defaults),
        assumptions=parse_assumptions(list(assume), rules),
    )


def cover(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose `unit_value_usd` is each item's own value added, as a consistent BOM.

    An item is worth its value added plus its parts (quantity x unit value), so no share can pass
    100%. Rows must list every parent before its children (as generated BOMs do); the value added
    is kept under `_added` so a test can change it and cover the rows again.
    """
    out = [{**r, "_added": r.get("_added", r["unit_value_usd"])} for r in rows]
    index = {(r["product_id"], r["line_id"]): i for i, r in enumerate(out)}
    parts = [0.0] * len(out)
    for i in range(len(out) - 1, -1, -1):
        row = out[i]
        row["unit_value_usd"] = row["_added"] + parts[i]
        if row["parent_line_id"]:
            parent = index[(row["product_id"], row["parent_line_id"])]
            parts[parent] += row["quantity"] * row["unit_value_usd"]
    return out


def slack(rows: list[dict[str, Any]], line_id: str) -> float:
    """How much a new part under `line_id` may be worth without exceeding the item's value."""
    row = next(r for r in rows if r["line_id"] == line_id)
    return float(row["_added"])
