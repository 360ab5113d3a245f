"""Render a screening and a timeline as JSON, CSV or a terminal table."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from lanthanide.controls.result import Screening
from lanthanide.controls.status import TimelineEntry
from lanthanide.report.cells import SafeWriter

FORMATS = ("table", "json", "csv", "html")
CSV_COLUMNS = (
    "product_id",
    "determination",
    "cn_controlled_share",
    "us_controlled_share",
    "measure",
    "clause",
    "status",
    "assumed",
    "applies",
    "binding",
    "policy",
    "value",
    "threshold",
    "deciding_lines",
    "sentence",
    "source_url",
)


def screening_json(result: Screening) -> str:
    """The JSON contract (see `controls.result`)."""
    return result.model_dump_json(indent=2) + "\n"


def screening_csv(result: Screening) -> str:
    """One row per product and finding."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for product in result.products:
        for f in product.findings:
            writer.writerow(
                (
                    product.product_id,
                    product.determination.value,
                    f"{product.cn_controlled_share:.6g}",
                    f"{product.us_controlled_share:.6g}",
                    f.measure,
                    f.clause or "",
                    f.status.value,
                    f.assumed,
                    "" if f.applies is None else f.applies,
                    "" if f.binding is None else f.binding,
                    f.policy.value,
                    "" if f.value is None else f"{f.value:.6g}",
                    "" if f.threshold is None else f"{f.threshold:g}",
                    ";".join(line.line_id for line in f.deciding_lines),
                    f.sentence,
                    f.source_url,
                )
            )
    return buffer.getvalue()


def _render(table: Table, width: int = 160) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table)
    return console.export_text()


def screening_table(result: Screening) -> str:
    """A terminal summary: one row per product, then the findings that bind or are unknown."""
    summary = Table(title=f"Screening on {result.receipt.parameters.get('as_of')}")
    for name in ("product", "determination", "CN share", "US share", "deciding measures"):
        summary.add_column(name)
    for p in result.products:
        deciding = [
            f"{f.measure}{'/' + f.clause if f.clause else ''}" + ("" if f.binding else "?")
            for f in p.findings
            if f.binding or (f.binding is None and f.applies is not False)
        ]
        summary.add_row(
            p.product_id,
            p.determination.value,
            f"{p.cn_controlled_share:.4%}",
            f"{p.us_controlled_share:.2%}",
            ", ".join(deciding) or "-",
        )
    text = _render(summary)
    if result.receipt.assumptions:
        text += "assumptions: " + "; ".join(result.receipt.assumptions) + "\n"
    return text + "(? = would apply but its status or a fact is unknown)\n"


def timeline_rows(entries: Sequence[TimelineEntry]) -> list[dict[str, object]]:
    return [
        {
            "measure": e.measure,
            "status": e.status.value,
            "clauses": {k: v.value for k, v in e.clauses.items()},
            "assumed": e.assumed,
            "note": e.note,
            "title": e.title,
            "authority": e.authority,
            "source_url": e.source_url,
        }
        for e in entries
    ]


def timeline_json(entries: Sequence[TimelineEntry], as_of: str, assumptions: list[str]) -> str:
    payload = {"as_of": as_of, "assumptions": assumptions, "measures": timeline_rows(entries)}
    return json.dumps(payload, indent=2) + "\n"


def timeline_csv(entries: Sequence[TimelineEntry]) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(("measure", "status", "clauses", "assumed", "note", "source_url"))
    for e in entries:
        clauses = ";".join(f"{k}={v.value}" for k, v in e.clauses.items())
        writer.writerow((e.measure, e.status.value, clauses, e.assumed, e.note, e.source_url))
    return buffer.getvalue()


def timeline_table(entries: Sequence[TimelineEntry], as_of: str) -> str:
    table = Table(title=f"Measures on {as_of}")
    for name in ("measure", "status", "clauses", "why"):
        table.add_column(name)
    for e in entries:
        clauses = ", ".join(f"{k}: {v.value}" for k, v in e.clauses.items())
        table.add_row(e.measure, e.status.value, clauses or "-", e.note)
    return _render(table)
