"""The package version, in one place besides pyproject.toml (tests/cli/test_version.py checks
they agree with the installed metadata).

Read as a literal: asking importlib.metadata costs ~0.1 s of imports (email, zipfile), which
every `lanthanide` call, `--version` included, would pay.
"""

from __future__ import annotations

__version__ = "0.1.0"
