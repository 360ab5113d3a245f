"""Renderers: result objects to table / JSON / CSV / HTML text. No domain logic here."""
