"""Settings, passed explicitly to whatever needs them; nothing is read at import time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where the store lives and how front-ends behave.

    `db_path=None` means: use the embedded reference data in an in-memory DuckDB, so every command
    works without an `init` step.
    """

    db_path: Path | None = None
