"""Property: adding China-origin Part I content to a Part II item never lowers the determination.

The order is `result.RESTRICTIVENESS` (no licence < unknown < licence required < prohibited),
over random BOMs, dates around every boundary, destinations, end users and --assume states.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lanthanide.controls.result import RESTRICTIVENESS
from tests.bom_builder import line, run

PART_II = [("magnet_ndfeb", "Nd;Pr;Dy"), ("magnet_smco", "Sm"), ("sputtering_target", "Gd")]
OTHER = [("component", ""), ("assembly", ""), ("ree_oxide", "Tb"), ("chip", "")]
PART_I = [("ree_metal", "Dy"), ("ree_oxide", "Tb"), ("ree_alloy", "Sm"), ("ree_compound", "Gd")]
DATES = st.sampled_from(["2025-10-08", "2025-10-09", "2025-12-01", "2026-01-06", "2026-11-28"])
PLACES = st.sampled_from(["", "DE", "CN", "US", "JP", "FR"])


@st.composite
def boms_with_a_part_ii_item(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str]:
    """A random BOM (values with cents) holding at least one Part II line; its line id."""
    n = draw(st.integers(1, 7))
    top_type, top_elements = draw(st.sampled_from([("finished_good", ""), *PART_II, *PART_II]))
    cents = st.integers(0, 50000).map(lambda c: c / 100)
    rows = [
        line(
            "L0",
            item_type=top_type,
            origin=draw(st.sampled_from(["DE", "JP", "JP", "CN", "US", ""])),
            value=draw(st.integers(100, 5000)),
            elements=top_elements,
        )
    ]
    for i in range(1, n):
        kind, elements = draw(st.sampled_from(PART_II + OTHER))
        rows.append(
            line(
                f"L{i}",
                f"L{draw(st.integers(0, i - 1))}",
                kind,
                draw(st.sampled_from(["CN", "JP", "US", "DE", ""])),
                draw(cents),
                draw(st.integers(0, 3)),
                elements=elements,
            )
        )
    part_ii = [r["line_id"] for r in rows if (r["item_type"], r["elements"]) in PART_II]
    if not part_ii:
        rows[-1] = {**rows[-1], "item_type": "magnet_ndfeb", "elements": "Nd;Dy"}
        part_ii = [rows[-1]["line_id"]]
    return fit(rows), draw(st.sampled_from(part_ii + part_ii[:1]))


def fit(rows: list[dict[str, Any]], room: float = 0.5) -> list[dict[str, Any]]:
    """Scale children down (parents first) so an item's parts use at most `room` of its value:
    the reader refuses parts worth more than the item they are in."""
    value = {r["line_id"]: float(r["unit_value_usd"]) for r in rows}
    out = [dict(r) for r in rows]
    for parent in [r["line_id"] for r in out]:
        kids = [r for r in out if r["parent_line_id"] == parent]
        used = sum(float(r["quantity"]) * value[r["line_id"]] for r in kids)
        if used > room * value[parent]:
            factor = room * value[parent] / used
            for r in kids:
                value[r["line_id"]] = int(value[r["line_id"]] * factor * 100) / 100
                r["unit_value_usd"] = value[r["line_id"]]
    return out


def headroom(rows: list[dict[str, Any]], parent: str) -> float:
    """Value of `parent` not yet used by its parts."""
    top = next(float(r["unit_value_usd"]) for r in rows if r["line_id"] == parent)
    used = sum(
        float(r["quantity"]) * float(r["unit_value_usd"])
        for r in rows
        if r["parent_line_id"] == parent
    )
    return top - used


def rank(rows: list[dict[str, Any]], day: str, assume: tuple[str, ...], **kw: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Path(tmp), rows, day, assume=assume, **kw)
    return RESTRICTIVENESS.index(result.products[0].determination)


ASSUME = st.sampled_from([(), ("CN-MOFCOM-2025-61=in_force",), ("CN-MOFCOM-2025-61=suspended",)])


@settings(max_examples=120, deadline=None)
@given(boms_with_a_part_ii_item(), st.data())
def test_adding_chinese_part_i_content_to_a_part_ii_item_never_lowers_the_determination(
    bom: tuple[list[dict[str, Any]], str], data: st.DataObject
) -> None:
    rows, parent = bom
    day, assume = data.draw(DATES), data.draw(ASSUME)
    kw = {"ship_from": data.draw(PLACES), "ship_to": data.draw(PLACES)}
    kw["end_user"] = data.draw(st.sampled_from(["", "military", "civil"]))
    kw = {k: v for k, v in kw.items() if v}
    kind, elements = data.draw(st.sampled_from(PART_I))
    qty = data.draw(st.integers(0, 3))
    room = headroom(rows, parent) / max(qty, 1)
    cents = data.draw(st.integers(0, max(0, int(room * 100))))
    added = line("CN+", parent, kind, "CN", cents / 100, qty, elements=elements)
    before = rank(rows, day, assume, **kw)
    after = rank([*rows, added], day, assume, **kw)
    assert after >= before


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_more_chinese_content_in_a_foreign_made_magnet_never_lowers_the_determination(
    data: st.DataObject,
) -> None:
    kind, elements = data.draw(st.sampled_from(PART_II))
    cents = st.integers(0, 3000).map(lambda c: c / 100)  # four lines fit in 1000 at most 3 x 30
    rows = [
        line(
            "MAG", "", kind, data.draw(st.sampled_from(["JP", "DE", "VN"])), 1000, elements=elements
        )
    ]
    for i in range(data.draw(st.integers(0, 3))):
        part, el = data.draw(st.sampled_from(PART_I))
        rows.append(line(f"P{i}", "MAG", part, "CN", data.draw(cents), 1, elements=el))
    part, el = data.draw(st.sampled_from(PART_I))
    added = line(
        "CN+", "MAG", part, "CN", data.draw(cents), data.draw(st.integers(1, 3)), elements=el
    )
    day, assume = data.draw(DATES), data.draw(ASSUME)
    kw = {k: v for k, v in (("ship_to", data.draw(PLACES)),) if v}
    assert rank([*rows, added], day, assume, **kw) >= rank(rows, day, assume, **kw)
