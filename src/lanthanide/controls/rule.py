"""The rule schema: one legal instrument (a measure) as validated data.

Each shipped YAML file under `data/rules/<regime>/` is one `Rule`. The engine is generic: a rule
names the `test` the engine applies (`cn_listed_items`, `cn_extraterritorial`, ...), and carries
its dates, scope, thresholds and licence policy as data, with the sources and the confidence
marks of the fact base ([V] verified, [I] inferred, [U] uncertain).
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from lanthanide.controls.country_chart import CountryChart

Confidence = Literal["V", "I", "U"]


class Status(StrEnum):
    """Where a measure stands on a given date."""

    NOT_YET_ISSUED = "not_yet_issued"
    ISSUED_NOT_EFFECTIVE = "issued_not_effective"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class Test(StrEnum):
    """The evaluation the engine runs for a measure (see `controls.evaluate`)."""

    CN_LISTED_ITEMS = "cn_listed_items"
    CN_EXTRATERRITORIAL = "cn_extraterritorial"
    CN_TECHNOLOGY = "cn_technology"
    CN_END_USER_BAN = "cn_end_user_ban"
    SUSPENSION = "suspension"
    US_DE_MINIMIS = "us_de_minimis"
    US_ADVANCED_COMPUTING = "us_advanced_computing"
    US_AFFILIATES = "us_affiliates"
    US_DFARS_MAGNETS = "us_dfars_magnets"
    US_COUNTRY_CHART = "us_country_chart"
    US_EMBARGO = "us_embargo"


class Policy(StrEnum):
    """Licence review policy a measure attaches to a transaction."""

    LICENCE_REQUIRED = "licence_required"
    CASE_BY_CASE = "case_by_case"
    PRESUMPTION_OF_DENIAL = "presumption_of_denial"
    PROHIBITED = "prohibited"
    NONE = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A citation: where a statement about the measure was read, and how sure the fact base is."""

    url: HttpUrl
    confidence: Confidence = "V"
    supports: str = ""


class Clause(_Strict):
    """A part of the instrument with its own effective date (e.g. Ann. 61's re-export clause)."""

    id: str
    effective: dt.date
    summary: str
    confidence: Confidence = "V"


class Suspension(_Strict):
    """A window during which implementation is suspended (the instrument itself stays in place).

    `from_` and `until` are inclusive. `until_latest` marks an end date the sources disagree on:
    days after `until` and up to `until_latest` have status `unknown`.
    """

    from_: dt.date = Field(alias="from")
    until: dt.date
    until_latest: dt.date | None = None
    by: str = Field(description="id of the suspending instrument")
    clauses: list[str] = Field(
        default_factory=list, description="the clauses suspended; empty = the whole instrument"
    )
    confidence: Confidence = "V"
    note: str = ""

    def covers(self, clause: str | None) -> bool:
        """Whether this window suspends `clause` (None: the instrument as a whole)."""
        return not self.clauses or (clause is not None and clause in self.clauses)

    @model_validator(mode="after")
    def _ordered(self) -> Suspension:
        if self.until < self.from_:
            raise ValueError(f"suspension ends ({self.until}) before it starts ({self.from_})")
        if self.until_latest is not None and self.until_latest < self.until:
            raise ValueError("until_latest is earlier than until")
        return self


class Scope(_Strict):
    """What a measure covers: elements x item types, control codes, HS reference codes, places."""

    elements: list[str] = Field(default_factory=list)
    item_types: list[str] = Field(default_factory=list)
    #: item types that are in scope only when they contain one of these elements
    item_types_if_elements: dict[str, list[str]] = Field(default_factory=dict)
    control_codes: dict[str, str] = Field(
        default_factory=dict, description="code -> what it covers"
    )
    control_code_confidence: dict[str, Confidence] = Field(default_factory=dict)
    hs_reference: list[str] = Field(default_factory=list)
    eccn_prefixes: list[str] = Field(default_factory=list)
    destinations: list[str] = Field(default_factory=list)
    #: destinations named by EAR Country Group (resolved through the Country Chart dataset)
    destination_groups: list[str] = Field(default_factory=list)
    #: destinations taken out of `destination_groups` when also in these groups
    except_groups: list[str] = Field(default_factory=list)
    #: EAR: the measure reaches EAR99 items too (not only items on the Commerce Control List)
    ear99: bool = False
    #: EAR: places of the end user's ultimate parent's headquarters that the measure reaches
    end_user_hq: list[str] = Field(default_factory=list)
    end_user_hq_groups: list[str] = Field(default_factory=list)
    #: parts of a destination the measure covers (a BOM names countries: these stay open)
    regions: list[str] = Field(default_factory=list)
    origins: list[str] = Field(default_factory=list, description="covered origin countries")
    end_users: list[str] = Field(default_factory=list)
    end_uses: list[str] = Field(default_factory=list)
    out_of_scope: list[str] = Field(default_factory=list)
    #: Ann. 61 Annex 1: Part I (China-origin content) and Part II (the foreign-made item)
    part_i_elements: list[str] = Field(default_factory=list)
    part_i_item_types: list[str] = Field(default_factory=list)
    part_ii_item_types: list[str] = Field(default_factory=list)
    #: item types that are Part II items when they contain a rare earth (unknown when none given)
    part_ii_item_types_if_rare_earth: list[str] = Field(default_factory=list)
    #: control code of each element's items (Ann. 18/57: Sm -> 1C902 ...), for findings
    codes_by_element: dict[str, str] = Field(default_factory=dict)
    #: destinations the measure does not reach (Ann. 61: exports to places outside China only)
    excluded_destinations: list[str] = Field(default_factory=list)
    #: end-user bans: whether transfers by third-country parties of the regime's items are caught
    third_country_transfers: Literal["yes", "no", "uncertain"] = "no"


