"""Renderers: result objects to table, JSON, CSV, HTML and PNG. No computation happens here."""
