"""`lanthanide data`: create, check, list, extend, undo and export the DuckDB store."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide.cli.common import DbOption, default_db, emit, open_store
from lanthanide.errors import DatasetIntegrityError
from lanthanide.report.cells import safe_frame
from lanthanide.store.datasets import dataset_path, verify_dataset
from lanthanide.store.db import Store
from lanthanide.store.files import atomic_write_bytes

app = typer.Typer(
    help="Create, verify, list, import into, remove from and export the reference store.",
    no_args_is_help=True,
)


@app.command()
def init(
    db: DbOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace a store that cannot be read (a foreign write-ahead log, not a "
            "lanthanide file); the old file and its log are kept as <name>.replaced-<time>.",
        ),
    ] = False,
) -> None:
    """Load the shipped reference dataset into a DuckDB file (keeps earlier imports).

    The new store is built in a temporary file and renamed into place,
    so a crash leaves the old store or the new one.
    """
    path = db or default_db()
    done = Store.init(path, force=force)
    typer.echo(
        f"initialised {path}: "
        + ", ".join(f"{t} {n}" for t, n in done.counts.items())
        + f"; kept {len(done.carried)} import(s)"
        + (f"; old store kept as {done.backup}" if done.backup else "")
    )


@app.command()
def verify(
    dataset_dir: Annotated[
        Path | None,
        typer.Option(help="Check this dataset folder instead of the shipped one."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Check the sha256 of every shipped file; with --db, the rows inside the store too.

    Each vintage of each table in the store is hashed in a canonical order
    and compared with the hash recorded when its rows were loaded or imported.
    """
    folder = dataset_dir or dataset_path("reference")
    package = verify_dataset(folder)
    typer.echo(
        f"ok: {package.name}@{package.version}, {len(package.resources)} files match their sha256"
    )
    if db is None:
        return
    with Store.open(db, check=False) as store:
        typer.echo(f"store {db}: built from " + ", ".join(store.datasets()))
        for mismatch in store.mismatches():
            typer.echo(f"  differs: {mismatch}")
        for table in store.unlike_shipped():
            typer.echo(
                f"  differs: {table} (shipped): recorded hash is not the installed dataset's"
            )
        store.check()
        if store.unlike_shipped():
            raise DatasetIntegrityError(
                f"store {db}: the recorded hashes of the shipped rows differ from the installed "
                f"dataset's; `lanthanide data init --db {db}` restores them (imports are kept)"
            )
        count = len(store.recorded())
    typer.echo(f"store {db}: the rows of all {count} table vintages match their content hash")


@app.command("list")
def list_tables(db: DbOption = None) -> None:
    """Every vintage of every table: rows, rows current, source file, sha256, date; the log."""
    with open_store(db) as store:
        emit(store.vintages().to_string(index=False), None)
        log = store.log()
        if len(log):
            emit("\nlog:\n" + log.to_string(index=False), None)


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
    name = vintage or file.stem
    with Store.open(path, read_only=False) as store:
        rows = store.import_table(table, file, name)
    typer.echo(f"imported {rows} rows into {table} as vintage {name}")


@app.command()
def remove(
    vintage: Annotated[str, typer.Argument(help="Imported vintage to remove (see data list).")],
    db: DbOption = None,
) -> None:
    """Undo an import: delete its rows in one transaction and log it (shipped data stays).

    Works on a store that fails its content check,
    so an edited import can be removed.
    """
    path = db or default_db()
    with Store.open(path, read_only=False, check=False) as store:
        rows = store.remove(vintage)
    typer.echo(f"removed vintage {vintage} ({rows} rows) from {path}")


class ExportFormat(StrEnum):
    """Export file formats."""

    csv = "csv"
    parquet = "parquet"


@app.command()
def export(
    table: Annotated[str, typer.Argument(help="Table to export (current rows).")],
    out: Annotated[Path, typer.Option(help="Output file.")],
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.csv,
    all_vintages: Annotated[
        bool,
        typer.Option(
            "--all-vintages",
            help="Every row of every vintage (superseded editions included), with _vintage and "
            "_rank columns.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Write the current rows of a table (one per figure, imports applied) to CSV or Parquet."""
    with open_store(db) as store:
        frame = store.history(table) if all_vintages else store.current(table)
    if fmt is ExportFormat.csv:
        atomic_write_bytes(out, safe_frame(frame).to_csv(index=False).encode("utf-8"))
    else:
        atomic_write_bytes(out, frame.to_parquet(index=False))
    typer.echo(f"wrote {len(frame)} rows to {out}")
