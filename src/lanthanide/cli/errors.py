"""How every error reaches the user: one table of exit codes, one place that prints.

- a usage error (bad choice, type or range, unknown option or command, missing argument, an option
  given twice, an output that is also an input): exit 2, one line naming the option;
- a LanthanideError: its exit code from EXIT_CODES, `error: message`, then each located problem
  the message does not already say;
- anything else is a bug: exit 1, one line `internal error: ...`; LANTHANIDE_DEBUG=1 prints the
  traceback above it.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer

from lanthanide.cli.terminal import Guarded, clean_text
from lanthanide.cli.usage import ClickException, NoArgsIsHelpError, UsageError, usage_message
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

#: exit code of a usage error (click's convention, and the contract's "your input was wrong")
USAGE_EXIT = 2
#: exit code of a bug
INTERNAL_EXIT = 1
#: exit code after Ctrl-C (128 + SIGINT, as shells report it)
INTERRUPTED_EXIT = 130
#: exit code when the reader of stdout went away (`| head`): click's, so both paths agree
BROKEN_PIPE_EXIT = 1
#: set to 1 to see the traceback of an internal error
DEBUG_VARIABLE = "LANTHANIDE_DEBUG"


def exit_code(error: LanthanideError) -> int:
    """The exit code for an error: the most specific class listed, else 1."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def error_text(error: LanthanideError) -> str:
    """`error: message` and each problem on its own line, unless the message already says it
    (its text and its location)."""
    message = str(error.args[0]) if error.args else type(error).__name__
    lines = [f"error: {message}"]
    for problem in getattr(error, "problems", []):
        text = str(problem)
        where = [str(p) for p in (problem.file, problem.line, problem.column) if p is not None]
        said = problem.message in message and all(w in message for w in where)
        if not said and text not in lines:
            lines.append(text)
    return clean_text("\n".join(lines)) + "\n"


def _internal(error: BaseException) -> int:
    if os.environ.get(DEBUG_VARIABLE) == "1":
        traceback.print_exception(error, file=sys.stderr)
        where = "the traceback is above"
    else:
        where = f"run again with {DEBUG_VARIABLE}=1 to see the traceback"
    detail = " ".join(str(error).split()) or "no message"
    sys.stderr.write(
        clean_text(f"internal error: {type(error).__name__}: {detail} ({where}; please report it)")
        + "\n"
    )
    return INTERNAL_EXIT


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not raise BrokenPipeError again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (tests capture into memory): nothing to flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _invoke(app: typer.Typer, args: list[str]) -> int:
    command = typer.main.get_command(app)
    try:
        command.main(args=args, prog_name="lanthanide", standalone_mode=False)
    except LanthanideError as error:
        sys.stderr.write(error_text(error))
        return exit_code(error)
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("interrupted\n")
        return INTERRUPTED_EXIT
    except UsageError as error:
        if isinstance(error, NoArgsIsHelpError):  # `lanthanide` or `lanthanide data` alone
            sys.stdout.write(error.message + "\n")
            return 0
        sys.stderr.write(f"error: {usage_message(error)}\n")
        return USAGE_EXIT
    except ClickException as error:
        sys.stderr.write(f"error: {usage_message(error)}\n")
        return USAGE_EXIT
    except BrokenPipeError:  # `lanthanide ... | head`: the reader has all it wanted
        _discard_stdout()
        return BROKEN_PIPE_EXIT
    except SystemExit as done:  # click's own exit when stdout is a closed pipe
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _discard_stdout()
        return done.code if isinstance(done.code, int) else BROKEN_PIPE_EXIT
    except Exception as error:
        return _internal(error)
    return 0


def run_guarded(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app on `args` (default: sys.argv); print any error once; return the exit code."""
    argv = sys.argv[1:] if args is None else args
    named = argv[:1] if argv and argv[0].isidentifier() else []
    with Guarded(" ".join(["lanthanide", *named]) + ": working"):
        return _invoke(app, argv)
