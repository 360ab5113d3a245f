"""Renderers: result objects to text, CSV, JSON and images; no domain logic."""
