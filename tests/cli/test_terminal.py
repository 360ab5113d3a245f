"""What reaches a terminal: no control or bidi characters from user strings."""

from __future__ import annotations

import io
import sys
import time

import pytest

from lanthanide.cli.terminal import Busy, Guarded, SafeStream, clean_text

HOSTILE = "MOT\x1b[2J-1\u202egnp.exe\x07\x9b31m\u2066x\u2069\x00"


def test_clean_text_drops_controls_and_bidi_but_keeps_newline_and_tab() -> None:
    assert clean_text(HOSTILE + "\n\tok") == "MOT-1gnp.exe31mx\n\tok"
    assert clean_text("a\x1b]0;title\x07b") == "ab"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_keeps_colour_but_not_cursor_or_screen_control() -> None:
    raw = _Terminal()
    stream = SafeStream(raw, r"\x1b\[[0-9;]*m")
    stream.write("\x1b[1mbold\x1b[0m " + HOSTILE)
    stream.flush()
    assert raw.getvalue() == "\x1b[1mbold\x1b[0m MOT-1gnp.exe31mx"


def test_an_escape_split_across_writes_is_judged_whole() -> None:
    raw = _Terminal()
    stream = SafeStream(raw, r"\x1b\[[0-9;]*m")
    stream.write("a\x1b[")
    stream.write("1mb\x1b")
    stream.write("[2Jc")
    stream.flush()
    assert raw.getvalue() == "a\x1b[1mbc"


def test_guarded_filters_stderr_always_and_piped_stdout_never(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with Guarded("test"):
        sys.stdout.write(HOSTILE)
        sys.stderr.write(HOSTILE)
    assert out.getvalue() == HOSTILE  # piped output is data (JSON, CSV), kept exact
    assert err.getvalue() == clean_text(HOSTILE)
    assert (sys.stdout, sys.stderr) == (out, err)


def test_guarded_filters_a_terminal_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    with Guarded("test"):
        sys.stdout.write("\x1b[32mok\x1b[0m" + HOSTILE)
    assert out.getvalue() == "\x1b[32mok\x1b[0m" + clean_text(HOSTILE)


def test_the_busy_bar_never_starts_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    busy = Busy("lanthanide screen: working", stream, delay=0.0)
    busy.begin()
    busy.stop()
    assert stream.getvalue() == ""


def test_the_busy_bar_shows_on_a_terminal_and_is_gone_after_stop() -> None:
    stream = _Terminal()
    busy = Busy("lanthanide screen: working", stream, delay=0.0)
    busy.begin()
    deadline = time.monotonic() + 30  # a guard, not a timing assertion
    while "working" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    busy.stop()
    assert "lanthanide screen: working" in stream.getvalue()
    assert stream.getvalue().endswith("\x1b[1A\x1b[2K")  # transient: its line erased at stop
