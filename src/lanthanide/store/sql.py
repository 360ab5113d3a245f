"""Quoting for the few SQL names that cannot be passed as parameters (table and column names).

Values (paths, vintages, user strings) always go in as `?` parameters; only identifiers from the
store's own schema are spliced into statements, and always through `ident`.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier (a double quote inside is doubled)."""
    return '"' + name.replace('"', '""') + '"'


def idents(names: list[str] | tuple[str, ...]) -> str:
    """A comma-separated list of quoted identifiers."""
    return ", ".join(ident(n) for n in names)
