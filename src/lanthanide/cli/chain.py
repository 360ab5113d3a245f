"""`lanthanide chain`: concentration by stage, chokepoints by element, US import reliance."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lanthanide import service
from lanthanide.cli.common import DbOption, emit, request, settings
from lanthanide.errors import InvalidInput
from lanthanide.report import chain as render

#: request field -> the option that sets it
FLAGS = {
    "stage": "--stage",
    "year": "--year",
    "material": "--material",
    "element": "--element",
}


class Format(StrEnum):
    """Output formats of `chain`."""

    table = "table"
    json = "json"
    csv = "csv"


def chain(
    element: Annotated[
        str | None, typer.Option(help="One rare earth (symbol, e.g. Dy): only its materials.")
    ] = None,
    stage: Annotated[
        str | None, typer.Option(help="One stage (mining, separation, metal_alloy, magnet, ...).")
    ] = None,
    year: Annotated[
        int,
        typer.Option(
            min=1000, max=9999, help="Data year (4 digits); without --stage, latest data <= year."
        ),
    ] = 2025,
    material: Annotated[
        str | None, typer.Option(help="With --stage: the material (REO, HREE, NdFeB ...).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    plot: Annotated[
        Path | None, typer.Option(help="Also draw country shares by stage to this PNG file.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the output to a file.")] = None,
    db: DbOption = None,
) -> None:
    """Country concentration of each value-chain stage, chokepoints and US import reliance.

    With --stage: that stage in exactly --year (JSON keys stage, year, hhi,
    top3_share, shares: a list of country, share, source_url).
    Without it: every stage at its latest data year.
    """
    resources = service.Resources.open(settings(db))
    if stage is not None:
        one = service.stage(
            request(
                service.StageRequest,
                FLAGS,
                stage=stage,
                year=year,
                material=material,
                element=element,
            ),
            resources,
        )
        stages = [one.stage]
        text = {
            Format.json: lambda: render.stage_json(one.stage, one.receipt),
            Format.csv: lambda: render.shares_csv(stages),
            Format.table: lambda: render.stage_table(one.stage),
        }[fmt]()
    else:
        full = service.chain(
            request(service.ChainRequest, FLAGS, year=year, element=element), resources
        )
        stages = full.report.stages
        if not full.report.stages:  # empty tables with exit 0 would read as "no data anywhere"
            raise InvalidInput(
                f"no stage has data up to {year}"
                + (f" for {element}" if element else "")
                + "; try a later --year"
            )
        text = {
            Format.json: lambda: render.report_json(full.report, full.receipt),
            Format.csv: lambda: render.shares_csv(stages),
            Format.table: lambda: render.report_table(full.report),
        }[fmt]()
    emit(text, out, {} if plot is None else {plot: render.shares_png(stages)})
