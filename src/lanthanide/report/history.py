"""Render party hits, several screenings, run history, diffs and rescreens as text, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from lanthanide.controls.history import ProductChange, Rescreen, Series
from lanthanide.controls.result import Screening
from lanthanide.report.cells import SafeWriter
from lanthanide.report.screening import screening_csv, screening_table
from lanthanide.store.runs import Summary


def _render(table: Table, width: int = 160) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table)
    return console.export_text()


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def party_lines(result: Screening) -> str:
    """One line per party-list hit: who matched whom, on which list, and whether it binds."""
    lines = []
    for product in result.products:
        for f in product.findings:
            if f.party is None:
                continue
            hit = f.party
            lines.append(
                f"  {product.product_id}: {hit.field} {hit.query!r} ~ {hit.listed_name!r} "
                f"[{hit.list}, {hit.instrument}, score {hit.score:.1f}] status {f.status.value}, "
                f"applies {_flag(f.applies)}, binding {_flag(f.binding)}, policy {f.policy.value}"
            )
    if not lines:
        return ""
    return "party-list hits (confirm each identity):\n" + "\n".join(lines) + "\n"


def single_table(result: Screening) -> str:
    """The screening table followed by its party-list hits."""
    return screening_table(result) + party_lines(result)


def change_lines(changes: Sequence[ProductChange], indent: str = "  ") -> list[str]:
    """Per changed product: the determination move and each finding that moved."""
    out = []
    for change in changes:
        before = change.before.value if change.before else "(absent)"
        after = change.after.value if change.after else "(absent)"
        out.append(f"{indent}{change.product_id}: {before} -> {after}")
        for f in change.findings:
            out.append(f"{indent}  {f.change} {f.key}: {f.before or '-'} -> {f.after or '-'}")
            out.append(f"{indent}    {f.sentence}")
    return out


def series_table(result: Series) -> str:
    """Each screening under a heading, then what changed from date to date."""
    parts = []
    for run in result.runs:
        recorded = f" (run {run.run_id})" if run.run_id is not None else ""
        parts.append(f"== {run.source} on {run.as_of}{recorded} ==\n" + single_table(run.screening))
    for step in result.changes:
        head = f"changes in {step.source} from {step.start} to {step.end}:"
        body = change_lines(step.changes) or ["  none"]
        parts.append("\n".join([head, *body]) + "\n")
    return "\n".join(parts)


def series_json(result: Series) -> str:
    return result.model_dump_json(indent=2) + "\n"


def series_csv(result: Series) -> str:
    """The screening CSV of every run, with the BOM and date in front of each row."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    for i, run in enumerate(result.runs):
        rows = list(csv.reader(io.StringIO(screening_csv(run.screening))))
        if i == 0:
            writer.writerow(("bom", "as_of", *rows[0]))
        for row in rows[1:]:
            writer.writerow((run.source, run.as_of, *row))
    return buffer.getvalue()


def history_table(runs: Sequence[Summary]) -> str:
    if not runs:
        return "no recorded runs\n"
    table = Table(title="Recorded screening runs")
    for name in (
        "run",
        "recorded (UTC)",
        "command",
        "BOM",
        "sha256",
        "as of",
        "products",
        "result",
    ):
        table.add_column(name)
    for r in runs:
        table.add_row(
            str(r.run_id),
            r.recorded_at,
            r.command,
            r.bom,
            r.bom_sha256[:12],
            r.as_of,
            str(r.products),
            r.determinations,
        )
    return _render(table)


def history_json(runs: Sequence[Summary]) -> str:
    rows = [
        {
            "run_id": r.run_id,
            "recorded_at": r.recorded_at,
            "command": r.command,
            "bom": r.bom,
            "bom_sha256": r.bom_sha256,
            "as_of": r.as_of,
            "products": r.products,
            "determinations": r.determinations,
        }
        for r in runs
    ]
    return json.dumps({"runs": rows}, indent=2) + "\n"


def _inputs(inputs: Sequence[str]) -> list[str]:
    return ["  inputs: " + "; ".join(inputs)] if inputs else []


def diff_table(a: int, b: int, inputs: Sequence[str], changes: Sequence[ProductChange]) -> str:
    head = f"run {a} -> run {b}: {len(changes)} product(s) changed"
    return "\n".join([head, *_inputs(inputs), *change_lines(changes)]) + "\n"


def diff_json(a: int, b: int, inputs: Sequence[str], changes: Sequence[ProductChange]) -> str:
    payload = {
        "run_a": a,
        "run_b": b,
        "inputs": list(inputs),
        "changes": [c.model_dump(mode="json") for c in changes],
    }
    return json.dumps(payload, indent=2) + "\n"


def rescreen_table(results: Sequence[Rescreen]) -> str:
    if not results:
        return "no recorded runs to repeat\n"
    parts = []
    for r in results:
        new = f", recorded as run {r.new_run_id}" if r.new_run_id is not None else ""
        head = (
            f"run {r.run_id} ({r.source}, recorded as of {r.recorded_as_of}) on {r.as_of}{new}: "
            f"{len(r.changes)} product(s) changed"
        )
        parts.append("\n".join([head, *_inputs(r.inputs), *change_lines(r.changes)]))
    return "\n".join(parts) + "\n"


def rescreen_json(results: Sequence[Rescreen]) -> str:
    return json.dumps({"rescreens": [r.model_dump(mode="json") for r in results]}, indent=2) + "\n"
