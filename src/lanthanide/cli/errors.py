"""Map the error hierarchy to exit codes and readable messages, in one table."""

from __future__ import annotations

import sys

import click
import typer

from lanthanide.errors import (
    ConfigError,
    DatasetIntegrityError,
    InvalidInput,
    InvalidRule,
    LanthanideError,
    NotFound,
    SimulationError,
)

#: exit code per error class; 2 is "your input was wrong", as the CLI contract says.
EXIT_CODES: dict[type[LanthanideError], int] = {
    InvalidInput: 2,
    NotFound: 2,
    ConfigError: 2,
    InvalidRule: 3,
    DatasetIntegrityError: 4,
    SimulationError: 5,
}


def exit_code(error: LanthanideError) -> int:
    """The exit code for an error: the most specific class listed, else 1."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def run_guarded(app: typer.Typer) -> int:
    """Run the app; a LanthanideError becomes `error: ...` on stderr and its exit code."""
    try:
        app(standalone_mode=False)
    except LanthanideError as error:
        sys.stderr.write(f"error: {error}\n")
        return exit_code(error)
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        return 1
    except Exception as error:
        if isinstance(error, click.exceptions.ClickException):
            error.show()
            return error.exit_code
        raise
    return 0
