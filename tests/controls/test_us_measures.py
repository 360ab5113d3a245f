"""US measures on BOMs at their boundaries: subject to the EAR vs licence, 746, 3A090, DFARS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lanthanide.controls import Screening
from tests.bom_builder import line, run
from tests.controls.test_measures import det, finding

ON = "2026-11-28"
QUIET = ("CN-MOFCOM-2025-61=suspended",)  # isolates the US measures from Ann. 61 after 2026-11-10


def us_made(eccn: str) -> list[dict[str, Any]]:
    return [line("X", item_type="finished_good", origin="US", value=1000, eccn=eccn)]


def foreign(us_value: float, product_eccn: str = "", us_eccn: str = "5A002.a") -> list[dict]:
    """A Mexican product worth 1,000 with one US-origin line of `us_value`."""
    return [
        line("P", item_type="finished_good", origin="MX", value=1000, eccn=product_eccn),
        line("US", "P", "chip", "US", us_value, eccn=us_eccn),
        line("TW", "P", "assembly", "TW", 100),
    ]


def screen(tmp: Path, rows: list[dict[str, Any]], on: str = ON, **kw: str) -> Screening:
    return run(tmp, rows, on, assume=QUIET, **kw)


# --- US-EAR-738: the licence from the product's own ECCN -----------------------------------------


def test_us_made_3a001a_to_china_needs_a_licence(tmp_path: Path) -> None:
    result = screen(tmp_path, us_made("3A001.a"), ship_to="CN")
    f = finding(result, "US-EAR-738")
    assert f["binding"] is True
    assert f["control_codes"] == ["3A001.a", "NS2"]
    assert "NS2" in str(f["sentence"])
    assert det(result) == "licence_required"


def test_us_made_item_not_controlled_for_the_destination_needs_none(tmp_path: Path) -> None:
    result = screen(tmp_path, us_made("3A001.a.2"), ship_to="DE")
    assert finding(result, "US-EAR-738")["applies"] is False
    assert det(result) == "no_licence_required"


def test_an_eccn_the_dataset_does_not_hold_is_unknown(tmp_path: Path) -> None:
    result = screen(tmp_path, us_made("6A003.b"), ship_to="CN")
    assert finding(result, "US-EAR-738")["applies"] is None
    assert det(result) == "unknown"


def test_subject_to_the_ear_is_not_licence_required(tmp_path: Path) -> None:
    # 30% US 5A002.a content to Germany: the product is subject to the EAR ...
    mass_market = screen(tmp_path, foreign(300, "5A992.c"), ship_to="DE")
    assert finding(mass_market, "US-EAR-734.4")["applies"] is True
    assert finding(mass_market, "US-EAR-734.4")["binding"] is False
    # ... but its own ECCN (AT1 only) needs no licence to Germany
    assert finding(mass_market, "US-EAR-738")["applies"] is False
    assert det(mass_market) == "no_licence_required"
    crypto = screen(tmp_path, foreign(300, "5A002.a"), ship_to="DE")
    assert det(crypto) == "licence_required"


@pytest.mark.parametrize(("us_value", "subject"), [(249.99, False), (250, False), (250.01, True)])
def test_de_minimis_25_percent_boundary(tmp_path: Path, us_value: float, subject: bool) -> None:
    result = screen(tmp_path, foreign(us_value, "5A002.a"), ship_to="DE")
    assert finding(result, "US-EAR-734.4")["applies"] is subject
    assert finding(result, "US-EAR-738")["binding"] is subject


def test_us_content_not_controlled_for_the_destination_does_not_count(tmp_path: Path) -> None:
    # 5A992.c content (AT only) is not "content that would need a licence" to Germany
    result = screen(tmp_path, foreign(900, "5A002.a", us_eccn="5A992.c"), ship_to="DE")
    assert finding(result, "US-EAR-734.4")["applies"] is False
    assert det(result) == "no_licence_required"


@pytest.mark.parametrize(("us_value", "subject"), [(99.99, False), (100, False), (100.01, True)])
@pytest.mark.parametrize("dest", ["IR", "CU"])  # E:1 and E:2 take the 10% level
def test_de_minimis_10_percent_for_e1_and_cuba_counting_ear99(
    tmp_path: Path, us_value: float, subject: bool, dest: str
) -> None:
    result = screen(tmp_path, foreign(us_value, "EAR99", us_eccn="EAR99"), ship_to=dest)
    assert finding(result, "US-EAR-734.4")["applies"] is subject
    assert det(result) == ("licence_required" if subject else "no_licence_required")


# --- Part 746 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "dest"),
    [
        ("US-EAR-746.2", "CU"),
        ("US-EAR-746.4", "KP"),
        ("US-EAR-746.7", "IR"),
        ("US-EAR-746.9", "SY"),
    ],
)
def test_embargo_reaches_us_made_ear99_items(tmp_path: Path, measure: str, dest: str) -> None:
    result = screen(tmp_path, us_made("EAR99"), ship_to=dest)
    assert finding(result, measure)["binding"] is True
    assert det(result) == "licence_required"
    elsewhere = screen(tmp_path, us_made("EAR99"), ship_to="DE")
    assert finding(elsewhere, measure)["applies"] is False


def test_russia_ccl_items_need_a_licence_ear99_stays_open(tmp_path: Path) -> None:
    ccl = screen(tmp_path, us_made("5A992.c"), ship_to="RU")
    assert finding(ccl, "US-EAR-746.8")["binding"] is True
    ear99 = screen(tmp_path, us_made("EAR99"), ship_to="BY")
    assert finding(ear99, "US-EAR-746.8")["applies"] is None
    assert det(ear99) == "unknown"


def test_russia_sanctions_from_2022_02_24(tmp_path: Path) -> None:
    before = screen(tmp_path, us_made("5A992.c"), "2022-02-23", ship_to="RU")
    on = screen(tmp_path, us_made("5A992.c"), "2022-02-24", ship_to="RU")
    assert finding(before, "US-EAR-746.8")["status"] == "not_yet_issued"
    assert finding(on, "US-EAR-746.8")["binding"] is True


def test_ukraine_regions_cannot_be_told_from_a_country_code(tmp_path: Path) -> None:
    result = screen(tmp_path, us_made("EAR99"), ship_to="UA")
    assert finding(result, "US-EAR-746.6")["applies"] is None


def test_foreign_product_below_the_level_is_outside_the_embargo(tmp_path: Path) -> None:
    result = screen(tmp_path, foreign(50, "EAR99", us_eccn="EAR99"), ship_to="CU")
    assert finding(result, "US-EAR-746.2")["applies"] is False


# --- US-EAR-ADVCOMP ------------------------------------------------------------------------------


def gpu_server(tpp: float | None = None, **product: str) -> list[dict[str, Any]]:
    gpu: dict[str, Any] = {"eccn": "3A090.a"}
    if tpp is not None:
        gpu["tpp"] = tpp
    return [
        line(
            "SRV", item_type="finished_good", origin="US", value=300000, eccn="4A090.a", **product
        ),
        line("GPU", "SRV", "chip", "US", 25000, 8, **gpu),
    ]


@pytest.mark.parametrize(
    ("dest", "applies"), [("CN", True), ("MO", True), ("KZ", True), ("IL", False), ("DE", False)]
)
def test_advanced_computing_country_groups(tmp_path: Path, dest: str, applies: bool) -> None:
    result = screen(tmp_path, gpu_server(), ship_to=dest)
    assert finding(result, "US-EAR-ADVCOMP")["applies"] is applies


@pytest.mark.parametrize(("hq", "applies"), [("CN", True), ("MO", True), ("JP", False)])
def test_end_user_headquartered_in_d5_or_macau_wherever_it_is(
    tmp_path: Path, hq: str, applies: bool
) -> None:
    result = screen(tmp_path, gpu_server(end_user_hq=hq), ship_to="DE")
    assert finding(result, "US-EAR-ADVCOMP")["applies"] is applies


@pytest.mark.parametrize(
    ("tpp", "on", "ship_from", "policy"),
    [
        (20999, "2026-01-15", "US", "case_by_case"),
        (21000, "2026-01-15", "US", "presumption_of_denial"),  # the cap is "less than 21,000"
        (None, "2026-01-15", "US", "presumption_of_denial"),  # no tpp: the stricter policy
        (20999, "2026-01-14", "US", "presumption_of_denial"),  # day before the rule
        (20999, "2026-01-15", "TW", "presumption_of_denial"),  # exports from abroad
    ],
)
def test_h200_tier_by_tpp(
    tmp_path: Path, tpp: float | None, on: str, ship_from: str, policy: str
) -> None:
    rows = gpu_server(tpp)
    result = screen(tmp_path, rows, on, ship_to="CN", ship_from=ship_from)
    f = finding(result, "US-EAR-ADVCOMP")
    assert f["policy"] == policy
    assert det(result) == "licence_required"


# --- US-DFARS-225.7018 ---------------------------------------------------------------------------


def actuator_with_side_line() -> list[dict[str, Any]]:
    """A Japanese magnet on Australian oxide, and a Chinese oxide line that is not in the magnet."""
    return [
        line("ACT", item_type="finished_good", origin="US", value=5000),
        line("MAG", "ACT", "magnet_smco", "JP", 300, elements="Sm"),
        line("SMO", "MAG", "ree_oxide", "AU", 20, 0.5, elements="Sm"),
        line("SENS", "ACT", "component", "DE", 100),
        line("CEO", "SENS", "ree_oxide", "CN", 2, 0.1, elements="Ce"),
    ]


def test_dfars_mine_to_magnet_tests_the_magnets_own_materials(tmp_path: Path) -> None:
    use = {"end_use": "us_defense_procurement", "ship_to": "US"}
    for day in ("2026-12-31", "2027-01-01"):
        result = screen(tmp_path, actuator_with_side_line(), day, **use)
        assert finding(result, "US-DFARS-225.7018")["applies"] is False, day
    rows = actuator_with_side_line()
    rows[2]["origin"] = "CN"  # the magnet's own oxide
    before = screen(tmp_path, rows, "2026-12-31", **use)
    on = screen(tmp_path, rows, "2027-01-01", **use)
    assert det(before) == "no_licence_required"
    f = finding(on, "US-DFARS-225.7018")
    assert det(on) == "prohibited"
    assert [line["line_id"] for line in f["deciding_lines"]] == ["SMO"]  # the line to re-source
    assert "Re-source" in str(f["sentence"])
    resourcing = on.products[0].resourcing
    assert resourcing is not None and resourcing.measure == "US-DFARS-225.7018"
    assert resourcing.lines == ["SMO"]
    assert resourcing.moved_value_usd == pytest.approx(10.0)  # 0.5 x 20 per actuator


def test_a_product_of_unknown_make_is_not_cleared_by_de_minimis(tmp_path: Path) -> None:
    rows = foreign(50, "5A002.a", us_eccn="EAR99")
    rows[0]["origin"] = ""  # where the product was made is not given: it may be US-made
    result = screen(tmp_path, rows, ship_to="DE")
    assert finding(result, "US-EAR-734.4")["applies"] is None
    assert finding(result, "US-EAR-738")["applies"] is None
    rows[0]["origin"] = "MX"
    known = screen(tmp_path, rows, ship_to="DE")
    assert finding(known, "US-EAR-734.4")["applies"] is False
