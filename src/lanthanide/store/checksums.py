"""Refresh the sha256 of every resource in a dataset's datapackage.yaml (a maintainer tool).

Usage: python -m lanthanide.store.checksums src/lanthanide/data/datasets/<name>/<version>
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from lanthanide.store.datasets import sha256_file
from lanthanide.store.files import atomic_write_text


def refresh(folder: Path) -> list[str]:
    """Rewrite the hashes in place; return the names of resources whose hash changed."""
    meta = folder / "datapackage.yaml"
    raw = yaml.safe_load(meta.read_text(encoding="utf-8"))
    changed = []
    for resource in raw["resources"]:
        digest = sha256_file(folder / resource["path"])
        if resource.get("sha256") != digest:
            changed.append(resource["name"])
            resource["sha256"] = digest
    atomic_write_text(meta, yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100))
    return changed


if __name__ == "__main__":
    for name in refresh(Path(sys.argv[1])):
        sys.stdout.write(f"updated {name}\n")
