"""Atomic writes: whole files only, with the permissions a plain write would give."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.files import (
    atomic_directory,
    atomic_write_bytes,
    atomic_write_text,
    write_all,
)


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


def _full_disk(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_leaves_neither_the_target_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    monkeypatch.setattr(os, "fsync", _full_disk)
    with pytest.raises(InvalidInput, match=r"report.json: cannot write it \(No space left"):
        atomic_write_text(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_keeps_the_old_file_and_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def refuse(self: Path, other: Path) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(InvalidInput, match="nothing was written"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_all_touches_no_target_when_one_cannot_be_written(tmp_path: Path) -> None:
    first = tmp_path / "lines.csv"
    first.write_text("old lines")
    blocked = tmp_path / "a-file" / "out.json"
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InvalidInput, match=r"out\.json: cannot write it"):
        write_all({first: b"new lines", blocked: b"{}"})
    assert first.read_text() == "old lines"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "lines.csv"]


def test_a_directory_target_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"cannot write it \(Is a directory\)"):
        atomic_write_text(tmp_path, "x")


def test_a_device_is_written_in_place_and_a_full_one_is_an_error() -> None:
    atomic_write_bytes(Path("/dev/null"), b"x")  # not renamed over: /dev/null stays a device
    assert Path("/dev/null").is_char_device()
    with pytest.raises(InvalidInput, match=r"/dev/full: cannot write it \(No space left"):
        atomic_write_bytes(Path("/dev/full"), b"x")
    assert Path("/dev/full").is_char_device()


def test_atomic_directory_creates_the_folder_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with atomic_directory(target) as staging:
        atomic_write_text(staging / "summary.json", "{}")
        assert not target.exists()
    assert [p.name for p in target.iterdir()] == ["summary.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_atomic_directory_leaves_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        atomic_write_text(staging / "summary.json", "{}")
        raise RuntimeError("chart failed")
    assert list(tmp_path.iterdir()) == []


def test_atomic_directory_into_an_existing_folder_keeps_other_files(tmp_path: Path) -> None:
    target = tmp_path / "run"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "summary.json").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        atomic_write_text(staging / "summary.json", "new")
        raise RuntimeError("chart failed")
    assert (target / "summary.json").read_text() == "old"
    with atomic_directory(target) as staging:
        atomic_write_text(staging / "summary.json", "new")
    assert (target / "summary.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["notes.txt", "run", "summary.json"]
