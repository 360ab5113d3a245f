"""Party screening against the shipped Chinese lists: dates at each boundary, scope, affiliates."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lanthanide.controls.history import Options, screen_on
from lanthanide.controls.result import Determination, Finding, ProductResult
from lanthanide.controls.rule import Policy, Status
from lanthanide.store.datasets import dataset_path
from lanthanide.store.parties import party_lists, shipped_listings
from lanthanide.store.rules import shipped_rules
from tests.bom_builder import line, load

RULES = shipped_rules()
LISTS = party_lists(None)


def magnet(**top: Any) -> list[dict[str, Any]]:
    """A China-made magnet with China-origin Dy (a listed item), with product-level columns."""
    owner = top.pop("owner", "")
    row = line("M", item_type="magnet_ndfeb", origin="CN", value=100, elements="Nd;Dy", **top)
    row["parent"] = owner
    return [row, line("DY", "M", "ree_metal", "CN", 50, 0.1, elements="Dy")]


def motor(**top: Any) -> list[dict[str, Any]]:
    """A German motor with no China-origin content."""
    return [line("M", item_type="finished_good", origin="DE", value=500, **top)]


def screen(tmp: Path, rows: list[dict[str, Any]], on: str) -> ProductResult:
    result = screen_on(load(tmp, rows), RULES, LISTS, dt.date.fromisoformat(on), Options())
    return result.products[0]


def party(product: ProductResult) -> list[Finding]:
    return [f for f in product.findings if f.party is not None]


def test_mp_materials_is_not_listed_the_day_before_and_prohibited_on_2026_06_22(
    tmp_path: Path,
) -> None:
    rows = magnet(ship_from="CN", ship_to="US", end_user="MP Materials Corp.")
    before = screen(tmp_path, rows, "2026-06-21")
    [hit] = party(before)
    assert hit.status is Status.NOT_YET_ISSUED and hit.binding is False
    assert before.determination is Determination.LICENCE_REQUIRED  # Ann. 18 only
    on = screen(tmp_path, rows, "2026-06-22")
    [hit] = party(on)
    assert hit.binding is True and hit.policy is Policy.PROHIBITED
    assert hit.party is not None and hit.party.listed_name == "MP Materials"
    assert hit.party.list == "cn_control_list" and hit.measure == "CN-MOFCOM-CONTROL-LIST"
    assert on.determination is Determination.PROHIBITED


def test_importer_column_is_screened_too(tmp_path: Path) -> None:
    product = screen(
        tmp_path, magnet(ship_from="CN", ship_to="US", importer="USA Rare Earth"), "2026-07-01"
    )
    [hit] = party(product)
    assert hit.clause == "importer" and hit.binding is True


@pytest.mark.parametrize(
    ("on", "status", "binding"),
    [
        ("2025-04-09", Status.NOT_YET_ISSUED, False),  # announced, binds from 2025-04-10
        ("2025-04-10", Status.IN_FORCE, True),
        ("2025-05-13", Status.IN_FORCE, True),
        ("2025-05-14", Status.SUSPENDED, False),
        ("2025-08-11", Status.SUSPENDED, False),
        ("2025-08-12", Status.EXPIRED, False),  # measures stopped
    ],
)
def test_control_list_ann_22_entry_over_its_dates(
    tmp_path: Path, on: str, status: Status, binding: bool
) -> None:
    product = screen(tmp_path, magnet(ship_from="CN", ship_to="US", end_user="Echodyne"), on)
    [hit] = party(product)
    assert (hit.status, hit.binding) == (status, binding)


@pytest.mark.parametrize(("on", "binding"), [("2025-10-08", False), ("2025-10-09", True)])
def test_unreliable_entity_list_binds_from_its_designation_day(
    tmp_path: Path, on: str, binding: bool
) -> None:
    product = screen(
        tmp_path, motor(ship_from="CN", ship_to="US", end_user="TechInsights Inc."), on
    )
    [hit] = party(product)
    assert hit.party is not None and hit.party.list == "cn_unreliable_entity_list"
    assert hit.binding is binding


def test_unreliable_entity_list_does_not_reach_trade_outside_china(tmp_path: Path) -> None:
    product = screen(
        tmp_path, motor(ship_from="DE", ship_to="US", end_user="TechInsights"), "2026-01-05"
    )
    [hit] = party(product)
    assert hit.applies is False and hit.policy is Policy.NONE
    assert product.determination is Determination.NO_LICENCE_REQUIRED


def test_control_list_without_china_link_does_not_apply(tmp_path: Path) -> None:
    product = screen(
        tmp_path, motor(ship_from="DE", ship_to="US", end_user="MP Materials"), "2026-07-01"
    )
    [hit] = party(product)
    assert hit.applies is False


def test_china_origin_content_to_a_worldwide_listing_is_prohibited_from_anywhere(
    tmp_path: Path,
) -> None:
    rows = magnet(ship_from="JP", ship_to="US", end_user="MP Materials", made_in="JP")
    [hit] = party(screen(tmp_path, rows, "2026-07-01"))
    assert hit.binding is True


def test_china_origin_content_from_abroad_to_an_older_listing_is_unknown(tmp_path: Path) -> None:
    rows = magnet(
        ship_from="JP", ship_to="US", end_user="Huntington Ingalls Industries", made_in="JP"
    )
    product = screen(tmp_path, rows, "2026-07-01")
    [hit] = party(product)
    assert hit.applies is None and "uncertain" in hit.sentence
    assert product.determination is not Determination.NO_LICENCE_REQUIRED


def test_product_from_china_without_modelled_dual_use_content_is_unknown(tmp_path: Path) -> None:
    rows = [
        line(
            "M",
            item_type="finished_good",
            origin="CN",
            value=100,
            ship_from="CN",
            end_user="Echodyne",
        )
    ]
    [hit] = party(screen(tmp_path, rows, "2025-04-20"))
    assert hit.applies is None


def test_owner_on_a_list_that_reaches_affiliates_binds(tmp_path: Path) -> None:
    rows = motor(ship_from="CN", ship_to="US", end_user="Some Subsidiary")
    rows[0]["parent"] = "AeroVironment, Inc."
    [hit] = party(screen(tmp_path, rows, "2025-11-01"))
    assert hit.clause == "parent" and hit.binding is True


def test_owner_on_a_list_with_unknown_affiliate_reach_is_unknown(tmp_path: Path) -> None:
    rows = magnet(
        ship_from="CN",
        ship_to="US",
        end_user="Some Yard LLC",
        owner="Huntington Ingalls Industries",
    )
    product = screen(tmp_path, rows, "2025-10-01")
    [hit] = party(product)
    assert hit.clause == "parent" and hit.applies is None and hit.binding is None


def test_unlisted_names_give_no_party_finding(tmp_path: Path) -> None:
    product = screen(tmp_path, magnet(ship_from="CN", end_user="Acme Motors GmbH"), "2026-07-01")
    assert party(product) == []


def test_receipt_states_method_threshold_and_lists(tmp_path: Path) -> None:
    result = screen_on(load(tmp_path, motor()), RULES, LISTS, dt.date(2026, 7, 1), Options())
    stated = result.receipt.parameters["parties"]
    assert stated["threshold"] == 90.0 and "token_sort_ratio" in stated["method"]
    with (dataset_path("parties") / "entries.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert stated["lists"] == dict(sorted(Counter(r["list"] for r in rows).items()))


def test_every_shipped_entry_has_instrument_date_source_and_confidence() -> None:
    entries = shipped_listings()
    assert len({e.entry_id for e in entries}) == len(entries)
    for e in entries:
        assert e.instrument and e.effective is not None
        assert e.source_url.startswith("https://") or e.source_url.startswith("http://")
        assert e.confidence in {"H", "M", "L"}
    names = {e.name for e in entries}
    assert {"MP Materials", "USA Rare Earth"} <= names


def test_ann_61_denies_in_principle_for_a_control_list_end_user(tmp_path: Path) -> None:
    rows = magnet(ship_from="JP", ship_to="US", made_in="JP")
    rows[0]["origin"] = "JP"
    assume = Options(assume=["CN-MOFCOM-2025-61=in_force"])
    day = dt.date(2026, 11, 28)
    plain = screen_on(load(tmp_path, rows), RULES, LISTS, day, assume).products[0]
    rows[0]["end_user"] = "Huntington Ingalls Industries, Inc."
    listed = screen_on(load(tmp_path, rows), RULES, LISTS, day, assume).products[0]

    def de_minimis(product: ProductResult) -> Finding:
        return next(f for f in product.findings if f.clause == "de_minimis")

    assert de_minimis(plain).binding is True
    assert de_minimis(plain).policy is Policy.LICENCE_REQUIRED
    assert de_minimis(listed).policy is Policy.PRESUMPTION_OF_DENIAL
    assert "Export Control Control List" in de_minimis(listed).sentence


def test_unreliable_listing_with_unstated_measures_is_unknown(tmp_path: Path) -> None:
    product = screen(
        tmp_path, motor(ship_from="CN", ship_to="US", end_user="Illumina Inc"), "2025-06-01"
    )
    [hit] = party(product)
    assert hit.applies is None and "not stated" in hit.sentence
    assert product.determination is Determination.UNKNOWN


@pytest.mark.parametrize(("on", "binding"), [("2026-02-23", False), ("2026-02-24", True)])
def test_japanese_control_list_entry_by_its_chinese_name_binds_from_2026_02_24(
    tmp_path: Path, on: str, binding: bool
) -> None:
    rows = magnet(ship_from="CN", ship_to="JP", end_user="三菱重工航空發動機株式會社")
    [hit] = party(screen(tmp_path, rows, on))
    assert hit.party is not None and hit.party.listed_name.startswith("Mitsubishi Heavy")
    assert hit.binding is binding and hit.policy is Policy.PROHIBITED


@pytest.mark.parametrize(("on", "binding"), [("2026-02-23", False), ("2026-02-24", True)])
def test_watch_list_needs_a_licence_from_2026_02_24(tmp_path: Path, on: str, binding: bool) -> None:
    product = screen(tmp_path, magnet(ship_from="CN", ship_to="JP", end_user="Subaru Corp."), on)
    [hit] = party(product)
    assert hit.measure == "CN-MOFCOM-WATCH-LIST"
    assert hit.binding is binding and hit.policy is Policy.LICENCE_REQUIRED


def test_ann_61_denies_in_principle_for_a_watch_list_importer(tmp_path: Path) -> None:
    rows = magnet(ship_from="DE", ship_to="JP", made_in="DE")
    rows[0]["origin"] = "DE"
    rows[0]["importer"] = "ENEOS Corporation"
    assume = Options(assume=["CN-MOFCOM-2025-61=in_force"])
    product = screen_on(load(tmp_path, rows), RULES, LISTS, dt.date(2026, 11, 28), assume)
    finding = next(f for f in product.products[0].findings if f.clause == "de_minimis")
    assert finding.policy is Policy.PRESUMPTION_OF_DENIAL and "Watch List" in finding.sentence
