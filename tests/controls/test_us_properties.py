"""Property: more US controlled content never makes a determination less restrictive."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.bom_builder import line, run

ORDER = {"no_licence_required": 0, "unknown": 1, "licence_required": 2, "prohibited": 3}
QUIET = ("CN-MOFCOM-2025-61=suspended",)
US_ECCNS = ["5A002.a", "3A001.a", "3A090.b", "5A992.c", "EAR99", ""]
DESTS = ["DE", "CN", "IR", "CU", "RU", "JP", "IL", "MO", "AE"]


def determination(rows: list[dict[str, Any]], dest: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Path(tmp), rows, "2026-11-28", assume=QUIET, ship_to=dest)
    return result.products[0].determination.value


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["MX", "DE", "US"]),
    st.sampled_from(["5A002.a", "5A992.c", "3A001.a", "EAR99", ""]),
    st.sampled_from(US_ECCNS),
    st.tuples(st.integers(0, 999), st.integers(1, 500)),
    st.sampled_from(DESTS),
)
def test_more_us_controlled_content_is_never_less_restrictive(
    made: str, product_eccn: str, us_eccn: str, values: tuple[int, int], dest: str
) -> None:
    value, more = values

    def rows(us_value: int) -> list[dict[str, Any]]:
        return [
            # worth more than its parts at the largest draw (999 + 500 + 50): the readers
            # refuse parts worth more than their item
            line("P", item_type="finished_good", origin=made, value=2000, eccn=product_eccn),
            line("US", "P", "chip", "US", us_value, eccn=us_eccn),
            line("TW", "P", "assembly", "TW", 50),
        ]

    before = determination(rows(value), dest)
    after = determination(rows(value + more), dest)
    assert ORDER[after] >= ORDER[before], (before, after)
