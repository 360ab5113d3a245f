"""Read-only reference data shipped in the wheel (datasets and rules); read it through `store`."""
