"""What an imported table's values must mean, beyond each cell's type (`table_reader`).

A cell can be a finite number and still be nonsense: negative tonnes, a year 9999, a stage the
value chain does not have, a period that ends before it starts, or countries whose production adds
up to many times the world's. Each check returns located problems; the reader lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from lanthanide.countries import OTHER, WORLD
from lanthanide.errors import Problem
from lanthanide.store.datasets import read_table

#: calendar years a statistic may be about (or published in)
YEARS = (1900, 2100)
#: relative slack when country figures are added up against a world total (rounding in sources)
TOTAL_TOLERANCE = 0.005
#: columns that hold amounts, which cannot be negative
NON_NEGATIVE = {
    "production": ("value",),
    "cn_magnet_exports": ("tonnes",),
    "prices_annual": ("value", "low", "high"),
}
YEAR_COLUMNS = ("year", "data_year")


@dataclass(frozen=True)
class Rows:
    """Parsed rows of one file: values by column, their file lines and column numbers."""

    file: str
    records: list[dict[str, object]]
    lines: list[int]
    position: dict[str, int]

    def problem(self, i: int, column: str, message: str) -> Problem:
        return Problem(message, self.file, self.lines[i], self.position.get(column, column))


@cache
def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """Stages and materials of the shipped value-chain model."""
    stages = frozenset(str(s) for s in read_table("stages")["stage"])
    production = read_table("production")
    materials = set(read_table("material_elements")["material"]) | set(production["material"])
    return stages, frozenset(str(m) for m in materials)


@cache
def _shipped_world() -> dict[tuple[str, str, int, str], float]:
    """World totals of the shipped production table (the largest where bases differ)."""
    frame = read_table("production")
    world = frame[frame["country"] == WORLD]
    key = ["stage", "material", "year", "metric"]
    totals = world.groupby(key)["value"].max()
    return {
        (str(s), str(m), int(y), str(x)): float(v)
        for (s, m, y, x), v in zip(totals.index, totals.to_numpy(), strict=True)
    }


def _ranges(table: str, rows: Rows) -> list[Problem]:
    problems = []
    for i, record in enumerate(rows.records):
        for column in NON_NEGATIVE.get(table, ()):
            value = record.get(column)
            if isinstance(value, float) and value < 0:
                problems.append(rows.problem(i, column, f"{column} {value:g} is negative"))
        for column in YEAR_COLUMNS:
            year = record.get(column)
            if isinstance(year, int) and not YEARS[0] <= year <= YEARS[1]:
                message = f"{column} {year} is outside {YEARS[0]}..{YEARS[1]}"
                problems.append(rows.problem(i, column, message))
    return problems


def _production(rows: Rows) -> list[Problem]:
    stages, materials = _vocabulary()
    problems = []
    totals: dict[tuple[str, str, int, str], list[int]] = {}
    for i, record in enumerate(rows.records):
        stage, material = str(record["stage"]), str(record["material"])
        if stage not in stages:
            known = ", ".join(sorted(stages))
            problems.append(rows.problem(i, "stage", f"unknown stage {stage!r} (known: {known})"))
        if material not in materials:
            known = ", ".join(sorted(materials))
            message = f"unknown material {material!r} (known: {known})"
            problems.append(rows.problem(i, "material", message))
        share = record["value"] if record["metric"] == "share" else None
        if isinstance(share, float) and not 0.0 <= share <= 1.0:
            message = f"a share must be 0..1, found {record['value']:g}"
            problems.append(rows.problem(i, "value", message))
        year = record["year"]
        if isinstance(year, int):
            totals.setdefault((stage, material, year, str(record["metric"])), []).append(i)
    for key, members in totals.items():
        problems += _against_world(rows, key, members)
    return problems


def _against_world(rows: Rows, key: tuple[str, str, int, str], members: list[int]) -> list[Problem]:
    """Countries of one stage, material, year and metric must not add up to more than the world."""
    world_rows = [i for i in members if rows.records[i]["country"] == WORLD]
    if key[3] == "share":
        world, where = 1.0, "a share of 1"
    elif world_rows:
        i = world_rows[0]
        found = rows.records[i]["value"]
        if not isinstance(found, float):
            return []
        world, where = found, f"the world row on line {rows.lines[i]}"
    elif key in _shipped_world():
        world, where = _shipped_world()[key], "the shipped world total"
    else:
        return []
    value = {i: v for i in members if isinstance(v := rows.records[i]["value"], float)}
    countries = [i for i in value if rows.records[i]["country"] not in (WORLD, OTHER)]
    total = sum(value[i] for i in countries)
    if not countries or total <= world * (1.0 + TOTAL_TOLERANCE):
        return []
    largest = max(countries, key=lambda i: value[i])
    stage, material, year, metric = key
    return [
        rows.problem(
            largest,
            "value",
            f"{stage} {material} {year} {metric}: the countries add up to {total:,.6g}, "
            f"above {where} ({world:,.6g})",
        )
    ]


def _exports(rows: Rows) -> list[Problem]:
    problems = []
    for i, record in enumerate(rows.records):
        start, end = record["period_start"], record["period_end"]
        if isinstance(start, str) and isinstance(end, str):
            for column, month in (("period_start", start), ("period_end", end)):
                if not YEARS[0] <= int(month[:4]) <= YEARS[1]:
                    problems.append(
                        rows.problem(
                            i, column, f"year of {month} is outside {YEARS[0]}..{YEARS[1]}"
                        )
                    )
            if end < start:
                message = f"period_end {end} is before period_start {start}"
                problems.append(rows.problem(i, "period_end", message))
    return problems


def _prices(rows: Rows) -> list[Problem]:
    problems = []
    for i, record in enumerate(rows.records):
        low, value, high = record["low"], record["value"], record["high"]
        if isinstance(low, float) and isinstance(value, float) and low > value:
            problems.append(rows.problem(i, "low", f"low {low:g} is above value {value:g}"))
        if isinstance(high, float) and isinstance(value, float) and high < value:
            problems.append(rows.problem(i, "high", f"high {high:g} is below value {value:g}"))
    return problems


CHECKS: dict[str, Callable[[Rows], list[Problem]]] = {
    "production": _production,
    "cn_magnet_exports": _exports,
    "prices_annual": _prices,
}


def check_rows(table: str, rows: Rows) -> list[Problem]:
    """Every problem with the meaning of the parsed rows of `table`, in file order."""
    problems = _ranges(table, rows) + CHECKS[table](rows)
    return sorted(problems, key=lambda p: (p.line or 0, str(p.column)))
