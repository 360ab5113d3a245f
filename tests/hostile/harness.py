"""Shared helpers for the hostile-input suite: run one CLI invocation, judge its outcome.

Every hostile case must end in one of two ways: exit 2 with a located error line (and nothing
written), or a valid result (exit 0). Never a traceback, never a hang, never a partial file.

Two runners, same outcome type:

- `invoke(*args)` runs the real entry point (`run_guarded`) in this process; fast, for generated
  cases. `LANTHANIDE_HOME` is whatever the test set (tests/conftest.py isolates it per test).
  A run still going after TIMEOUT_S raises `Hung` (a guard, not a timed assertion).
- `run_cli(*args)` runs `python -m lanthanide` in a subprocess; for what only a real process shows
  (start-up, signals, stdin). Its timeout is a guard against hangs, not a timed assertion.

Judges: `assert_usage_error`, `assert_rejected`, `assert_ok`, `assert_rejected_or_ok`,
`assert_no_partial_files` (with `snapshot` to compare a folder before and after).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: generous guard against a hang; a case that needs it has failed anyway
TIMEOUT_S = 120.0

#: names a writer gives its temporary files (store/files.py: `.NAME.XXXX.tmp`, `.DIR.XXXX.partial`)
TEMP_MARKERS = (".tmp", ".partial")


@dataclass(frozen=True)
class Outcome:
    """What one invocation returned and printed."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """Non-empty stderr lines."""
        return [line for line in self.stderr.splitlines() if line.strip()]

    def describe(self) -> str:
        """The invocation and its output, for assertion messages."""
        return (
            f"lanthanide {' '.join(self.args)} -> exit {self.exit_code}\n"
            f"--- stdout ---\n{self.stdout[-2000:]}\n--- stderr ---\n{self.stderr[-4000:]}"
        )


def invoke(*args: str | os.PathLike[str], stdin: str = "") -> Outcome:
    """Run `lanthanide ARGS` in-process through the console script's own entry point."""
    from lanthanide.cli.app import main_exit_code

    argv = tuple(str(a) for a in args)
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["lanthanide", *argv], io.StringIO(stdin)
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)  # a guard against a hang, not a timing test
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main_exit_code()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.argv, sys.stdin = saved_argv, saved_stdin
    return Outcome(argv, code, out.getvalue(), err.getvalue())


class Hung(BaseException):
    """Raised in a run that outlived TIMEOUT_S (BaseException: no `except Exception` hides it)."""


def _hung(signum: int, frame: object) -> None:
    raise Hung(f"still running after {TIMEOUT_S:.0f} s")


def run_cli(
    *args: str | os.PathLike[str],
    env: dict[str, str] | None = None,
    stdin: str = "",
    timeout: float = TIMEOUT_S,
) -> Outcome:
    """Run `python -m lanthanide ARGS` in a subprocess (the environment plus `env`)."""
    argv = tuple(str(a) for a in args)
    done = subprocess.run(
        [sys.executable, "-m", "lanthanide", *argv],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Outcome(argv, done.returncode, done.stdout, done.stderr)


def assert_no_traceback(outcome: Outcome) -> None:
    """No Python traceback anywhere in the output."""
    for text in (outcome.stdout, outcome.stderr):
        assert "Traceback" not in text, outcome.describe()


def assert_rejected(
    outcome: Outcome, *, mentions: str | None = None, max_lines: int | None = None
) -> str:
    """Exit 2, an `error: ...` first line on stderr (naming `mentions`), no traceback.

    `max_lines=1` for usage errors; readers may list every problem on the lines below (None).
    Returns the first error line.
    """
    assert_no_traceback(outcome)
    assert outcome.exit_code == 2, outcome.describe()
    lines = outcome.error_lines
    assert lines, outcome.describe()
    assert lines[0].startswith("error: "), outcome.describe()
    if max_lines is not None:
        assert len(lines) <= max_lines, outcome.describe()
    if mentions is not None:
        assert mentions.lower() in outcome.stderr.lower(), outcome.describe()
    return lines[0]


def assert_usage_error(outcome: Outcome, *, mentions: str | None = None) -> str:
    """A usage error: exit 2 and exactly one readable line, located by `mentions`."""
    return assert_rejected(outcome, mentions=mentions, max_lines=1)


def assert_ok(outcome: Outcome) -> None:
    """A valid result: exit 0, no traceback."""
    assert_no_traceback(outcome)
    assert outcome.exit_code == 0, outcome.describe()


def assert_rejected_or_ok(outcome: Outcome, *, max_lines: int | None = None) -> None:
    """Either a valid result or a clean, located rejection; nothing else."""
    if outcome.exit_code == 0:
        assert_ok(outcome)
    else:
        assert_rejected(outcome, max_lines=max_lines)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes), to compare before and after a run."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_no_partial_files(folder: Path, before: dict[str, bytes] | None = None) -> None:
    """No temporary leftovers under `folder`; with `before`, nothing added, changed or removed."""
    leftovers = (
        [str(p) for p in folder.rglob("*") if any(m in p.name for m in TEMP_MARKERS)]
        if folder.exists()
        else []
    )
    assert not leftovers, f"temporary files left behind: {leftovers}"
    if before is not None:
        after = snapshot(folder)
        assert after.keys() == before.keys(), (
            f"files changed: added {sorted(after.keys() - before.keys())}, "
            f"removed {sorted(before.keys() - after.keys())}"
        )
        changed = [k for k in before if before[k] != after[k]]
        assert not changed, f"files rewritten by a failed run: {changed}"
