"""The root app imports commands only when they run, and its help listing stays true."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lanthanide.cli.app import Root

HEAVY = ("pandas", "duckdb", "numba", "scipy", "matplotlib", "statsmodels", "pyarrow")


@pytest.mark.parametrize("entry", Root.ENTRIES, ids=lambda e: e.name)
def test_help_listed_from_source_is_the_commands_own_help(entry: object) -> None:
    from lanthanide.cli.lazy import Entry

    assert isinstance(entry, Entry)
    listed = entry.help_from_source()
    assert listed is not None, f"{entry.module}.{entry.attr}: help is not a literal"
    assert listed == entry.load().help


def test_version_and_help_import_no_command_module() -> None:
    probe = (
        "import sys\n"
        "from lanthanide.cli.app import app\n"
        "from lanthanide.cli.errors import run_guarded\n"
        "for args in (['--version'], ['--help']):\n"
        "    run_guarded(app, args)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_chain_imports_neither_the_simulator_nor_the_event_study() -> None:
    probe = (
        "import sys\n"
        "from lanthanide.cli.app import app\n"
        "from lanthanide.cli.errors import run_guarded\n"
        "run_guarded(app, ['chain', '--format', 'json'])\n"
        "print(sorted(m for m in ('numba', 'statsmodels', 'lanthanide.shock', "
        "'lanthanide.markets', 'lanthanide.controls') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"
