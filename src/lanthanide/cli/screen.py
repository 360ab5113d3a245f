"""`lanthanide screen` and `lanthanide timeline`: parse flags, call the core, write the output."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide.bom.model import COUNTRY_CODE
from lanthanide.cli.common import emit
from lanthanide.controls import Defaults, parse_assumptions
from lanthanide.controls import screen as run_screen
from lanthanide.controls import timeline as run_timeline
from lanthanide.controls.rule import RuleSet, Status
from lanthanide.controls.screening import facts_for
from lanthanide.errors import InvalidInput, Problem
from lanthanide.report import screening as render
from lanthanide.report.lines import lines_csv
from lanthanide.report.screening_html import screening_html, timeline_html
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.datasets import sha256_file
from lanthanide.store.files import atomic_write_text
from lanthanide.store.rules import shipped_rules


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Date to screen on (YYYY-MM-DD); default: today (UTC)."),
]
Assume = Annotated[
    list[str] | None,
    typer.Option(
        "--assume",
        help="State a measure's status where the sources are silent, e.g. "
        "CN-MOFCOM-2025-61=in_force (repeatable; echoed in the receipt).",
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
Out = Annotated[
    Path | None, typer.Option("--out", help="Write here (atomically) instead of stdout.")
]


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"--as-of {text!r} is not a date", [Problem("expected YYYY-MM-DD", column="--as-of")]
        ) from None


def _country(flag: str, value: str | None) -> str | None:
    if value is None or value.upper() in COUNTRY_CODE:
        return value.upper() if value else None
    raise InvalidInput(
        f"{flag} {value!r} is not an ISO 3166 alpha-2 country code",
        [Problem("expected a code such as CN, US, DE", column=flag)],
    )


def _assumptions(items: list[str] | None, rules: RuleSet) -> dict[str, Status]:
    try:
        return parse_assumptions(items or [], rules)
    except ValueError as error:
        raise InvalidInput(str(error), [Problem(str(error), column="--assume")]) from None


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(out, text)


def screen(
    bom: Annotated[Path, typer.Argument(help="BOM file: .csv, .xlsx or .json.")],
    *,
    as_of: AsOf = None,
    ship_from: Annotated[
        str | None,
        typer.Option(
            "--ship-from", help="Default exporting country (else where the product is made)."
        ),
    ] = None,
    ship_to: Annotated[str | None, typer.Option("--ship-to", help="Default destination.")] = None,
    end_use: Annotated[
        str | None,
        typer.Option(
            "--end-use",
            help="Default end use: civil, military, advanced_logic_14nm, "
            "memory_256_layer, military_ai, us_defense_procurement ...",
        ),
    ] = None,
    end_user: Annotated[
        str | None,
        typer.Option(
            "--end-user",
            help="Default end user (free text or a flag such as military, "
            "control_list, entity_list_affiliate).",
        ),
    ] = None,
    assume: Assume = None,
    columns: Annotated[
        Path | None,
        typer.Option("--columns", help="YAML mapping canonical column names to your file's names."),
    ] = None,
    format: FormatOpt = Format.table,
    out: Out = None,
    lines: Annotated[
        Path | None,
        typer.Option("--lines", help="Also write per-line roll-ups and shares (CSV) here."),
    ] = None,
) -> None:
    """Does each product of a BOM need an export licence on a date, and why.

    Exit 0 when the screening ran (whatever the determinations), 2 on invalid input.
    """
    on = _date(as_of)
    rules = shipped_rules()
    assumed = _assumptions(assume, rules)
    defaults = Defaults(
        ship_from=_country("--ship-from", ship_from),
        ship_to=_country("--ship-to", ship_to),
        end_user=end_user.lower() if end_user else None,
        end_use=end_use.lower() if end_use else None,
    )
    parsed = read_bom(bom, columns)
    inputs = {f"bom:{bom.name}": sha256_file(bom)}
    if columns is not None:
        inputs[f"columns:{columns.name}"] = sha256_file(columns)
    facts = facts_for(parsed, rules)
    result = run_screen(
        parsed, rules, on, defaults=defaults, assumptions=assumed, inputs=inputs, facts=facts
    )
    text = {
        Format.json: render.screening_json,
        Format.csv: render.screening_csv,
        Format.table: render.screening_table,
        Format.html: screening_html,
    }[format](result)
    emit(text, out, {} if lines is None else {lines: lines_csv(facts)})


def timeline(
    *,
    as_of: AsOf = None,
    assume: Assume = None,
    format: FormatOpt = Format.table,
    out: Out = None,
) -> None:
    """List every measure with its status (and its clauses' statuses) on a date."""
    on = _date(as_of)
    rules = shipped_rules()
    assumed = _assumptions(assume, rules)
    entries = run_timeline(rules, on, assumed)
    echoed = [f"{k}={v.value} (user assumption)" for k, v in sorted(assumed.items())]
    text = {
        Format.json: lambda: render.timeline_json(entries, on.isoformat(), echoed),
        Format.csv: lambda: render.timeline_csv(entries),
        Format.table: lambda: render.timeline_table(entries, on.isoformat()),
        Format.html: lambda: timeline_html(entries, on.isoformat(), echoed),
    }[format]()
    _emit(text, out)
