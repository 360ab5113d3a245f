"""The store's schemas: the tables a user may import, and the tables the store keeps beside them.

Importable tables list column kinds so a reader can check every cell. Kinds: `str` (non-empty
when required), `int`, `float` (finite), `country` (ISO alpha-2, `other` or `world`),
`confidence` (H/M/L), `month` (YYYY-MM), `url` (http/https).

`STORE_TABLES` lists every other table of a store file (bookkeeping and user-owned data such as
party lists or screening runs). `data init` creates each one and carries its rows over according to
`keep`; opening a store for writing creates any that an older store lacks. A module that owns such
a table adds one `StoreTable` to the list and keeps its queries to itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from lanthanide.store.sql import ident


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


@dataclass(frozen=True)
class StoreTable:
    """A table of the store file other than the shipped data tables.

    `keep` is the SQL condition selecting the rows `data init` carries into the rebuilt store
    (`"true"`: all, the default for user data); None means the table is rebuilt from the shipped
    dataset on every init.
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    keep: str | None = "true"

    def ddl(self) -> str:
        """`create table if not exists` for this table."""
        columns = ", ".join(f"{ident(n)} {kind}" for n, kind in self.columns)
        return f"create table if not exists {ident(self.name)} ({columns})"


#: vintage name of the rows loaded from the shipped dataset
SHIPPED = "shipped"

DATASETS = StoreTable(
    "_datasets", (("name", "varchar"), ("version", "varchar"), ("sha256", "varchar")), keep=None
)
#: the data tables (shipped or importable) and their primary keys
KEYS = StoreTable("_keys", (("table_name", "varchar"), ("key", "varchar")), keep=None)
IMPORTS = StoreTable(
    "_imports",
    (
        ("vintage", "varchar"),
        ("rank", "integer"),
        ("table_name", "varchar"),
        ("file", "varchar"),
        ("sha256", "varchar"),
        ("rows", "integer"),
        ("imported_at", "varchar"),
    ),
)
#: content hash of each vintage's rows per table, computed in a canonical order when loaded
CONTENT = StoreTable(
    "_content",
    (
        ("table_name", "varchar"),
        ("vintage", "varchar"),
        ("rows", "integer"),
        ("sha256", "varchar"),
        ("source", "varchar"),
        ("source_sha256", "varchar"),
        ("dated", "varchar"),
    ),
    keep=f"vintage <> '{SHIPPED}'",
)
#: what was done to the store: init, import, remove
LOG = StoreTable(
    "_log",
    (
        ("at", "varchar"),
        ("action", "varchar"),
        ("vintage", "varchar"),
        ("table_name", "varchar"),
        ("rows", "integer"),
        ("detail", "varchar"),
    ),
)

#: every non-data table of a store file; add yours here (one line) to have it created and carried
STORE_TABLES: tuple[StoreTable, ...] = (DATASETS, KEYS, IMPORTS, CONTENT, LOG)
