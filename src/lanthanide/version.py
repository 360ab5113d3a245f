"""The installed package version, in one place."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lanthanide")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
