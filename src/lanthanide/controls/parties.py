"""Party screening: the shipment's names against China's lists and imported US screening lists.

The names of a product are its `end_user`, `importer` and `parent` (the >= 50% owner of the end
user or importer). Each name that matches a listed party (see `controls.names`) is a finding with
the list, the listed name, the score and the list's policy; whether the listing binds depends on
the date (listed, suspended, ended) and on what the list restricts:

- China's Export Control Control List prohibits exports of dual-use items from China to the party
  (the Watch List requires an individual licence for them; its scope is tested the same way):
  it applies to a product shipped from China that is or holds a controlled item (the engine knows
  only the rare-earth items, so a product from China with none is `unknown`), and, for listings
  whose announcement bars parties worldwide, to China-origin controlled content shipped from
  anywhere; other foreign shipments with China-origin content are `unknown` (uncertain).
- The Unreliable Entity List bars the party's China-related imports and exports: it applies to a
  product shipped from or to China.
- US lists (from an imported Consolidated Screening List): Entity List, MEU, Unverified and Denied
  Persons List restrictions apply to items subject to the EAR; OFAC and State lists apply always.

A match on the `parent` column binds only where the list is known to reach affiliates; else it is
`unknown` (uncertain), never cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lanthanide.bom.model import COUNTRY_CODE, Bom
from lanthanide.controls.names import MATCH_THRESHOLD, METHOD, Hit, NameIndex
from lanthanide.controls.result import (
    Finding,
    PartyMatch,
    ProductResult,
    Screening,
    binding,
    determine,
)
from lanthanide.controls.rule import Policy, RuleSet, Status

CONTROL_LIST = "cn_control_list"
WATCH_LIST = "cn_watch_list"
UNRELIABLE = "cn_unreliable_entity_list"
#: lists that restrict exports of dual-use items from China to the party
DUAL_USE_LISTS = frozenset({CONTROL_LIST, WATCH_LIST})
#: US lists whose restrictions reach only items subject to the EAR
EAR_LISTS = frozenset({"EL", "MEU", "UVL", "DPL"})
FIELDS = ("end_user", "importer", "parent")
#: the finding's `measure` per list (US lists: US-CSL-<source code>)
MEASURE = {
    CONTROL_LIST: "CN-MOFCOM-CONTROL-LIST",
    WATCH_LIST: "CN-MOFCOM-WATCH-LIST",
    UNRELIABLE: "CN-MOFCOM-UEL",
}
US_DE_MINIMIS = "US-EAR-734.4"


@dataclass(frozen=True)
class Listing:
    """One listed party with the dates, policy and source of its listing."""

    list: str
    list_title: str
    regime: str  # "cn" or "us"
    entry_id: str
    name: str
    forms: tuple[str, ...]  # every form to match: name, Chinese name, aliases
    country: str | None
    instrument: str
    effective: dt.date | None
    policy: Policy
    consequence: str
    source_url: str
    confidence: str
    suspended_from: dt.date | None = None
    suspended_until: dt.date | None = None
    ended: dt.date | None = None
    affiliates: bool | None = None  # True: reaches >= 50% owned affiliates; None: uncertain
    third_party: bool = False
    measures_known: bool = True  # False: the instrument did not state the measures taken

    @property
    def measure(self) -> str:
        return MEASURE.get(self.list, f"US-CSL-{self.list}")

    def status(self, on: dt.date) -> Status:
        """Where the listing stands on `on`; after a suspension with no known end: unknown."""
        if self.effective is not None and on < self.effective:
            return Status.NOT_YET_ISSUED
        if self.ended is not None and on >= self.ended:
            return Status.EXPIRED
        if self.suspended_from is not None and self.suspended_from <= on:
            if self.suspended_until is None or on <= self.suspended_until:
                return Status.SUSPENDED
            return Status.UNKNOWN
        return Status.IN_FORCE


class PartyLists:
    """All listings to screen against, with their name index (built once per run)."""

    def __init__(self, listings: Sequence[Listing], threshold: float = MATCH_THRESHOLD) -> None:
        self.listings = tuple(listings)
        self.index = NameIndex([entry.forms for entry in self.listings], threshold)

    @property
    def threshold(self) -> float:
        return self.index.threshold

    def receipt(self) -> dict[str, object]:
        """What the receipt says about party screening: method, threshold, lists and sizes."""
        sizes: dict[str, int] = {}
        for entry in self.listings:
            sizes[entry.list] = sizes.get(entry.list, 0) + 1
        return {
            "method": METHOD.format(threshold=self.threshold),
            "threshold": self.threshold,
            "fields": list(FIELDS),
            "lists": dict(sorted(sizes.items())),
        }


@dataclass(frozen=True)
class Shipment:
    """The facts of one product a party listing's scope depends on."""

    ship_from: str | None
    ship_to: str | None
    cn_content: bool  # holds China-origin controlled (Part I) content
    cn_listed: bool  # a Chinese listed-item measure applies to the product itself
    subject_to_ear: bool | None


