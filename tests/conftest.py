"""Shared fixtures: run the CLI in-process through its real entry point, isolated from user data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Result:
    """What a CLI invocation returned and printed."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default store location at a temporary folder for every test."""
    home = tmp_path / "home"
    monkeypatch.setenv("LANTHANIDE_HOME", str(home))
    return home


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Invoke `lanthanide ARGS...` exactly as the console script does (error mapping included)."""
    from lanthanide.cli.app import app
    from lanthanide.cli.errors import run_guarded

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["lanthanide", *args])
        code = run_guarded(app)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return invoke
