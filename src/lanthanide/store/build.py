"""Building a store: the shipped dataset loaded into DuckDB, and `data init` done atomically.

`init` never loses committed data. Under the writer lock it opens the old store read-write (DuckDB
replays a WAL a crashed writer left and folds it into the file), builds the new store in a
temporary file in the same folder, carries the user's rows over, fsyncs it and renames it over
the old one. A kill at any point leaves either the old store or the new one, never a mix, and no
WAL that belongs to the other file. A store that cannot be read (a foreign WAL, not a lanthanide
file) is only replaced with `force`, and then kept beside it as a backup.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lanthanide.errors import ConfigError, DatasetIntegrityError, StoreBusy
from lanthanide.store import content, log
from lanthanide.store.connection import WriteLock, connect, wal_path
from lanthanide.store.datasets import dataset_path, read_table, sha256_file, verify_dataset
from lanthanide.store.schema import DATASETS, IMPORTS, KEYS, SHIPPED, STORE_TABLES, TABLES
from lanthanide.store.sql import ident


@dataclass(frozen=True)
class InitResult:
    """What `init` did: rows loaded per shipped table, imports carried, a backup if one was made."""

    counts: dict[str, int]
    carried: list[str]
    backup: Path | None


def load_shipped(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Create the store's tables and load the shipped dataset (checksums verified), with hashes."""
    folder = dataset_path("reference")
    package = verify_dataset(folder)
    for table in STORE_TABLES:
        con.execute(table.ddl())
    con.execute(
        f"insert into {ident(DATASETS.name)} values (?, ?, ?)",
        [package.name, package.version, sha256_file(folder / "datapackage.yaml")],
    )
    counts = {}
    for resource in package.resources:
        frame = read_table(resource.name, "reference", package.version)
        frame["_vintage"] = SHIPPED
        frame["_rank"] = 0
        con.register("shipped_frame", frame)
        con.execute(f"create table {ident(resource.name)} as select * from shipped_frame")
        con.unregister("shipped_frame")
        key = TABLES[resource.name][1] if resource.name in TABLES else resource.primary_key
        if resource.name == "production":
            key = (*key, "vintage")
        con.execute(f"insert into {ident(KEYS.name)} values (?, ?)", [resource.name, ",".join(key)])
        content.record(
            con,
            resource.name,
            SHIPPED,
            source=f"{package.name}@{package.version}/{resource.path}",
            source_sha256=resource.sha256,
            dated=package.retrieved,
        )
        counts[resource.name] = len(frame)
    return counts


