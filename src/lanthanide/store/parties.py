"""Party lists: China's shipped lists, and US Consolidated Screening List files imported by users.

`lanthanide data import parties FILE` validates a CSV in the CSL's own format (the header of the
official download, https://www.trade.gov/consolidated-screening-list) and stores it in the
`parties` table of the DuckDB store as a new vintage, in one transaction; a file with any problem
is reported with file:line:column and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pandas as pd

from lanthanide.controls.csl import csl_listing, source_code
from lanthanide.controls.parties import Listing, PartyLists
from lanthanide.controls.rule import Policy
from lanthanide.errors import ConfigError, InvalidInput, Problem
from lanthanide.store.datasets import read_table, sha256_file
from lanthanide.store.vintages import record_import

#: the columns of the CSL CSV download, in its order
CSL_COLUMNS: tuple[str, ...] = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
REQUIRED = ("source", "name")
#: CSL columns screening does not use (not stored)
UNUSED = frozenset(
    {
        "title", "addresses", "standard_order", "call_sign", "vessel_type", "gross_tonnage",
        "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "citizenships",
        "dates_of_birth", "nationalities", "places_of_birth", "ids",
    }
)  # fmt: skip
STORED = tuple(c for c in CSL_COLUMNS if c not in UNUSED)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_PROBLEMS = 200
TABLE = "parties"
DDL = (
    f'create table if not exists "{TABLE}" ('
    + ", ".join(f'"{c}" varchar' for c in STORED)
    + ", file_line integer, _vintage varchar, _rank integer)"
)


# -- shipped lists ---------------------------------------------------------------------------
def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if isinstance(text, str) and text else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def shipped_listings() -> list[Listing]:
    """China's lists from the shipped `parties` dataset (checksums verified)."""
    lists = read_table("lists", "parties").set_index("list")
    entries = read_table("entries", "parties")
    out = []
    for row in entries.to_dict("records"):
        meta = lists.loc[row["list"]]
        forms = [row["name"], _text(row["name_zh"])]
        forms += [a.strip() for a in _text(row["aliases"]).split(";")]
        out.append(
            Listing(
                list=str(row["list"]),
                list_title=f"China's {meta['title']} ({meta['title_zh']})",
                regime="cn",
                entry_id=str(row["id"]),
                name=str(row["name"]),
                forms=tuple(f for f in forms if f),
                country=_text(row["country"]) or None,
                instrument=str(row["instrument"]),
                effective=_date(row["effective"]),
                policy=Policy(meta["policy"]),
                consequence=str(meta["consequence"]),
                source_url=str(row["source_url"]),
                confidence=str(row["confidence"]),
                suspended_from=_date(row["suspended_from"]),
                suspended_until=_date(row["suspended_until"]),
                ended=_date(row["ended"]),
                affiliates=True if row["affiliates"] == "yes" else None,
                third_party=row["third_party"] == "yes",
                measures_known=row["measures"] != "unspecified",
            )
        )
    return out


# -- CSL files -------------------------------------------------------------------------------
def _header_problems(name: str, header: list[str]) -> list[Problem]:
    problems = [
        Problem(f"missing column {c!r} (a CSL file has {', '.join(REQUIRED)})", name, 1, c)
        for c in REQUIRED
        if c not in header
    ]
    known = set(CSL_COLUMNS)
    problems += [
        Problem(f"unknown column {h!r} (not a Consolidated Screening List column)", name, 1, i + 1)
        for i, h in enumerate(header)
        if h not in known
    ]
    seen: set[str] = set()
    for i, h in enumerate(header):
        if h in seen:
            problems.append(Problem(f"column {h!r} appears twice", name, 1, i + 1))
        seen.add(h)
    return problems


