"""The EAR licence test of 15 CFR 738.4: does an item of this ECCN need a licence to this place?

An item subject to the EAR needs a licence when a reason for control of its ECCN (the entry's
License Requirements table in the CCL, part 774) points to a Commerce Country Chart column (part
738) that is marked for the destination, or to a rule stated in Country Groups (part 740) that
takes it in. Subject to the EAR is not the same as licence required: this module answers the second
question, for one ECCN and one destination, from the shipped `us-country-chart` dataset.

Answers are three-valued. `True`: a row applies and its destination rule takes the destination in.
`False`: every row of a held entry was tested and none takes it in. `None`: the dataset does not
hold the ECCN or the destination, a row depends on a fact the BOM does not carry (a conditional
row, a paragraph the ECCN given does not reach down to), or the row refers to text not held. An
unknown is never read as "no licence required".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal["entire", "only", "except"]
EAR99 = "EAR99"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Destinations(_Frozen):
    """A destination rule stated in a CCL row instead of a chart column."""

    worldwide: bool = False
    groups: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    plus: tuple[str, ...] = ()
    unheld: bool = False

    @classmethod
    def parse(cls, text: str) -> Destinations | None:
        """`worldwide`, `unheld` or `groups=D:1,D:4;minus=A:5;plus=AE`; None for an empty cell."""
        text = text.strip()
        if not text:
            return None
        if text in {"worldwide", "unheld"}:
            return cls(**{text: True})
        parts: dict[str, tuple[str, ...]] = {}
        for part in text.split(";"):
            key, _, values = part.partition("=")
            if key not in {"groups", "minus", "plus"} or not values:
                raise ValueError(f"destination rule {text!r}: bad part {part!r}")
            parts[key] = tuple(v.strip() for v in values.split(","))
        return cls(**parts)

    def words(self) -> str:
        """The rule in words, for sentences (generated from the data, not written twice)."""
        if self.worldwide:
            return "any destination worldwide"
        text = "Country Groups " + ", ".join(self.groups) if self.groups else ""
        if self.minus:
            text += " less those also in " + " or ".join(self.minus)
        if self.plus:
            text += (" and " if text else "") + ", ".join(self.plus)
        return text


class ControlRow(_Frozen):
    """One line of an ECCN's License Requirements table ("NS applies to ...")."""

    eccn: str
    reason: str
    mode: Mode
    paragraphs: tuple[str, ...] = ()
    conditional: bool = False
    column: str = ""
    destinations: Destinations | None = None
    text: str = ""

    @property
    def code(self) -> str:
        """The control code a finding names: the chart column (NS2), else the reason (RS)."""
        return self.column or self.reason


class CountryChart(_Frozen):
    """The Country Chart rows, Country Group memberships and CCL rows held, with provenance."""

    columns: dict[str, frozenset[str]] = Field(description="destination -> marked columns")
    part_746: frozenset[str] = Field(description="destinations the chart does not govern")
    groups: dict[str, frozenset[str]] = Field(description="destination -> Country Groups")
    controls: dict[str, tuple[ControlRow, ...]] = Field(description="ECCN head -> rows")
    source: str = Field(description="dataset name@version")
    source_url: str

    def members(self, group: str) -> list[str]:
        """Destinations held in a Country Group, sorted (for sentences and rule scopes)."""
        return sorted(c for c, held in self.groups.items() if group in held)

    def in_groups(self, country: str, rule: Destinations) -> bool | None:
        """Whether a destination falls under a row's destination rule; None if not held."""
        if rule.unheld:
            return None
        if rule.worldwide or country in rule.plus:
            return True
        held = self.groups.get(country)
        if held is None:
            return None
        return bool(held & set(rule.groups)) and not held & set(rule.minus)


@dataclass(frozen=True)
class Answer:
    """The licence answer for one ECCN and destination, with the rows that decided it."""

    required: bool | None
    codes: tuple[str, ...]
    reason: str


def split_eccn(eccn: str) -> tuple[str, tuple[str, ...]]:
    """`3A001.a.5.a` -> (`3A001`, (`a`, `5`, `a`))."""
    head, _, rest = eccn.partition(".")
    return head, tuple(rest.split(".")) if rest else ()


def _reaches(path: tuple[str, ...], paragraph: str) -> bool | None:
    """Whether an item classified at `path` falls under a row paragraph; None when too coarse."""
    target = tuple(paragraph.split("."))
    if path[: len(target)] == target:
        return True
    if target[: len(path)] == path:
        return None  # the BOM gives 3A001.b; the row names 3A001.b.2
    return False


def _applies(row: ControlRow, path: tuple[str, ...]) -> bool | None:
    if row.mode == "entire":
        hit: bool | None = True
    else:
        tests = [_reaches(path, p) for p in row.paragraphs]
        named = True if True in tests else (None if None in tests else False)
        hit = named if row.mode == "only" else (None if named is None else not named)
    if hit and row.conditional:
        return None
    return hit


def licence_needed(chart: CountryChart, eccn: str, destination: str) -> Answer:
    """Does an item of `eccn` need a licence to `destination` under the Country Chart?"""
    if eccn == EAR99:
        return Answer(False, (), "EAR99 items need no licence under the Country Chart")
    head, path = split_eccn(eccn)
    rows = chart.controls.get(head)
    if rows is None:
        return Answer(None, (), f"ECCN {head} is not held in {chart.source}")
    if destination in chart.part_746:
        return Answer(None, (), f"the Country Chart does not govern {destination} (see Part 746)")
    marked = chart.columns.get(destination)
    required: list[str] = []
    open_: list[str] = []
    open_rows: list[ControlRow] = []
    for row in rows:
        applies = _applies(row, path)
        if applies is False:
            continue
        if row.destinations is not None:
            takes: bool | None = chart.in_groups(destination, row.destinations)
        else:
            takes = None if marked is None else row.column in marked
        if takes is False:
            continue
        if applies and takes:
            required.append(row.code)
        else:
            open_.append(row.code)
            open_rows.append(row)
    if required:
        return Answer(True, tuple(required), _words(eccn, destination, required, "needs"))
    if marked is None:
        return Answer(
            None, tuple(open_), f"destination {destination} is not held in {chart.source}"
        )
    if open_:
        why = _words(eccn, destination, open_, "may need") + (
            f" (the row depends on a fact the BOM does not give: {open_rows[0].text})"
        )
        return Answer(None, tuple(open_), why)
    return Answer(False, (), f"no reason for control of {eccn} is marked for {destination}")


def _words(eccn: str, destination: str, codes: list[str], verb: str) -> str:
    return f"{eccn} {verb} a licence to {destination} ({', '.join(dict.fromkeys(codes))})"