def _shipment(product: ProductResult, made_in_us: bool) -> Shipment:
    listed = any(
        f.applies and f.measure.startswith("CN-") and f.party is None for f in product.findings
    )
    ear: bool | None = made_in_us or product.ship_from == "US"
    if not ear:
        tests = [f.applies for f in product.findings if f.measure == US_DE_MINIMIS]
        ear = True if True in tests else (None if None in tests else False)
    return Shipment(
        ship_from=product.ship_from,
        ship_to=product.ship_to,
        cn_content=product.cn_controlled_share > 0,
        cn_listed=listed,
        subject_to_ear=ear,
    )


def _control_list(entry: Listing, s: Shipment) -> tuple[bool | None, str]:
    if s.ship_from == "CN":
        if s.cn_listed or s.cn_content:
            return True, "The product ships from China and is or holds a controlled item."
        return None, (
            "The product ships from China; uncertain: whether it is a dual-use item on China's "
            "control list is not decided here (the engine knows the rare-earth items only)."
        )
    if not s.cn_content:
        return (
            False,
            "The product neither ships from China nor holds China-origin controlled items.",
        )
    if entry.third_party:
        return True, (
            "It holds China-origin controlled items, and the listing bars parties worldwide from "
            "transferring China-origin dual-use items to the listed party."
        )
    return None, (
        "It holds China-origin controlled items shipped from outside China; uncertain: the "
        "sources found do not say whether this listing bars such transfers (Ann. 61 Art. 2, when "
        "in force, denies them in principle)."
    )


def _unreliable(s: Shipment) -> tuple[bool | None, str]:
    if "CN" in (s.ship_from, s.ship_to):
        return True, "The shipment leaves from or goes to China: a China-related trade."
    if s.ship_from is None or s.ship_to is None:
        return None, "Where the shipment leaves from or goes to is not given."
    return False, "The shipment neither leaves from nor goes to China."


def _us_list(entry: Listing, s: Shipment) -> tuple[bool | None, str]:
    if entry.list not in EAR_LISTS:
        return True, "The list's restrictions do not depend on the item."
    if s.subject_to_ear:
        return True, "The product is subject to the EAR."
    if s.subject_to_ear is None:
        return None, "Whether the product is subject to the EAR is unknown."
    return False, "The product is not subject to the EAR."


def _scope(entry: Listing, s: Shipment, field: str) -> tuple[bool | None, str]:
    if entry.list in DUAL_USE_LISTS:
        applies, why = _control_list(entry, s)
    elif entry.list == UNRELIABLE:
        applies, why = _unreliable(s)
        if applies and not entry.measures_known:
            applies, why = (
                None,
                why
                + (" Uncertain: the measures taken against this party were not stated at listing."),
            )
    else:
        applies, why = _us_list(entry, s)
    if field == "parent" and applies and entry.affiliates is not True:
        return None, why + (
            " The match is on the owner (parent); uncertain: the sources found do not say "
            "whether this listing reaches >= 50% owned affiliates."
        )
    return applies, why


def _finding(entry: Listing, hit: Hit, field: str, s: Shipment, on: dt.date) -> Finding:
    status = entry.status(on)
    applies, why = _scope(entry, s, field)
    when = f"from {entry.effective}" if entry.effective else "(date not given)"
    sentence = (
        f"The {field.replace('_', ' ')} {hit.query!r} matches {entry.name!r} on "
        f"{entry.list_title} ({entry.instrument}, {when}) with score {hit.score:.1f} "
        f"(hit at >= {MATCH_THRESHOLD:g}; confirm the identity). {why} "
        f"Consequence: {entry.consequence}."
    )
    if status is not Status.IN_FORCE:
        sentence += f" On {on} the listing's status is {status.value}."
    return Finding(
        measure=entry.measure,
        clause=field,
        status=status,
        assumed=False,
        applies=applies,
        binding=binding(status, applies),
        policy=entry.policy if applies is not False else Policy.NONE,
        value=hit.score,
        threshold=MATCH_THRESHOLD,
        comparison=">=",
        sentence=sentence,
        source_url=entry.source_url,
        party=PartyMatch(
            list=entry.list,
            list_title=entry.list_title,
            entry_id=entry.entry_id,
            listed_name=entry.name,
            matched_form=hit.form,
            query=hit.query,
            field=field,
            score=hit.score,
            instrument=entry.instrument,
            effective=entry.effective.isoformat() if entry.effective else None,
            confidence=entry.confidence,
        ),
    )


