"""The DuckDB store: the shipped reference dataset plus user-imported vintages.

Every data table carries two bookkeeping columns: `_vintage` (`shipped` or the import's name) and
`_rank` (0 for shipped rows, increasing with each import). Reading a table returns, per primary
key, the row of the highest rank, so a newer import takes precedence while older rows stay for
audit. Without a database file the store is built in memory from the shipped files, so every
command works without an `init` step.

Opening a store file checks the content hash of every vintage's rows (see `content`) and refuses
a store whose rows differ from what was loaded: a result computed from edited rows would carry
the pristine dataset hash in its receipt. `data verify --db` reports each differing table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from lanthanide.chain.precedence import current_rows
from lanthanide.config import Settings
from lanthanide.errors import ConfigError, DatasetIntegrityError, InvalidInput
from lanthanide.store import content, vintages
from lanthanide.store.build import InitResult, init_store, load_shipped
from lanthanide.store.connection import WriteLock, connect, shown
from lanthanide.store.schema import CONTENT, DATASETS, IMPORTS, KEYS, LOG, SHIPPED, STORE_TABLES
from lanthanide.store.sql import ident, idents

__all__ = ["SHIPPED", "Store"]


class Store:
    """One DuckDB connection holding the reference tables; the only place SQL runs."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        path: Path | None,
        lock: WriteLock | None = None,
    ) -> None:
        self.con = connection
        self.path = path
        self._lock = lock

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def embedded(cls) -> Store:
        """An in-memory store loaded from the shipped dataset (checksums verified)."""
        con = duckdb.connect(":memory:")
        load_shipped(con)
        return cls(con, None)

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = True, check: bool = True) -> Store:
        """Open the store at `path`, or the embedded data when `path` is None.

        A writer (`read_only=False`) holds the store's lock until `close`. With `check`, a store
        whose rows differ from their recorded content hash is refused (DatasetIntegrityError).
        """
        if path is None:
            return cls.embedded()
        path = path.absolute()  # ':memory:' or 'md:x' given as --db must stay file names
        if not path.is_file():
            raise ConfigError(
                f"no store at {path}; create it with `lanthanide data init --db {shown(path)}`"
            )
        lock = None if read_only else WriteLock(path).acquire()
        try:
            store = cls(connect(path, read_only=read_only), path, lock)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        try:
            store._check_layout(writable=not read_only)
            if check:
                store.check()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store the settings name: their database file, or the embedded data."""
        return cls.open(settings.db_path)

    @staticmethod
    def init(path: Path, *, force: bool = False) -> InitResult:
        """Create or refresh the store file at `path` atomically (see `build.init_store`)."""
        return init_store(path, force=force)

    def close(self) -> None:
        """Close the connection (a writer's changes are checkpointed) and release the lock."""
        try:
            self.con.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_layout(self, *, writable: bool) -> None:
        """Refuse a DuckDB file that is not a (current) lanthanide store."""
        names = {
            str(r[0])
            for r in self.con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        }
        if not {KEYS.name, IMPORTS.name, DATASETS.name} <= names:
            raise ConfigError(f"{self.path}: a DuckDB file, but not a lanthanide store")
        if CONTENT.name not in names or LOG.name not in names:
            raise ConfigError(
                f"{self.path}: made by an older lanthanide, without content hashes; run "
                f"`lanthanide data init --db {self._shown}` to upgrade it (imports are kept)"
            )
        if writable:
            for table in STORE_TABLES:  # tables added by a later release appear in older stores
                self.con.execute(table.ddl())

    # -- integrity -------------------------------------------------------------------------
    def mismatches(self) -> list[content.Mismatch]:
        """Vintages whose rows differ from the content hash recorded when they were loaded."""
        return content.mismatches(self.con, self._vintaged())

    def recorded(self) -> dict[tuple[str, str], content.Digest]:
        """The content hash recorded for each (table, vintage)."""
        return content.recorded(self.con)

    def unlike_shipped(self) -> list[str]:
        """Tables whose recorded shipped-row hash differs from what the installed dataset gives.

        Catches rows edited together with their recorded hash. Only comparable when the store was
        built from the installed dataset version; otherwise nothing is reported.
        """
        with Store.embedded() as pristine:
            if pristine.datasets() != self.datasets():
                return []
            theirs = pristine.recorded()
        mine = self.recorded()
        return sorted(t for (t, v), found in theirs.items() if mine.get((t, v)) != found)

    def check(self) -> None:
        """Raise DatasetIntegrityError naming every vintage whose rows changed since loading."""
        found = self.mismatches()
        if not found:
            return
        shipped = any(m.vintage == SHIPPED for m in found)
        fix = (
            f"`lanthanide data init --db {self._shown}` restores the shipped rows (imports kept)"
            if shipped
            else f"`lanthanide data remove VINTAGE --db {self._shown}` removes an import"
        )
        raise DatasetIntegrityError(
            f"store {self.path}: rows differ from the content hash recorded when they were "
            f"loaded in {', '.join(f'{m.table} ({m.vintage})' for m in found)}; "
            f"`lanthanide data verify --db {self._shown}` shows each table, {fix}"
        )

    @property
    def _shown(self) -> str:
        return shown(self.path) if self.path else ""

    # -- reading ---------------------------------------------------------------------------
    def tables(self) -> list[str]:
        """Names of the data tables (shipped, and importable), in name order."""
        rows = self.con.execute(f"select table_name from {ident(KEYS.name)} order by 1")
        return [str(r[0]) for r in rows.fetchall()]

    def _vintaged(self) -> list[str]:
        """Every table whose rows carry `_vintage`: the data tables and imported user tables."""
        return content.vintaged_tables(self.con, self.tables())

    def _known(self, table: str) -> None:
        if table not in self.tables():
            raise InvalidInput(
                f"no table {table!r} in the store; tables: {', '.join(self.tables())}"
            )

    def frame(self, table: str) -> pd.DataFrame:
        """Rows of `table` winning on its primary key: per key, the highest-ranked vintage.

        The production table's key includes the edition, so all editions stay; `current` applies
        the edition precedence as well.
        """
        self._known(table)
        key = _primary_key(self.con, table)
        sql = (
            f"select * exclude (_rank) from {ident(table)} "
            f"qualify row_number() over (partition by {idents(key)} order by _rank desc) = 1"
            if key
            else f"select * exclude (_rank) from {ident(table)}"
        )
        return self.con.execute(sql).df()

    def current(self, table: str) -> pd.DataFrame:
        """Current rows only: for production, the newest edition of each figure (one per key)."""
        frame = self.frame(table)
        if table != "production":
            return frame
        chosen = current_rows(frame, self.frame("vintages"))
        return chosen[frame.columns].reset_index(drop=True)

    def history(self, table: str) -> pd.DataFrame:
        """Every row of `table` in every vintage, shipped first, then imports in order."""
        self._known(table)
        order = idents(["_rank", *_primary_key(self.con, table)])
        return self.con.execute(f"select * from {ident(table)} order by {order}").df()

    def vintages(self) -> pd.DataFrame:
        """Every vintage of every table: rows, rows current, source file, its sha256, date."""
        current = {
            t: self.current(t)["vintage" if t == "production" else "_vintage"]
            for t in self.tables()
        }
        return vintages.listing(self.con, self._vintaged(), current)

    def imports(self) -> pd.DataFrame:
        """The import log: which file became which vintage, when, with its sha256."""
        return self.con.execute(f"select * from {ident(IMPORTS.name)} order by rank").df()

    def log(self) -> pd.DataFrame:
        """What was done to the store (init, import, remove), oldest first."""
        log = self.con.execute(f'select * from {ident(LOG.name)} order by "at", rowid').df()
        return log.fillna("")

    def datasets(self) -> dict[str, str]:
        """Shipped dataset versions recorded in the store with their datapackage sha256."""
        rows = self.con.execute(f"select name, version, sha256 from {ident(DATASETS.name)}")
        return {f"{n}@{v}": str(h) for n, v, h in rows.fetchall()}

    # -- writing ---------------------------------------------------------------------------
    def _writable(self) -> duckdb.DuckDBPyConnection:
        if self.path is None or self._lock is None:
            raise ConfigError(
                "changing the store needs a store file opened for writing: pass --db PATH "
                "(create it with data init)"
            )
        return self.con

    def import_table(self, table: str, file: Path, vintage: str) -> int:
        """Validate `file` and add it as a new vintage of `table` ranked above all others."""
        if table == "parties":
            # the screening engine is imported only here, so reading the store stays light
            from lanthanide.store import parties  # noqa: PLC0415

            return parties.import_parties(self._writable(), file, vintage)
        return vintages.import_table(self._writable(), table, file, vintage)

    def remove(self, vintage: str) -> int:
        """Undo an import: delete its rows and records in one transaction, logged."""
        return vintages.remove(self._writable(), self._vintaged(), vintage)


def _primary_key(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    row = con.execute(f"select key from {ident(KEYS.name)} where table_name = ?", [table])
    found = row.fetchone()
    return [] if found is None or not found[0] else str(found[0]).split(",")