def init_store(path: Path, *, force: bool = False) -> InitResult:
    """Create or refresh the store at `path`; imports and user tables of an old store are kept."""
    path = path.absolute()
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; name the store file, e.g. {path / 'store.duckdb'}")
    with WriteLock(path):
        for leftover in path.parent.glob(f".{path.name}.init-*"):
            leftover.unlink(missing_ok=True)  # a crashed init's temporary file (we hold the lock)
        backup, carry_from = _prepare(path, force)
        tmp = path.with_name(f".{path.name}.init-{secrets.token_hex(6)}.tmp")
        try:
            counts, carried = _built(tmp, carry_from, path)
            _durable(tmp)
            for wal in (wal_path(tmp), wal_path(path)):  # never pair a WAL with the wrong file
                if wal.exists():
                    raise ConfigError(f"{wal}: unexpected write-ahead log; store not replaced")
            tmp.replace(path)
            _durable(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
            wal_path(tmp).unlink(missing_ok=True)
    return InitResult(counts, carried, backup)


def _prepare(path: Path, force: bool) -> tuple[Path | None, Path | None]:
    """(backup made, store to carry rows from) for an init of `path`.

    An unreadable old store is refused unless `force`; then it is copied aside with its WAL,
    and its rows are still carried if the main file alone is a readable store.
    """
    if not (path.exists() or wal_path(path).exists()):
        return None, None
    try:
        _settle(path)
        return None, path
    except StoreBusy:
        raise
    except DatasetIntegrityError:  # a WAL that cannot be replayed: its message says what to do
        if not force:
            raise
    except ConfigError as error:
        if not force:
            raise ConfigError(
                f"{error}; `data init` replaces it only with --force (the old file is kept as "
                "a backup)"
            ) from error
    backup = _move_aside(path)
    try:
        _settle(path)
    except (ConfigError, DatasetIntegrityError):
        return backup, None
    return backup, path


def _settle(path: Path) -> None:
    """Make the old store safe to read: replay and fold in a WAL, check it is a lanthanide store."""
    if not path.exists():
        raise ConfigError(f"{wal_path(path)}: a write-ahead log without its store file")
    con = connect(path, read_only=False)  # replays a WAL left by a crashed writer
    try:
        if not (_has_table(con, IMPORTS.name) and _has_table(con, KEYS.name)):
            raise ConfigError(f"{path}: a DuckDB file, but not a lanthanide store")
        con.execute("checkpoint")
    finally:
        con.close()


def _move_aside(path: Path) -> Path:
    """Keep an unreadable store and its WAL as `<name>.replaced-<time>[.wal]`."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.replaced-{stamp}")
    if path.exists():
        shutil.copy2(path, backup)  # the old file stays in place until the new one replaces it
    if wal_path(path).exists():
        wal_path(path).replace(wal_path(backup))
    return backup


def _built(tmp: Path, old: Path | None, path: Path) -> tuple[dict[str, int], list[str]]:
    """`_build`, with a failure to write (a full disk, DuckDB I/O) said in one line."""
    try:
        return _build(tmp, old)
    except (OSError, duckdb.Error) as error:
        raise ConfigError(
            f"{path}: could not build the store ({error}); the old store is unchanged"
        ) from error


def _build(tmp: Path, old: Path | None) -> tuple[dict[str, int], list[str]]:
    con = duckdb.connect(str(tmp))
    try:
        counts = load_shipped(con)
        # the screening engine's tables (imported party lists, recorded runs) exist in store
        # files only; imported here so that reading the embedded data (`chain`) stays light
        from lanthanide.store import parties, runs  # noqa: PLC0415

        parties.ensure_table(con)
        runs.ensure_tables(con)
        carried = _carry(con, old) if old is not None else []
        log.write(
            con, "init", rows=sum(counts.values()), detail=f"carried {len(carried)} import(s)"
        )
    finally:
        con.close()  # checkpoints: the file holds everything, no WAL stays beside it
    return counts, carried


def _carry(con: duckdb.DuckDBPyConnection, old: Path) -> list[str]:
    """Copy imported rows and user tables from the old store; return the imported vintages."""
    con.execute("attach ? as old (read_only)", [str(old)])
    try:
        tables = [
            str(r[0])
            for r in con.execute(
                "select table_name from old._keys union select table_name from old._imports"
            ).fetchall()
        ]
        new_tables = set(content.vintaged_tables(con, _table_names(con)))
        for table in sorted(tables):
            _carry_imported(con, old, table, new_tables)
        for store_table in STORE_TABLES:
            if store_table.keep is not None and _has_table(con, store_table.name, "old"):
                con.execute(
                    f"insert into {ident(store_table.name)} by name "
                    f"select * from old.{ident(store_table.name)} where {store_table.keep}"
                )
        _record_unhashed(con, content.vintaged_tables(con, sorted(new_tables & set(tables))))
        carried = con.execute("select vintage from _imports order by rank").fetchall()
    except duckdb.Error as error:
        raise ConfigError(
            f"{old}: cannot carry its imports into the new store ({error}); nothing was changed"
        ) from error
    finally:
        con.execute("detach old")
    from lanthanide.store import runs  # noqa: PLC0415  (see _build)

    runs.carry(con, old)
    return [str(r[0]) for r in carried]


def _carry_imported(
    con: duckdb.DuckDBPyConnection, old: Path, table: str, new_tables: set[str]
) -> None:
    """Copy the imported rows (rank above 0) of one table."""
    if not _has_table(con, table, "old"):
        return
    found = con.execute(f"select count(*) from old.{ident(table)} where _rank > 0").fetchone()
    if not (found and found[0]):
        return
    if table not in new_tables:
        raise ConfigError(
            f"{old}: imported rows of table {table!r}, which this store no longer has; "
            "the store was not replaced"
        )
    con.execute(
        f"insert into {ident(table)} by name select * from old.{ident(table)} where _rank > 0"
    )


def _record_unhashed(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Hash imported vintages a store made before content hashes existed."""
    known = content.recorded(con)
    imports = {
        str(v): (str(f), str(h), str(at))
        for v, f, h, at in con.execute(
            "select vintage, file, sha256, imported_at from _imports"
        ).fetchall()
    }
    for table, vintage in content.present(con, tables):
        if vintage != SHIPPED and (table, vintage) not in known:
            file, sha, at = imports.get(vintage, ("", "", ""))
            content.record(con, table, vintage, source=file, source_sha256=sha, dated=at)


def _table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables of the main database (not of an attached one)."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database()"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _has_table(con: duckdb.DuckDBPyConnection, name: str, catalog: str | None = None) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_name = ?"
        " and table_catalog = coalesce(?, current_database())",
        [name, catalog],
    ).fetchone()
    return bool(row and row[0])


def _durable(path: Path) -> None:
    """fsync a file or folder, so a rename after it never exposes unwritten data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
