"""Column types of the tables a user may import, so a reader can check every cell.

Kinds: `str` (non-empty when required), `int`, `float` (finite), `country` (ISO alpha-2, `other`
or `world`), `confidence` (H/M/L), `month` (YYYY-MM), `url` (http/https).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: its name, kind, and whether a value is required."""

    name: str
    kind: str
    required: bool = True


PROVENANCE = (
    Column("source_url", "url"),
    Column("data_year", "int"),
    Column("confidence", "confidence"),
    Column("derivation", "str", required=False),
)

#: importable tables: columns (provenance last) and primary key
TABLES: dict[str, tuple[tuple[Column, ...], tuple[str, ...]]] = {
    "production": (
        (
            Column("stage", "str"),
            Column("material", "str"),
            Column("country", "country"),
            Column("year", "int"),
            Column("metric", "str"),
            Column("value", "float"),
            Column("qualifier", "str", required=False),
            Column("unit", "str"),
            Column("basis", "str"),
            *PROVENANCE,
        ),
        ("stage", "material", "country", "year", "metric", "basis"),
    ),
    "cn_magnet_exports": (
        (
            Column("period_start", "month"),
            Column("period_end", "month"),
            Column("hs_code", "str"),
            Column("tonnes", "float"),
            *PROVENANCE,
        ),
        ("period_start", "period_end"),
    ),
    "prices_annual": (
        (
            Column("product", "str"),
            Column("market", "str"),
            Column("year", "int"),
            Column("value", "float"),
            Column("low", "float", required=False),
            Column("high", "float", required=False),
            Column("unit", "str"),
            *PROVENANCE,
        ),
        ("product", "market", "year"),
    ),
}
