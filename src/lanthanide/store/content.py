"""Content hashes of the rows inside a store, so an edited row is caught before it reaches a report.

The sha256 of a shipped file proves the file is intact, not the rows a store loaded from it: a row
changed with SQL would otherwise pass `data verify` and flow into every result under the pristine
file hash. So when a vintage's rows are loaded, the store records their count and a hash computed
in a canonical order (all columns, rows sorted by every column), and every open recomputes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import duckdb

from lanthanide.store.schema import CONTENT
from lanthanide.store.sql import ident


@dataclass(frozen=True)
class Digest:
    """Row count and canonical hash of one vintage of one table."""

    rows: int
    sha256: str


@dataclass(frozen=True)
class Mismatch:
    """A vintage whose rows no longer match the hash recorded when they were loaded."""

    table: str
    vintage: str
    recorded: Digest | None
    found: Digest

    def __str__(self) -> str:
        if self.recorded is None:
            return (
                f"{self.table} ({self.vintage}): {self.found.rows} row(s) that no load or import "
                "recorded"
            )
        return (
            f"{self.table} ({self.vintage}): {self.found.rows} row(s) with sha256 "
            f"{self.found.sha256[:16]}..., recorded {self.recorded.rows} with "
            f"{self.recorded.sha256[:16]}..."
        )


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of `table` in table order."""
    return [str(row[0]) for row in con.execute(f"describe {ident(table)}").fetchall()]


def digests(
    con: duckdb.DuckDBPyConnection, table: str, vintage: str | None = None
) -> dict[str, Digest]:
    """Digest of each vintage of `table` (or of `vintage` only), from one query.

    Hashed: the column names (all but `_vintage`), then each row as JSON, rows sorted by every
    column, so neither the insertion order nor the storage layout changes the hash.
    """
    where = "where _vintage = ?" if vintage is not None else ""
    cursor = con.execute(
        f"select _vintage, * exclude (_vintage) from {ident(table)} {where} order by all",
        [vintage] if vintage is not None else [],
    )
    names = [str(d[0]) for d in cursor.description[1:]]
    head = json.dumps(names).encode("utf-8") + b"\n"
    hashers: dict[str, tuple[Any, list[int]]] = {}
    for row in cursor.fetchall():
        hasher, count = hashers.setdefault(str(row[0]), (hashlib.sha256(head), [0]))
        hasher.update(json.dumps(row[1:], default=str, ensure_ascii=False).encode("utf-8") + b"\n")
        count[0] += 1
    found = {v: Digest(n[0], h.hexdigest()) for v, (h, n) in hashers.items()}
    if vintage is not None and vintage not in found:
        found[vintage] = Digest(0, hashlib.sha256(head).hexdigest())
    return found


def digest(con: duckdb.DuckDBPyConnection, table: str, vintage: str) -> Digest:
    """Digest of the rows of `vintage` in `table`."""
    return digests(con, table, vintage)[vintage]


def record(
    con: duckdb.DuckDBPyConnection,
    table: str,
    vintage: str,
    *,
    source: str,
    source_sha256: str,
    dated: str,
) -> Digest:
    """Compute and store the digest of one vintage of `table` with where its rows came from."""
    found = digest(con, table, vintage)
    con.execute(
        f"insert into {ident(CONTENT.name)} values (?, ?, ?, ?, ?, ?, ?)",
        [table, vintage, found.rows, found.sha256, source, source_sha256, dated],
    )
    return found


def recorded(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Digest]:
    """The recorded digests by (table, vintage)."""
    rows = con.execute(f"select table_name, vintage, rows, sha256 from {ident(CONTENT.name)}")
    return {(str(t), str(v)): Digest(int(n), str(h)) for t, v, n, h in rows.fetchall()}


def vintaged_tables(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """`tables` plus every other existing table an import went into (e.g. imported party lists)."""
    rows = con.execute(
        "select distinct i.table_name from _imports i join information_schema.tables t"
        " on t.table_name = i.table_name and t.table_catalog = current_database()"
    ).fetchall()
    return sorted(set(tables) | {str(r[0]) for r in rows})


def present(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[tuple[str, str]]:
    """Every (table, vintage) that has rows."""
    found: list[tuple[str, str]] = []
    for table in tables:
        rows = con.execute(f"select distinct _vintage from {ident(table)} order by 1").fetchall()
        found.extend((table, str(r[0])) for r in rows)
    return found


def mismatches(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[Mismatch]:
    """Vintages whose rows differ from their record, were never recorded, or have vanished."""
    expected = recorded(con)
    actual = {(t, v): d for t in tables for v, d in digests(con, t).items()}
    problems: list[Mismatch] = []
    for key in sorted(set(actual) | set(expected)):
        found = actual.get(key) or (
            digest(con, *key) if key[0] in tables else Digest(0, "")  # recorded, rows gone
        )
        if expected.get(key) != found:
            problems.append(Mismatch(key[0], key[1], expected.get(key), found))
    return problems
