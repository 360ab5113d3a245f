"""Per-line roll-up figures as CSV (`lanthanide screen --lines FILE`), written with pyarrow.

A million lines would take seconds through the csv module; pyarrow writes them in well under one.
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from lanthanide.bom.model import COUNTRIES, ITEM_TYPES
from lanthanide.controls.facts import CN_CONTENT, US_CONTENT, Facts
from lanthanide.report.cells import safe_arrow


def lines_csv(facts: Facts) -> bytes:
    """One row per BOM item: where it is, its rolled-up China and US content and shares."""
    bom = facts.bom
    order = facts.by_product
    countries = np.array(COUNTRIES, dtype=object)
    table = pa.table(
        {
            "product_id": pa.array(bom.product_names[bom.product[order]].astype(str)),
            "line_id": pa.array(bom.line_names[bom.line[order]].astype(str)),
            "file_line": pa.array(bom.node_row[order]),
            "level": pa.array(bom.level[order]),
            "item_type": pa.array(np.array(ITEM_TYPES, dtype=object)[bom.item_type[order]]),
            "origin": pa.array(countries[bom.origin[order]]),
            "unit_value_usd": pa.array(bom.unit_value[order]),
            "cn_controlled_content_usd": pa.array(facts.x[order, CN_CONTENT]),
            "cn_controlled_share": pa.array(facts.line_share(CN_CONTENT)[order]),
            "cn_contribution_to_product_usd": pa.array(facts.contribution[order, CN_CONTENT]),
            "us_controlled_content_usd": pa.array(facts.x[order, US_CONTENT]),
            "us_controlled_share": pa.array(facts.line_share(US_CONTENT)[order]),
        }
    )
    sink = io.BytesIO()
    pacsv.write_csv(safe_arrow(table), sink)
    return sink.getvalue()
