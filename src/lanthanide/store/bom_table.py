"""Load a BOM file (CSV, XLSX, JSON) into string columns with source line numbers.

The reader proper (`bom_reader`) validates and encodes; this module only gets the text of every
cell, the 1-based file line of every row and the 1-based column number of every column, so
problems can be reported as `file:line:column`. CSV goes through pyarrow's multithreaded parser,
XLSX through calamine (a streaming Rust reader; openpyxl's load was ~5k rows/s). A mapping names
the user's column by header or by Excel column letter (`line_id: C`).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.input_text import check_nesting, decode, line_column, read_text, sniff

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


#: widest header accepted: a BOM has a few dozen columns, a million-column file is not one
MAX_COLUMNS = 4096
#: at most this many problems are listed (the message gives the total)
MAX_PROBLEMS = 50
_LETTERS = re.compile(r"^[A-Z]{1,3}$")


@dataclass
class Table:
    """String columns (pyarrow, no nulls), the file line of each row, and column positions."""

    source: str
    columns: dict[str, pa.Array]
    position: dict[str, int | str]
    rows: np.ndarray  # int64 file line of each row
    n_rows: int
    notes: list[str] = field(default_factory=list)


@dataclass
class _Raw:
    """Columns in file order as read, before names are checked and mapped."""

    header: list[str]
    arrays: list[pa.Array]
    where: list[int | str]  # column number (CSV, XLSX) or key (JSON) for messages
    rows: np.ndarray
    hint: str = ""


def _fail(path: Path, problems: list[Problem]) -> InvalidInput:
    count = len(problems)
    more = f" ({count} problems, first {MAX_PROBLEMS} listed)" if count > MAX_PROBLEMS else ""
    return InvalidInput(
        f"{path}: the BOM cannot be read{more}; nothing was written", problems[:MAX_PROBLEMS]
    )


def _close(word: str, options: list[str] | tuple[str, ...]) -> str:
    """` (did you mean 'x'?)` when a close match exists (case does not count)."""
    lower = {o.lower(): o for o in options}
    match = difflib.get_close_matches(word.lower(), list(lower), n=1, cutoff=0.6)
    return f" (did you mean {lower[match[0]]!r}?)" if match else ""


def read_mapping(path: Path) -> dict[str, str]:
    """`--columns MAPPING.yaml`: canonical column name -> the user's header or column letter."""
    file = str(path)
    text = read_text(path, file, "column mapping")
    check_nesting(text, file, "column mapping")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InvalidInput(
            f"{path}: column mapping is not valid YAML",
            [Problem("not valid YAML", file, line, mark.column + 1 if mark else None)],
        ) from error
    if not isinstance(node, yaml.MappingNode):
        raise InvalidInput(
            f"{path}: column mapping must map canonical names to column names",
            [Problem("expected lines like `line_id: Item No.` or `line_id: C`", file, 1, 1)],
        )
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in node.value:
        line, column = key.start_mark.line + 1, key.start_mark.column + 1
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if not isinstance(name, str) or not isinstance(value, yaml.ScalarNode) or not value.value:
            problems.append(Problem("expected `canonical_name: column name`", file, line, column))
        elif name not in CANONICAL:
            hint = _close(name, CANONICAL) or f" (known: {', '.join(CANONICAL)})"
            problems.append(Problem(f"unknown canonical column {name!r}{hint}", file, line, column))
        elif name in mapping:
            problems.append(Problem(f"{name!r} is mapped twice", file, line, column))
        else:
            mapping[name] = str(value.value)
    if problems:
        count = len(problems)
        more = f", first {MAX_PROBLEMS} listed" if count > MAX_PROBLEMS else ""
        raise InvalidInput(
            f"{path}: {count} problem{'s' if count > 1 else ''} in the column mapping{more}",
            problems[:MAX_PROBLEMS],
        )
    return mapping


def _csv_error(path: Path, error: pa.ArrowInvalid) -> InvalidInput:
    text = str(error)
    line: int | None = None
    column: int | None = None
    if "UTF8" in text or "UTF-8" in text:
        data = path.read_bytes()
        decode(data, str(path), "BOM")  # raises with the line and column of the bad byte
    if "Row #" in text:
        digits = text.split("Row #", 1)[1].split(":", 1)[0].strip()
        line = int(digits) if digits.isdigit() else None
    elif "columns, got" in text:
        # pyarrow quotes the offending row but not its number: find it in the file
        quoted = text.split("columns, got", 1)[1].split(": ", 1)[-1].splitlines()[0]
        data = path.read_bytes()
        at = data.find(quoted.encode("utf-8"))
        if quoted and at >= 0:
            line, column = line_column(data, at)
            column = None
    problem = Problem(f"malformed CSV: {text.splitlines()[0][:300]}", str(path), line, column)
    return _fail(path, [problem])


