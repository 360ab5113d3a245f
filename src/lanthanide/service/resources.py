"""What every use case reads, opened once per process: the store and the rule set.

A long-running front-end (the REST API) builds one `Resources` at start-up and hands each request
its own DuckDB cursor (`for_request`), so concurrent requests share one connection as DuckDB
recommends; a one-shot front-end (the CLI) builds one per invocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lanthanide.config import Settings
from lanthanide.controls.rule import RuleSet
from lanthanide.store.db import Store
from lanthanide.store.rules import shipped_rules


@dataclass
class Resources:
    """The store and the rules, loaded once and shared by the use-case functions."""

    settings: Settings = field(default_factory=Settings)
    _store: Store | None = None

    @classmethod
    def open(cls, settings: Settings | None = None) -> Resources:
        """Resources for `settings` (default: the embedded reference data)."""
        return cls(settings=settings or Settings())

    @property
    def store(self) -> Store:
        """The store, opened read-only on first use."""
        if self._store is None:
            self._store = Store.from_settings(self.settings)
        return self._store

    @cached_property
    def rules(self) -> RuleSet:
        """The shipped rule set (validated and hashed once)."""
        return shipped_rules()

    def for_request(self) -> Resources:
        """A view for one request or thread: same rules, its own cursor on the one connection."""
        view = Resources(
            settings=self.settings, _store=Store(self.store.con.cursor(), self.store.path)
        )
        view.__dict__["rules"] = self.rules
        return view

    def close(self) -> None:
        """Close the store's connection (a no-op if it was never opened)."""
        if self._store is not None:
            self._store.close()
            self._store = None
