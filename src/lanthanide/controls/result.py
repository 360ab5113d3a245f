"""The screening result: per product a determination, findings per measure, and re-sourcing.

These models are the JSON contract of `lanthanide screen --format json`:
`{"receipt": {...}, "products": [{"product_id", "determination", "cn_controlled_share",
"findings": [{"measure", "status", "applies", "policy", ...}], "resourcing": ...}]}`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from lanthanide.controls.rule import Policy, Status
from lanthanide.receipt import Receipt


class Determination(StrEnum):
    """The overall answer for one product on one date (see `RESTRICTIVENESS` for their order)."""

    LICENCE_REQUIRED = "licence_required"
    NO_LICENCE_REQUIRED = "no_licence_required"
    PROHIBITED = "prohibited"
    UNKNOWN = "unknown"


#: how restrictive each determination is, least first (properties: adding content never lowers it)
RESTRICTIVENESS: tuple[Determination, ...] = (
    Determination.NO_LICENCE_REQUIRED,
    Determination.UNKNOWN,
    Determination.LICENCE_REQUIRED,
    Determination.PROHIBITED,
)


class Line(BaseModel):
    """A BOM line that decided a finding, with where it is in the file."""

    line_id: str
    file_line: int
    item_type: str
    origin: str
    value_usd: float = Field(description="the line's contribution to the computed value, USD")
    share: float | None = Field(
        default=None, description="upstream findings: the line's own share against the threshold"
    )


class PartyMatch(BaseModel):
    """A name of the shipment (end user, importer or their owner) found on a party list."""

    list: str = Field(description="list id, e.g. cn_control_list or a US CSL source code")
    list_title: str
    entry_id: str
    listed_name: str = Field(description="the name as the list prints it")
    matched_form: str = Field(description="the listed form (name, Chinese name or alias) matched")
    query: str = Field(description="the name in the BOM (or the default end user) that matched")
    field: str = Field(description="end_user, importer or parent")
    score: float = Field(description="rapidfuzz score 0-100 of the normalised names")
    instrument: str
    effective: str | None
    confidence: str


class Finding(BaseModel):
    """One measure (or clause) tested against one product."""

    measure: str
    clause: str | None = None
    status: Status
    assumed: bool = Field(description="status comes from an assumption the user stated")
    applies: bool | None = Field(
        description="the product falls within the measure's scope and threshold; "
        "null when a fact the test needs is missing from the BOM"
    )
    binding: bool | None = Field(
        description="applies and in force on the date; null when status or applies is unknown"
    )
    policy: Policy
    value: float | None = None
    threshold: float | None = None
    comparison: str | None = None
    deciding_lines: list[Line] = Field(default_factory=list)
    deciding_lines_total: int = 0
    sentence: str
    source_url: str
    control_codes: list[str] = Field(
        default_factory=list, description="the measure's control codes the finding is about"
    )
    warnings: list[str] = Field(
        default_factory=list, description="facts in the BOM that disagree or leave a doubt"
    )
    uncertain: list[str] = Field(
        default_factory=list, description="points the legal text leaves open that bear on this"
    )
    upstream: bool = Field(
        default=False,
        description="about lines inside the product, not the product itself: `applies` is the "
        "lines' own test, `binding` is false and the product's determination ignores it",
    )
    party: PartyMatch | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="for a party-list finding: the list entry that matched (absent otherwise)",
    )


class ResourcingResult(BaseModel):
    """Fewest lines to move to a non-Chinese source to bring the share under the threshold."""

    measure: str
    threshold: float
    share_before: float
    share_after: float
    moved_value_usd: float
    lines: list[str]
    lines_total: int


class ProductResult(BaseModel):
    """Everything screened for one product."""

    product_id: str
    determination: Determination
    value_usd: float
    cn_controlled_share: float
    us_controlled_share: float
    ship_from: str | None
    ship_to: str | None
    end_user: str | None
    end_use: str | None
    findings: list[Finding]
    resourcing: ResourcingResult | None = None


class Screening(BaseModel):
    """A whole screening run: the receipt and one result per product."""

    receipt: Receipt
    products: list[ProductResult]


def determine(findings: list[Finding]) -> Determination:
    """Combine findings: prohibited > licence_required > unknown > no_licence_required.

    A binding finding with policy `prohibited` (an end-user ban) makes the product prohibited;
    a presumption of denial is still a licence requirement. Upstream findings (about lines
    inside the product) are reported but do not decide the product.
    """
    own = [f for f in findings if not f.upstream]
    binding = [f for f in own if f.binding]
    if any(f.policy is Policy.PROHIBITED for f in binding):
        return Determination.PROHIBITED
    if binding:
        return Determination.LICENCE_REQUIRED
    if any(f.binding is None for f in own):
        return Determination.UNKNOWN
    return Determination.NO_LICENCE_REQUIRED


def binding(status: Status, applies: bool | None) -> bool | None:
    """Whether a finding binds: applies and in force; unknown if either is unknown."""
    if applies is False or status in {
        Status.NOT_YET_ISSUED,
        Status.ISSUED_NOT_EFFECTIVE,
        Status.SUSPENDED,
        Status.EXPIRED,
    }:
        return False
    if applies is None or status is Status.UNKNOWN:
        return None
    return True
