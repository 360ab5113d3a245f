"""Opening the store file: one writer at a time, DuckDB's errors turned into ones a user can act on.

DuckDB lets either one read-write process or several read-only ones open a file. On top of that,
every lanthanide writer (`init`, `import`, `remove`) takes an advisory lock on `<store>.lock` for
its whole run, so `init` can read the old store, build the new one and rename it into place
without another writer slipping an import in between (it would be lost with the old file).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import duckdb

from lanthanide.errors import ConfigError, DatasetIntegrityError, StoreBusy

_PID = re.compile(r"\(PID (\d+)\)")


def shown(path: Path) -> str:
    """`path` as a user can paste it into a shell command (quoted if it has spaces or quotes)."""
    return shlex.quote(str(path))


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log beside the store file."""
    return path.with_name(path.name + ".wal")


def lock_path(path: Path) -> Path:
    """The advisory lock file lanthanide writers hold."""
    return path.with_name(path.name + ".lock")


class WriteLock:
    """An exclusive, non-blocking lock on `<store>.lock`, holding the writer's process id."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.path = lock_path(store)
        self._fd: int | None = None

    def acquire(self) -> WriteLock:
        """Take the lock or raise StoreBusy naming the process that holds it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise ConfigError(
                f"{self.store}: cannot write beside the store ({error.strerror or error})"
            ) from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreBusy(str(self.store), _holder(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Drop the lock (the file stays: deleting it would race with the next writer)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()  # a writer dropped without close() must not keep others out

    def __enter__(self) -> WriteLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def _holder(path: Path) -> int | None:
    """The process id a lock holder wrote into the lock file, if readable."""
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text(encoding="ascii").strip())
    return None


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open `path` with DuckDB; a held lock, a foreign WAL or a non-DuckDB file get clear errors.

    A WAL left by a writer that crashed is replayed by DuckDB here (committed transactions are
    kept, an unfinished one is dropped); a WAL that belongs to another file is refused.
    """
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise _explained(path, error) from error


def _explained(path: Path, error: duckdb.Error) -> Exception:
    message = str(error)
    if "Could not set lock" in message or "Conflicting lock" in message:
        found = _PID.search(message)
        return StoreBusy(str(path), int(found.group(1)) if found else None)
    if "different configuration" in message:
        return StoreBusy(str(path), os.getpid())
    if "WAL" in message:
        wal = wal_path(path)
        return DatasetIntegrityError(
            f"{path}: its write-ahead log {wal.name} cannot be replayed "
            f"({message.splitlines()[0]}); nothing was changed. To use the store as its main "
            f"file holds it, move {shown(wal)} aside, or run "
            f"`lanthanide data init --db {shown(path)} --force` (both files are kept as a backup)"
        )
    first = message.splitlines()[0] if message else type(error).__name__
    return ConfigError(f"{path}: not a lanthanide store ({first})")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit the block's statements together, or roll all of them back on any error."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except duckdb.Error as error:  # a full disk, a read-only file: the change is rolled back
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise ConfigError(
            f"the store could not be written ({error}); nothing was changed"
        ) from error
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
