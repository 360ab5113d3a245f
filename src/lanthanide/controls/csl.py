"""US Consolidated Screening List rows as listings: each source list with its consequence.

The CSL (trade.gov) merges the Commerce, State and Treasury lists; its `source` column names the
list, e.g. "Entity List (EL) - Bureau of Industry and Security". The code in parentheses decides
the policy. Lists whose consequence lanthanide does not model are kept as a review requirement
(never cleared) and say so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from lanthanide.controls.parties import Listing
from lanthanide.controls.rule import Policy

CSL_HOME = "https://www.trade.gov/consolidated-screening-list"
_CODE = re.compile(r"\(([^()]+)\)")

#: code -> (policy, consequence) for the lists whose consequence is modelled
CONSEQUENCES: dict[str, tuple[Policy, str]] = {
    "MEU": (
        Policy.LICENCE_REQUIRED,
        "Military End-User List: a licence is required for the items of Supplement No. 2 to "
        "Part 744 (15 CFR 744.21)",
    ),
    "UVL": (
        Policy.LICENCE_REQUIRED,
        "Unverified List: licence exceptions are unavailable and a UVL statement is needed "
        "before export (15 CFR 744.15); kept here as a review requirement (uncertain)",
    ),
    "DPL": (
        Policy.PROHIBITED,
        "Denied Persons List: a denial order bars the party from exports subject to the EAR",
    ),
    "SDN": (
        Policy.PROHIBITED,
        "OFAC Specially Designated Nationals: the party's property is blocked and US persons "
        "may not deal with it",
    ),
    "DTC": (
        Policy.PROHIBITED,
        "ITAR debarred (State DDTC): the party may not take part in ITAR-controlled exports",
    ),
}


def source_code(source: str) -> str | None:
    """`Entity List (EL) - Bureau ...` -> `EL`; None when the text names no code."""
    found = _CODE.search(source)
    return found.group(1).split()[0] if found else None


def _entity_list(requirement: str, review: str) -> tuple[Policy, str]:
    text = review.casefold()
    if "denial" in text:
        policy = Policy.PRESUMPTION_OF_DENIAL
    elif "case-by-case" in text or "case by case" in text:
        policy = Policy.CASE_BY_CASE
    else:
        policy = Policy.LICENCE_REQUIRED
    scope = requirement or "the items the entry names"
    return policy, f"Entity List: a licence is required for {scope}; review policy: {review or '-'}"


def csl_listing(row: Mapping[str, str], vintage: str) -> Listing:
    """One validated CSL row (store.parties) as a listing of the import `vintage`."""
    code = source_code(row["source"]) or row["source"]
    if code == "EL":
        policy, consequence = _entity_list(
            row.get("license_requirement", ""), row.get("license_policy", "")
        )
    else:
        policy, consequence = CONSEQUENCES.get(
            code,
            (
                Policy.LICENCE_REQUIRED,
                f"{row['source']}: lanthanide does not model this list's consequence; "
                "kept as a review requirement (uncertain)",
            ),
        )
    aliases = tuple(a.strip() for a in row.get("alt_names", "").split(";") if a.strip())
    start = row.get("start_date", "")
    end = row.get("end_date", "")
    return Listing(
        list=code,
        list_title=f"{row['source']} (CSL import {vintage})",
        regime="us",
        entry_id=row.get("_id") or row.get("entity_number") or row["name"],
        name=row["name"],
        forms=(row["name"], *aliases),
        country=None,
        instrument=row.get("federal_register_notice") or row.get("programs") or row["source"],
        effective=dt.date.fromisoformat(start) if start else None,
        policy=policy,
        consequence=consequence,
        source_url=row.get("source_list_url") or row.get("source_information_url") or CSL_HOME,
        confidence="user import",
        ended=dt.date.fromisoformat(end) + dt.timedelta(days=1) if end else None,
    )
