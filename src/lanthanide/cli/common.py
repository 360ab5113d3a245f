"""Options and helpers shared by command groups: where the store is, how output is written."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from platformdirs import user_data_dir
from pydantic import BaseModel, ValidationError

from lanthanide.config import Settings
from lanthanide.errors import InvalidInput, Problem
from lanthanide.store.db import Store
from lanthanide.store.files import write_all

#: upper bound of `--runs`. bench_simulate measured 10,000 runs in 1.1-2.4 s (README), so this is
#: 2-4 minutes; the Monte Carlo standard error of a probability is then at most
#: sqrt(0.25 / 1e6) = 0.05 percentage points, far below what the calibration can support.
MAX_RUNS = 1_000_000

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB store file. Default: the store created by `data init` if it exists, "
        "else the embedded reference data.",
        show_default=False,
    ),
]


def default_db() -> Path:
    """Default store location: $LANTHANIDE_HOME/lanthanide.duckdb or the user data directory."""
    home = os.environ.get("LANTHANIDE_HOME")
    base = Path(home) if home else Path(user_data_dir("lanthanide", appauthor=False))
    return base / "lanthanide.duckdb"


def settings(db: Path | None) -> Settings:
    """Settings for this invocation: `--db`, else the default file if initialised, else none
    (the embedded data)."""
    if db is not None:
        return Settings(db_path=db)
    default = default_db()
    return Settings(db_path=default if default.is_file() else None)


def open_store(db: Path | None) -> Store:
    """The store to read for this invocation (read-only)."""
    return Store.from_settings(settings(db))


def emit(text: str, out: Path | None, also: Mapping[Path, bytes] | None = None) -> None:
    """Print `text` or write it to `out`, with the files in `also`: all written, or none.

    The extra files (--lines, --plot) are staged with `out`, so a failure of any leaves every
    target as it was; printed text comes after they are written.
    """
    files = dict(also or {})
    if out is not None:
        files[out] = text.encode("utf-8")
    write_all(files)
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))


M = TypeVar("M", bound=BaseModel)


def flag_names(error: InvalidInput, flags: Mapping[str, str]) -> InvalidInput:
    """The same error with request field names replaced by the options that set them."""
    problems = [replace(p, column=flags.get(str(p.column), p.column)) for p in error.problems]
    message = str(error.args[0]) if error.args else "invalid input"
    named = {flags[str(p.column)] for p in error.problems if str(p.column) in flags}
    if len(named) == 1 and not message.startswith("--"):
        message = f"{named.pop()}: {message}"
    return InvalidInput(message, problems)


def request(kind: type[M], flags: Mapping[str, str], /, **values: object) -> M:
    """Build a service request from options; a value it rejects is an error naming the option."""
    try:
        return kind.model_validate(values)
    except ValidationError as error:
        problems = [
            Problem(str(e["msg"]), column=flags.get(str(e["loc"][0]), str(e["loc"][0])))
            for e in error.errors()
        ]
        first = problems[0]
        raise InvalidInput(f"{first.column}: {first.message}", problems) from None


@contextmanager
def options_named(flags: Mapping[str, str]) -> Iterator[None]:
    """Inside: an InvalidInput that names request fields names the CLI's options instead."""
    try:
        yield
    except InvalidInput as error:
        raise flag_names(error, flags) from None
