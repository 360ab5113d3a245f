"""Shipped datasets: versioned folders with a `datapackage.yaml` and CSV tables.

Loading verifies each file's sha256 against the datapackage, so a changed byte is caught before a
number from it reaches a report.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, Field, ValidationError

from lanthanide.errors import DatasetIntegrityError

#: provenance columns every shipped row must carry
PROVENANCE = ("source_url", "data_year", "confidence", "derivation")


class Resource(BaseModel):
    """One table of a dataset."""

    name: str
    path: str
    sha256: str
    title: str = ""
    description: str = ""
    primary_key: list[str] = Field(default_factory=list)


class DataPackage(BaseModel):
    """The metadata of one dataset version (a subset of the Frictionless datapackage spec)."""

    name: str
    version: str
    title: str
    publisher: str
    licenses: list[dict[str, str]]
    retrieved: str
    description: str = ""
    resources: list[Resource]

    def resource(self, name: str) -> Resource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        known = ", ".join(r.name for r in self.resources)
        raise KeyError(f"dataset {self.name} has no table {name!r} (has: {known})")


def datasets_root() -> Path:
    """Folder holding the shipped datasets inside the installed package."""
    return Path(str(files("lanthanide.data") / "datasets"))


def dataset_path(name: str = "reference", version: str | None = None) -> Path:
    """Folder of a shipped dataset version; the newest version when `version` is None."""
    base = datasets_root() / name
    versions = sorted(p.name for p in base.iterdir() if (p / "datapackage.yaml").is_file())
    if not versions:
        raise DatasetIntegrityError(f"no shipped dataset named {name!r} under {base}")
    chosen = version or versions[-1]
    if chosen not in versions:
        raise DatasetIntegrityError(f"dataset {name!r} has no version {chosen!r} ({versions})")
    return base / chosen


def load_datapackage(folder: Path) -> DataPackage:
    """Parse `datapackage.yaml` of a dataset folder."""
    meta = folder / "datapackage.yaml"
    try:
        raw = yaml.safe_load(meta.read_text(encoding="utf-8"))
        return DataPackage.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise DatasetIntegrityError(f"{meta}: unreadable datapackage: {error}") from error


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_dataset(folder: Path) -> DataPackage:
    """Check every file's sha256; raise DatasetIntegrityError naming the first bad file."""
    package = load_datapackage(folder)
    for resource in package.resources:
        path = folder / resource.path
        if not path.is_file():
            raise DatasetIntegrityError(f"{path}: listed in datapackage.yaml but missing")
        actual = sha256_file(path)
        if actual != resource.sha256:
            raise DatasetIntegrityError(
                f"{path}: sha256 mismatch (expected {resource.sha256}, found {actual}); "
                "the shipped file was changed after it was recorded"
            )
    return package


@cache
def _verified(folder: Path) -> DataPackage:
    return verify_dataset(folder)


def read_table(
    table: str,
    dataset: str = "reference",
    version: str | None = None,
    text_columns: tuple[str, ...] = ("hs_code", "period_start", "period_end", "derivation"),
) -> pd.DataFrame:
    """One shipped table as a DataFrame, after checking the dataset's hashes (once per process).

    `text_columns` are read as text even when they look numeric (an HS code such as 8505.10 must
    not become the float 8505.1).
    """
    folder = dataset_path(dataset, version)
    package = _verified(folder)
    resource = package.resource(table)
    path = folder / resource.path
    header = pd.read_csv(path, nrows=0).columns
    dtypes = {c: "string" for c in text_columns if c in header}
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=dtypes)


def dataset_receipts(dataset: str = "reference", version: str | None = None) -> dict[str, str]:
    """`name@version -> sha256 of datapackage.yaml`, for result receipts."""
    folder = dataset_path(dataset, version)
    package = _verified(folder)
    return {f"{package.name}@{package.version}": sha256_file(folder / "datapackage.yaml")}
