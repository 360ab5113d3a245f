"""The only package that opens DuckDB or reads shipped dataset files."""

from lanthanide.store.datasets import (
    DataPackage,
    dataset_path,
    dataset_receipts,
    load_datapackage,
    read_table,
    verify_dataset,
)

__all__ = [
    "DataPackage",
    "dataset_path",
    "dataset_receipts",
    "load_datapackage",
    "read_table",
    "verify_dataset",
]
