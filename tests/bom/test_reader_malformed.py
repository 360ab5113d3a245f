"""Every malformed BOM fixture fails with InvalidInput and its exact file:line:column message."""

from __future__ import annotations

from pathlib import Path

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.bom_reader import read_bom

HERE = Path(__file__).parents[1] / "fixtures" / "boms" / "malformed"

#: fixture -> (line, column, message) of the first problem; column None when not applicable
EXPECTED: dict[str, tuple[int | None, int | str | None, str]] = {
    "01_negative_quantity.csv": (3, 10, "quantity -1 is negative"),
    "02_quantity_not_a_number.csv": (3, 10, "quantity 'two' is not a number"),
    "03_quantity_empty.csv": (3, 10, "quantity is empty"),
    "04_quantity_nan.csv": (3, 10, "quantity 'nan' is not a number"),
    "05_unit_value_infinite.csv": (3, 11, "unit_value_usd 'inf' is not a finite number"),
    "06_unit_value_negative.csv": (3, 11, "unit_value_usd -5 is negative"),
    "07_unit_value_decimal_comma.csv": (3, 11, "unit_value_usd '12,50' is not a number"),
    "08_unit_value_empty.csv": (3, 11, "unit_value_usd is empty"),
    "09_unknown_item_type.csv": (3, 5, "item_type 'magnet' is not one of finished_good,"),
    "10_empty_item_type.csv": (3, 5, "item_type is empty"),
    "11_unknown_origin_code.csv": (
        3,
        7,
        "origin 'XX' is not an ISO 3166 alpha-2 country code or a country name",
    ),
    "12_origin_not_a_country.csv": (3, 7, "origin 'Atlantis' is not an ISO 3166 alpha-2"),
    "14_made_in_uk_not_iso.csv": (
        3,
        8,
        "made_in 'UK' is not an ISO 3166 alpha-2 country code or a country name",
    ),
    "15_tech_origin_eu.csv": (
        3,
        9,
        "tech_origin 'EU' is not an ISO 3166 alpha-2 country code or a country name",
    ),
    "16_element_not_rare_earth.csv": (
        3,
        6,
        "elements 'Nd;Fe': 'Fe' is not a rare-earth element symbol",
    ),
    "17_element_fraction_above_one.csv": (
        3,
        6,
        "elements 'Nd:1.5': mass fraction 1.5 is outside 0..1",
    ),
    "18_element_fractions_sum_above_one.csv": (
        3,
        6,
        "elements 'Nd:0.7;Pr:0.5': mass fractions add up to 1.2 > 1",
    ),
    "19_element_listed_twice.csv": (3, 6, "elements 'Nd;Nd': Nd is listed twice"),
    "20_element_fraction_not_number.csv": (
        3,
        6,
        "elements 'Nd:abc': mass fraction 'abc' is not a number",
    ),
    "21_element_empty_entry.csv": (3, 6, "elements 'Nd;;Pr' has an empty entry"),
    "22_bad_eccn.csv": (3, 12, "eccn '3A09' is not an ECCN (like 3A090.a) or EAR99"),
    "23_missing_parent.csv": (3, 3, "parent line 'X9' is not a line of product 'P1'"),
    "24_cycle.csv": (3, 3, "line 'B' of product 'P1' is on or below a cycle"),
    "25_self_parent.csv": (3, 3, "line 'B' of product 'P1' is on or below a cycle"),
    "26_no_top_line.csv": (2, 3, "product 'P1' has no top line"),
    "27_two_top_lines.csv": (2, 3, "product 'P1' has 2 top lines"),
    "28_duplicate_use.csv": (4, 2, "line 'B' appears twice under parent 'A'"),
    "29_top_line_used_as_child.csv": (2, 3, "line 'A' is the top line of product 'P1' and also"),
    "30_shared_line_conflicting_origin.csv": (
        6,
        7,
        "line 'M' of product 'P1' is used on several rows (a shared subassembly) but its origin "
        "here differs from line 5",
    ),
    "31_empty_line_id.csv": (3, 2, "line_id is empty"),
    "32_empty_product_id.csv": (3, 1, "product_id is empty"),
    "33_missing_quantity_column.csv": (1, None, "required column 'quantity' is missing"),
    "34_product_value_zero.csv": (2, 11, "the top line of product 'P1' needs a unit_value_usd > 0"),
    "35_wrong_field_count.csv": (3, None, "malformed CSV: CSV parse error: Expected 12 columns"),
    "36_empty_file.csv": (1, None, "the file is empty (no header line)"),
    "37_header_only.csv": (1, None, "the BOM has no lines"),
    "38_invalid_json.json": (3, 1, "not valid JSON: Expecting property name"),
    "39_json_not_a_list.json": (1, 1, "expected a list of line objects"),
    "40_json_negative_quantity.json": (4, "quantity", "quantity -2 is negative"),
    "41_unsupported_format.ods": (None, None, "unsupported format '.ods'"),
    "44_several_problems.csv": (3, 10, "quantity -1 is negative"),
    "45_two_products_second_without_top.csv": (4, 3, "product 'P2' has no top line"),
    "46_xlsx_negative_quantity.xlsx": (3, 10, "quantity -3 is negative"),
}


def where(name: str, line: int | None, column: int | str | None) -> str:
    parts = [str(HERE / name), *(str(p) for p in (line, column) if p is not None)]
    return ":".join(parts)


def test_there_are_at_least_30_malformed_fixtures() -> None:
    files = [p for p in HERE.iterdir() if p.suffix != ".yaml"]
    assert len(files) >= 30
    assert {p.name for p in files} - {"42_mapped_erp_export.csv"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_bom_reports_file_line_column(name: str) -> None:
    line, column, message = EXPECTED[name]
    with pytest.raises(InvalidInput) as caught:
        read_bom(HERE / name)
    first = str(caught.value.problems[0])
    assert first.startswith(f"{where(name, line, column)}: {message}")
    assert "nothing was written" in str(caught.value) or "unsupported" in str(caught.value)


def test_every_problem_of_a_file_is_listed() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_bom(HERE / "44_several_problems.csv")
    assert [str(p).split(": ", 1)[0] for p in caught.value.problems] == [
        where("44_several_problems.csv", 3, 10),
        where("44_several_problems.csv", 4, 5),
        where("44_several_problems.csv", 4, 11),
    ]
    assert str(caught.value).startswith(f"{HERE / '44_several_problems.csv'}: 3 problems")


def test_mapping_naming_a_missing_column_is_reported() -> None:
    with pytest.raises(InvalidInput, match="mapped column not found: line_id -> 'Item Number'"):
        read_bom(HERE / "42_mapped_erp_export.csv", HERE / "42_mapping_missing_column.yaml")


def test_mapping_with_unknown_canonical_name_is_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_bom(HERE / "42_mapped_erp_export.csv", HERE / "43_mapping_unknown_canonical.yaml")
    assert "unknown canonical column 'part_no'" in str(caught.value.problems[0])


def test_cli_exits_2_and_writes_nothing_on_a_malformed_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from lanthanide.cli.app import app
    from lanthanide.cli.errors import run_guarded

    target = tmp_path / "out.json"
    saved = sys.argv
    sys.argv = ["lanthanide", "screen", str(HERE / "24_cycle.csv"), "--out", str(target)]
    try:
        code = run_guarded(app)
    finally:
        sys.argv = saved
    err = capsys.readouterr().err
    assert code == 2
    assert "24_cycle.csv:3:3: line 'B'" in err
    assert not target.exists()
