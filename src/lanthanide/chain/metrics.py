"""Concentration metrics per stage x material x year, from the current (edition-resolved) rows.

Shares come from tonnages divided by the world total where USGS-style tonnages exist, otherwise
from published shares (IEA and others). `other` is the part of the world total not attributed to a
named country: it is listed but left out of the HHI, because it aggregates many small producers
(treating it as one producer would overstate concentration); `hhi_other_as_one` gives that upper
bound so a reader sees the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import SupportsFloat, cast

import pandas as pd

from lanthanide.chain.capacity import StageCapacity, non_china_capacity
from lanthanide.countries import OTHER, WORLD

CHINA = "CN"


@dataclass(frozen=True)
class CountryShare:
    """One country's share of a stage, with the row it came from."""

    country: str
    share: float
    value_t: float | None
    source_url: str
    confidence: str
    vintage: str
    derivation: str = ""


@dataclass(frozen=True)
class StageConcentration:
    """Concentration of one stage x material in one data year."""

    stage: str
    material: str
    year: int
    basis: str
    world_total_t: float | None
    shares: list[CountryShare]
    hhi: float
    hhi_other_as_one: float
    top1_country: str
    top1_share: float
    top3_share: float
    china_share: float
    non_china_t: float | None
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Chokepoint:
    """The most concentrated stage for one element, with the concentration that decided it."""

    element: str
    stage: str
    material: str
    year: int
    hhi: float
    china_share: float
    candidates: list[tuple[str, str, int, float]]


@dataclass(frozen=True)
class ImportReliance:
    """US net import reliance, computed from USGS components and set beside the published value."""

    year: int
    computed_pct: float | None
    published_pct: float | None
    published_qualifier: str
    formula: str
    source_url: str


