"""Atomic file writes: a reader never sees a half-written file, a failed run leaves nothing.

Every output goes to a temporary file (or folder) beside its target and is renamed over it only
when complete. When the disk is full, the folder is read-only or the target is a directory, the
temporary is removed and the error says which path could not be written (exit 2 in the CLI).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from lanthanide.errors import InvalidInput, Problem

#: suffix of a temporary output folder (tests/hostile/harness.py looks for leftovers by it)
PARTIAL_SUFFIX = ".partial"


def _mode_for(path: Path) -> int:
    """The permissions a plain open() would give: an existing file's own, else 0o666 less umask.

    mkstemp creates its file 0o600 for safety; left as is, every report a user writes would be
    unreadable to their colleagues.
    """
    try:
        return path.stat().st_mode & 0o777
    except (FileNotFoundError, NotADirectoryError):
        return 0o666 & ~_umask()


def _umask() -> int:
    umask = os.umask(0)  # the only way to read it; restored at once (writes are not threaded)
    os.umask(umask)
    return umask


def cannot_write(path: Path, error: OSError) -> InvalidInput:
    """The error for an output that could not be written, naming the path and the reason."""
    reason = error.strerror or type(error).__name__
    return InvalidInput(
        f"{path}: cannot write it ({reason}); nothing was written",
        [Problem(reason, str(path))],
    )


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # some parent is a file: say that, not "File exists"
        raise NotADirectoryError(20, "a parent folder is a file") from None


def _stage(path: Path, data: bytes) -> Path:
    """Write `data` to a fsynced temporary file beside `path`; return the temporary's path."""
    _make_parent(path)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _is_stream(path: Path) -> bool:
    """A device, pipe or socket (`/dev/stdout`, `/dev/full`, a FIFO): written, not renamed over."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _write_stream(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()


def write_all(outputs: Mapping[Path, bytes]) -> None:
    """Write several files all or nothing: every one is staged before any is renamed into place.

    If staging any of them fails (disk full, no permission), none of the targets is touched.
    A stream target (`--out /dev/stdout`) is written after every file is staged, and never
    replaced: renaming over a device node would remove it.
    """
    staged: dict[Path, Path] = {}
    try:
        for path, data in outputs.items():
            try:
                if path.is_dir():
                    raise IsADirectoryError(21, "Is a directory")
                if not _is_stream(path):
                    staged[path] = _stage(path, data)
            except OSError as error:
                raise cannot_write(path, error) from error
        for path, data in outputs.items():
            if path not in staged:
                try:
                    _write_stream(path, data)
                except OSError as error:
                    raise cannot_write(path, error) from error
        for path, tmp in staged.items():
            try:
                tmp.replace(path)
            except OSError as error:
                raise cannot_write(path, error) from error
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    write_all({path: data})


def atomic_write_text(path: Path, text: str) -> None:
    """Text variant of atomic_write_bytes (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """A temporary folder beside `target` to write into; its files move into `target` at the end.

    If the block raises, the folder is removed and `target` is as it was (a new `target` is not
    created). Files of `target` the block did not write are kept.
    """
    try:
        _make_parent(target)
        if target.exists() and not target.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        staging = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX)
        )
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0o700 would survive the rename
    except OSError as error:
        raise cannot_write(target, error) from error
    try:
        yield staging
        try:
            if not target.exists():
                staging.replace(target)
            else:
                for item in sorted(staging.rglob("*")):
                    if item.is_file():
                        dest = target / item.relative_to(staging)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        item.replace(dest)
        except OSError as error:
            raise cannot_write(target, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already if it became `target`
