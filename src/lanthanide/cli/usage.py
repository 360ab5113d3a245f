"""Usage errors: what the command line itself got wrong, caught before a command runs.

The pinned typer vendors click as `typer._click` and raises its exceptions (only BadParameter is
re-exported), so this module imports them from there. Three checks click does not make are added
here: an option given twice (click silently keeps the last value), an output path that is also an
input of the same invocation, and a command name typo (with the closest names).
"""

from __future__ import annotations

import difflib
import errno
from collections import Counter
from pathlib import Path
from typing import Any

from typer._click.core import Context, Parameter
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup, TyperOption

from lanthanide.cli.terminal import clean_text

#: parameters a command writes to; every other path it is given is read
OUTPUT_PARAMETERS = ("out", "lines", "plot")


def suggestions(word: str, known: list[str]) -> str:
    """`; did you mean X or Y?` for the closest of `known`, or nothing (dashes not compared)."""
    bare = {k.lstrip("-"): k for k in known}
    close = [bare[c] for c in difflib.get_close_matches(word.lstrip("-"), list(bare), cutoff=0.6)]
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _hint(param: Parameter | None) -> str:
    if param is None:
        return "a parameter"
    if isinstance(param, TyperOption) and param.opts:
        return param.opts[0]
    return str(getattr(param, "metavar", None) or param.name).upper()


def _bad_value(error: BadParameter) -> str:
    """`invalid value 'x' for --format: ...`, with the value given when typer knows it."""
    detail = error.message.removeprefix("Value error, ").rstrip(".")
    cause: Any = error.__cause__
    given = ""
    if cause is not None and hasattr(cause, "errors"):
        found = cause.errors()
        if found and "input" in found[0]:
            given = f" {found[0]['input']!r}"
    where = _hint(error.param) if error.param is not None else "a parameter"
    return f"invalid value{given} for {where}: {detail}"


def usage_message(error: ClickException) -> str:
    """One line: the command path, what is wrong, and where to read about it."""
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "lanthanide"
    if isinstance(error, NoSuchOption):
        known = _option_names(ctx.command, ctx) if ctx is not None else []
        what = f"no such option {error.option_name}{suggestions(error.option_name, known)}"
    elif isinstance(error, MissingParameter):
        what = f"missing {error.param_type or 'parameter'} {_hint(error.param)}"
        if error.param is not None and error.param.param_type_name == "option":
            what = f"missing option {_hint(error.param)}"
        elif error.param is not None:
            what = f"missing argument {_hint(error.param)}"
    elif isinstance(error, BadParameter):
        what = _bad_value(error)
    else:
        what = error.format_message().strip().rstrip(".")
        what = what[:1].lower() + what[1:]
    line = " ".join(what.split())  # one line, whatever click put in the message
    return clean_text(f"{path}: {line} (see '{path} --help')")


def _option_names(command: Any, ctx: Context) -> list[str]:
    return [
        opt
        for param in command.get_params(ctx)
        if isinstance(param, TyperOption)
        for opt in (*param.opts, *param.secondary_opts)
    ]


def check_repeats(command: TyperCommand | TyperGroup, ctx: Context, args: list[str]) -> None:
    """Refuse a single-valued option given more than once (click would keep the last value)."""
    parser = command.make_parser(ctx)
    _, _, order = parser.parse_args(args=list(args))
    counts = Counter(
        param.name
        for param in order
        if isinstance(param, TyperOption) and not param.multiple and not param.is_eager
    )
    repeated = [name for name, n in counts.items() if n > 1]
    if repeated:
        param = next(p for p in order if p.name == repeated[0])
        raise UsageError(f"{_hint(param)} given more than once; give it once", ctx)


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file (by inode when both exist, else by absolute path)."""
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
        return a.resolve() == b.resolve()
    except OSError:  # a name too long or a loop: check_names has refused it already
        return False


#: errors of a path that no file can have, whatever is on the disk
IMPOSSIBLE_NAMES = {errno.ENAMETOOLONG: "file name too long", errno.ELOOP: "symbolic link loop"}


def check_names(params: dict[str, Any], paths: list[tuple[str, Path]], ctx: Context) -> None:
    """Refuse a path the system cannot even look up (a name over 255 bytes, a link loop)."""
    for name, path in paths:
        try:
            path.stat()
        except OSError as error:
            if error.errno in IMPOSSIBLE_NAMES:
                shown = str(path) if len(str(path)) <= 80 else str(path)[:77] + "..."
                raise UsageError(
                    f"{_hint(params.get(name))} {shown}: {IMPOSSIBLE_NAMES[error.errno]}", ctx
                ) from None


def check_paths(command: TyperCommand, ctx: Context) -> None:
    """Refuse an impossible path, and an output path that is also another path of the call."""
    params = {p.name: p for p in command.get_params(ctx)}
    paths: list[tuple[str, Path]] = []
    for name, value in ctx.params.items():
        values = value if isinstance(value, list | tuple) else [value]
        paths += [(name, v) for v in values if isinstance(v, Path)]
    check_names(params, paths, ctx)
    for i, (name, path) in enumerate(paths):
        for other, other_path in paths[i + 1 :]:
            written = name in OUTPUT_PARAMETERS or other in OUTPUT_PARAMETERS
            if written and _same(path, other_path):
                raise UsageError(
                    f"{_hint(params.get(name))} and {_hint(params.get(other))} are the same "
                    f"file ({path}); nothing was written",
                    ctx,
                )


class GuardedCommand(TyperCommand):
    """A typer command that also refuses repeated options and outputs that overwrite inputs."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        check_repeats(self, ctx, args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        check_paths(self, ctx)
        return super().invoke(ctx)


class GuardedGroup(TyperGroup):
    """A typer group that refuses its own options twice and names the closest commands on a typo.

    A group's parser stops at the first word that is not an option (the subcommand), so only the
    group's own options are counted here; the subcommand counts its own.
    """

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        check_repeats(self, ctx, args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0]
        known = self.list_commands(ctx)
        if name not in known and not name.startswith("-"):
            raise UsageError(f"no such command {name!r}{suggestions(name, known)}", ctx)
        return super().resolve_command(ctx, args)


__all__ = [
    "OUTPUT_PARAMETERS",
    "ClickException",
    "GuardedCommand",
    "GuardedGroup",
    "NoArgsIsHelpError",
    "UsageError",
    "check_paths",
    "check_repeats",
    "usage_message",
]
