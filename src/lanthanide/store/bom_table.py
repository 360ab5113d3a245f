"""Load a BOM file (CSV, XLSX, JSON) into string columns with source line numbers.

The reader proper (`bom_reader`) validates and encodes; this module only gets the text of every
cell, the 1-based file line of every row and the 1-based column number of every column, so
problems can be reported as `file:line:column`. CSV goes through pyarrow's multithreaded parser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from lanthanide.errors import InvalidInput, Problem

CANONICAL: tuple[str, ...] = (
    "product_id",
    "line_id",
    "parent_line_id",
    "description",
    "item_type",
    "elements",
    "origin",
    "made_in",
    "tech_origin",
    "mined_in",
    "quantity",
    "unit_value_usd",
    "eccn",
    "ship_from",
    "ship_to",
    "end_user",
    "end_use",
    "end_user_hq",
    "tpp",
    "importer",
    "parent",
)
REQUIRED: tuple[str, ...] = (
    "product_id",
    "line_id",
    "parent_line_id",
    "item_type",
    "origin",
    "quantity",
    "unit_value_usd",
)


@dataclass
class Table:
    """String columns (pyarrow, no nulls), the file line of each row, and column positions."""

    source: str
    columns: dict[str, pa.Array]
    position: dict[str, int | str]
    rows: np.ndarray  # int64 file line of each row
    n_rows: int


def _fail(path: Path, problems: list[Problem]) -> InvalidInput:
    return InvalidInput(f"{path}: the BOM cannot be read; nothing was written", problems)


def read_mapping(path: Path) -> dict[str, str]:
    """`--columns MAPPING.yaml`: canonical column name -> the name used in the user's file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read column mapping: {error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InvalidInput(
            f"{path}: column mapping is not valid YAML",
            [Problem("not valid YAML", str(path), line, mark.column + 1 if mark else None)],
        ) from error
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise InvalidInput(
            f"{path}: column mapping must map canonical names to column names",
            [Problem("expected lines like `line_id: Item No.`", str(path), 1, 1)],
        )
    unknown = sorted(set(raw) - set(CANONICAL))
    if unknown:
        raise InvalidInput(
            f"{path}: unknown canonical column(s) {', '.join(unknown)}",
            [
                Problem(
                    f"unknown canonical column {name!r} (known: {', '.join(CANONICAL)})",
                    str(path),
                    1,
                    1,
                )
                for name in unknown
            ],
        )
    return dict(raw)


def _csv(path: Path) -> tuple[dict[str, pa.Array], dict[str, int | str], np.ndarray]:
    with path.open("rb") as handle:
        first = handle.readline()
    if not first.strip():
        raise _fail(path, [Problem("the file is empty (no header line)", str(path), 1)])
    header = pacsv.read_csv(pa.py_buffer(first.rstrip(b"\r\n") + b"\n")).column_names
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=8 << 20),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        text = str(error)
        line = None
        if "Row #" in text:
            digits = text.split("Row #", 1)[1].split(":", 1)[0].strip()
            line = int(digits) if digits.isdigit() else None
        elif "columns, got" in text:
            # pyarrow quotes the offending row but not its number: find it in the file
            quoted = text.split("columns, got", 1)[1].split(": ", 1)[-1].splitlines()[0]
            data = path.read_bytes()
            at = data.find(quoted.encode("utf-8"))
            line = data.count(b"\n", 0, at) + 1 if quoted and at >= 0 else None
        problem = Problem(f"malformed CSV: {text.splitlines()[0]}", str(path), line)
        raise _fail(path, [problem]) from error
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}
    position: dict[str, int | str] = {n: i + 1 for i, n in enumerate(table.column_names)}
    rows = np.arange(table.num_rows, dtype=np.int64) + 2
    return columns, position, rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _xlsx(path: Path) -> tuple[dict[str, pa.Array], dict[str, int | str], np.ndarray]:
    # imported here: openpyxl costs ~0.2 s at start-up and only .xlsx input needs it
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a bad file
        raise _fail(path, [Problem(f"not a readable XLSX workbook: {error}", str(path))]) from error
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    if not values:
        raise _fail(path, [Problem("the first sheet is empty", str(path), 1)])
    header = [_cell(v).strip() for v in values[0]]
    body = values[1:]
    columns = {
        name: pa.array([_cell(row[i]) if i < len(row) else "" for row in body], type=pa.string())
        for i, name in enumerate(header)
        if name
    }
    position: dict[str, int | str] = {n: i + 1 for i, n in enumerate(header) if n}
    rows = np.arange(len(body), dtype=np.int64) + 2
    return columns, position, rows


def _json(path: Path) -> tuple[dict[str, pa.Array], dict[str, int | str], np.ndarray]:
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(
            path, [Problem(f"not valid JSON: {error.msg}", str(path), error.lineno, error.colno)]
        ) from error
    records = raw.get("lines") if isinstance(raw, dict) else raw
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise _fail(
            path,
            [Problem('expected a list of line objects (or {"lines": [...]})', str(path), 1, 1)],
        )
    # the file line where each record starts, for file:line:column messages
    starts: list[int] = []
    decoder = json.JSONDecoder()
    index = text.index("[", text.index('"lines"') if isinstance(raw, dict) else 0) + 1
    counted, line = 0, 1
    for _ in records:
        brace = text.index("{", index)
        line += text.count("\n", counted, brace)
        counted = brace
        starts.append(line)
        _, index = decoder.raw_decode(text, brace)
    names: list[str] = []
    for record in records:
        names += [k for k in record if k not in names]
    columns = {
        name: pa.array([_cell(r.get(name)) for r in records], type=pa.string()) for name in names
    }
    position: dict[str, int | str] = {n: n for n in names}
    return columns, position, np.asarray(starts, dtype=np.int64)


def load_table(path: Path, mapping: dict[str, str] | None = None) -> Table:
    """Read a BOM file into string columns named canonically (after applying `mapping`)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file", [Problem("no such file", str(path))])
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        columns, position, rows = _csv(path)
    elif suffix == ".xlsx":
        columns, position, rows = _xlsx(path)
    elif suffix == ".json":
        columns, position, rows = _json(path)
    else:
        raise InvalidInput(
            f"{path}: unsupported BOM format {suffix!r} (use .csv, .xlsx or .json)",
            [Problem(f"unsupported format {suffix!r}", str(path))],
        )
    if mapping:
        missing = [f"{c} -> {s!r}" for c, s in mapping.items() if s not in columns]
        if missing:
            raise _fail(
                path,
                [Problem(f"mapped column not found: {m}", str(path), 1) for m in missing],
            )
        renamed = {v: k for k, v in mapping.items()}
        columns = {renamed.get(k, k): v for k, v in columns.items()}
        position = {renamed.get(k, k): v for k, v in position.items()}
    absent = [c for c in REQUIRED if c not in columns]
    if absent:
        raise _fail(
            path,
            [Problem(f"required column {c!r} is missing", str(path), 1) for c in absent],
        )
    n_rows = int(rows.size)
    if n_rows == 0:
        raise _fail(path, [Problem("the BOM has no lines", str(path), 1)])
    empty = pc.fill_null(pa.nulls(n_rows, pa.string()), "")
    for name in CANONICAL:
        columns.setdefault(name, empty)
    return Table(str(path), columns, position, rows, n_rows)
