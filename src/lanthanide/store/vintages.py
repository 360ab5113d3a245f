"""Vintages of the store: adding one (`data import`), undoing one (`data remove`), listing them.

Every change is one DuckDB transaction that also updates the import log, the content hashes and
the store's log, so a crash leaves either all of it or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lanthanide.errors import InvalidInput
from lanthanide.store import content, log
from lanthanide.store.connection import transaction
from lanthanide.store.datasets import sha256_file
from lanthanide.store.schema import IMPORTS, SHIPPED
from lanthanide.store.sql import ident
from lanthanide.store.table_reader import read_user_table

MAX_NAME = 100


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    if row is None:
        raise LookupError(sql)
    return row[0]


def shipped_editions(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Edition names of the shipped dataset (the `vintages` table's shipped rows)."""
    rows = con.execute("select vintage from vintages where _vintage = ?", [SHIPPED]).fetchall()
    return {str(r[0]) for r in rows}


def imported(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Imported vintages, oldest first."""
    rows = con.execute(f"select vintage from {ident(IMPORTS.name)} order by rank").fetchall()
    return [str(r[0]) for r in rows]


def _check_name(con: duckdb.DuckDBPyConnection, vintage: str) -> None:
    if not vintage.strip() or len(vintage) > MAX_NAME or not vintage.isprintable():
        raise InvalidInput(f"vintage name {vintage!r} must be 1-{MAX_NAME} printable characters")
    if vintage == SHIPPED or vintage in shipped_editions(con):
        raise InvalidInput(f"vintage name {vintage!r} is used by the shipped dataset")
    if vintage in imported(con):
        raise InvalidInput(f"vintage {vintage!r} already exists in the store; choose another name")


def import_table(con: duckdb.DuckDBPyConnection, table: str, file: Path, vintage: str) -> int:
    """Validate `file` and add it as a new vintage of `table` ranked above all others.

    Validation happens before the store is touched; everything else runs in one transaction.
    """
    frame = read_user_table(file, table)
    _check_name(con, vintage)
    rank = int(_scalar(con, f"select coalesce(max(rank), 0) + 1 from {ident(IMPORTS.name)}"))
    frame["_vintage"] = vintage
    frame["_rank"] = rank
    if table == "production":
        frame["vintage"] = vintage
    existing = content.columns(con, table)
    for column in existing:
        if column not in frame.columns:
            frame[column] = None
    sha, at = sha256_file(file), log.now()
    with transaction(con):
        con.register("incoming", frame[existing])
        con.execute(f"insert into {ident(table)} select * from incoming")
        con.unregister("incoming")
        touched = [table]
        if table == "production":
            top = int(_scalar(con, "select max(rank) from vintages"))
            con.execute(
                "insert into vintages (vintage, rank, title, source_url, published,"
                " _vintage, _rank) values (?, ?, ?, ?, ?, ?, ?)",
                [vintage, top + 1, f"user import of {file.name}", "", "", vintage, rank],
            )
            touched.append("vintages")
        con.execute(
            f"insert into {ident(IMPORTS.name)} values (?, ?, ?, ?, ?, ?, ?)",
            [vintage, rank, table, str(file), sha, len(frame), at],
        )
        record_import(con, vintage, table=table, file=file, rows=len(frame), also=touched[1:])
    return len(frame)


def record_import(
    con: duckdb.DuckDBPyConnection,
    vintage: str,
    *,
    table: str,
    file: Path,
    rows: int,
    also: list[str] | tuple[str, ...] = (),
) -> None:
    """Record the content hash of an import's rows and log it; call inside its transaction.

    `also` names further tables the import added rows to (production imports add an edition).
    """
    sha, at = sha256_file(file), log.now()
    for name in (table, *also):
        content.record(con, name, vintage, source=str(file), source_sha256=sha, dated=at)
    log.write(con, "import", vintage, table=table, rows=rows, detail=f"{file} sha256 {sha}")


def remove(con: duckdb.DuckDBPyConnection, tables: list[str], vintage: str) -> int:
    """Delete every row of an imported vintage and its records; return the data rows removed."""
    if vintage == SHIPPED or vintage in shipped_editions(con):
        raise InvalidInput(
            f"vintage {vintage!r} is part of the shipped dataset and cannot be removed"
        )
    known = imported(con)
    if vintage not in known:
        listed = ", ".join(known) if known else "none"
        raise InvalidInput(f"no imported vintage {vintage!r} in the store (imported: {listed})")
    table, file, sha = con.execute(
        f"select table_name, file, sha256 from {ident(IMPORTS.name)} where vintage = ?",
        [vintage],
    ).fetchall()[0]
    removed = 0
    with transaction(con):
        for name in tables:
            count = int(
                _scalar(con, f"select count(*) from {ident(name)} where _vintage = ?", [vintage])
            )
            con.execute(f"delete from {ident(name)} where _vintage = ?", [vintage])
            removed += count if name == table else 0
        con.execute(f"delete from {ident(IMPORTS.name)} where vintage = ?", [vintage])
        con.execute("delete from _content where vintage = ?", [vintage])
        log.write(
            con, "remove", vintage, table=str(table), rows=removed, detail=f"{file} sha256 {sha}"
        )
    return removed


def listing(
    con: duckdb.DuckDBPyConnection, tables: list[str], current: dict[str, pd.Series]
) -> pd.DataFrame:
    """Every vintage of every table: rows, rows still current, source file, its sha256, date.

    The shipped production table holds several editions; each is listed on its own line, dated
    by its publication. `current` maps a table to the vintage of each of its current rows; a
    table without that view (an imported party list) counts all its rows as current.
    """
    records: list[dict[str, object]] = []
    sources = {
        (str(t), str(v)): (str(s), str(h), str(d))
        for t, v, s, h, d in con.execute(
            "select table_name, vintage, source, source_sha256, dated from _content"
        ).fetchall()
    }
    published = {
        str(v): str(p or "")
        for v, p in con.execute("select vintage, published from vintages").fetchall()
    }
    for table in tables:
        split = "vintage" if table == "production" else "_vintage"
        counts = con.execute(
            f"select _vintage, {ident(split)}, count(*) from {ident(table)} "
            "group by all order by min(_rank), 2"
        ).fetchall()
        wins = current[table].value_counts() if table in current else None
        for stored, shown, rows in counts:
            source, sha, dated = sources.get((table, str(stored)), ("", "", ""))
            if table == "production" and stored == SHIPPED:
                dated = published.get(str(shown), dated)
            records.append(
                {
                    "table": table,
                    "vintage": str(shown),
                    "rows": int(rows),
                    "current": int(wins.get(shown, 0)) if wins is not None else int(rows),
                    "source": source,
                    "sha256": sha,
                    "date": dated,
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["table", "vintage", "rows", "current", "source", "sha256", "date"]
    )
