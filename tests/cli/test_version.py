from __future__ import annotations

import subprocess
import sys

from lanthanide import __version__


def test_version_flag_prints_installed_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lanthanide", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"lanthanide {__version__}"
    assert __version__ == "0.1.0"


def test_the_literal_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    assert version("lanthanide") == __version__
