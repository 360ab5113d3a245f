"""Validated reader for user tables (`lanthanide data import`).

Every problem is reported with file, line and column, all at once, and nothing is returned unless
the whole file is valid, so the store is never touched by a bad file. Quoted fields may hold
newlines (kept, and later lines still report their physical line) and any other character, such
as U+2028 or NEL, which must not split a record. What the values mean is checked in
`table_checks` (negative tonnes, unknown stages, countries above the world total...).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from lanthanide.countries import ISO_ALPHA2, PSEUDO
from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.input_text import read_text
from lanthanide.store.schema import TABLES, Column
from lanthanide.store.table_checks import Rows, check_rows

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_PROBLEMS = 200


def _check(column: Column, raw: str) -> tuple[object, str | None]:
    """Parse one cell; return (value, problem message or None)."""
    text = raw.strip()
    if text == "":
        return (
            (None, f"missing value for required column {column.name!r}")
            if column.required
            else (None, None)
        )
    kind = column.kind
    if kind in ("int", "float"):
        try:
            if "_" in text:  # float() accepts 1_000; a data file should not
                raise ValueError(text)
            number = float(text)
        except ValueError:
            return None, f"expected a number in {column.name!r}, found {text!r}"
        if not math.isfinite(number):
            return None, f"expected a finite number in {column.name!r}, found {text!r}"
        if kind == "int":
            if number != int(number):
                return None, f"expected a whole number in {column.name!r}, found {text!r}"
            return int(number), None
        return number, None
    if kind == "country" and text not in ISO_ALPHA2 and text not in PSEUDO:
        return None, (
            f"unknown country code {text!r} in {column.name!r} "
            "(expected ISO 3166-1 alpha-2 such as CN, US, AU, or 'other'/'world')"
        )
    if kind == "confidence" and text not in ("H", "M", "L"):
        return None, f"confidence must be H, M or L, found {text!r}"
    if kind == "month" and not MONTH.match(text):
        return None, f"expected a month as YYYY-MM in {column.name!r}, found {text!r}"
    if kind == "url" and not text.startswith(("http://", "https://")):
        return None, f"expected an http(s) URL in {column.name!r}, found {text!r}"
    return text, None


def read_user_table(path: Path, table: str) -> pd.DataFrame:
    """Read and validate a CSV for `table`; raise InvalidInput listing every problem."""
    if table not in TABLES:
        known = ", ".join(sorted(TABLES))
        raise InvalidInput(f"cannot import into {table!r}; importable tables: {known}")
    columns, key = TABLES[table]
    name = str(path)
    text = read_text(path, name, "table")
    # newline="": the csv module sees \r and \n only, so U+2028 or NEL inside a field stays text
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as error:
        raise InvalidInput(f"{name}: malformed CSV", [Problem(str(error), name, 1)]) from error
    if not first:
        raise InvalidInput(
            f"{name}: empty file", [Problem("empty file, expected a header row", name, 1)]
        )
    header = [h.strip() for h in first]
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in positions:
            twice = f"column {h!r} appears twice (first as column {positions[h] + 1})"
            problems.append(Problem(twice, name, 1, i + 1))
        positions.setdefault(h, i)
    for column in columns:
        if column.name not in positions and column.required:
            problems.append(Problem(f"missing column {column.name!r}", name, 1, column.name))
    for i, h in enumerate(header):
        if h not in {c.name for c in columns}:
            problems.append(Problem(f"unknown column {h!r}", name, 1, i + 1))
    if problems:
        raise InvalidInput(f"{name}: the header does not match table {table!r}", problems)
    records: list[dict[str, object]] = []
    lines: list[int] = []
    seen: dict[tuple[object, ...], int] = {}
    end = reader.line_num
    while len(problems) < MAX_PROBLEMS:
        line = end + 1  # the physical line a record starts on, even after quoted newlines
        try:
            record = next(reader, None)
        except csv.Error as error:
            problems.append(Problem(f"malformed CSV: {error}", name, line))
            break
        if record is None:
            break
        end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                Problem(f"expected {len(header)} fields, found {len(record)}", name, line)
            )
            continue
        row: dict[str, object] = {}
        for column in columns:
            if column.name not in positions:
                row[column.name] = None
                continue
            value, message = _check(column, record[positions[column.name]])
            if message:
                problems.append(Problem(message, name, line, positions[column.name] + 1))
            row[column.name] = value
        ident = tuple(row[k] for k in key)
        if ident in seen:
            problems.append(
                Problem(
                    f"duplicate key {dict(zip(key, ident, strict=True))} "
                    f"(first on line {seen[ident]})",
                    name,
                    line,
                    positions[key[0]] + 1,
                )
            )
            continue
        seen[ident] = line
        records.append(row)
        lines.append(line)
    if len(problems) < MAX_PROBLEMS:
        problems += check_rows(
            table, Rows(name, records, lines, {k: i + 1 for k, i in positions.items()})
        )
    if problems:
        count = len(problems)
        stopped = f" (stopped after the first {MAX_PROBLEMS})" if count >= MAX_PROBLEMS else ""
        raise InvalidInput(
            f"{name}: {count} problem(s){stopped}; nothing was imported", problems[:MAX_PROBLEMS]
        )
    if not records:
        raise InvalidInput(f"{name}: no data rows", [Problem("no data rows", name, 2)])
    return pd.DataFrame.from_records(records, columns=[c.name for c in columns])
