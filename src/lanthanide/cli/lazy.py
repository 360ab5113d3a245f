"""Commands imported only when they run, so `--version`, `--help` and `chain` start fast.

Importing every command module costs 2 s (pandas, DuckDB, numba, scipy, statsmodels), which every
invocation paid, even `--version`. The root group here knows each command by module and attribute
only; it imports a module when its command is resolved. The root `--help` lists short help read
from the modules' source (the command's docstring, or a group's `typer.Typer(help=...)`) without
importing them; tests/cli/test_app.py checks the listing equals the imported commands' own help.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import typer
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand

from lanthanide.cli.usage import GuardedCommand, GuardedGroup


def _group_class(own: Any) -> Any:
    """A group keeps its own class when it is a guarded one (screen's default command)."""
    return own if isinstance(own, type) and issubclass(own, GuardedGroup) else GuardedGroup


def _guard(app: typer.Typer) -> None:
    """Give every command and nested group of `app` the guarded classes (typer's default class
    is its plain TyperCommand / TyperGroup, which skip the checks)."""
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:
            info.cls = GuardedCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _guard(group.typer_instance)
        own = group.cls if isinstance(group.cls, type) else None
        group.cls = _group_class(own)


@dataclass(frozen=True)
class Entry:
    """A command by name: `attr` of `module` is a command function or a `typer.Typer` group."""

    name: str
    module: str
    attr: str

    def load(self) -> Command:
        """Import the module and build the click command as typer would have."""
        target = getattr(importlib.import_module(self.module), self.attr)
        wrapper = typer.Typer(add_completion=False)
        if isinstance(target, typer.Typer):
            _guard(target)
            wrapper.add_typer(target, name=self.name, cls=_group_class(target.info.cls))
            group: Any = typer.main.get_command(wrapper)
            command: Command = group.commands[self.name]
            return command
        wrapper.command(self.name, cls=GuardedCommand)(target)
        return typer.main.get_command(wrapper)

    def help_from_source(self) -> str | None:
        """The help text as written in the module's source, or None if it is not a literal."""
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            return None
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == self.attr:
                return ast.get_docstring(node)
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == self.attr for t in node.targets)
                and isinstance(node.value, ast.Call)
            ):
                for keyword in node.value.keywords:
                    if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                        return str(keyword.value.value)
        return None


class LazyGroup(GuardedGroup):
    """The root group: commands from ENTRIES, each imported on first use."""

    ENTRIES: ClassVar[tuple[Entry, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, Command] = {}
        self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [entry.name for entry in self.ENTRIES]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        entry = next((e for e in self.ENTRIES if e.name == cmd_name), None)
        if entry is None:
            return None
        if self._listing:
            text = entry.help_from_source()
            if text is not None:
                return TyperCommand(name=entry.name, help=text)
        if entry.name not in self._loaded:
            self._loaded[entry.name] = entry.load()
        return self._loaded[entry.name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
