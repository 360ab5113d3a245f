"""The `lanthanide` typer application: one module per command group, registered here by name.

Command modules are imported only when their command runs (see cli/lazy.py), so this module must
not import them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lanthanide import __version__
from lanthanide.cli.errors import run_guarded
from lanthanide.cli.lazy import Entry, LazyGroup


class Root(LazyGroup):
    """The root group and its commands, in the order `--help` lists them."""

    ENTRIES = (
        Entry("chain", "lanthanide.cli.chain", "chain"),
        Entry("data", "lanthanide.cli.data", "app"),
        Entry("screen", "lanthanide.cli.screen", "app"),
        Entry("timeline", "lanthanide.cli.screen", "timeline"),
        Entry("simulate", "lanthanide.cli.simulate", "simulate_command"),
        Entry("backtest", "lanthanide.cli.simulate", "backtest_command"),
        Entry("events", "lanthanide.cli.events", "app"),
        Entry("serve", "lanthanide.cli.serve", "app"),
    )


app = typer.Typer(
    name="lanthanide",
    help="Rare-earth chokepoint toolkit: cited supply-chain data, export-control screening, "
    "disruption simulation and market event studies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=Root,
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


def main_exit_code() -> int:
    """Run the CLI on `sys.argv` and return its exit code (errors already printed)."""
    return run_guarded(app)


def main() -> None:
    """Console-script entry point: every error becomes one message and an exit code."""
    sys.exit(main_exit_code())
