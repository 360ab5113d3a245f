"""The optional US columns: `end_user_hq` (a product fact) and `tpp` (a chip line fact)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lanthanide.bom.model import COUNTRY_CODE, NONE
from lanthanide.errors import InvalidInput
from tests.bom_builder import line, load


def test_end_user_hq_and_tpp_are_read_and_optional(tmp_path: Path) -> None:
    rows = [
        line("SRV", item_type="finished_good", value=1000, end_user_hq="CN"),
        line("GPU", "SRV", "chip", "US", 500, eccn="3A090.a", tpp="15832"),
        line("NIC", "SRV", "chip", "US", 50),
    ]
    bom = load(tmp_path, rows)
    assert bom.hq(0) == COUNTRY_CODE["CN"]
    assert bom.tpp_of(1) == 15832.0
    assert bom.tpp_of(2) is None
    plain = load(tmp_path, [line("X", item_type="finished_good", value=10)])
    assert plain.hq(0) == NONE


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"end_user_hq": "XX"}, "end_user_hq 'XX' is not an ISO 3166 alpha-2 country code"),
        ({"tpp": "fast"}, "tpp 'fast' is not a number"),
        ({"tpp": "-3"}, "tpp -3 is negative"),
    ],
)
def test_bad_us_columns_name_the_cell(tmp_path: Path, extra: dict[str, str], needle: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load(tmp_path, [line("X", item_type="finished_good", value=10, **extra)])
    assert needle in " ".join(str(p) for p in caught.value.problems)
