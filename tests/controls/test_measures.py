"""Each measure on a BOM at its date boundaries, with the determination and the deciding lines."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from lanthanide.controls import Screening
from tests.bom_builder import line, run
from tests.bom_builder import run as run_all


def finding(result: Screening, measure: str, clause: str | None = None) -> dict[str, object]:
    found = [
        f
        for f in result.products[0].findings
        if f.measure == measure and (clause is None or f.clause == clause) and not f.upstream
    ]
    assert len(found) == 1
    return found[0].model_dump()


def det(result: Screening) -> str:
    return result.products[0].determination.value


DY_MAGNET = [line("MAG", item_type="magnet_ndfeb", origin="CN", value=50, elements="Nd;Pr;Dy")]
HO_MAGNET = [line("MAG", item_type="magnet_other", origin="CN", value=50, elements="Ho;Nd")]


def magnet(dy_origin: str = "CN", dy_value: float = 40.0, qty: float = 0.08) -> list[dict]:
    """A Japanese Dy-NdFeB magnet (an Annex 1 Part II item) made from Dy metal of `dy_origin`."""
    return [
        line("MAG", "", "magnet_ndfeb", "JP", 150, elements="Nd:0.28;Pr:0.05;Dy:0.04"),
        line("DY", "MAG", "ree_metal", dy_origin, dy_value, qty, elements="Dy"),
    ]


def motor(dy_origin: str = "CN", dy_value: float = 40.0, qty: float = 0.08) -> list[dict]:
    """A German motor with a Japanese Dy-NdFeB magnet made from Dy metal of `dy_origin`."""
    return [
        line("M", item_type="finished_good", value=1200),
        line("R", "M", "assembly", value=400),
        line("MAG", "R", "magnet_ndfeb", "JP", 150, elements="Nd:0.28;Pr:0.05;Dy:0.04"),
        line("DY", "MAG", "ree_metal", dy_origin, dy_value, qty, elements="Dy"),
        line("S", "M", "assembly", value=300),
    ]


# --- CN-MOFCOM-2025-18 --------------------------------------------------------------------------


def test_dy_magnet_from_china_needs_licence_from_2025_04_04(tmp_path: Path) -> None:
    before = run(tmp_path, DY_MAGNET, "2025-04-03", ship_to="DE")
    on = run(tmp_path, DY_MAGNET, "2025-04-04", ship_to="DE")
    assert finding(before, "CN-MOFCOM-2025-18")["status"] == "not_yet_issued"
    assert det(before) == "no_licence_required"
    assert finding(on, "CN-MOFCOM-2025-18")["binding"] is True
    assert det(on) == "licence_required"


def test_nd_pr_magnet_without_dy_or_tb_is_not_listed(tmp_path: Path) -> None:
    rows = [line("MAG", item_type="magnet_ndfeb", origin="CN", value=50, elements="Nd;Pr")]
    result = run(tmp_path, rows, "2026-06-01")
    assert finding(result, "CN-MOFCOM-2025-18")["applies"] is False


def test_motor_with_dy_magnet_shipped_from_china_is_deep_processed(tmp_path: Path) -> None:
    rows = motor()
    rows[2]["origin"] = "CN"
    result = run(tmp_path, rows, "2026-06-01", ship_from="CN")
    f = finding(result, "CN-MOFCOM-2025-18")
    assert f["applies"] is False
    assert "deep-processed" in str(f["sentence"])


# --- CN-MOFCOM-2025-57 --------------------------------------------------------------------------


def test_ho_magnet_is_suspended_from_the_day_before_effect_then_unknown(tmp_path: Path) -> None:
    statuses = {
        day: finding(run(tmp_path, HO_MAGNET, day), "CN-MOFCOM-2025-57")["status"]
        for day in ("2025-11-06", "2025-11-07", "2025-11-08", "2026-11-10", "2026-11-11")
    }
    assert statuses == {
        "2025-11-06": "issued_not_effective",
        "2025-11-07": "suspended",
        "2025-11-08": "suspended",
        "2026-11-10": "suspended",
        "2026-11-11": "unknown",
    }
    assert det(run(tmp_path, HO_MAGNET, "2026-11-11")) == "unknown"
    lapsed = run(tmp_path, HO_MAGNET, "2026-11-11", assume=("CN-MOFCOM-2025-57=in_force",))
    assert det(lapsed) == "licence_required"


# --- CN-MOFCOM-2025-61 --------------------------------------------------------------------------


def test_de_minimis_share_and_deciding_line(tmp_path: Path) -> None:
    result = run(tmp_path, magnet(), "2026-11-28", ship_to="DE")
    f = finding(result, "CN-MOFCOM-2025-61", "de_minimis")
    assert f["value"] == 40 * 0.08 / 150
    assert f["applies"] is True and f["status"] == "unknown" and f["binding"] is None
    assert [d["line_id"] for d in f["deciding_lines"]] == ["DY"]  # type: ignore[union-attr]
    assert det(result) == "unknown"


def test_motor_holding_the_magnet_is_not_caught_and_reports_the_magnet_upstream(
    tmp_path: Path,
) -> None:
    result = run(
        tmp_path, motor(), "2026-11-28", ship_to="FR", assume=("CN-MOFCOM-2025-61=in_force",)
    )
    f = finding(result, "CN-MOFCOM-2025-61", "de_minimis")
    assert f["applies"] is False
    assert "not itself an Annex 1 Part II item" in str(f["sentence"])
    up = [x for x in result.products[0].findings if x.upstream]
    assert len(up) == 1 and up[0].applies is True
    assert [(d.line_id, d.share) for d in up[0].deciding_lines] == [("MAG", 40 * 0.08 / 150)]
    assert det(result) == "no_licence_required"


def test_de_minimis_at_clause_boundaries(tmp_path: Path) -> None:
    def status(day: str) -> object:
        result = run(tmp_path, magnet(), day, ship_to="DE")
        return finding(result, "CN-MOFCOM-2025-61", "de_minimis")["status"]

    assert status("2025-10-08") == "not_yet_issued"
    assert status("2025-10-09") == "issued_not_effective"
    assert status("2025-11-06") == "issued_not_effective"
    assert status("2025-11-07") == "suspended"
    assert status("2025-12-01") == "suspended"
    assert status("2026-11-10") == "suspended"
    assert status("2026-11-11") == "unknown"


def test_de_minimis_below_threshold_and_non_chinese_dy(tmp_path: Path) -> None:
    assume = ("CN-MOFCOM-2025-61=in_force",)
    low = run(tmp_path, magnet(dy_value=1.2, qty=0.1), "2026-11-28", assume=assume, ship_to="DE")
    assert finding(low, "CN-MOFCOM-2025-61", "de_minimis")["applies"] is False  # 0.08%
    other = run(tmp_path, magnet(dy_origin="VN"), "2026-11-28", assume=assume, ship_to="DE")
    assert other.products[0].cn_controlled_share == 0.0
    assert det(other) == "no_licence_required"


def test_de_minimis_policy_by_end_user_and_end_use(tmp_path: Path) -> None:
    assume = ("CN-MOFCOM-2025-61=in_force",)
    kw = {"assume": assume, "ship_to": "DE"}
    military = run(tmp_path, magnet(), "2026-11-28", end_user="military", **kw)
    chips = run(tmp_path, magnet(), "2026-11-28", end_use="advanced_logic_14nm", **kw)
    civil = run(tmp_path, magnet(), "2026-11-28", end_use="civil", **kw)
    pick = "CN-MOFCOM-2025-61", "de_minimis"
    assert finding(military, *pick)["policy"] == "presumption_of_denial"
    assert det(military) == "licence_required"  # a presumption of denial, not a prohibition
    assert finding(chips, *pick)["policy"] == "case_by_case"
    assert finding(civil, *pick)["policy"] == "licence_required"


def test_reexport_of_chinese_dy_oxide_in_force_before_the_suspension(tmp_path: Path) -> None:
    rows = [line("OX", item_type="ree_oxide", origin="CN", value=500, elements="Dy")]
    kw = {"ship_from": "JP", "ship_to": "DE"}
    assert det(run(tmp_path, rows, "2025-10-08", **kw)) == "no_licence_required"
    on = run(tmp_path, rows, "2025-10-09", **kw)
    assert finding(on, "CN-MOFCOM-2025-61", "reexport")["binding"] is True
    assert det(on) == "licence_required"
    assert det(run(tmp_path, rows, "2025-11-07", **kw)) == "no_licence_required"


def test_magnet_made_abroad_with_chinese_technology(tmp_path: Path) -> None:
    mag = line("MAG", "", "magnet_ndfeb", "VN", 100, elements="Nd;Pr", tech_origin="CN")
    assume = ("CN-MOFCOM-2025-61=in_force",)
    result = run(tmp_path, [mag], "2026-11-28", assume=assume, ship_to="DE")
    f = finding(result, "CN-MOFCOM-2025-61", "technology")
    assert f["applies"] is True
    assert [d["line_id"] for d in f["deciding_lines"]] == ["MAG"]  # type: ignore[union-attr]
    # the same magnet built into a product: the clause's reach is not stated, so unknown
    rows = [line("M", item_type="finished_good", value=1000), {**mag, "parent_line_id": "M"}]
    inside = run(tmp_path, rows, "2026-11-28", assume=assume, ship_to="FR")
    assert finding(inside, "CN-MOFCOM-2025-61", "technology")["applies"] is None


def test_resourcing_moves_the_fewest_lines(tmp_path: Path) -> None:
    rows = [
        line("MAG", "", "magnet_ndfeb", "JP", 10000, elements="Nd;Dy"),
        line("D1", "MAG", "ree_metal", "CN", 20, elements="Dy"),  # 0.2%
        line("D2", "MAG", "ree_oxide", "CN", 5, elements="Dy"),  # 0.05%
        line("T1", "MAG", "ree_metal", "CN", 8, elements="Tb"),  # 0.08%
    ]
    result = run(tmp_path, rows, "2026-11-28", assume=("CN-MOFCOM-2025-61=in_force",), ship_to="DE")
    r = result.products[0].resourcing
    assert r is not None
    # 0.33% in all; without D1 0.13% is still >= 0.1%; without D1 and T1 0.05% is under
    assert r.lines == ["D1", "T1"]
    assert r.share_before == 33 / 10000
    assert r.share_after == 5 / 10000


# --- US-EAR-734.4 -------------------------------------------------------------------------------


def server(us_value: float, eccn: str = "5A992.c") -> list[dict]:
    return [
        line("SRV", item_type="finished_good", origin="MX", value=1000),
        line("NIC", "SRV", "chip", "US", us_value, eccn=eccn),
        line("BRD", "SRV", "assembly", "TW", 100),
    ]


def test_us_de_minimis_levels_by_destination(tmp_path: Path) -> None:
    # 5A002.a is controlled for NS1, marked for Germany; to Iran every item counts (746.7)
    def applies(value: float, dest: str) -> object:
        result = run(tmp_path, server(value, "5A002.a"), "2026-11-28", ship_to=dest)
        return finding(result, "US-EAR-734.4")["applies"]

    assert applies(300, "DE") is True  # 30% > 25%
    assert applies(250, "DE") is False  # 25% is not above 25%
    assert applies(200, "IR") is True  # 20% > 10% (E:1)
    assert applies(100, "IR") is False


def test_us_de_minimis_without_destination_is_unknown_in_between(tmp_path: Path) -> None:
    result = run(tmp_path, server(200), "2026-11-28")
    assert finding(result, "US-EAR-734.4")["applies"] is None
    assert det(result) == "unknown"


def test_ear99_and_unclassified_us_content(tmp_path: Path) -> None:
    ear99 = run(tmp_path, server(300, "EAR99"), "2026-11-28", ship_to="DE")
    assert finding(ear99, "US-EAR-734.4")["applies"] is False
    mass_market = run(tmp_path, server(300, "5A992.c"), "2026-11-28", ship_to="DE")
    assert finding(mass_market, "US-EAR-734.4")["applies"] is False  # AT1 only: not to DE
    unclassified = run(tmp_path, server(300, ""), "2026-11-28", ship_to="DE")
    assert finding(unclassified, "US-EAR-734.4")["applies"] is None


# --- US-EAR-ADVCOMP -----------------------------------------------------------------------------


def test_us_gpu_in_foreign_server_to_china(tmp_path: Path) -> None:
    rows = server(50, "3A090.a")
    denied = run(tmp_path, rows, "2026-11-28", ship_to="CN")
    assert finding(denied, "US-EAR-ADVCOMP")["policy"] == "presumption_of_denial"
    assert finding(denied, "US-EAR-734.4")["threshold"] == 0.0  # no de minimis for 3A090 to CN
    assert det(denied) == "licence_required"
    elsewhere = run(tmp_path, rows, "2026-11-28", ship_to="DE")
    assert finding(elsewhere, "US-EAR-ADVCOMP")["applies"] is False


def test_case_by_case_for_exports_from_the_us_from_2026_01_15(tmp_path: Path) -> None:
    rows = server(50, "3A090.a")
    rows[1]["tpp"] = 15832
    before = run(tmp_path, rows, "2026-01-14", ship_to="CN", ship_from="US")
    after = run(tmp_path, rows, "2026-01-15", ship_to="CN", ship_from="US")
    assert finding(before, "US-EAR-ADVCOMP")["policy"] == "presumption_of_denial"
    assert finding(after, "US-EAR-ADVCOMP")["policy"] == "case_by_case"


# --- US-EAR-AFFILIATES-2025 ---------------------------------------------------------------------


def test_affiliates_rule_effective_suspended_then_unknown(tmp_path: Path) -> None:
    rows = [line("X", item_type="finished_good", origin="US", value=100)]

    def f(day: str) -> dict[str, object]:
        result = run(tmp_path, rows, day, end_user="entity_list_affiliate", ship_to="DE")
        return finding(result, "US-EAR-AFFILIATES-2025")

    assert f("2025-09-28")["status"] == "not_yet_issued"
    assert f("2025-09-29")["binding"] is True
    assert f("2025-11-10")["status"] == "suspended"
    assert f("2026-11-09")["status"] == "suspended"
    assert f("2026-11-10")["status"] == "unknown"
    assert f("2026-11-11")["binding"] is None


# --- US-DFARS-225.7018 --------------------------------------------------------------------------


def actuator(magnet_origin: str, oxide_origin: str | None) -> list[dict]:
    rows = [
        line("ACT", item_type="finished_good", origin="US", value=5000),
        line("MAG", "ACT", "magnet_smco", magnet_origin, 300, elements="Sm"),
    ]
    if oxide_origin:
        rows.append(line("SMO", "MAG", "ree_oxide", oxide_origin, 20, 0.5, elements="Sm"))
    return rows


def test_dfars_chinese_magnet_is_prohibited(tmp_path: Path) -> None:
    result = run(tmp_path, actuator("CN", None), "2026-11-28", end_use="us_defense_procurement")
    assert det(result) == "prohibited"
    civil = run(tmp_path, actuator("CN", None), "2026-11-28", end_use="civil")
    assert finding(civil, "US-DFARS-225.7018")["applies"] is False


def test_dfars_mine_to_magnet_from_2027_01_01(tmp_path: Path) -> None:
    # the Chinese Sm oxide is also >= 0.1% China-origin content: Ann. 61 would make these
    # unknown after 2026-11-10, so this test states Ann. 61 suspended to isolate DFARS
    use = {"end_use": "us_defense_procurement", "ship_to": "US"}  # delivered in the US
    run = partial(run_all, assume=("CN-MOFCOM-2025-61=suspended",))
    rows = actuator("JP", "CN")
    assert det(run(tmp_path, rows, "2026-12-31", **use)) == "no_licence_required"
    assert det(run(tmp_path, rows, "2027-01-01", **use)) == "prohibited"
    clean = actuator("JP", "AU")
    assert det(run(tmp_path, clean, "2027-01-01", **use)) == "no_licence_required"
    blind = actuator("JP", None)
    assert det(run(tmp_path, blind, "2027-01-01", **use)) == "unknown"


def test_shipment_within_one_country_is_not_an_export(tmp_path: Path) -> None:
    assume = ("CN-MOFCOM-2025-61=in_force",)
    result = run(tmp_path, motor(), "2026-11-28", assume=assume, ship_to="DE")
    assert finding(result, "CN-MOFCOM-2025-61", "de_minimis")["applies"] is False
    assert det(result) == "no_licence_required"
    magnet = run(tmp_path, DY_MAGNET, "2026-06-01", ship_to="CN")
    assert finding(magnet, "CN-MOFCOM-2025-18")["applies"] is False


# --- CN-MOFCOM-2025-62 and CN-TECH-2023 ---------------------------------------------------------


def test_catch_all_for_goods_bound_for_overseas_magnet_making(tmp_path: Path) -> None:
    furnace = [line("FURN", item_type="finished_good", origin="CN", value=200000)]
    use = {"ship_from": "CN", "ship_to": "VN", "end_use": "magnet_manufacturing"}

    def status_and_det(day: str) -> tuple[object, str]:
        result = run(tmp_path, furnace, day, **use)
        return finding(result, "CN-MOFCOM-2025-62")["status"], det(result)

    assert status_and_det("2025-10-08") == ("not_yet_issued", "no_licence_required")
    assert status_and_det("2025-10-09") == ("in_force", "licence_required")
    assert status_and_det("2025-11-07") == ("suspended", "no_licence_required")
    assert status_and_det("2026-11-11") == ("unknown", "unknown")
    civil = run(tmp_path, furnace, "2025-10-09", ship_from="CN", ship_to="VN", end_use="civil")
    assert finding(civil, "CN-MOFCOM-2025-62")["applies"] is False


def test_technology_catalogue_never_binds_a_bom_of_goods(tmp_path: Path) -> None:
    for day in ("2023-12-20", "2023-12-21", "2026-11-28"):
        result = run(tmp_path, DY_MAGNET, day, ship_to="US")
        assert finding(result, "CN-TECH-2023")["applies"] is False
