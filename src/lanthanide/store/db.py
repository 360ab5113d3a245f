"""The DuckDB store: the shipped reference dataset plus user-imported vintages.

Every table carries two bookkeeping columns: `_vintage` (`shipped` or the import's name) and
`_rank` (0 for shipped rows, increasing with each import). Reading a table returns, per primary
key, the row of the highest rank, so a newer import takes precedence while older rows stay for
audit. Without a database file the store is built in memory from the shipped files, so every
command works without an `init` step.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lanthanide.config import Settings
from lanthanide.errors import ConfigError, InvalidInput
from lanthanide.store.datasets import (
    dataset_path,
    read_table,
    sha256_file,
    verify_dataset,
)
from lanthanide.store.files import atomic_write_bytes
from lanthanide.store.schema import TABLES
from lanthanide.store.table_reader import read_user_table

SHIPPED = "shipped"


class Store:
    """One DuckDB connection holding the reference tables; the only place SQL runs."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.con = connection
        self.path = path

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def embedded(cls) -> Store:
        """An in-memory store loaded from the shipped dataset (checksums verified)."""
        con = duckdb.connect(":memory:")
        _load_shipped(con)
        return cls(con, None)

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = True) -> Store:
        """Open the store at `path`, or the embedded data when `path` is None."""
        if path is None:
            return cls.embedded()
        if not path.is_file():
            raise ConfigError(
                f"no store at {path}; create it with `lanthanide data init --db {path}`"
            )
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            raise ConfigError(f"{path}: not a lanthanide store ({error})") from error
        return cls(con, path)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store the settings name: their database file, or the embedded data."""
        return cls.open(settings.db_path)

    @staticmethod
    def init(path: Path) -> dict[str, int]:
        """Create or refresh the store file at `path` from the shipped dataset.

        Builds a new file beside the target and renames it into place, so a failure leaves the old
        store intact. Rows imported by the user into an existing store are carried over.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            fresh = Path(tmp) / "store.duckdb"
            con = duckdb.connect(str(fresh))
            counts = _load_shipped(con)
            # the screening engine's tables (imported party lists, recorded runs) exist in store
            # files only; imported here so that reading the embedded data (`chain`) stays light
            from lanthanide.store import parties, runs  # noqa: PLC0415

            parties.ensure_table(con)
            runs.ensure_tables(con)
            if path.is_file():
                _carry_imports(con, path)
                runs.carry(con, path)
            con.close()
            atomic_write_bytes(path, fresh.read_bytes())
        return counts

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    # -- reading ---------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Names of the data tables (bookkeeping tables start with `_`)."""
        rows = self.con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_name not like '\\_%' escape '\\' "
            "order by table_name"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def frame(self, table: str) -> pd.DataFrame:
        """Current rows of `table`: per primary key, the highest-ranked vintage."""
        if table not in self.tables():
            raise InvalidInput(
                f"no table {table!r} in the store; tables: {', '.join(self.tables())}"
            )
        key = _primary_key(self.con, table)
        order = ", ".join(f'"{k}"' for k in key)
        sql = (
            f'select * exclude (_rank) from "{table}" '
            f"qualify row_number() over (partition by {order} order by _rank desc) = 1"
            if key
            else f'select * exclude (_rank) from "{table}"'
        )
        return self.con.execute(sql).df()

    def summary(self) -> pd.DataFrame:
        """Row counts per table and vintage."""
        parts = [
            f"select '{t}' as \"table\", _vintage as vintage, count(*) as rows "
            f'from "{t}" group by _vintage'
            for t in self.tables()
        ]
        return self.con.execute(" union all ".join(parts) + " order by 1, 2").df()

    def imports(self) -> pd.DataFrame:
        """The import log: which file became which vintage, when, with its sha256."""
        return self.con.execute("select * from _imports order by rank").df()

    def datasets(self) -> dict[str, str]:
        """Shipped dataset versions recorded in the store with their datapackage sha256."""
        rows = self.con.execute("select name, version, sha256 from _datasets").fetchall()
        return {f"{n}@{v}": str(h) for n, v, h in rows}

    def _scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        if row is None:
            raise LookupError(sql)
        return row[0]

    # -- writing ---------------------------------------------------------------------------
    def import_table(self, table: str, file: Path, vintage: str) -> int:
        """Validate `file` and add it as a new vintage of `table` ranked above all others.

        Validation happens before the store is touched; the insert runs in one transaction.
        """
        if self.path is None:
            raise ConfigError(
                "imports need a store file: pass --db PATH (create it with data init)"
            )
        frame = read_user_table(file, table)
        if not vintage or vintage == SHIPPED:
            raise InvalidInput(f"vintage name {vintage!r} is reserved or empty")
        used = {str(r[0]) for r in self.con.execute("select vintage from _imports").fetchall()}
        if vintage in used:
            raise InvalidInput(
                f"vintage {vintage!r} already exists in the store; choose another name"
            )
        rank = int(self._scalar("select coalesce(max(rank), 0) + 1 from _imports"))
        frame["_vintage"] = vintage
        frame["_rank"] = rank
        if table == "production":
            frame["vintage"] = vintage
        existing = [str(c[0]) for c in self.con.execute(f'describe "{table}"').fetchall()]
        for column in existing:
            if column not in frame.columns:
                frame[column] = None
        frame = frame[existing]
        self.con.execute("begin transaction")
        try:
            self.con.register("incoming", frame)
            self.con.execute(f'insert into "{table}" select * from incoming')
            self.con.unregister("incoming")
            if table == "production":
                top = int(self._scalar("select max(rank) from vintages"))
                self.con.execute(
                    "insert into vintages (vintage, rank, title, source_url, published,"
                    " _vintage, _rank) values (?, ?, ?, ?, ?, ?, ?)",
                    [vintage, top + 1, f"user import of {file.name}", "", "", vintage, rank],
                )
            self.con.execute(
                "insert into _imports values (?, ?, ?, ?, ?, ?, ?)",
                [
                    vintage,
                    rank,
                    table,
                    str(file),
                    sha256_file(file),
                    len(frame),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ],
            )
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        return len(frame)


