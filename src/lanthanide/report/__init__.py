"""Renderers: result objects to tables, JSON, CSV/Parquet and PNG."""