def _delimiter_hint(first: bytes, width: int) -> str:
    for char, name in ((b";", "semicolon"), (b"\t", "tab")):
        if first.count(char) >= max(width, 1) * 2 - 1:
            return f"the header looks {name}-delimited; save the file with commas"
    return ""


def _csv(path: Path) -> _Raw:
    with path.open("rb") as handle:
        first = handle.readline(64 << 20)
        sniff(first + handle.read(1 << 16), str(path), "BOM")
    if not first.strip():
        raise _fail(path, [Problem("the file is empty (no header line)", str(path), 1)])
    if first.count(b",") >= MAX_COLUMNS:
        raise _fail(path, [Problem(f"more than {MAX_COLUMNS} columns", str(path), 1)])
    try:
        header = pacsv.read_csv(pa.py_buffer(first.rstrip(b"\r\n") + b"\n")).column_names
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=True,
                block_size=max(8 << 20, 2 * len(first)),
                column_names=header,
                skip_rows=1,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise _csv_error(path, error) from error
    arrays = [column.combine_chunks() for column in table.columns]
    rows = np.arange(table.num_rows, dtype=np.int64) + 2
    where: list[int | str] = list(range(1, len(header) + 1))
    return _Raw(list(header), arrays, where, rows, _delimiter_hint(first, len(header)))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _strings(values: list[Any] | tuple[Any, ...]) -> pa.Array:
    return pa.array([v if type(v) is str else _cell(v) for v in values], type=pa.string())


def _xlsx(path: Path, sheet: str | None) -> _Raw:
    # imported here: only .xlsx input needs the reader
    from python_calamine import CalamineError, CalamineWorkbook  # noqa: PLC0415

    file = str(path)
    try:
        book = CalamineWorkbook.from_path(file)
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise _fail(
                path,
                [
                    Problem(
                        f"no sheet {sheet!r}{_close(sheet, names)} (sheets: {', '.join(names)})",
                        file,
                    )
                ],
            )
        chosen = book.get_sheet_by_name(sheet if sheet is not None else names[0])
        if chosen.width > MAX_COLUMNS:
            raise _fail(path, [Problem(f"more than {MAX_COLUMNS} columns", file, 1)])
        values = chosen.to_python(skip_empty_area=False)
        book.close()
    except (CalamineError, OSError, ValueError, IndexError) as error:
        raise _fail(path, [Problem(f"not a readable XLSX workbook: {error}", file)]) from error
    if not values or not any(v not in (None, "") for v in values[0]):
        raise _fail(path, [Problem(f"sheet {chosen.name!r} is empty", file, 1)])
    header = [_cell(v).strip() for v in values[0]]
    width = len(header)
    body = values[1:]
    arrays = [_strings([row[i] if i < len(row) else "" for row in body]) for i in range(width)]
    rows = np.arange(len(body), dtype=np.int64) + 2
    return _Raw(header, arrays, list(range(1, width + 1)), rows)


