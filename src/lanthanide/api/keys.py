"""API keys: random tokens shown once, stored only as sha256 hashes, each naming a tenant.

A key is 32 random bytes (url-safe base64), so a plain sha256 is a sufficient hash at rest: there
is no low-entropy secret to stretch. The file is rewritten atomically; the API re-reads it when its
modification time changes, so `lanthanide serve keys create` takes effect without a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from lanthanide.errors import ConfigError, InvalidInput, Problem
from lanthanide.store.files import atomic_write_text

#: key prefix, so a leaked key is recognisable in logs and secret scanners
PREFIX = "lnt_"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class KeyRecord:
    """One stored key: its id (public), hash, tenant and creation time."""

    key_id: str
    sha256: str
    tenant: str
    created: str


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_keys(path: Path) -> list[KeyRecord]:
    """The keys in `path` ([] if the file does not exist)."""
    if not path.is_file():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [KeyRecord(**entry) for entry in raw["keys"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not a lanthanide key file ({error})") from error


def create_key(path: Path, tenant: str) -> tuple[str, KeyRecord]:
    """Add a key for `tenant`; return the key (shown once) and its stored record."""
    if not tenant or not all(c.isalnum() or c in "-_." for c in tenant):
        raise InvalidInput(
            f"tenant {tenant!r} is not a name",
            [Problem("expected letters, digits, '-', '_' or '.'", column="--tenant")],
        )
    key = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    record = KeyRecord(
        key_id=secrets.token_hex(6),
        sha256=_hash(key),
        tenant=tenant,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    records = [*load_keys(path), record]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"keys": [r.__dict__ for r in records]}, indent=2) + "\n")
    return key, record


class KeyRing:
    """Resolves a presented key to its tenant, re-reading the file when it changes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: float | None = None
        self._by_hash: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Re-read the key file if its modification time changed."""
        if self.path is None or not self.path.is_file():
            self._by_hash = {}
            self._stamp = None
            return
        stamp = self.path.stat().st_mtime_ns
        if stamp != self._stamp:
            self._by_hash = {r.sha256: r.tenant for r in load_keys(self.path)}
            self._stamp = stamp

    @property
    def open_access(self) -> bool:
        """No key is configured: every request is the local tenant."""
        return not self._by_hash

    def tenant(self, key: str) -> str | None:
        """The tenant of `key`, or None; compared in constant time."""
        digest = _hash(key)
        for stored, tenant in self._by_hash.items():
            if hmac.compare_digest(stored, digest):
                return tenant
        return None
