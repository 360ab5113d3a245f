"""Hostile command lines generated from the command tree itself, so a new option gets its cases.

Every command and option of `lanthanide` is read from the click commands typer builds; for each,
the generator derives what a careless or hostile user could type: a bad choice, a bad number,
a number out of range, an option given twice, an option without its value, a misspelt option or
command, a missing argument, an extra argument, an unwritable output, an output equal to an input.
`{tmp}` in an argument is the test's temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lanthanide

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
PACKAGE = Path(lanthanide.__file__).parent
MOTOR = str(FIXTURES / "boms" / "motor_small.csv")
IMPORT = str(FIXTURES / "imports" / "good_mcs2027.csv")
SCENARIO = str(HERE.parents[1] / "examples" / "scenarios" / "heavy-re-cutoff-myanmar.toml")
PRICES = str(PACKAGE / "data" / "samples" / "rare_earth_prices.csv")

#: a valid invocation of each command; each case changes one thing in it
BASES: dict[tuple[str, ...], list[str]] = {
    ("chain",): [],
    ("data", "init"): ["--db", "{tmp}/store.duckdb"],
    ("data", "verify"): [],
    ("data", "list"): [],
    ("data", "import"): ["production", IMPORT, "--db", "{tmp}/store.duckdb"],
    ("data", "export"): ["production", "--out", "{tmp}/export.csv"],
    ("data", "remove"): ["mcs2027", "--db", "{tmp}/store.duckdb"],
    ("screen", "run"): [MOTOR],
    ("screen", "history"): ["--db", "{tmp}/store.duckdb"],
    ("screen", "diff"): ["1", "2", "--db", "{tmp}/store.duckdb"],
    ("screen", "rescreen"): ["--as-of", "2025-01-01", "--db", "{tmp}/store.duckdb"],
    ("timeline",): [],
    ("simulate",): [SCENARIO, "--runs", "32"],
    ("backtest",): ["2025-04", "--runs", "32"],
    ("events", "list"): [],
    ("events", "study"): ["--prices", PRICES, "--market", "SPY"],
    ("events", "volatility"): ["--prices", PRICES, "--market", "SPY", "--events", "US-DOD-MP-2025"],
    ("serve", "keys", "create"): ["--tenant", "acme", "--keys-file", "{tmp}/keys.json"],
    ("events", "fetch"): [
        *("--tickers", "LYC.AX", "--from", "2025-01-01", "--to", "2025-02-01"),
        *("--out", "{tmp}/prices.csv"),
    ],
}

#: commands whose base runs offline in a few seconds, so output cases may run them to the end
#: (fetch needs the network; init and import write the store, store-faults' part of the suite)
RUNNABLE = {
    ("chain",),
    ("data", "export"),
    ("screen", "run"),
    ("timeline",),
    ("simulate",),
    ("backtest",),
    ("events", "list"),
    ("events", "study"),
    ("events", "volatility"),
}

#: the inputs of each runnable command, for `--out INPUT`
INPUTS: dict[tuple[str, ...], str] = {
    ("screen", "run"): MOTOR,
    ("simulate",): SCENARIO,
    ("events", "study"): PRICES,
    ("events", "volatility"): PRICES,
}


@dataclass(frozen=True)
class Case:
    """One hostile invocation and what the error line must name."""

    cls: str
    args: tuple[str, ...]
    mentions: str
    #: whether the case runs the command to its end (output cases) rather than failing at parsing
    runs: bool = False

    @property
    def id(self) -> str:
        return f"{self.cls}:{' '.join(self.args)}"[:120]

    def argv(self, tmp: Path) -> list[str]:
        return [a.replace("{tmp}", str(tmp)) for a in self.args]


def commands() -> dict[tuple[str, ...], Any]:
    """Every leaf command by path, and every group, built as the CLI builds them."""
    from lanthanide.cli.app import Root

    found: dict[tuple[str, ...], Any] = {}

    def walk(path: tuple[str, ...], command: Any) -> None:
        found[path] = command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk((*path, name), sub)

    for entry in Root.ENTRIES:
        walk((entry.name,), entry.load())
    return found


def _without(base: list[str], opts: list[str]) -> list[str]:
    """`base` with option `opts` (and its value) removed, so a case sets it only once."""
    out: list[str] = []
    skip = False
    for i, token in enumerate(base):
        if skip:
            skip = False
            continue
        if token in opts:
            skip = i + 1 < len(base)
            continue
        out.append(token)
    return out


def _option_cases(path: tuple[str, ...], param: Any, base: list[str]) -> Iterator[Case]:
    opt = param.opts[0]
    rest = _without(base, [*param.opts, *param.secondary_opts])
    info = param.type_descriptor
    value = [] if param.is_flag else ["{tmp}/x"]  # a path, if taken as one, lands in {tmp}
    if not param.multiple:
        yield Case("repeated option", (*path, *rest, opt, *value, opt, *value), opt)
    if not param.is_flag:
        yield Case("option without value", (*path, *rest, opt), opt)
    if len(opt) > 4:
        typo = opt[:-2] + opt[-1] + opt[-2]  # two letters swapped
        yield Case("misspelt option", (*path, *rest, typo, *value), f"no such option {typo}")
    if info.is_choice:
        yield Case("bad choice", (*path, *rest, opt, "no-such-choice"), opt)
    number = getattr(info, "annotation", None)
    if number in {int, float} and not param.is_flag:
        for bad in ("abc", "1.5x", ""):
            yield Case("bad number", (*path, *rest, opt, bad), opt)
        if number is int:
            yield Case("bad number", (*path, *rest, opt, "1.5"), opt)
        low, high = info.parameter_info.min, info.parameter_info.max
        if low is not None:
            yield Case("out of range", (*path, *rest, opt, str(low - 1)), opt)
        if high is not None:
            yield Case("out of range", (*path, *rest, opt, str(high + 1)), opt)


#: a value that would clear the screen, retitle the window and reverse the text after it
HOSTILE_TEXT = "\x1b[2J\x1b]0;pwned\x07\u202eevil\x9b"


def _text_cases(path: tuple[str, ...], command: Any, base: list[str]) -> Iterator[Case]:
    for param in command.params:
        info = param.type_descriptor
        if param.param_type_name != "option" or param.is_flag or info.is_choice:
            continue
        if getattr(info, "annotation", None) is not str or param.name == "scheduler":
            continue  # (a scheduler address would be dialled)
        rest = _without(base, param.opts)
        yield Case("control characters", (*path, *rest, param.opts[0], HOSTILE_TEXT), "", True)


#: a file name longer than any file system allows (255 bytes)
TOO_LONG = "{tmp}/" + "n" * 300
#: input paths of the wrong kind: a folder, nothing at all, an empty device, an impossible name,
#: a symbolic link to itself (made by the test)
WRONG_PATHS = ("{tmp}", "{tmp}/missing.csv", "/dev/null", TOO_LONG, "{tmp}/loop")


def _path_cases(path: tuple[str, ...], command: Any, base: list[str]) -> Iterator[Case]:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    for param in command.params:
        if not param.type_descriptor.is_path or param.name in {"out", "lines", "plot"}:
            continue
        if param.name == "dataset_dir":  # a folder that is not a dataset is an integrity error (4)
            continue
        for wrong in WRONG_PATHS:
            if param.param_type_name == "option":
                args = (*_without(base, param.opts), param.opts[0], wrong)
            else:
                at = arguments.index(param)
                args = (*base[:at], wrong, *base[at + 1 :])
            yield Case("input path of the wrong kind", (*path, *args), "", runs=True)


def _argument_cases(path: tuple[str, ...], command: Any, base: list[str]) -> Iterator[Case]:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    positional = [t for t in base if not t.startswith("-")][: len(arguments)]
    for i, param in enumerate(arguments):
        if param.required and i < len(positional):
            kept = positional[:i]  # arguments are positional: drop this one and those after
            options = base[len(positional) :] if base[: len(positional)] == positional else []
            name = str(param.metavar or param.name).upper()
            yield Case("missing argument", (*path, *kept, *options), f"missing argument {name}")
    variadic = any(p.nargs == -1 for p in arguments)  # then "surplus" is one more input file
    said = "surplus" if variadic else "unexpected extra argument"
    yield Case("extra argument", (*path, *base, "surplus"), said)


def _output_cases(path: tuple[str, ...], command: Any, base: list[str]) -> Iterator[Case]:
    outputs = [p for p in command.params if p.name in {"out", "lines", "plot"}]
    for first in outputs:
        for second in outputs:
            if first is not second:  # the writable one must not be written either
                rest = _without(base, [*first.opts, *second.opts])
                pair = (first.opts[0], "{tmp}/first.out", second.opts[0], "{tmp}/blocker/x")
                yield Case("one of two outputs unwritable", (*path, *rest, *pair), "blocker", True)
    for param in outputs:
        opt = param.opts[0]
        rest = _without(base, param.opts)
        blocked = "{tmp}/blocker/out.csv"
        yield Case("unwritable output", (*path, *rest, opt, blocked), "blocker", runs=True)
        yield Case("full disk", (*path, *rest, opt, "/dev/full"), "/dev/full", runs=True)
        yield Case("name too long", (*path, *rest, opt, TOO_LONG), "name too long", runs=True)
        if path in INPUTS:
            same = INPUTS[path]
            yield Case("output is an input", (*path, *rest, opt, same), "same file", runs=True)


#: groups whose first word, when it names no subcommand, is the default command's argument
#: (`lanthanide screen BOM` runs `screen run BOM`): an unknown word is then a missing file
DEFAULT_COMMAND = {("screen",)}


def _group_cases(path: tuple[str, ...], group: Any) -> Iterator[Case]:
    default = path in DEFAULT_COMMAND
    said = "frobnicate" if default else "no such command 'frobnicate'"
    yield Case("unknown command", (*path, "frobnicate"), said)
    for name in group.list_commands(None):
        if len(name) > 3:
            typo = name[:-1]
            said = typo if default else f"did you mean {name}"
            yield Case("misspelt command", (*path, typo), said)


def generate() -> list[Case]:
    """Every generated case, over every command and option."""
    from lanthanide.cli.app import Root

    cases: list[Case] = list(_group_cases((), Root(name="lanthanide")))
    for path, command in commands().items():
        if hasattr(command, "commands"):
            cases += _group_cases(path, command)
            for param in command.params:  # a group's own options (serve --port ...)
                if param.param_type_name == "option" and not param.is_eager:
                    cases += _option_cases(path, param, [])
            continue
        base = BASES[path]
        for param in command.params:
            if param.param_type_name == "option" and param.opts[0] != "--help":
                cases += _option_cases(path, param, base)
        cases += _argument_cases(path, command, base)
        if path in RUNNABLE:
            cases += _output_cases(path, command, base)
            cases += _text_cases(path, command, base)
            cases += _path_cases(path, command, base)
    return cases
