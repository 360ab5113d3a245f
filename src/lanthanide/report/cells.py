"""CSV cells a spreadsheet will not run as formulas (CSV injection, OWASP's advice).

A product id, a note or a ticker comes from the user's files; a cell starting with `=`, `+`, `-`,
`@`, tab or carriage return is read by Excel, LibreOffice and Google Sheets as a formula, which
can fetch URLs or run commands. Every CSV writer of the project passes its cells through here:
such a cell gets a leading apostrophe, which spreadsheets show as text and do not display.
A plain number (`-0.5`, `+3`, `1e-6`) is left alone: it is data, not a formula.
See https://owasp.org/www-community/attacks/CSV_Injection.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: first characters a spreadsheet reads as the start of a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_UNSAFE_START = "^[=+\\-@\t\r]"


def safe_cell(value: object) -> object:
    """`value`, with an apostrophe in front if it is text a spreadsheet would run."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are passed through safe_cell."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """csv.DictWriter whose values are passed through safe_cell."""

    def __init__(self, stream: Any, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(stream, fieldnames=fieldnames, **options)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with its text columns passed through safe_cell (numbers untouched)."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    if len(text) == 0:
        return frame
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(safe_cell)
    return out


def safe_arrow(table: pa.Table) -> pa.Table:
    """`table` with its string columns passed through safe_cell, vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if not pa.types.is_string(field.type):
            continue
        column = table.column(i)
        risky = pc.and_(
            pc.match_substring_regex(column, _UNSAFE_START),
            pc.invert(pc.match_substring_regex(column, f"^{_PLAIN_NUMBER.pattern}$")),
        )
        prefixed = pc.binary_join_element_wise(pa.scalar("'"), column, "")
        table = table.set_column(i, field, pc.if_else(risky, prefixed, column))
    return table
