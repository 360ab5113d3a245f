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

import duckdb

from lanthanide.store.schema import CONTENT
from lanthanide.store.sql import ident, idents


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


def digest(con: duckdb.DuckDBPyConnection, table: str, vintage: str) -> Digest:
    """Hash of the rows of `vintage` in `table`: column names, then each row as JSON, sorted."""
    names = [c for c in columns(con, table) if c != "_vintage"]
    rows = con.execute(
        f"select {idents(names)} from {ident(table)} where _vintage = ? order by all", [vintage]
    ).fetchall()
    hasher = hashlib.sha256(json.dumps(names).encode("utf-8") + b"\n")
    for row in rows:
        hasher.update(json.dumps(row, default=str, ensure_ascii=False).encode("utf-8") + b"\n")
    return Digest(len(rows), hasher.hexdigest())


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
    problems: list[Mismatch] = []
    for table, vintage in sorted(set(present(con, tables)) | set(expected)):
        found = digest(con, table, vintage) if table in tables else Digest(0, "")
        if expected.get((table, vintage)) != found:
            problems.append(Mismatch(table, vintage, expected.get((table, vintage)), found))
    return problems
