"""`lanthanide data`: create, check, list, extend and export the DuckDB store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide.cli.common import DbOption, default_db, emit, open_store
from lanthanide.report.cells import safe_frame
from lanthanide.store import parties
from lanthanide.store.datasets import dataset_path, verify_dataset
from lanthanide.store.db import Store
from lanthanide.store.files import atomic_write_bytes

app = typer.Typer(
    help="Create, verify, list, import into and export the reference store.", no_args_is_help=True
)


@app.command()
def init(db: DbOption = None) -> None:
    """Load the shipped reference dataset into a DuckDB file (keeps earlier imports)."""
    path = db or default_db()
    counts = Store.init(path)
    typer.echo(f"initialised {path}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))


@app.command()
def verify(
    dataset_dir: Annotated[
        Path | None,
        typer.Option(help="Check this dataset folder instead of the shipped one."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Check the sha256 of every shipped file (and that a store matches the shipped version)."""
    folder = dataset_dir or dataset_path("reference")
    package = verify_dataset(folder)
    typer.echo(
        f"ok: {package.name}@{package.version}, {len(package.resources)} files match their sha256"
    )
    if db is not None:
        store = Store.open(db)
        typer.echo(f"store {db}: built from " + ", ".join(store.datasets()))


@app.command("list")
def list_tables(db: DbOption = None) -> None:
    """Tables in the store with their row counts per vintage, and the import log."""
    store = open_store(db)
    emit(store.summary().to_string(index=False), None)
    imports = store.imports()
    if len(imports):
        emit("\nimports:\n" + imports.to_string(index=False), None)


@app.command("import")
def import_(
    table: Annotated[
        str,
        typer.Argument(
            help="Table to extend: production, cn_magnet_exports, prices_annual, or parties "
            "(a US Consolidated Screening List CSV)."
        ),
    ],
    file: Annotated[Path, typer.Argument(help="CSV file with the table's columns and provenance.")],
    vintage: Annotated[
        str | None, typer.Option(help="Name of the new vintage (default: the file name stem).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a validated user table as a new vintage that takes precedence over shipped rows."""
    path = db or default_db()
    store = Store.open(path, read_only=False)
    if table == "parties":
        rows = parties.import_parties(store.con, file, vintage or file.stem)
    else:
        rows = store.import_table(table, file, vintage or file.stem)
    typer.echo(f"imported {rows} rows into {table} as vintage {vintage or file.stem}")


class ExportFormat(StrEnum):
    """Export file formats."""

    csv = "csv"
    parquet = "parquet"


@app.command()
def export(
    table: Annotated[str, typer.Argument(help="Table to export (current rows).")],
    out: Annotated[Path, typer.Option(help="Output file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.csv,
    db: DbOption = None,
) -> None:
    """Write the current rows of a table (imports applied) to CSV or Parquet."""
    frame = open_store(db).frame(table)
    if fmt is ExportFormat.csv:
        atomic_write_bytes(out, safe_frame(frame).to_csv(index=False).encode("utf-8"))
    else:
        atomic_write_bytes(out, frame.to_parquet(index=False))
    typer.echo(f"wrote {len(frame)} rows to {out}")
