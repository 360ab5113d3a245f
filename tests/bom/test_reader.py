"""The reader gives the same BOM from CSV, JSON, XLSX and a mapped ERP export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl

from lanthanide.bom.model import NONE, Bom
from lanthanide.store.bom_reader import read_bom
from tests.bom_builder import line, write_bom

ROWS = [
    line("M", item_type="finished_good", value=1000, ship_to="US", end_use="Civil"),
    line("R", "M", "assembly", value=300),
    line("MAG", "R", "magnet_ndfeb", "JP", 50, elements="Nd:0.3;Dy:0.03"),
    line("DY", "MAG", "ree_metal", "CN", 40, 0.05, elements="Dy"),
    line("S", "M", "assembly", value=200),
    # the magnet is shared by rotor and stator: its second row leaves the attributes empty
    line("MAG", "S", "", "", "", 2),
]


def same(a: Bom, b: Bom) -> None:
    for name in ("parent", "child", "quantity", "unit_value", "item_type", "elements", "origin"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.label_names == b.label_names


def test_csv_json_and_xlsx_read_alike(tmp_path: Path) -> None:
    from_csv = read_bom(write_bom(tmp_path / "bom.csv", ROWS))
    records = [{k: v for k, v in r.items() if v != ""} for r in ROWS]
    (tmp_path / "bom.json").write_text(json.dumps({"lines": records}, indent=1))
    book = openpyxl.Workbook()
    sheet = book.active
    columns = sorted({k for r in ROWS for k in r})
    sheet.append(columns)
    for r in ROWS:
        sheet.append([r.get(c, "") for c in columns])
    book.save(tmp_path / "bom.xlsx")
    same(from_csv, read_bom(tmp_path / "bom.json"))
    same(from_csv, read_bom(tmp_path / "bom.xlsx"))


def test_shared_line_is_one_item_with_two_parents(tmp_path: Path) -> None:
    bom = read_bom(write_bom(tmp_path / "bom.csv", ROWS))
    assert bom.n_nodes == 5 and bom.parent.size == 5
    magnet = next(i for i in range(bom.n_nodes) if bom.line_label(i) == "MAG")
    assert sorted(bom.quantity[bom.child == magnet].tolist()) == [1.0, 2.0]
    assert bom.level[magnet] == 2 and bom.label_names == ("civil",)


def test_mapping_renames_erp_columns_and_trims_cells(tmp_path: Path) -> None:
    csv_text = (
        "Item No,Parent,Type,Ctry,Qty,Price,Prod\n"
        "M,, finished_good ,de,,1000,P1\n"
        "DY,M,ree_metal,CN, 0.1 ,40,P1\n"
    )
    (tmp_path / "erp.csv").write_text(csv_text)
    (tmp_path / "map.yaml").write_text(
        "line_id: Item No\nparent_line_id: Parent\nitem_type: Type\norigin: Ctry\n"
        "quantity: Qty\nunit_value_usd: Price\nproduct_id: Prod\n"
    )
    bom = read_bom(tmp_path / "erp.csv", tmp_path / "map.yaml")
    assert bom.quantity.tolist() == [0.1]
    assert bom.n_products == 1


def test_empty_origin_and_made_in_are_read_as_unknown() -> None:
    bom = read_bom(Path(__file__).parents[1] / "fixtures" / "boms" / "origin_empty.csv")
    rotor = next(i for i in range(bom.n_nodes) if bom.line_label(i) == "B")
    assert bom.origin[rotor] == NONE and bom.made_in[rotor] == NONE
    assert bom.made_in_or_origin()[rotor] == NONE


def test_importer_and_parent_are_read_from_the_top_line(tmp_path: Path) -> None:
    top = line("M", item_type="finished_good", value=100, importer="Acme GmbH")
    top["parent"] = "Acme AG"  # the owner column, not parent_line_id
    rows = [
        top,
        line("C", "M", value=10, importer="ignored below the top line"),
        line("N", item_type="finished_good", value=50, product="P2"),
    ]
    bom = read_bom(write_bom(tmp_path / "bom.csv", rows))
    assert bom.importer is not None and bom.owner is not None
    assert [bom.label_names[i] if i >= 0 else None for i in bom.importer] == ["acme gmbh", None]
    assert [bom.label_names[i] if i >= 0 else None for i in bom.owner] == ["acme ag", None]
