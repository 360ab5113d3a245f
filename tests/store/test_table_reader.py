"""Import tables: values must mean something, and quoted text stays as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from lanthanide.errors import InvalidInput
from lanthanide.store.schema import TABLES
from lanthanide.store.table_reader import read_user_table

PROVENANCE = "https://pubs.usgs.gov/periodicals/mcs2027/mcs2027-rare-earths.pdf,2025,H"
PRODUCTION = ",".join(c.name for c in TABLES["production"][0]) + "\n"
EXPORTS = ",".join(c.name for c in TABLES["cn_magnet_exports"][0]) + "\n"
PRICES = ",".join(c.name for c in TABLES["prices_annual"][0]) + "\n"


def production(*rows: str) -> str:
    return PRODUCTION + "".join(f"{r},t REO,USGS mine production,{PROVENANCE},\n" for r in rows)


def problems(tmp_path: Path, table: str, text: str) -> list[str]:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_user_table(path, table)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_negative_tonnes_are_located(tmp_path: Path) -> None:
    found = problems(tmp_path, "production", production("mining,REO,CN,2025,production_t,-5,"))
    assert found == ["2:6: value -5 is negative"]


def test_countries_above_the_shipped_world_total_are_located(tmp_path: Path) -> None:
    text = production("mining,REO,CN,2024,production_t,1200000000,")
    assert problems(tmp_path, "production", text) == [
        "2:6: mining REO 2024 production_t: the countries add up to 1.2e+09, above the shipped "
        "world total (390,000)"
    ]


def test_countries_above_the_files_own_world_row_are_located(tmp_path: Path) -> None:
    text = production(
        "mining,REO,world,2025,production_t,100,",
        "mining,REO,CN,2025,production_t,90,",
        "mining,REO,US,2025,production_t,30,",
    )
    assert problems(tmp_path, "production", text) == [
        "3:6: mining REO 2025 production_t: the countries add up to 120, above the world row on "
        "line 2 (100)"
    ]


def test_a_share_above_one_is_located(tmp_path: Path) -> None:
    text = production("mining,REO,CN,2025,share,1.7,")
    found = problems(tmp_path, "production", text)
    assert "2:6: a share must be 0..1, found 1.7" in found


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("smelting,REO,CN,2025,production_t,5,", "2:1: unknown stage 'smelting'"),
        ("mining,unobtainium,CN,2025,production_t,5,", "2:2: unknown material 'unobtainium'"),
        ("mining,REO,CN,9999,production_t,5,", "2:4: year 9999 is outside 1900..2100"),
        ("mining,REO,CN,0,production_t,5,", "2:4: year 0 is outside 1900..2100"),
    ],
)
def test_unknown_names_and_absurd_years_are_located(
    tmp_path: Path, row: str, expected: str
) -> None:
    found = problems(tmp_path, "production", production(row))
    assert len(found) == 1 and found[0].startswith(expected)


def test_a_period_ending_before_it_starts_is_located(tmp_path: Path) -> None:
    text = EXPORTS + f"2025-06,2025-03,8505.11,100,{PROVENANCE},\n"
    assert problems(tmp_path, "cn_magnet_exports", text) == [
        "2:2: period_end 2025-03 is before period_start 2025-06"
    ]


def test_a_price_outside_its_own_range_is_located(tmp_path: Path) -> None:
    text = PRICES + f"NdPr oxide,CN,2025,50,60,40,USD/kg,{PROVENANCE},\n"
    assert problems(tmp_path, "prices_annual", text) == [
        "2:5: low 60 is above value 50",
        "2:6: high 40 is below value 50",
    ]


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\u2028", "\x85", "\u2029", "\x0c"])
def test_quoted_line_breaks_are_kept_and_later_lines_keep_their_number(
    tmp_path: Path, separator: str
) -> None:
    note = f'"first{separator}second"'
    text = PRODUCTION + (
        f"mining,REO,CN,2025,production_t,5,,t REO,USGS mine production,{PROVENANCE},{note}\n"
        f"mining,REO,US,2025,production_t,-1,,t REO,USGS mine production,{PROVENANCE},\n"
    )
    line = 4 if separator in ("\n", "\r\n") else 3
    assert problems(tmp_path, "production", text) == [f"{line}:6: value -1 is negative"]
    path = tmp_path / "ok.csv"
    path.write_text(text.replace("-1", "1"), encoding="utf-8", newline="")
    frame = read_user_table(path, "production")
    assert frame["derivation"].iloc[0] == f"first{separator}second"


def test_a_repeated_header_is_located(tmp_path: Path) -> None:
    text = PRODUCTION.rstrip("\n") + ",value\n"
    assert (
        problems(tmp_path, "production", text)[0]
        == "1:14: column 'value' appears twice (first as column 6)"
    )


def test_a_huge_field_is_a_located_error(tmp_path: Path) -> None:
    text = production("mining,REO,CN,2025,production_t,5,") + '"' + "x" * 2_000_000 + '"\n'
    assert problems(tmp_path, "production", text)[0].startswith("3: malformed CSV: field larger")


def test_utf16_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(production("mining,REO,CN,2025,production_t,5,").encode("utf-16"))
    with pytest.raises(InvalidInput) as caught:
        read_user_table(path, "production")
    assert str(caught.value.problems[0]).endswith(":1:1: the file is UTF-16; save it as UTF-8")
