"""How errors reach the user: one line for usage errors, each problem once, bugs in one line."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from lanthanide.cli.errors import error_text
from lanthanide.errors import InvalidInput, Problem
from tests.hostile.harness import assert_ok, assert_usage_error, invoke

MOTOR = Path(__file__).parents[1] / "fixtures" / "boms" / "motor_small.csv"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("chain", "--format", "xml"), "invalid value 'xml' for --format"),
        (("chain", "--year", "abc"), "invalid value 'abc' for --year"),
        (("backtest", "2025-04", "--runs", "0"), "invalid value '0' for --runs"),
        (("backtest", "2025-04", "--runs", "1000001"), "less than or equal to 1000000"),
        (("backtest", "2025-04", "--seed", "-1"), "invalid value '-1' for --seed"),
        (("chain", "--yeer", "2024"), "no such option --yeer; did you mean --year?"),
        (("chainz",), "no such command 'chainz'; did you mean chain?"),
        (("data", "lst"), "lanthanide data: no such command 'lst'; did you mean list?"),
        (("screen",), "lanthanide screen run: missing argument BOMS"),
        (("events", "study", "--market", "SPY"), "missing option --prices"),
        (("chain", "--year", "2024", "--year", "2025"), "--year given more than once"),
        (("timeline", "--format", "json", "--format=csv"), "--format given more than once"),
        (("chain", "extra"), "unexpected extra argument"),
    ],
)
def test_usage_errors_exit_2_with_one_line_naming_the_option(
    args: tuple[str, ...], says: str
) -> None:
    line = assert_usage_error(invoke(*args), mentions=says)
    assert line.startswith("error: lanthanide")
    assert line.endswith("--help')")


def test_a_repeatable_option_may_be_repeated() -> None:
    outcome = invoke("timeline", "--assume", "x=y", "--assume", "z=w")
    assert "more than once" not in outcome.stderr
    assert_usage_error(outcome, mentions="--assume")  # rejected for its values, not the repeat


def test_an_output_that_is_also_the_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(MOTOR.read_bytes())
    for flag in ("--out", "--lines"):
        assert_usage_error(invoke("screen", bom, flag, bom), mentions="are the same file")
        assert bom.read_bytes() == MOTOR.read_bytes()


def test_the_same_file_by_another_spelling_is_still_the_same(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(MOTOR.read_bytes())
    other = tmp_path / "sub" / ".." / "bom.csv"
    (tmp_path / "sub").mkdir()
    assert_usage_error(invoke("screen", bom, "--out", other), mentions="same file")


def test_no_arguments_prints_help_and_exits_0() -> None:
    outcome = invoke()
    assert_ok(outcome)
    assert "chain" in outcome.stdout and "simulate" in outcome.stdout


def test_a_problem_the_message_already_says_is_not_repeated() -> None:
    error = InvalidInput("/x.csv: no such file", [Problem("no such file", "/x.csv")])
    assert error_text(error) == "error: /x.csv: no such file\n"


def test_located_problems_are_listed_once_each_under_the_message() -> None:
    error = InvalidInput(
        "b.csv: 2 problems",
        [Problem("bad number", "b.csv", 3, 2), Problem("bad number", "b.csv", 3, 2)],
    )
    assert error_text(error) == "error: b.csv: 2 problems\nb.csv:3:2: bad number\n"


def test_a_missing_file_is_reported_once(tmp_path: Path) -> None:
    outcome = invoke("screen", tmp_path / "none.csv")
    assert outcome.exit_code == 2
    assert outcome.stderr.count("no such file") == 1


def _boom() -> None:
    raise RuntimeError("boom\nsecond line")


def test_a_bug_ends_in_one_line_with_where_to_see_the_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lanthanide.cli.chain

    monkeypatch.setattr(lanthanide.cli.chain, "chain", _boom)
    monkeypatch.delenv("LANTHANIDE_DEBUG", raising=False)
    outcome = invoke("chain")
    assert outcome.exit_code == 1
    assert outcome.error_lines == [
        "internal error: RuntimeError: boom second line "
        "(run again with LANTHANIDE_DEBUG=1 to see the traceback; please report it)"
    ]


def test_debug_shows_the_traceback_of_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    import lanthanide.cli.chain

    monkeypatch.setattr(lanthanide.cli.chain, "chain", _boom)
    monkeypatch.setenv("LANTHANIDE_DEBUG", "1")
    outcome = invoke("chain")
    assert outcome.exit_code == 1
    assert "Traceback" in outcome.stderr and "_boom" in outcome.stderr
    assert outcome.error_lines[-1].startswith("internal error: RuntimeError: boom")


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_stops_early_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    from lanthanide.cli.app import app
    from lanthanide.cli.errors import run_guarded

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    monkeypatch.setattr(sys, "stderr", err)
    assert run_guarded(app, ["timeline", "--format", "json"]) == 1  # as click exits on EPIPE
    assert err.getvalue() == ""


def test_a_name_no_file_system_allows_is_a_usage_error(tmp_path: Path) -> None:
    long = tmp_path / ("n" * 300)
    line = assert_usage_error(invoke("chain", "--db", long), mentions="file name too long")
    assert line.startswith("error: lanthanide chain: --db ")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert_usage_error(invoke("screen", loop), mentions="symbolic link loop")
