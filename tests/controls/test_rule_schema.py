"""Rule documents are validated: a bad date order, label or cross-reference is an InvalidRule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lanthanide.errors import InvalidRule
from lanthanide.store.rules import load_rules, rules_root


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_root(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(root: Path, name: str, **changes: object) -> None:
    path = next(root.glob(f"*/{name}.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_shipped_rules_load_with_a_hash_per_file() -> None:
    rules = load_rules()
    files = [name for name in rules.hashes if name.endswith(".yaml")]
    assert len(files) == len(rules.rules) == 21
    assert "datasets/us-country-chart@2026.09" in rules.hashes  # the Country Chart dataset
    assert all(len(h) == 64 for h in rules.hashes.values())


@pytest.mark.parametrize(
    ("name", "changes", "needle"),
    [
        ("CN-MOFCOM-2025-18", {"effective": "2025-04-01"}, "before issued"),
        ("CN-MOFCOM-2025-18", {"assumptions": ["Dy counts twice"]}, "labelled 'assumption:'"),
        ("CN-MOFCOM-2025-18", {"id": "CN-MOFCOM-2025-99"}, "does not match the file name"),
        ("CN-MOFCOM-2025-18", {"status": "in_force"}, "Extra inputs are not permitted"),
        ("CN-MOFCOM-2025-18", {"sources": []}, "sources"),
        ("CN-MOFCOM-2025-70", {"suspends": []}, "does not list it in `suspends`"),
        (
            "CN-MOFCOM-2025-57",
            {"suspensions": [{"from": "2026-01-02", "until": "2026-01-01", "by": "X"}]},
            "ends (2026-01-01) before it starts",
        ),
    ],
)
def test_invalid_rule_documents_are_rejected(
    tmp_path: Path, name: str, changes: dict[str, object], needle: str
) -> None:
    root = copy_rules(tmp_path)
    edit(root, name, **changes)
    with pytest.raises(InvalidRule, match=needle.replace("(", r"\(").replace(")", r"\)")):
        load_rules(root)