class Threshold(_Strict):
    """A numeric test: computed value `comparison` value, with what the value is a share of."""

    value: float = Field(ge=0)
    comparison: Literal[">=", ">", "<"]
    basis: str
    destinations: list[str] = Field(
        default_factory=list, description="countries this threshold is for; empty = all others"
    )
    destination_groups: list[str] = Field(
        default_factory=list, description="EAR Country Groups this threshold is for"
    )
    confidence: Confidence = "V"


class PolicyRule(_Strict):
    """One row of the licence policy table; the first matching row wins."""

    policy: Policy
    end_users: list[str] = Field(default_factory=list)
    end_uses: list[str] = Field(default_factory=list)
    ship_from: list[str] = Field(default_factory=list)
    from_: dt.date | None = Field(default=None, alias="from")
    note: str = ""
    confidence: Confidence = "V"


class LicencePolicy(_Strict):
    """Licence review policy by end user and end use, with a default."""

    default: Policy
    rules: list[PolicyRule] = Field(default_factory=list)


class Rule(_Strict):
    """One legal instrument with its dates, scope, thresholds, policy and citations."""

    id: str = Field(pattern=r"^[A-Z]{2}-[A-Z0-9.-]+$")
    regime: Literal["cn", "us"]
    authority: str
    instrument: str
    title: str
    test: Test
    issued: dt.date | None = Field(
        default=None, description="None: long-standing, date not in the fact base"
    )
    effective: dt.date | None = None
    clauses: list[Clause] = Field(default_factory=list)
    suspensions: list[Suspension] = Field(default_factory=list)
    after_last_suspension: Literal["unknown", "in_force"] = "unknown"
    expires: dt.date | None = Field(default=None, description="last day in force (inclusive)")
    suspends: list[str] = Field(default_factory=list, description="ids this instrument suspends")
    scope: Scope = Field(default_factory=Scope)
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    policy: LicencePolicy
    sources: list[Source] = Field(min_length=1)
    #: whether the official publication (ministry, gazette, legislature) was found; when it was,
    #: the first source is it; when not, the note says what was searched and what stands in
    official_source_found: bool | None = Field(
        default=None, description="None: not yet stated (tests/controls/test_rule_sources.py)"
    )
    official_source_note: str = ""
    uncertain: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.issued and self.effective and self.effective < self.issued:
            raise ValueError(f"effective {self.effective} is before issued {self.issued}")
        for clause in self.clauses:
            if self.issued and clause.effective < self.issued:
                raise ValueError(f"clause {clause.id} is effective before the instrument is issued")
        for a in self.assumptions:
            if not a.startswith("assumption:"):
                raise ValueError(f"assumptions must be labelled 'assumption:': {a!r}")
        windows = sorted(self.suspensions, key=lambda s: s.from_)
        for before, after in itertools.pairwise(windows):
            if after.from_ <= (before.until_latest or before.until):
                raise ValueError("suspension windows overlap")
        known = {c.id for c in self.clauses}
        for window in self.suspensions:
            for name in window.clauses:
                if name not in known:
                    raise ValueError(f"suspension by {window.by} names unknown clause {name!r}")
        if self.official_source_found is False and not self.official_source_note.strip():
            raise ValueError("official_source_found is false: say why in official_source_note")
        return self

    @property
    def source_url(self) -> str:
        """The first (primary) citation."""
        return str(self.sources[0].url)

    def clause(self, clause_id: str) -> Clause | None:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        return None


class RuleSet(_Strict):
    """All measures the engine knows, by id, with the sha256 of each source file."""

    rules: dict[str, Rule]
    hashes: dict[str, str] = Field(default_factory=dict, description="file name -> sha256")
    #: the EAR Commerce Country Chart dataset the US measures read (None: not loaded)
    chart: CountryChart | None = None

    @model_validator(mode="after")
    def _cross_references(self) -> RuleSet:
        for rule in self.rules.values():
            for window in rule.suspensions:
                suspender = self.rules.get(window.by)
                if suspender is None:
                    raise ValueError(f"{rule.id}: suspension by unknown measure {window.by}")
                if rule.id not in suspender.suspends:
                    raise ValueError(f"{rule.id}: {window.by} does not list it in `suspends`")
        return self