@dataclass(frozen=True)
class ChainReport:
    """Everything `lanthanide chain` reports for one year."""

    year: int
    stages: list[StageConcentration]
    chokepoints: list[Chokepoint]
    import_reliance: list[ImportReliance]
    non_china_capacity: list[StageCapacity]


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index on the 0-10,000 scale from fractional shares."""
    return float(sum((100.0 * s) ** 2 for s in shares))


def _num(value: object) -> float:
    """A pandas scalar known to be numeric, as a float (pandas-stubs types cells loosely)."""
    return float(cast(SupportsFloat, value))


def _str(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def shares_from_rows(rows: pd.DataFrame) -> tuple[str, float | None, list[CountryShare]]:
    """Country shares for one stage x material x year from its current rows.

    Returns the basis used, the world total in tonnes (None for published shares) and the shares,
    largest first, with `other` last. Raises ValueError when the rows cannot give shares.
    """
    tonnes = rows[rows["metric"] == "production_t"]
    world = tonnes[tonnes["country"] == WORLD]
    if len(world) == 1:
        total = _num(world["value"].iloc[0])
        named = tonnes[~tonnes["country"].isin([WORLD, OTHER])]
        shares = [
            CountryShare(
                country=str(r.country),
                share=_num(r.value) / total,
                value_t=_num(r.value),
                source_url=str(r.source_url),
                confidence=str(r.confidence),
                vintage=str(r.vintage),
                derivation=_str(r.derivation),
            )
            for r in named.itertuples()
        ]
        residual = total - sum(s.value_t or 0.0 for s in shares)
        shares.sort(key=lambda s: -s.share)
        shares.append(
            CountryShare(
                country=OTHER,
                share=residual / total,
                value_t=residual,
                source_url=str(world["source_url"].iloc[0]),
                confidence=str(world["confidence"].iloc[0]),
                vintage=str(world["vintage"].iloc[0]),
                derivation="derived: world total minus named countries",
            )
        )
        return str(world["basis"].iloc[0]), total, shares
    published = rows[rows["metric"] == "share"]
    if published.empty:
        raise ValueError("no world total and no published shares")
    best = published.sort_values("vintage_rank", ascending=False, kind="stable")
    basis = str(best["basis"].iloc[0])
    chosen = published[published["basis"] == basis]
    shares = [
        CountryShare(
            country=str(r.country),
            share=_num(r.value),
            value_t=None,
            source_url=str(r.source_url),
            confidence=str(r.confidence),
            vintage=str(r.vintage),
            derivation=_str(r.derivation),
        )
        for r in chosen.itertuples()
    ]
    shares.sort(key=lambda s: (s.country == OTHER, -s.share))
    return basis, None, shares


def concentration(
    current: pd.DataFrame, stage: str, material: str, year: int
) -> StageConcentration:
    """Concentration metrics for one stage x material x year (exact year)."""
    rows = current[
        (current["stage"] == stage)
        & (current["material"] == material)
        & (current["year"] == year)
        & ~current["basis"].astype(str).str.startswith("projection")
    ]
    if rows.empty:
        raise ValueError(f"no data for {stage}/{material} in {year}")
    basis, total, shares = shares_from_rows(rows)
    named = [s for s in shares if s.country != OTHER]
    other = sum(s.share for s in shares if s.country == OTHER)
    ranked = sorted(named, key=lambda s: -s.share)
    china = sum(s.share for s in named if s.country == CHINA)
    china_t = sum(s.value_t or 0.0 for s in named if s.country == CHINA)
    return StageConcentration(
        stage=stage,
        material=material,
        year=year,
        basis=basis,
        world_total_t=total,
        shares=shares,
        hhi=hhi([s.share for s in named]),
        hhi_other_as_one=hhi([s.share for s in named] + [other]),
        top1_country=ranked[0].country if ranked else OTHER,
        top1_share=ranked[0].share if ranked else 0.0,
        top3_share=sum(s.share for s in ranked[:3]),
        china_share=china,
        non_china_t=None if total is None else total - china_t,
        sources=sorted({s.source_url for s in shares}),
    )


def available(current: pd.DataFrame) -> pd.DataFrame:
    """Stage x material x year combinations that can give shares (history only)."""
    history = current[~current["basis"].astype(str).str.startswith("projection")]
    usable = history[
        (history["metric"] == "share")
        | ((history["metric"] == "production_t") & (history["country"] == WORLD))
    ]
    return usable[["stage", "material", "year"]].drop_duplicates().reset_index(drop=True)


def latest_per_stage(
    current: pd.DataFrame, year: int, materials: set[str] | None = None
) -> list[StageConcentration]:
    """For each stage x material, the concentration in the latest data year <= `year`."""
    combos = available(current)
    combos = combos[combos["year"] <= year]
    if materials is not None:
        combos = combos[combos["material"].isin(materials)]
    latest = combos.sort_values("year").groupby(["stage", "material"], as_index=False).last()
    history = current[~current["basis"].astype(str).str.startswith("projection")]
    return [
        concentration(history, str(r.stage), str(r.material), int(_num(r.year)))
        for r in latest.itertuples()
    ]


def chokepoints(
    current: pd.DataFrame,
    material_elements: pd.DataFrame,
    year: int,
    elements: list[str],
    latest: list[StageConcentration] | None = None,
) -> list[Chokepoint]:
    """Per element, the stage whose latest concentration (data year <= `year`) is highest by HHI.

    `latest` is `latest_per_stage(current, year)` if the caller has it: each element's stages are
    that list's rows for the element's materials, so it is computed once, not once per element.
    """
    every = latest_per_stage(current, year) if latest is None else latest
    found = []
    for element in elements:
        materials = set(material_elements.loc[material_elements["element"] == element, "material"])
        stages = [c for c in every if c.material in materials]
        if not stages:
            continue
        top = max(stages, key=lambda c: (c.hhi, c.china_share))
        found.append(
            Chokepoint(
                element=element,
                stage=top.stage,
                material=top.material,
                year=top.year,
                hhi=top.hhi,
                china_share=top.china_share,
                candidates=[(c.stage, c.material, c.year, c.hhi) for c in stages],
            )
        )
    return found


def import_reliance(us_trade: pd.DataFrame) -> list[ImportReliance]:
    """US net import reliance = (apparent consumption - domestic production) / apparent consumption.

    USGS also nets stock changes, which it does not publish for rare earths, so the computed value
    can differ from the published one by a point or two; both are shown.
    """
    pivot = {(str(r.metric), int(_num(r.year))): r for r in us_trade.itertuples()}
    years = sorted({y for (m, y) in pivot if m == "apparent_consumption_t"})
    result = []
    for year in years:
        consumption = _num(pivot[("apparent_consumption_t", year)].value)
        production = pivot.get(("production_compounds_metals_t", year))
        published = pivot.get(("net_import_reliance_pct", year))
        computed = (
            None
            if production is None or consumption <= 0
            else 100.0 * (consumption - _num(production.value)) / consumption
        )
        result.append(
            ImportReliance(
                year=year,
                computed_pct=computed,
                published_pct=None if published is None else _num(published.value),
                published_qualifier="" if published is None else _str(published.qualifier),
                formula="(apparent consumption - US production) / apparent consumption",
                source_url=str(pivot[("apparent_consumption_t", year)].source_url),
            )
        )
    return result


def chain_report(
    current: pd.DataFrame,
    *,
    material_elements: pd.DataFrame,
    us_trade: pd.DataFrame,
    facilities: pd.DataFrame,
    year: int,
    elements: list[str],
    stage: str | None = None,
    stage_order: list[str] | None = None,
) -> ChainReport:
    """The full chain report: every stage's latest concentration, chokepoints, US reliance.

    Stages are listed in value-chain order (`stage_order`, upstream first), then by material.
    """
    materials = (
        None
        if len(elements) != 1
        else set(material_elements.loc[material_elements["element"] == elements[0], "material"])
    )
    every = latest_per_stage(current, year)
    stages = [c for c in every if materials is None or c.material in materials]
    if stage is not None:
        stages = [c for c in stages if c.stage == stage]
    order = {name: i for i, name in enumerate(stage_order or [])}
    stages.sort(key=lambda c: (order.get(c.stage, len(order)), c.stage, c.material))
    return ChainReport(
        year=year,
        stages=stages,
        chokepoints=chokepoints(current, material_elements, year, elements, every),
        import_reliance=[r for r in import_reliance(us_trade) if r.year <= year],
        non_china_capacity=[
            c
            for c in non_china_capacity(facilities, year)
            if (stage is None or c.stage == stage)
            and (materials is None or c.material in materials)
        ],
    )
