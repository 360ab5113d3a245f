"""BOM files as people have them: other column names or letters, sheets, names for countries."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.bom_reader import country_code, read_bom
from lanthanide.store.bom_table import REQUIRED
from tests.conftest import Result

HEADER = list(REQUIRED)
ROWS = [
    ["P", "A", "", "finished_good", "DE", "1", "100"],
    ["P", "B", "A", "magnet_ndfeb", "CN", "2", "30"],
]


def csv_file(tmp_path: Path, header: list[str], rows: list[list[str]], sep: str = ",") -> Path:
    path = tmp_path / "bom.csv"
    path.write_text("\n".join(sep.join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def xlsx_file(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "bom.xlsx"
    book.save(path)
    return path


def messages(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_bom(path, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_a_repeated_csv_header_is_a_located_error(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [*HEADER, "origin"], [[*r, "US"] for r in ROWS])
    assert messages(path) == [
        f"{path}:1:8: column 'origin' appears twice (first as column 5); "
        "which one counts would be a guess"
    ]


def test_a_repeated_xlsx_header_is_a_located_error(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, {"BOM": [[*HEADER, "origin"], *[[*r, "US"] for r in ROWS]]})
    assert messages(path)[0].startswith(f"{path}:1:8: column 'origin' appears twice")


def test_a_repeated_json_key_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    record = ", ".join(f'"{h}": "{v}"' for h, v in zip(HEADER, ROWS[0], strict=True))
    path.write_text(f'[\n{{{record}, "origin": "US"}}\n]\n', encoding="utf-8")
    assert messages(path) == [f"{path}:2:origin: key 'origin' appears twice in this line object"]


def test_a_nested_json_value_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    rows = [dict(zip(HEADER, r, strict=True)) for r in ROWS]
    rows[1]["origin"] = {"country": "CN"}  # type: ignore[assignment]
    path.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    assert messages(path) == [f"{path}:11:origin: 'origin': expected a string or a number"]


def test_parts_worth_more_than_their_item_are_reported(tmp_path: Path) -> None:
    rows = [ROWS[0], ["P", "B", "A", "magnet_ndfeb", "CN", "3", "40"]]
    found = messages(csv_file(tmp_path, HEADER, rows))
    assert found == [
        f"{tmp_path / 'bom.csv'}:2:7: line 'A' of product 'P' is worth 100 USD but its parts add "
        "up to 120 USD (quantity x unit_value_usd): a part is worth no more than the item it is in"
    ]


def test_a_value_beyond_the_range_of_a_number_is_reported(tmp_path: Path) -> None:
    rows = [
        ["P", "A", "", "finished_good", "DE", "1", "1e308"],
        ["P", "B", "A", "other", "CN", "1e300", "1e300"],
    ]
    found = messages(csv_file(tmp_path, HEADER, rows))
    assert found[0].endswith(
        "3:6: quantity 1e+300 x unit_value_usd 1e+300 is beyond the range of a number"
    )


def test_a_semicolon_file_gets_a_hint(tmp_path: Path) -> None:
    found = messages(csv_file(tmp_path, HEADER, ROWS, sep=";"))
    assert found[-1].endswith("1: the header looks semicolon-delimited; save the file with commas")


def test_a_tab_file_gets_a_hint(tmp_path: Path) -> None:
    found = messages(csv_file(tmp_path, HEADER, ROWS, sep="\t"))
    assert found[-1].endswith("1: the header looks tab-delimited; save the file with commas")


def test_a_mapping_may_name_columns_by_letter_or_header(tmp_path: Path) -> None:
    header = ["Product", "Item No.", "Parent", "Type", "Origin", "Qty", "Price"]
    path = csv_file(tmp_path, header, ROWS)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "product_id: A\nline_id: Item No.\nparent_line_id: c\nitem_type: D\norigin: Origin\n"
        "quantity: F\nunit_value_usd: Price\n",
        encoding="utf-8",
    )
    bom = read_bom(path, mapping)
    assert list(bom.line_names[bom.line]) == ["A", "B"]
    assert bom.quantity.tolist() == [2.0]


def test_a_mapping_typo_gets_a_suggestion(tmp_path: Path) -> None:
    path = csv_file(tmp_path, ["Product", *HEADER[1:]], ROWS)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("product_id: Prodcut\nunit_valeu_usd: unit_value_usd\n", encoding="utf-8")
    assert messages(path, columns=mapping) == [
        f"{mapping}:2:1: unknown canonical column 'unit_valeu_usd' (did you mean 'unit_value_usd'?)"
    ]
    mapping.write_text("product_id: Prodcut\n", encoding="utf-8")
    assert messages(path, columns=mapping) == [
        f"{path}:1: mapped column not found: product_id -> 'Prodcut' (did you mean 'Product'?)"
    ]


def test_a_mapping_with_many_problems_lists_a_capped_number(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("".join(f"wrong_{i}: x\n" for i in range(5000)), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_bom(csv_file(tmp_path, HEADER, ROWS), mapping)
    assert len(caught.value.problems) == 50
    assert "5000 problems in the column mapping, first 50 listed" in str(caught.value)


def test_the_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    path = xlsx_file(tmp_path, {"Notes": [["read me"]], "BOM": [HEADER, *ROWS]})
    assert read_bom(path, sheet="BOM").n_nodes == 2
    assert messages(path, sheet="bom") == [
        f"{path}: no sheet 'bom' (did you mean 'BOM'?) (sheets: Notes, BOM)"
    ]
    assert "required column 'product_id' is missing" in messages(path)[0]


def test_xlsx_numbers_read_as_their_text(tmp_path: Path) -> None:
    rows = [[*r[:5], float(r[5]), int(r[6])] for r in ROWS]
    bom = read_bom(xlsx_file(tmp_path, {"BOM": [HEADER, *rows]}))
    assert bom.unit_value.tolist() == [100.0, 30.0]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Japan", "JP"),
        ("japan", "JP"),
        ("JPN", "JP"),
        ("cn", "CN"),
        ("Viet Nam", "VN"),
        ("Russia", "RU"),
        ("United States", "US"),
        ("Congo", None),
        ("UK", None),
        ("EU", None),
    ],
)
def test_country_names_and_codes_are_read_as_alpha_2(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_a_country_name_is_read_and_reported_as_normalised(tmp_path: Path) -> None:
    rows = [[*ROWS[0][:4], "Germany", *ROWS[0][5:]], [*ROWS[1][:4], "China", *ROWS[1][5:]]]
    bom = read_bom(csv_file(tmp_path, HEADER, rows))
    assert bom.normalised == ("origin 'Germany' read as DE", "origin 'China' read as CN")


def test_screen_reads_the_sheet_it_is_given_and_reports_country_names(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    rows = [[*ROWS[0][:4], "Germany", *ROWS[0][5:]], ROWS[1]]
    path = xlsx_file(tmp_path, {"Notes": [["read me"]], "BOM": [HEADER, *rows]})
    done = cli("screen", str(path), "--sheet", "BOM", "--as-of", "2026-01-05", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["receipt"]["parameters"]["normalised"] == [
        "origin 'Germany' read as DE"
    ]
    assert cli("screen", str(path), "--sheet", "Sheet9").exit_code == 2
