"""Readers over bytes: an upload and a file are validated by the same code.

The BOM readers work on paths (pyarrow's CSV reader and calamine read files fastest), so an upload
is written to a private temporary folder and read there; every problem is then reported under the
upload's own name, never the temporary path.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from lanthanide.bom.model import Bom
from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.bom_reader import read_bom


@dataclass(frozen=True)
class Upload:
    """A file's bytes with the name to report problems under (a path's or an upload's)."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: Path) -> Upload:
        """Read a file into an upload named by its path, so messages show the path."""
        try:
            return cls(str(path), path.read_bytes())
        except FileNotFoundError:
            raise InvalidInput(
                f"{path}: no such file", [Problem("no such file", str(path))]
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise InvalidInput(f"{path}: {reason}", [Problem(reason, str(path))]) from None

    @property
    def sha256(self) -> str:
        """Hex sha256 of the content (what a receipt records)."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def basename(self) -> str:
        """The name without folders (what a receipt shows)."""
        return PurePath(self.name).name


#: a RAM-backed folder where the system has one: creating and removing a folder on a disk-backed
#: /tmp cost ~3 ms per upload on this project's machine, on /dev/shm ~0.08 ms
RAM_FOLDER = "/dev/shm"


def scratch_folder() -> str | None:
    """Where to spill uploads: RAM-backed if writable, else the system's temporary folder."""
    return RAM_FOLDER if os.access(RAM_FOLDER, os.W_OK) else None


def read_bom_upload(bom: Upload, columns: Upload | None = None) -> Bom:
    """Validate and encode an uploaded BOM (and optional column mapping)."""
    with tempfile.TemporaryDirectory(prefix="lanthanide-upload-", dir=scratch_folder()) as tmp:
        names: dict[str, str] = {}
        bom_path = spill(Path(tmp), "bom", bom, names)
        columns_path = spill(Path(tmp), "columns", columns, names) if columns else None
        try:
            return read_bom(bom_path, columns_path)
        except InvalidInput as error:
            raise renamed(error, names) from None


def spill(folder: Path, stem: str, upload: Upload, names: dict[str, str]) -> Path:
    path = folder / f"{stem}{PurePath(upload.name).suffix.lower()}"
    path.write_bytes(upload.content)
    names[str(path)] = upload.name
    return path


def renamed(error: InvalidInput, names: dict[str, str]) -> InvalidInput:
    problems = [replace(p, file=names.get(p.file or "", p.file)) for p in error.problems]
    message = str(error.args[0]) if error.args else "invalid input"
    for temp, display in names.items():
        message = message.replace(temp, display)
    return InvalidInput(message, problems)
