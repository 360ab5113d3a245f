"""Price and return files uploaded as bytes, validated by the same reader as a path.

Kept apart from `store.uploads` so that reading a BOM upload does not import the event study.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from lanthanide.errors import InvalidInput
from lanthanide.markets.panel import Kind, PricePanel
from lanthanide.store.prices import MAX_GAP_DAYS, read_prices
from lanthanide.store.uploads import Upload, renamed, scratch_folder, spill


def read_prices_upload(
    upload: Upload,
    *,
    kind: Kind | None = None,
    max_gap_days: int = MAX_GAP_DAYS,
    constant_ok: bool = False,
) -> PricePanel:
    """Validate an uploaded price or return file exactly as `read_prices` validates a path."""
    with tempfile.TemporaryDirectory(prefix="lanthanide-upload-", dir=scratch_folder()) as tmp:
        names: dict[str, str] = {}
        path = spill(Path(tmp), "prices", upload, names)
        try:
            return read_prices(path, kind=kind, max_gap_days=max_gap_days, constant_ok=constant_ok)
        except InvalidInput as error:
            raise renamed(error, names) from None