def _row_problems(
    record: dict[str, str], where: dict[str, int], name: str, line: int
) -> list[Problem]:
    problems = []
    for column in REQUIRED:
        if not record.get(column, "").strip():
            problems.append(Problem(f"{column} is empty", name, line, where[column]))
    source = record.get("source", "").strip()
    if source and source_code(source) is None:
        problems.append(
            Problem(
                f"source {source!r} names no list code; expected e.g. "
                "'Entity List (EL) - Bureau of Industry and Security'",
                name,
                line,
                where["source"],
            )
        )
    for column in ("start_date", "end_date"):
        value = record.get(column, "").strip()
        if value and not (DATE.match(value) and _valid_date(value)):
            problems.append(
                Problem(f"{column} {value!r} is not a date (YYYY-MM-DD)", name, line, where[column])
            )
    return problems


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_csl(path: Path) -> pd.DataFrame:
    """Validate a CSL CSV; every problem as file:line:column, nothing returned on any problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{name}: cannot read file: {error}") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise InvalidInput(f"{name}: empty file", [Problem("expected the CSL header", name, 1)])
    problems = _header_problems(name, header)
    if problems:
        raise InvalidInput(f"{name}: the header is not a Consolidated Screening List's", problems)
    where = {h: i + 1 for i, h in enumerate(header)}
    records: list[dict[str, object]] = []
    ids: dict[str, int] = {}
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(f"expected {len(header)} fields, found {len(cells)}", name, line)
            )
            continue
        record = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        problems += _row_problems(record, where, name, line)
        ident = record.get("_id", "")
        if ident and ident in ids:
            problems.append(
                Problem(f"_id {ident!r} repeats line {ids[ident]}", name, line, where["_id"])
            )
        ids.setdefault(ident, line)
        records.append({**{c: record.get(c, "") for c in STORED}, "file_line": line})
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInput(f"{name}: {len(problems)} problem(s); nothing was imported", problems)
    if not records:
        raise InvalidInput(f"{name}: no data rows", [Problem("no data rows", name, 2)])
    return pd.DataFrame.from_records(records, columns=[*STORED, "file_line"])


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `parties` table in a store that predates it."""
    con.execute(DDL)


def import_parties(con: duckdb.DuckDBPyConnection, file: Path, vintage: str) -> int:
    """Validate `file`, then add it as vintage `vintage` in one transaction; return the rows."""
    frame = read_csl(file)
    used = {str(r[0]) for r in con.execute("select vintage from _imports").fetchall()}
    if not vintage or vintage == "shipped" or vintage in used:
        raise InvalidInput(f"vintage name {vintage!r} is reserved, empty or already used")
    rank = con.execute("select coalesce(max(rank), 0) + 1 from _imports").fetchone()
    frame["_vintage"] = vintage
    frame["_rank"] = int(rank[0]) if rank else 1
    con.execute("begin transaction")
    try:
        ensure_table(con)
        con.register("incoming_parties", frame)
        con.execute(f'insert into "{TABLE}" by name select * from incoming_parties')
        con.unregister("incoming_parties")
        con.execute(
            "insert into _imports values (?, ?, ?, ?, ?, ?, ?)",
            [
                vintage,
                int(frame["_rank"].iloc[0]),
                TABLE,
                str(file),
                sha256_file(file),
                len(frame),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ],
        )
        record_import(con, vintage, table=TABLE, file=file, rows=len(frame))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(frame)


def imported_listings(con: duckdb.DuckDBPyConnection | None) -> list[Listing]:
    """Every imported CSL row of the store as a listing (none without a store or table)."""
    if con is None:
        return []
    present = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [TABLE]
    ).fetchone()
    if not present or not present[0]:
        return []
    frame = con.execute(f'select * from "{TABLE}" order by _rank, file_line').df()
    return [
        csl_listing({c: _text(row[c]) for c in STORED}, str(row["_vintage"]))
        for row in frame.to_dict("records")
    ]


def party_lists(con: duckdb.DuckDBPyConnection | None) -> PartyLists:
    """The shipped Chinese lists plus every CSL import of the store."""
    return PartyLists([*shipped_listings(), *imported_listings(con)])


def require_file(path: Path | None) -> Path:
    """Imports need a store file."""
    if path is None:
        raise ConfigError("imports need a store file: pass --db PATH (create it with data init)")
    return path
