"""The `lanthanide` typer application: one module per command group, registered here."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lanthanide import __version__
from lanthanide.cli import simulate
from lanthanide.cli.errors import run_guarded

app = typer.Typer(
    name="lanthanide",
    help="Rare-earth chokepoint toolkit: cited supply-chain data, export-control screening, "
    "disruption simulation and market event studies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("simulate")(simulate.simulate_command)
app.command("backtest")(simulate.backtest_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lanthanide {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Rare-earth chokepoint toolkit."""


def main() -> None:
    """Console-script entry point: map LanthanideError to exit codes and one-line messages."""
    sys.exit(run_guarded(app))
