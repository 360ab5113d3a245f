"""`lanthanide serve`: keys are created once and stored hashed; other hosts need keys."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result


def test_keys_create_prints_the_key_once_and_stores_only_its_hash(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.json"
    result = cli("serve", "keys", "create", "--tenant", "acme", "--keys-file", str(keys_file))
    assert result.exit_code == 0
    key = result.stdout.strip()
    assert key.startswith("lnt_")
    stored = keys_file.read_text(encoding="utf-8")
    assert key not in stored
    (record,) = json.loads(stored)["keys"]
    assert record["sha256"] == hashlib.sha256(key.encode()).hexdigest()
    assert record["tenant"] == "acme"


def test_serving_beyond_loopback_without_keys_is_refused(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--keys-file", str(tmp_path / "none.json"))
    assert result.exit_code == 2
    assert "needs API keys" in result.stderr


def test_tenant_name_must_be_a_plain_name(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli(
        "serve", "keys", "create", "--tenant", "a b/../c", "--keys-file", str(tmp_path / "k")
    )
    assert result.exit_code == 2
    assert not (tmp_path / "k").exists()
