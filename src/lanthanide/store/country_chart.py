"""Read the shipped `us-country-chart` dataset into a `controls.country_chart.CountryChart`.

The tables are verified against their sha256 before use (`store.datasets.read_table`); the hashes
of the datapackage go into every screening receipt with the rule hashes.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from lanthanide.controls.country_chart import ControlRow, CountryChart, Destinations, Mode
from lanthanide.store.datasets import dataset_receipts, read_table

DATASET = "us-country-chart"
MODES: dict[str, Mode] = {"entire": "entire", "only": "only", "except": "except"}
COLUMNS = (
    *(f"CB{i}" for i in (1, 2, 3)),
    "NP1",
    "NP2",
    "NS1",
    "NS2",
    "MT1",
    "RS1",
    "RS2",
    "FC1",
    *(f"CC{i}" for i in (1, 2, 3)),
    "AT1",
    "AT2",
)


def _text(value: object) -> str:
    """A cell as text; an empty cell (read as NaN) is the empty string."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _controls(frame: pd.DataFrame) -> dict[str, tuple[ControlRow, ...]]:
    out: dict[str, list[ControlRow]] = {}
    for row in frame.itertuples(index=False):
        paragraphs = _text(row.paragraphs)
        control = ControlRow(
            eccn=str(row.eccn),
            reason=str(row.reason),
            mode=MODES[str(row.mode)],
            paragraphs=tuple(p for p in paragraphs.split(";") if p),
            conditional=_text(row.conditional) == "yes",
            column=_text(row.column),
            destinations=Destinations.parse(_text(row.destinations)),
            text=_text(row.text),
        )
        out.setdefault(control.eccn, []).append(control)
    return {k: tuple(v) for k, v in out.items()}


@cache
def shipped_chart() -> CountryChart:
    """The shipped Country Chart dataset, verified and loaded once per process."""
    chart = read_table("country_chart", DATASET, text_columns=("footnotes", "derivation"))
    groups = read_table("country_groups", DATASET, text_columns=("derivation",))
    controls = read_table("ccl_controls", DATASET, text_columns=("paragraphs", "derivation"))
    marked = {
        str(r["iso2"]): frozenset(c for c in COLUMNS if _text(r[c]) == "X")
        for _, r in chart.iterrows()
    }
    (name,) = chart_receipts()
    return CountryChart(
        columns=marked,
        part_746=frozenset(chart.loc[chart["part_746"] == "yes", "iso2"].astype(str)),
        groups={str(r.iso2): frozenset(str(r.groups).split(";")) for r in groups.itertuples()},
        controls=_controls(controls),
        source=name,
        source_url=str(chart["source_url"].iloc[0]),
    )


def chart_receipts() -> dict[str, str]:
    """`us-country-chart@version -> sha256` of its datapackage, for receipts."""
    return dataset_receipts(DATASET)
