"""The store's own log: every init, import and removal, with when and what, in the `_log` table."""

from __future__ import annotations

import datetime as dt

import duckdb

from lanthanide.store.schema import LOG
from lanthanide.store.sql import ident


def now() -> str:
    """UTC timestamp for the store's records, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write(
    con: duckdb.DuckDBPyConnection,
    action: str,
    vintage: str | None = None,
    *,
    table: str | None = None,
    rows: int,
    detail: str,
) -> None:
    """Append one entry; call inside the transaction of the change it records."""
    con.execute(
        f"insert into {ident(LOG.name)} values (?, ?, ?, ?, ?, ?)",
        [now(), action, vintage, table, rows, detail],
    )
