"""Validated reader for user tables (`lanthanide data import`).

Every problem is reported with file, line and column, all at once, and nothing is returned unless
the whole file is valid, so the store is never touched by a bad file.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pandas as pd

from lanthanide.countries import ISO_ALPHA2, PSEUDO
from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.schema import TABLES, Column

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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{name}: cannot read file: {error}") from error
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise InvalidInput(
            f"{name}: empty file", [Problem("empty file, expected a header row", name, 1)]
        )
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    positions = {h: i for i, h in enumerate(header)}
    for column in columns:
        if column.name not in positions and column.required:
            problems.append(Problem(f"missing column {column.name!r}", name, 1, column.name))
    for i, h in enumerate(header):
        if h not in {c.name for c in columns}:
            problems.append(Problem(f"unknown column {h!r}", name, 1, i + 1))
    if problems:
        raise InvalidInput(f"{name}: the header does not match table {table!r}", problems)
    records: list[dict[str, object]] = []
    seen: dict[tuple[object, ...], int] = {}
    for record in reader:
        line = reader.line_num
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
        else:
            seen[ident] = line
        records.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInput(f"{name}: {len(problems)} problem(s); nothing was imported", problems)
    if not records:
        raise InvalidInput(f"{name}: no data rows", [Problem("no data rows", name, 2)])
    return pd.DataFrame.from_records(records, columns=[c.name for c in columns])
