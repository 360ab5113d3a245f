"""Property tests over whole screenings of random BOMs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.bom_builder import cover, line, run, slack

ASSUME = ("CN-MOFCOM-2025-61=in_force", "CN-MOFCOM-2025-57=in_force")
KINDS = [
    ("component", "", ""),
    ("assembly", "", ""),
    ("magnet_ndfeb", "Nd;Pr;Dy", ""),
    ("magnet_smco", "Sm", ""),
    ("ree_metal", "Dy", ""),
    ("ree_oxide", "Tb", ""),
    ("chip", "", "3A090.a"),
    ("chip", "", "EAR99"),
]


@st.composite
def boms(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 10))
    rows = [
        line(
            "L0",
            item_type="finished_good",
            origin=draw(st.sampled_from(["DE", "US", "CN"])),
            value=draw(st.integers(100, 5000)),
        )
    ]
    for i in range(1, n):
        kind, elements, eccn = draw(st.sampled_from(KINDS))
        rows.append(
            line(
                f"L{i}",
                f"L{draw(st.integers(0, i - 1))}",
                kind,
                draw(st.sampled_from(["CN", "JP", "US", "DE"])),
                draw(st.integers(0, 300)),
                draw(st.integers(0, 3)),
                elements=elements,
                eccn=eccn,
            )
        )
    return cover(rows)


def screen(rows: list[dict[str, Any]], **defaults: str):  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        return run(Path(tmp), rows, "2026-11-28", assume=ASSUME, **defaults).products[0]


DESTINATIONS = st.sampled_from(["DE", "CN", "IR"])
ORIGINS = st.sampled_from(["DE", "US", "CN", "JP"])


@settings(max_examples=25, deadline=None)
@given(boms(), st.data(), DESTINATIONS)
def test_adding_a_non_controlled_line_never_removes_a_licence_requirement(
    rows: list[dict[str, Any]], data: st.DataObject, dest: str
) -> None:
    before = screen(rows, ship_to=dest)
    parent = data.draw(st.sampled_from([r["line_id"] for r in rows]))
    quantity = data.draw(st.integers(0, 5))
    # the new part fits into its parent's value added: the product's value stays the same
    extra = line(
        "NEW",
        parent,
        "other",
        data.draw(st.sampled_from(["DE", "JP", "MX"])),
        data.draw(st.integers(0, int(slack(rows, parent) // max(quantity, 1)))),
        quantity,
    )
    after = screen([*rows, extra], ship_to=dest)
    required = {(f.measure, f.clause) for f in before.findings if f.binding}
    still = {(f.measure, f.clause) for f in after.findings if f.binding}
    assert required <= still
    if before.determination.value in {"licence_required", "prohibited"}:
        assert after.determination == before.determination


@settings(max_examples=25, deadline=None)
@given(boms(), st.data())
def test_raising_chinese_controlled_content_never_lowers_the_share(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    before = screen(rows).cn_controlled_share
    parent = data.draw(st.sampled_from([r["line_id"] for r in rows]))
    more = line(
        "DY+",
        parent,
        "ree_metal",
        "CN",
        data.draw(st.integers(0, 500)),
        data.draw(st.integers(0, 3)),
        elements="Dy",
    )
    # the items above the new line are worth what it adds (content and value rise alike)
    assert screen(cover([*rows, more])).cn_controlled_share >= before
    # raising the value of an existing China-origin controlled line does not lower it either
    bumped = [dict(r) for r in rows]
    for r in bumped:
        if r["origin"] == "CN" and r["item_type"] in {"ree_metal", "ree_oxide", "magnet_ndfeb"}:
            r["_added"] = r["_added"] * 2 + 1
    assert screen(cover(bumped)).cn_controlled_share >= before