def _records(
    text: str, raw: object, file: str
) -> tuple[list[dict[str, Any]], list[int], list[Problem]]:
    """Decode each record again at its offset: its start line and its duplicate keys."""
    records: list[dict[str, Any]] = []
    starts: list[int] = []
    problems: list[Problem] = []
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        record = dict(items)
        if len(record) < len(items):
            seen: set[str] = set()
            repeated.extend(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return record

    decoder = json.JSONDecoder(object_pairs_hook=pairs)
    index = text.index("[", text.index('"lines"') if isinstance(raw, dict) else 0) + 1
    counted, line = 0, 1
    for _ in range(len(raw["lines"] if isinstance(raw, dict) else raw)):  # type: ignore[arg-type]
        brace = text.index("{", index)
        line += text.count("\n", counted, brace)
        counted = brace
        starts.append(line)
        record, index = decoder.raw_decode(text, brace)
        for key in repeated:
            problems.append(
                Problem(f"key {key!r} appears twice in this line object", file, line, key)
            )
        repeated.clear()
        for key, value in record.items():
            if isinstance(value, dict | list):
                problems.append(Problem(f"{key!r}: expected a string or a number", file, line, key))
        records.append(record)
    return records, starts, problems


def _json(path: Path) -> _Raw:
    file = str(path)
    text = read_text(path, file, "BOM")
    check_nesting(text, file, "BOM")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(
            path, [Problem(f"not valid JSON: {error.msg}", file, error.lineno, error.colno)]
        ) from error
    listed = raw.get("lines") if isinstance(raw, dict) else raw
    if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
        raise _fail(
            path,
            [Problem('expected a list of line objects (or {"lines": [...]})', file, 1, 1)],
        )
    records, starts, problems = _records(text, raw, file)
    if problems:
        raise _fail(path, problems)
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    if len(names) > MAX_COLUMNS:
        raise _fail(path, [Problem(f"more than {MAX_COLUMNS} distinct keys", file, 1)])
    header = list(names)
    arrays = [_strings([r.get(name) for r in records]) for name in header]
    return _Raw(header, arrays, list(header), np.asarray(starts, dtype=np.int64))


def _resolve(spec: str, raw: _Raw) -> int | None:
    """Index of the column a mapping names: by header first, then by Excel column letter."""
    if spec in raw.header:
        return raw.header.index(spec)
    letters = spec.strip().upper()
    if _LETTERS.match(letters) and isinstance(raw.where[0] if raw.where else None, int):
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        return index - 1 if index <= len(raw.header) else None
    return None


def _named(path: Path, raw: _Raw, mapping: dict[str, str] | None) -> Table:
    """Check header names (no duplicates), apply the mapping, name the columns canonically."""
    file = str(path)
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, name in enumerate(raw.header):
        if name and name in first:
            problems.append(
                Problem(
                    f"column {name!r} appears twice (first as column {raw.where[first[name]]}); "
                    "which one counts would be a guess",
                    file,
                    1,
                    raw.where[i],
                )
            )
        first.setdefault(name, i)
    index = {name: i for name, i in first.items() if name}
    for canonical, spec in (mapping or {}).items():
        found = _resolve(spec, raw)
        if found is None:
            problems.append(
                Problem(
                    f"mapped column not found: {canonical} -> {spec!r}{_close(spec, raw.header)}",
                    file,
                    1,
                )
            )
            continue
        for name, i in list(index.items()):
            if i == found or name == canonical:
                del index[name]
        index[canonical] = found
    if problems:
        raise _fail(path, problems)
    columns = {name: raw.arrays[i] for name, i in index.items()}
    position = {name: raw.where[i] for name, i in index.items()}
    absent = [c for c in REQUIRED if c not in columns]
    if absent:
        problems = [
            Problem(f"required column {c!r} is missing{_close(c, raw.header)}", file, 1)
            for c in absent
        ]
        if raw.hint:
            problems.append(Problem(raw.hint, file, 1))
        raise _fail(path, problems)
    n_rows = int(raw.rows.size)
    if n_rows == 0:
        raise _fail(path, [Problem("the BOM has no lines", file, 1)])
    empty = pc.fill_null(pa.nulls(n_rows, pa.string()), "")
    for name in CANONICAL:
        columns.setdefault(name, empty)
    return Table(file, columns, position, raw.rows, n_rows)


def load_table(
    path: Path, mapping: dict[str, str] | None = None, sheet: str | None = None
) -> Table:
    """Read a BOM file into string columns named canonically (after applying `mapping`)."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file", [Problem("no such file", str(path))])
    suffix = path.suffix.lower()
    if sheet is not None and suffix != ".xlsx":
        raise InvalidInput(
            f"{path}: a sheet applies to .xlsx files only", [Problem("not a workbook", str(path))]
        )
    if suffix in {".csv", ".txt"}:
        raw = _csv(path)
    elif suffix == ".xlsx":
        raw = _xlsx(path, sheet)
    elif suffix == ".json":
        raw = _json(path)
    else:
        raise InvalidInput(
            f"{path}: unsupported BOM format {suffix!r} (use .csv, .xlsx or .json)",
            [Problem(f"unsupported format {suffix!r}", str(path))],
        )
    return _named(path, raw, mapping)
