"""What every use case reads, opened once per process: the store and the rule set.

A long-running front-end (the REST API) builds one `Resources` at start-up and hands each request
its own DuckDB cursor (`for_request`), so concurrent requests share one connection as DuckDB
recommends; a one-shot front-end (the CLI) builds one per invocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from lanthanide.config import Settings
from lanthanide.store.db import Store

if TYPE_CHECKING:
    from lanthanide.controls.parties import PartyLists
    from lanthanide.controls.rule import RuleSet


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
        from lanthanide.store.rules import shipped_rules  # noqa: PLC0415 - not for chain

        return shipped_rules()

    @cached_property
    def parties(self) -> PartyLists:
        """China's shipped lists plus every list imported into the store (loaded once)."""
        from lanthanide.store.parties import party_lists  # noqa: PLC0415 - not for chain

        return party_lists(self.store.con if self.store.path is not None else None)

    def for_request(self) -> Resources:
        """A view for one request or thread: same rules and lists, its own cursor."""
        view = Resources(
            settings=self.settings, _store=Store(self.store.con.cursor(), self.store.path)
        )
        view.__dict__["rules"] = self.rules
        view.__dict__["parties"] = self.parties
        return view

    def close(self) -> None:
        """Close the store's connection (a no-op if it was never opened)."""
        if self._store is not None:
            self._store.close()
            self._store = None
