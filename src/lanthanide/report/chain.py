"""Render chain results: a rich table for terminals, the JSON contract, CSV, and a PNG plot."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from lanthanide.chain import ChainReport, StageConcentration
from lanthanide.receipt import Receipt
from lanthanide.report.cells import SafeWriter


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def stage_dict(c: StageConcentration) -> dict[str, Any]:
    """The JSON contract for one stage: stage, year, hhi, top3_share, shares[...]."""
    return {
        "stage": c.stage,
        "material": c.material,
        "year": c.year,
        "basis": c.basis,
        "hhi": _r(c.hhi, 1),
        "hhi_other_as_one": _r(c.hhi_other_as_one, 1),
        "top1_country": c.top1_country,
        "top1_share": _r(c.top1_share),
        "top3_share": _r(c.top3_share),
        "china_share": _r(c.china_share),
        "world_total_t": c.world_total_t,
        "non_china_t": c.non_china_t,
        "shares": [
            {
                "country": s.country,
                "share": _r(s.share, 6),
                "value_t": s.value_t,
                "source_url": s.source_url,
                "confidence": s.confidence,
                "vintage": s.vintage,
                "derivation": s.derivation,
            }
            for s in c.shares
        ],
        "sources": c.sources,
    }


def stage_json(c: StageConcentration, receipt: Receipt) -> str:
    """JSON for `chain --stage S --year Y`."""
    return json.dumps({**stage_dict(c), "receipt": receipt.model_dump()}, indent=2)


def report_json(report: ChainReport, receipt: Receipt) -> str:
    """JSON for the full chain report."""
    return json.dumps(
        {
            "year": report.year,
            "stages": [stage_dict(c) for c in report.stages],
            "chokepoints": [dataclasses.asdict(c) for c in report.chokepoints],
            "us_import_reliance": [dataclasses.asdict(r) for r in report.import_reliance],
            "non_china_capacity": [dataclasses.asdict(c) for c in report.non_china_capacity],
            "receipt": receipt.model_dump(),
        },
        indent=2,
    )


def shares_csv(stages: list[StageConcentration]) -> str:
    """One CSV row per stage x country share."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(
        [
            "stage",
            "material",
            "year",
            "country",
            "share",
            "value_t",
            "hhi",
            "top3_share",
            "confidence",
            "source_url",
        ]
    )
    for c in stages:
        for s in c.shares:
            writer.writerow(
                [
                    c.stage,
                    c.material,
                    c.year,
                    s.country,
                    f"{s.share:.6f}",
                    "" if s.value_t is None else s.value_t,
                    f"{c.hhi:.1f}",
                    f"{c.top3_share:.4f}",
                    s.confidence,
                    s.source_url,
                ]
            )
    return buffer.getvalue()


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def report_table(report: ChainReport, width: int = 120) -> str:
    """Terminal tables: stage concentration, chokepoints by element, US import reliance."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    stages = Table(title=f"Concentration by stage (latest data year <= {report.year})")
    for name in (
        "stage",
        "material",
        "year",
        "HHI",
        "China",
        "top-1",
        "top-3",
        "largest shares",
        "conf.",
    ):
        stages.add_column(
            name, justify="right" if name in ("year", "HHI", "China", "top-3") else "left"
        )
    for c in report.stages:
        named = [s for s in c.shares if s.country != "other"][:4]
        stages.add_row(
            c.stage,
            c.material,
            str(c.year),
            f"{c.hhi:,.0f}",
            _pct(c.china_share),
            c.top1_country,
            _pct(c.top3_share),
            ", ".join(f"{s.country} {_pct(s.share)}" for s in named),
            "/".join(sorted({s.confidence for s in c.shares})),
        )
    console.print(stages)
    chokes = Table(title="Chokepoint per element (stage with the highest HHI)")
    for name in ("element", "stage", "material", "data year", "HHI", "China"):
        chokes.add_column(name)
    for k in report.chokepoints:
        chokes.add_row(
            k.element, k.stage, k.material, str(k.year), f"{k.hhi:,.0f}", _pct(k.china_share)
        )
    console.print(chokes)
    if report.non_china_capacity:
        cap = Table(title=f"Non-China capacity by stage in {report.year} (t/yr, facility list)")
        for name in ("stage", "material", "running", "pipeline", "next to start"):
            cap.add_column(name, justify="right" if name in ("running", "pipeline") else "left")
        for sc in report.non_china_capacity:
            upcoming = [f for f in sc.pipeline if f.capacity_t][:2]
            cap.add_row(
                sc.stage,
                sc.material,
                f"{sc.running_t:,.0f}",
                f"{sc.pipeline_t:,.0f}",
                "; ".join(
                    f"{f.company} {f.capacity_t:,.0f} ({f.start or 'no date'})" for f in upcoming
                ),
            )
        console.print(cap)
    if report.import_reliance:
        nir = Table(title="US net import reliance, RE compounds and metals (USGS)")
        for name in ("year", "computed", "published"):
            nir.add_column(name, justify="right")
        for r in report.import_reliance:
            nir.add_row(
                str(r.year),
                "" if r.computed_pct is None else f"{r.computed_pct:.0f}%",
                "" if r.published_pct is None else f"{r.published_qualifier}{r.published_pct:.0f}%",
            )
        console.print(nir)
        console.print(f"computed = {report.import_reliance[0].formula}")
    return console.export_text()


def stage_table(c: StageConcentration, width: int = 120) -> str:
    """Terminal table for one stage."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    table = Table(
        title=f"{c.stage} / {c.material} {c.year}: HHI {c.hhi:,.0f}, China {_pct(c.china_share)}, "
        f"top-3 {_pct(c.top3_share)}"
    )
    for name in ("country", "share", "tonnes", "conf.", "source"):
        table.add_column(name)
    for s in c.shares:
        table.add_row(
            s.country,
            _pct(s.share),
            "" if s.value_t is None else f"{s.value_t:,.0f}",
            s.confidence,
            s.source_url,
        )
    console.print(table)
    return console.export_text()


def shares_png(stages: list[StageConcentration]) -> bytes:
    """Horizontal stacked bars of country shares by stage, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 1.4 + 0.6 * len(stages)))
    labels = []
    palette = {
        "CN": "#c0392b",
        "US": "#2e86c1",
        "AU": "#27ae60",
        "MM": "#8e44ad",
        "MY": "#f39c12",
        "JP": "#16a085",
        "other": "#bbbbbb",
    }
    seen: set[str] = set()
    for i, c in enumerate(stages):
        left = 0.0
        labels.append(f"{c.stage} ({c.material}, {c.year})")
        for s in c.shares:
            color = palette.get(s.country, "#7f8c8d")
            label = s.country if s.country in palette and s.country not in seen else None
            if label:
                seen.add(s.country)
            ax.barh(i, s.share, left=left, color=color, edgecolor="white", label=label)
            if s.share >= 0.05:
                ax.text(
                    left + s.share / 2,
                    i,
                    f"{s.country} {100 * s.share:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
            left += s.share
    ax.set_yticks(range(len(stages)), labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of world output")
    ax.set_title("Rare-earth value chain: country shares by stage")
    ax.invert_yaxis()  # upstream stage on top
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), fontsize=8, ncols=8, frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return buffer.getvalue()
