"""Results kept per tenant under random ids: one tenant can neither see nor guess another's.

A lookup of an id that is unknown *or* belongs to another tenant answers the same NotFound, so an
id's existence leaks nothing. Results live in memory, bounded per tenant (oldest dropped first).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

from lanthanide.errors import NotFound

T = TypeVar("T")

#: 128 bits of randomness per id
ID_BYTES = 16


class TenantRegistry(Generic[T]):
    """A thread-safe map tenant -> (id -> item), each tenant's part capped at `limit` items."""

    def __init__(self, kind: str, limit: int) -> None:
        self.kind = kind
        self.limit = limit
        self._items: dict[str, OrderedDict[str, T]] = {}
        self._lock = threading.Lock()

    def add(self, tenant: str, item: T) -> str:
        """Store `item` for `tenant`; return its new random id."""
        item_id = secrets.token_urlsafe(ID_BYTES)
        with self._lock:
            mine = self._items.setdefault(tenant, OrderedDict())
            mine[item_id] = item
            while len(mine) > self.limit:
                mine.popitem(last=False)
        return item_id

    def get(self, tenant: str, item_id: str) -> T:
        """The item, if it exists and is this tenant's; otherwise NotFound."""
        with self._lock:
            mine = self._items.get(tenant)
            item = mine.get(item_id) if mine is not None else None
        if item is None:
            raise NotFound(f"no {self.kind} {item_id!r}")
        return item

    def ids(self, tenant: str) -> list[str]:
        """This tenant's ids, oldest first."""
        with self._lock:
            return list(self._items.get(tenant, {}))