#: how restrictive a policy is, to take the stricter of two
STRICTNESS = {
    Policy.NONE: 0,
    Policy.LICENCE_REQUIRED: 1,
    Policy.CASE_BY_CASE: 2,
    Policy.PRESUMPTION_OF_DENIAL: 3,
    Policy.PROHIBITED: 4,
}
#: the end-user flag of a rule's policy table that a hit on each list stands for
LISTED_FLAG = {CONTROL_LIST: "control_list", WATCH_LIST: "watch_list"}


def _listed_policy(
    findings: Sequence[Finding], found: Sequence[Finding], rules: RuleSet | None
) -> list[Finding]:
    """`findings` with the listed-party policy row applied where a control- or watch-list hit
    may bind (the control list's first, being the stricter list)."""
    listed = sorted(
        (
            f
            for f in found
            if f.party is not None
            and f.party.list in LISTED_FLAG
            and f.status in {Status.IN_FORCE, Status.UNKNOWN}
        ),
        key=lambda f: f.party is None or f.party.list != CONTROL_LIST,
    )
    if not listed or rules is None:
        return list(findings)
    who = listed[0].party
    assert who is not None
    return [_stricter(f, rules, who) for f in findings]


def _stricter(f: Finding, rules: RuleSet, who: PartyMatch) -> Finding:
    """The finding with its rule's listed-party policy, when that is stricter."""
    rule = rules.rules.get(f.measure)
    if rule is None or not f.applies:
        return f
    flag = LISTED_FLAG[who.list]
    row = next((r for r in rule.policy.rules if flag in r.end_users), None)
    if row is None or STRICTNESS[row.policy] <= STRICTNESS[f.policy]:
        return f
    because = (
        f" Policy: {row.policy.value} because the {who.field.replace('_', ' ')} matches "
        f"{who.listed_name!r} on {who.list_title} ({row.note})."
    )
    return f.model_copy(update={"policy": row.policy, "sentence": f.sentence + because})


def product_names(bom: Bom, end_user_default: str | None) -> list[dict[str, str]]:
    """Per product, the names to screen: field -> name (BOM value, else the CLI default)."""
    out: list[dict[str, str]] = []
    columns = {"end_user": bom.end_user, "importer": bom.importer, "parent": bom.owner}
    for p in range(bom.n_products):
        names: dict[str, str] = {}
        for field, codes in columns.items():
            code = int(codes[p]) if codes is not None else -1
            if code >= 0:
                names[field] = bom.label_names[code]
        if "end_user" not in names and end_user_default:
            names["end_user"] = end_user_default
        out.append(names)
    return out


def screen_parties(
    screening: Screening,
    bom: Bom,
    lists: PartyLists,
    on: dt.date,
    *,
    end_user_default: str | None = None,
    rules: RuleSet | None = None,
) -> Screening:
    """`screening` with a finding per party-list hit added and each determination recomputed.

    With `rules`, a measure whose policy table has a row for parties on China's control list
    (Ann. 61 Art. 2: denied in principle, including >= 50% owned subsidiaries) gets that policy
    on the products whose end user, importer or owner is on the list. The receipt gains the
    matching method, threshold and list sizes.
    """
    made_in_us = bom.made_in_or_origin()[bom.root] == COUNTRY_CODE["US"]
    names = product_names(bom, end_user_default)
    hits = lists.index.match([n for product in names for n in product.values()])
    by_query: dict[str, list[Hit]] = {}
    for hit in hits:
        by_query.setdefault(hit.query, []).append(hit)
    products = list(screening.products)
    for p, product in enumerate(screening.products):
        matched = [
            (field, hit)
            for field in FIELDS
            if field in names[p]
            for hit in by_query.get(names[p][field], [])
        ]
        if not matched:
            continue  # most products: nothing to add, nothing to copy
        shipment = _shipment(product, bool(made_in_us[p]))
        found = [_finding(lists.listings[h.owner], h, f, shipment, on) for f, h in matched]
        findings = [*_listed_policy(product.findings, found, rules), *found]
        products[p] = product.model_copy(
            update={"findings": findings, "determination": determine(findings)}
        )
    parameters = {**screening.receipt.parameters, "parties": lists.receipt()}
    receipt = screening.receipt.model_copy(update={"parameters": parameters})
    return screening.model_copy(update={"products": products, "receipt": receipt})
