"""Generated hostile command lines: each ends in exit 2 and one located line, nothing written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.hostile.cases import BASES, Case, commands, generate
from tests.hostile.harness import (
    assert_no_partial_files,
    assert_rejected_or_ok,
    assert_usage_error,
    invoke,
    run_cli,
    snapshot,
)

CASES = generate()
PARSING = [c for c in CASES if not c.runs]
TEXT = [c for c in CASES if c.cls == "control characters"]
PATHS = [c for c in CASES if c.cls == "input path of the wrong kind"]
OUTPUTS = [c for c in CASES if c.runs and c not in TEXT and c not in PATHS]


def _prepare(tmp: Path) -> None:
    (tmp / "blocker").write_text("a file where a folder is expected\n")
    (tmp / "loop").symlink_to(tmp / "loop")


@pytest.mark.parametrize("case", PARSING, ids=lambda c: c.id)
def test_usage_error_is_one_located_line(case: Case, tmp_path: Path) -> None:
    _prepare(tmp_path)
    before = snapshot(tmp_path)
    outcome = invoke(*case.argv(tmp_path))
    assert_usage_error(outcome, mentions=case.mentions)
    assert_no_partial_files(tmp_path, before)


@pytest.mark.slow
@pytest.mark.parametrize("case", TEXT, ids=lambda c: c.id)
def test_control_characters_in_a_value_never_reach_the_terminal(case: Case, tmp_path: Path) -> None:
    outcome = invoke(*case.argv(tmp_path))
    assert_rejected_or_ok(outcome)
    for unsafe in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert unsafe not in outcome.stderr, outcome.describe()


@pytest.mark.slow
@pytest.mark.parametrize("case", PATHS, ids=lambda c: c.id)
def test_an_input_path_of_the_wrong_kind_is_a_clean_rejection(case: Case, tmp_path: Path) -> None:
    _prepare(tmp_path)
    before = snapshot(tmp_path)
    outcome = invoke(*case.argv(tmp_path))
    assert_rejected_or_ok(outcome)
    if outcome.exit_code != 0:
        assert_no_partial_files(tmp_path, before)


@pytest.mark.slow
@pytest.mark.parametrize("case", OUTPUTS, ids=lambda c: c.id)
def test_unwritable_output_is_one_located_line_and_nothing_is_left(
    case: Case, tmp_path: Path
) -> None:
    _prepare(tmp_path)
    before = snapshot(tmp_path)
    inputs = {p: Path(p).read_bytes() for p in case.args if Path(p).is_file()}
    outcome = invoke(*case.argv(tmp_path))
    assert_usage_error(outcome, mentions=case.mentions)
    assert_no_partial_files(tmp_path, before)
    assert {p: Path(p).read_bytes() for p in inputs} == inputs


def test_every_command_has_a_base_and_cases_cover_every_class() -> None:
    leaves = {p for p, c in commands().items() if not hasattr(c, "commands")}
    assert leaves == set(BASES)
    classes = Counter(c.cls for c in CASES)
    assert set(classes) >= {
        "repeated option",
        "option without value",
        "misspelt option",
        "bad choice",
        "bad number",
        "out of range",
        "missing argument",
        "extra argument",
        "unwritable output",
        "full disk",
        "name too long",
        "output is an input",
        "one of two outputs unwritable",
        "control characters",
        "input path of the wrong kind",
        "unknown command",
        "misspelt command",
    }


@pytest.mark.parametrize("path", sorted(BASES), ids=" ".join)
def test_the_real_process_prints_no_traceback_either(path: tuple[str, ...]) -> None:
    outcome = run_cli(*path, "--no-such-option")
    assert_usage_error(outcome, mentions="no such option --no-such-option")
