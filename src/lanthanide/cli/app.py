"""The `lanthanide` typer application: one module per command group, registered here."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lanthanide import __version__
from lanthanide.cli import chain, data, events, screen, simulate
from lanthanide.cli.errors import run_guarded

app = typer.Typer(
    name="lanthanide",
    help="Rare-earth chokepoint toolkit: cited supply-chain data, export-control screening, "
    "disruption simulation and market event studies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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


app.command("chain")(chain.chain)
app.add_typer(data.app, name="data")
app.add_typer(screen.app, name="screen")
app.command("timeline")(screen.timeline)
app.command("simulate")(simulate.simulate_command)
app.command("backtest")(simulate.backtest_command)
app.add_typer(events.app, name="events")


def main_exit_code() -> int:
    """Run the CLI on `sys.argv` and return its exit code (errors already printed)."""
    return run_guarded(app)


def main() -> None:
    """Console-script entry point: map LanthanideError to exit codes and one-line messages."""
    sys.exit(main_exit_code())
