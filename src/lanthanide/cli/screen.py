"""`lanthanide screen` (run, history, diff, rescreen) and `lanthanide timeline`.

`screen` is a command group whose default command is `run`: `lanthanide screen BOM...` screens,
`lanthanide screen history | diff | rescreen` work on the runs recorded with `--record`. Each
command parses flags, calls the core (or the store), and writes the output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lanthanide import service
from lanthanide.bom.model import COUNTRY_CODE
from lanthanide.cli.common import default_db, emit, options_named, request, settings
from lanthanide.cli.usage import GuardedGroup
from lanthanide.controls import parse_assumptions
from lanthanide.controls.history import (
    DatedScreening,
    Options,
    Rescreen,
    Series,
    diff,
    receipt_changes,
    screen_on,
    series,
)
from lanthanide.controls.parties import PartyLists
from lanthanide.controls.result import Screening
from lanthanide.controls.rule import RuleSet, Status
from lanthanide.controls.screening import facts_for
from lanthanide.errors import ConfigError, InvalidInput, Problem
from lanthanide.report import history as history_report
from lanthanide.report import screening as render
from lanthanide.report.lines import lines_csv
from lanthanide.report.screening_html import screening_html, timeline_html
from lanthanide.store.bom_reader import read_bom
from lanthanide.store.db import Store
from lanthanide.store.files import atomic_write_text
from lanthanide.store.parties import party_lists
from lanthanide.store.rules import shipped_rules
from lanthanide.store.runs import Input, Run, latest_per_bom, materialised
from lanthanide.store.runs import history as run_history
from lanthanide.store.runs import load as load_run
from lanthanide.store.runs import record as record_runs


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
    except InvalidInput as error:
        message = str(error.args[0])
        raise InvalidInput(f"--assume: {message}", [Problem(message, column="--assume")]) from None


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(out, text)


class _DefaultRun(GuardedGroup):
    """A group whose first argument, when it names no subcommand, goes to `run`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # click.Context (vendored)
        if not args or (args[0] not in self.commands and args[0] not in {"--help", "-h"}):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultRun,
    help="Screen BOMs on dates (`lanthanide screen BOM... [OPTIONS]` runs `screen run`), and "
    "list, compare and repeat the runs recorded with --record.",
)

Db = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB store file (for imported party lists and recorded runs). Default: the "
        "store created by `data init` if it exists.",
        show_default=False,
    ),
]


def _writable(db: Path | None) -> Store:
    path = db or default_db()
    if not path.is_file():
        raise ConfigError(f"no store at {path}; create it with `lanthanide data init --db {path}`")
    return Store.open(path, read_only=False)


def _lists(db: Path | None) -> PartyLists:
    path = settings(db).db_path
    if path is None:
        return party_lists(None)
    store = Store.open(path)
    try:
        return party_lists(store.con)
    finally:
        store.close()


def _input(path: Path) -> Input:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file", [Problem("no such file", str(path))]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise InvalidInput(f"{path}: {reason}", [Problem(reason, str(path))]) from None
    return Input(path.name, hashlib.sha256(content).hexdigest(), content)


def _options(
    ship_from: str | None,
    ship_to: str | None,
    end_use: str | None,
    end_user: str | None,
    assume: list[str] | None,
    rules: RuleSet,
) -> Options:
    _assumptions(assume, rules)  # validated here, parsed again where the run is made
    return Options(
        ship_from=_country("--ship-from", ship_from),
        ship_to=_country("--ship-to", ship_to),
        end_use=end_use,
        end_user=end_user,
        assume=list(assume or []),
    )


def _render_one(result: Screening, format: Format) -> str:
    return {
        Format.json: render.screening_json,
        Format.csv: render.screening_csv,
        Format.table: history_report.single_table,
        Format.html: screening_html,
    }[format](result)


