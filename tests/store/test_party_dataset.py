"""The shipped party-list dataset: checksums, provenance on every row, dates that parse."""

from __future__ import annotations

import csv
import datetime as dt

from lanthanide.store.datasets import dataset_path, verify_dataset

FOLDER = dataset_path("parties")
DATES = ("announced", "effective", "suspended_from", "suspended_until", "ended")


def rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_file_matches_its_sha256() -> None:
    package = verify_dataset(FOLDER)
    assert {r.name for r in package.resources} == {"lists", "entries"}


def test_every_entry_names_its_list_instrument_dates_source_and_confidence() -> None:
    lists = {r["list"] for r in rows("lists.csv")}
    entries = rows("entries.csv")
    assert len({e["id"] for e in entries}) == len(entries)
    for e in entries:
        assert e["list"] in lists and e["name"] and e["instrument"]
        assert e["source_url"].startswith(("https://", "http://"))
        assert e["confidence"] in {"H", "M", "L"} and e["derivation"]
        parsed = {k: dt.date.fromisoformat(e[k]) for k in DATES if e[k]}
        assert parsed["announced"] <= parsed["effective"]
        if "suspended_from" in parsed:
            assert parsed["effective"] <= parsed["suspended_from"] <= parsed["suspended_until"]
        if "ended" in parsed:
            assert parsed["ended"] > parsed.get("suspended_until", parsed["effective"])


def test_the_june_2026_listing_of_mp_materials_and_usa_rare_earth_is_shipped() -> None:
    june = {e["name"]: e for e in rows("entries.csv") if e["announced"] == "2026-06-22"}
    assert {"MP Materials", "USA Rare Earth"} <= set(june)
    assert all(e["list"] == "cn_control_list" and e["third_party"] == "yes" for e in june.values())
