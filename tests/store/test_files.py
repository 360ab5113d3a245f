"""Atomic writes: whole files only, with the permissions a plain write would give."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lanthanide.store.files import atomic_write_bytes, atomic_write_text


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out" / "summary.json"
    atomic_write_text(target, "{}")
    assert target.read_text() == "{}"
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_existing_file_keeps_its_mode_and_no_temporary_is_left(
    tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "series.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["series.csv"]