def _render_series(result: Series, format: Format) -> str:
    if format is Format.html:
        raise InvalidInput(
            "--format html shows one BOM on one date; use table, json or csv for several",
            [Problem("one BOM and one --as-of with html", column="--format")],
        )
    return {
        Format.json: history_report.series_json,
        Format.csv: history_report.series_csv,
        Format.table: history_report.series_table,
    }[format](result)


def _recorded(ids: list[int], path: Path | None) -> str:
    which = f"run {ids[0]}" if len(ids) == 1 else f"runs {ids[0]}-{ids[-1]}"
    return f"recorded {which} in {path}\n"


@app.command("run")
def run(
    boms: Annotated[list[Path], typer.Argument(help="BOM files: .csv, .xlsx or .json.")],
    *,
    as_of: Annotated[
        list[str] | None,
        typer.Option(
            "--as-of",
            help="Date to screen on (YYYY-MM-DD); repeat for several dates (each product's "
            "determination on each date, and what changed). Default: today (UTC).",
        ),
    ] = None,
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
            help="Default end user: a name (screened against the party lists) or a flag such "
            "as military, control_list, entity_list_affiliate.",
        ),
    ] = None,
    assume: Assume = None,
    columns: Annotated[
        Path | None,
        typer.Option(
            "--columns",
            help="YAML mapping canonical column names to your file's names or column letters.",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX sheet to read (default: the first).")
    ] = None,
    format: FormatOpt = Format.table,
    out: Out = None,
    lines: Annotated[
        Path | None,
        typer.Option("--lines", help="Also write per-line roll-ups and shares (CSV) here."),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record", help="Store the runs (receipt, BOM and its sha256, results) in the store."
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Does each product of each BOM need an export licence on each date, and why.

    Exit 0 when the screening ran (whatever the determinations), 2 on invalid input.
    """
    dates = sorted({_date(text) for text in as_of}) if as_of else [_date(None)]
    rules = shipped_rules()
    options = _options(ship_from, ship_to, end_use, end_user, assume, rules)
    if lines is not None and len(boms) > 1:
        raise InvalidInput(
            "--lines writes the roll-ups of one BOM", [Problem("give one BOM", column="--lines")]
        )
    lists = _lists(db)
    mapping = _input(columns) if columns is not None else None
    if record and sheet is not None:
        raise InvalidInput(
            "--record keeps the file, not the sheet: a rescreen would read the first sheet",
            [Problem("record a workbook whose BOM is its first sheet", column="--sheet")],
        )
    parsed = [(path, _input(path), read_bom(path, columns, sheet)) for path in boms]
    store = _writable(db) if record else None
    runs: list[Run] = []
    dated: list[DatedScreening] = []
    also: dict[Path, bytes] = {}  # --lines, written with --out (both or neither)
    for path, source, bom in parsed:
        inputs = {f"bom:{source.name}": source.sha256}
        if mapping is not None:
            inputs[f"columns:{mapping.name}"] = mapping.sha256
        facts = facts_for(bom, rules)
        if lines is not None:
            also[lines] = lines_csv(facts)
        for on in dates:
            result = screen_on(bom, rules, lists, on, options, inputs=inputs, facts=facts)
            runs.append(Run(source, mapping, on, options, result))
            dated.append(DatedScreening(source=str(path), as_of=on.isoformat(), screening=result))
    if store is not None:
        try:
            ids = record_runs(store.con, runs)
        finally:
            store.close()
        dated = [d.model_copy(update={"run_id": i}) for d, i in zip(dated, ids, strict=True)]
        sys.stderr.write(_recorded(ids, store.path))
    if len(dated) == 1:
        text = _render_one(dated[0].screening, format)
    else:
        text = _render_series(series(dated), format)
    emit(text, out, also)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


ListFormatOpt = Annotated[ListFormat, typer.Option("--format", help="Output format.")]


def _readable(db: Path | None) -> Store:
    path = settings(db).db_path
    if path is None:
        raise ConfigError(
            f"no store at {db or default_db()}; record runs with `lanthanide screen BOM --record`"
            " after `lanthanide data init`"
        )
    return Store.open(path)


@app.command("history")
def history_command(db: Db = None, format: ListFormatOpt = ListFormat.table) -> None:
    """List the recorded runs: id, when, BOM and its sha256, date screened, results."""
    store = _readable(db)
    try:
        runs = run_history(store.con)
    finally:
        store.close()
    render_list = (
        history_report.history_json if format is ListFormat.json else history_report.history_table
    )
    _emit(render_list(runs), None)


@app.command("diff")
def diff_command(
    run_a: Annotated[int, typer.Argument(help="Earlier run id (see `screen history`).")],
    run_b: Annotated[int, typer.Argument(help="Later run id.")],
    db: Db = None,
    format: ListFormatOpt = ListFormat.table,
) -> None:
    """The products whose determination or findings changed from RUN_A to RUN_B, and how."""
    store = _readable(db)
    try:
        a, b = load_run(store.con, run_a), load_run(store.con, run_b)
    finally:
        store.close()
    changes = diff(a.result, b.result)
    inputs = receipt_changes(a.result, b.result)
    render_diff = (
        history_report.diff_json if format is ListFormat.json else history_report.diff_table
    )
    _emit(render_diff(run_a, run_b, inputs, changes), None)


@app.command("rescreen")
def rescreen_command(
    as_of: Annotated[str, typer.Option("--as-of", help="Date to repeat every recorded BOM on.")],
    record: Annotated[
        bool, typer.Option("--record", help="Also record the repeated runs.")
    ] = False,
    db: Db = None,
    format: ListFormatOpt = ListFormat.table,
) -> None:
    """Repeat every recorded BOM on a date and list what changed against its recorded run.

    The latest run of each BOM (with its options) is repeated from the BOM kept in the store,
    with the rules and party lists installed now.
    """
    on = _date(as_of)
    rules = shipped_rules()
    store = _writable(db) if record else _readable(db)
    try:
        lists = party_lists(store.con)
        results: list[Rescreen] = []
        repeats: list[Run] = []
        for old in latest_per_bom(store.con):
            with materialised(old) as (bom_path, columns_path):
                bom = read_bom(bom_path, columns_path)
            inputs = {f"bom:{old.bom.name}": old.bom.sha256}
            if old.columns is not None:
                inputs[f"columns:{old.columns.name}"] = old.columns.sha256
            new = screen_on(bom, rules, lists, on, old.options, inputs=inputs)
            repeats.append(Run(old.bom, old.columns, on, old.options, new, "rescreen"))
            results.append(
                Rescreen(
                    run_id=old.run_id,
                    source=old.bom.name,
                    recorded_as_of=old.on.isoformat(),
                    as_of=on.isoformat(),
                    inputs=receipt_changes(old.result, new),
                    changes=diff(old.result, new),
                )
            )
        if record and repeats:
            ids = record_runs(store.con, repeats)
            results = [
                r.model_copy(update={"new_run_id": i}) for r, i in zip(results, ids, strict=True)
            ]
    finally:
        store.close()
    render_rescreen = (
        history_report.rescreen_json if format is ListFormat.json else history_report.rescreen_table
    )
    _emit(render_rescreen(results), None)


def timeline(
    *,
    as_of: AsOf = None,
    assume: Assume = None,
    format: FormatOpt = Format.table,
    out: Out = None,
) -> None:
    """List every measure with its status (and its clauses' statuses) on a date."""
    body = request(
        service.TimelineRequest,
        {"as_of": "--as-of", "assume": "--assume"},
        as_of=_date(as_of),
        assume=assume or [],
    )
    with options_named({"assume": "--assume"}):
        result = service.timeline(body, service.Resources.open())
    on, echoed = result.as_of.isoformat(), result.receipt.assumptions
    text = {
        Format.json: lambda: render.timeline_json(result.entries, on, echoed),
        Format.csv: lambda: render.timeline_csv(result.entries),
        Format.table: lambda: render.timeline_table(result.entries, on),
        Format.html: lambda: timeline_html(result.entries, on, echoed),
    }[format]()
    _emit(text, out)
