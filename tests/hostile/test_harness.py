"""The hostile-suite judges accept what they should and reject what they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.harness import (
    Outcome,
    assert_no_partial_files,
    assert_rejected,
    assert_usage_error,
    invoke,
    snapshot,
)


def test_a_located_domain_error_passes_the_rejection_judge() -> None:
    line = assert_rejected(invoke("chain", "--stage", "smelting"), mentions="smelting")
    assert line.startswith("error: unknown stage 'smelting'")


def test_a_traceback_fails_every_judge() -> None:
    crashed = Outcome(("chain",), 2, "", "error: x\nTraceback (most recent call last):\n")
    with pytest.raises(AssertionError):
        assert_rejected(crashed)


def test_two_lines_fail_the_usage_judge() -> None:
    with pytest.raises(AssertionError):
        assert_usage_error(Outcome(("chain",), 2, "", "error: one\nerror: two\n"))


def test_partial_and_changed_files_are_caught(tmp_path: Path) -> None:
    (tmp_path / "kept.csv").write_text("a\n")
    before = snapshot(tmp_path)
    assert_no_partial_files(tmp_path, before)
    (tmp_path / ".out.csv.abc.tmp").write_text("half")
    with pytest.raises(AssertionError, match="temporary"):
        assert_no_partial_files(tmp_path)
    (tmp_path / ".out.csv.abc.tmp").unlink()
    (tmp_path / "kept.csv").write_text("b\n")
    with pytest.raises(AssertionError, match="rewritten"):
        assert_no_partial_files(tmp_path, before)


def test_a_hanging_run_is_stopped_by_the_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import lanthanide.cli.chain
    from tests.hostile import harness

    def hang() -> None:
        time.sleep(30)

    monkeypatch.setattr(lanthanide.cli.chain, "chain", hang)
    monkeypatch.setattr(harness, "TIMEOUT_S", 0.2)
    with pytest.raises(harness.Hung):
        invoke("chain")