def _primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    row = con.execute("select key from _keys where table_name = ?", [table]).fetchone()
    return [] if row is None or not row[0] else str(row[0]).split(",")


def _load_shipped(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    folder = dataset_path("reference")
    package = verify_dataset(folder)
    con.execute("create table _datasets (name varchar, version varchar, sha256 varchar)")
    con.execute(
        "insert into _datasets values (?, ?, ?)",
        [package.name, package.version, sha256_file(folder / "datapackage.yaml")],
    )
    con.execute("create table _keys (table_name varchar, key varchar)")
    con.execute(
        "create table _imports (vintage varchar, rank integer, table_name varchar, file varchar,"
        " sha256 varchar, rows integer, imported_at varchar)"
    )
    counts = {}
    for resource in package.resources:
        frame = read_table(resource.name, "reference", package.version)
        frame["_vintage"] = SHIPPED
        frame["_rank"] = 0
        con.register("shipped_frame", frame)
        con.execute(f'create table "{resource.name}" as select * from shipped_frame')
        con.unregister("shipped_frame")
        key = TABLES[resource.name][1] if resource.name in TABLES else resource.primary_key
        if resource.name == "production":
            key = (*key, "vintage")
        con.execute("insert into _keys values (?, ?)", [resource.name, ",".join(key)])
        counts[resource.name] = len(frame)
    return counts


def _carry_imports(con: duckdb.DuckDBPyConnection, old: Path) -> None:
    con.execute(f"attach '{old}' as old (read_only)")
    try:
        for table in [
            str(r[0])
            for r in con.execute("select distinct table_name from old._imports").fetchall()
        ]:
            con.execute(
                f'insert into "{table}" by name select * from old."{table}" where _rank > 0'
            )
        con.execute("insert into vintages by name select * from old.vintages where _rank > 0")
        con.execute("insert into _imports select * from old._imports")
    finally:
        con.execute("detach old")
