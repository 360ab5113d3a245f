"""The first simulation of an install says the kernel compiles; warming leaves it compiled."""

from __future__ import annotations

import io

import pytest

from lanthanide.cli import warm


def test_a_cold_cache_is_announced_with_how_long_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "kernel_is_cached", lambda: False)
    stream = io.StringIO()
    warm.notice_if_cold(stream)
    assert stream.getvalue().startswith("compiling the simulator kernel")
    assert warm.COLD_COMPILE in stream.getvalue()


def test_a_warm_cache_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "kernel_is_cached", lambda: True)
    stream = io.StringIO()
    warm.notice_if_cold(stream)
    assert stream.getvalue() == ""


def test_warming_leaves_a_compiled_kernel_on_disk(capsys: pytest.CaptureFixture[str]) -> None:
    warm.main()
    assert warm.kernel_is_cached()
    assert capsys.readouterr().out.startswith("simulator kernel ")
