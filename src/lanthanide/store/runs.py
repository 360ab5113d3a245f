"""Recorded screening runs in the DuckDB store: receipt, BOM sha256, results, and the BOM itself.

Each run is one BOM on one date with its options. The BOM's bytes (and a column map's) are kept
once per sha256, so `rescreen` can repeat a run without the original file. All runs of one
command are written in one transaction: either all are recorded or none.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lanthanide.controls.history import Options
from lanthanide.controls.result import Screening
from lanthanide.errors import InvalidInput

DDL = (
    "create table if not exists _runs (run_id integer, recorded_at varchar, command varchar,"
    " bom varchar, bom_sha256 varchar, columns_sha256 varchar, as_of varchar, options varchar,"
    " products integer, determinations varchar, receipt varchar, result varchar)",
    "create table if not exists _run_inputs (sha256 varchar, name varchar, content blob)",
)


@dataclass(frozen=True)
class Input:
    """A file a run read: its name, sha256 and bytes."""

    name: str
    sha256: str
    content: bytes


@dataclass(frozen=True)
class Run:
    """One screening to record (or one read back)."""

    bom: Input
    columns: Input | None
    on: dt.date
    options: Options
    result: Screening
    command: str = "screen"
    run_id: int = 0
    recorded_at: str = ""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the run tables in a store that predates them."""
    for statement in DDL:
        con.execute(statement)


def _counts(result: Screening) -> str:
    counts: dict[str, int] = {}
    for product in result.products:
        counts[product.determination.value] = counts.get(product.determination.value, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _keep(con: duckdb.DuckDBPyConnection, item: Input) -> None:
    present = con.execute("select 1 from _run_inputs where sha256 = ?", [item.sha256]).fetchone()
    if present is None:
        con.execute(
            "insert into _run_inputs values (?, ?, ?)", [item.sha256, item.name, item.content]
        )


def record(con: duckdb.DuckDBPyConnection, runs: Sequence[Run]) -> list[int]:
    """Store `runs` in one transaction; return their run ids."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    con.execute("begin transaction")
    try:
        ensure_tables(con)
        top = con.execute("select coalesce(max(run_id), 0) from _runs").fetchone()
        first = int(top[0]) + 1 if top else 1
        ids = []
        for i, run in enumerate(runs):
            _keep(con, run.bom)
            if run.columns is not None:
                _keep(con, run.columns)
            con.execute(
                "insert into _runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    first + i,
                    now,
                    run.command,
                    run.bom.name,
                    run.bom.sha256,
                    run.columns.sha256 if run.columns else None,
                    run.on.isoformat(),
                    run.options.model_dump_json(),
                    len(run.result.products),
                    _counts(run.result),
                    run.result.receipt.model_dump_json(),
                    run.result.model_dump_json(),
                ],
            )
            ids.append(first + i)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return ids


@dataclass(frozen=True)
class Summary:
    """One line of `screen history`."""

    run_id: int
    recorded_at: str
    command: str
    bom: str
    bom_sha256: str
    as_of: str
    products: int
    determinations: str


def _has_runs(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_name = '_runs'"
    ).fetchone()
    return bool(row and row[0])


def history(con: duckdb.DuckDBPyConnection) -> list[Summary]:
    """Every recorded run, oldest first."""
    if not _has_runs(con):
        return []
    rows = con.execute(
        "select run_id, recorded_at, command, bom, bom_sha256, as_of, products, determinations"
        " from _runs order by run_id"
    ).fetchall()
    return [Summary(*row) for row in rows]


def _input(con: duckdb.DuckDBPyConnection, sha: str | None) -> Input | None:
    if sha is None:
        return None
    row = con.execute("select name, content from _run_inputs where sha256 = ?", [sha]).fetchone()
    if row is None:
        raise InvalidInput(f"the store holds no input with sha256 {sha}")
    return Input(str(row[0]), sha, bytes(row[1]))


def _run(con: duckdb.DuckDBPyConnection, row: tuple[object, ...]) -> Run:
    run_id, recorded_at, command, _bom, bom_sha, columns_sha, as_of, options, result = row
    bom = _input(con, str(bom_sha))
    assert bom is not None
    return Run(
        bom=bom,
        columns=_input(con, str(columns_sha) if columns_sha else None),
        on=dt.date.fromisoformat(str(as_of)),
        options=Options.model_validate_json(str(options)),
        result=Screening.model_validate_json(str(result)),
        command=str(command),
        run_id=int(str(run_id)),
        recorded_at=str(recorded_at),
    )


_COLUMNS = "run_id, recorded_at, command, bom, bom_sha256, columns_sha256, as_of, options, result"


def load(con: duckdb.DuckDBPyConnection, run_id: int) -> Run:
    """The recorded run `run_id`."""
    row = (
        con.execute(f"select {_COLUMNS} from _runs where run_id = ?", [run_id]).fetchone()
        if _has_runs(con)
        else None
    )
    if row is None:
        known = [s.run_id for s in history(con)]
        span = f"runs {known[0]}-{known[-1]}" if known else "no runs"
        raise InvalidInput(f"no recorded run {run_id} (the store holds {span})")
    return _run(con, row)


def latest_per_bom(con: duckdb.DuckDBPyConnection) -> list[Run]:
    """The latest run of every distinct (BOM, column map, options): what a rescreen repeats."""
    if not _has_runs(con):
        return []
    rows = con.execute(
        f"select {_COLUMNS} from _runs qualify row_number() over (partition by bom_sha256,"
        " coalesce(columns_sha256, ''), options order by run_id desc) = 1 order by run_id"
    ).fetchall()
    return [_run(con, row) for row in rows]


@contextmanager
def materialised(run: Run) -> Iterator[tuple[Path, Path | None]]:
    """The run's BOM (and column map) as files with their original names, for the reader."""
    with tempfile.TemporaryDirectory(prefix="lanthanide-run-") as tmp:
        bom = Path(tmp) / "bom" / Path(run.bom.name).name
        bom.parent.mkdir()
        bom.write_bytes(run.bom.content)
        columns = None
        if run.columns is not None:
            columns = Path(tmp) / "columns" / Path(run.columns.name).name
            columns.parent.mkdir()
            columns.write_bytes(run.columns.content)
        yield bom, columns


def carry(con: duckdb.DuckDBPyConnection, old: Path) -> None:
    """Copy the runs of the store file `old` into `con` (when a store is rebuilt)."""
    ensure_tables(con)
    con.execute("attach ? as old_runs (read_only)", [str(old)])
    try:
        present = {
            str(r[0])
            for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'old_runs'"
            ).fetchall()
        }
        for table in ("_runs", "_run_inputs"):
            if table in present:
                con.execute(f"insert into {table} by name select * from old_runs.{table}")
    finally:
        con.execute("detach old_runs")
