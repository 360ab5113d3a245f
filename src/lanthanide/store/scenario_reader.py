"""Read scenario TOML files into `lanthanide.shock.scenario.Scenario`, reporting every problem.

tomllib gives values without positions, so a small line scanner maps each key path
(`restrictions[1].approval_rate.low`) to its line and column; every problem names file:line:column.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from lanthanide.errors import InvalidInput, Problem
from lanthanide.shock.distributions import Dist, check, fixed, make
from lanthanide.shock.kernel import GLOBAL_PARAMS
from lanthanide.shock.network import LAYERS, MATERIALS, REGIONS, SECTORS
from lanthanide.shock.scenario import ALLOCATIONS, Restriction, Scenario
from lanthanide.store.input_text import check_nesting, read_text
from lanthanide.store.shock_network import Measure

SCENARIO_KEYS = {"name", "description", "start", "months", "allocation", "priority"}
RESTRICTION_KEYS = {
    "id",
    "measure",
    "ignore_suspension",
    "exporter",
    "materials",
    "destinations",
    "start",
    "end",
    "approval_rate",
    "licence_lag_months",
    "grace_days",
    "quota_t_per_month",
}
TOP_KEYS = {"scenario", "restrictions", "parameters"}
MAX_MONTHS = 600
#: at most this many problems are listed (the message gives the total)
MAX_PROBLEMS = 50
#: calendar years a scenario may name (0000 and 9999 are placeholders, not dates)
YEARS = (1900, 2200)
_UNBOUNDED = math.inf
_MONTHS = (0.0, float(MAX_MONTHS), f"months 0..{MAX_MONTHS}")
#: the domain of every number (lowest, highest, what it is); a distribution must stay inside it
DOMAINS: dict[str, tuple[float, float, str]] = {
    "approval_rate": (0.0, 1.0, "a share 0..1"),
    "licence_lag_months": _MONTHS,
    "grace_days": (0.0, 31.0, "days of the first month, 0..31"),
    "quota_t_per_month": (0.0, _UNBOUNDED, "tonnes per month >= 0"),
    "elasticity_demand": (0.0, _UNBOUNDED, "an elasticity magnitude >= 0"),
    "elasticity_supply_short": (0.0, _UNBOUNDED, "an elasticity >= 0"),
    "elasticity_supply_long": (0.0, _UNBOUNDED, "an elasticity >= 0"),
    "elasticity_ramp_months": _MONTHS,
    "substitution_max": (0.0, 1.0, "a share 0..1"),
    "substitution_lag_months": _MONTHS,
    "substitution_ramp_months": _MONTHS,
    "resourcing_max": (0.0, 1.0, "a share 0..1"),
    "resourcing_lag_months": _MONTHS,
    "resourcing_ramp_months": _MONTHS,
    "inventory_scale": (0.0, _UNBOUNDED, "a multiple >= 0"),
    "restock_months": _MONTHS,
    "demand_growth_scale": (0.0, _UNBOUNDED, "a multiple >= 0"),
    # a cap below the base price (or at 0) would make every price meaningless
    "price_cap_multiple": (1.0, _UNBOUNDED, "a multiple of the base price >= 1"),
}
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_\-]+)\s*=")
_INLINE_KEY = re.compile(r"([A-Za-z0-9_\-]+)\s*=")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def locate_keys(text: str) -> dict[str, tuple[int, int]]:
    """Key path -> (line, column), 1-based, for tables, arrays of tables and inline tables."""
    where: dict[str, tuple[int, int]] = {}
    prefix = ""
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2)
            if header.group(1) == "[[":
                counts[name] = counts.get(name, 0) + 1
                prefix = f"{name}[{counts[name]}]"
            else:
                prefix = name
            where.setdefault(prefix, (number, line.index(name) + 1))
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = f"{prefix}.{key.group(2)}" if prefix else key.group(2)
        where.setdefault(path, (number, len(key.group(1)) + 1))
        brace = line.find("{", key.end())
        if brace >= 0:
            for inner in _INLINE_KEY.finditer(line, brace):
                where.setdefault(f"{path}.{inner.group(1)}", (number, inner.start() + 1))
    return where


class _Checker:
    def __init__(self, file: str, where: dict[str, tuple[int, int]]) -> None:
        self.file = file
        self.where = where
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        probe = path
        while probe and probe not in self.where:
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        line, column = self.where.get(probe, (None, None))
        self.problems.append(Problem(f"{path}: {message}", self.file, line, column))

    def unknown(self, path: str, table: dict[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                options = ", ".join(sorted(allowed))
                self.add(f"{path}.{key}" if path else key, f"unknown key (allowed: {options})")

    def string(self, path: str, value: Any) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {value!r}")
            return None
        return value

    def month(self, path: str, value: Any) -> str | None:
        if not (isinstance(value, str) and _MONTH.match(value)):
            self.add(path, f"bad month {value!r}: expected YYYY-MM")
            return None
        return value if self.year(path, int(value[:4])) else None

    def year(self, path: str, year: int) -> bool:
        if YEARS[0] <= year <= YEARS[1]:
            return True
        self.add(path, f"year {year:04d} is outside {YEARS[0]}..{YEARS[1]}")
        return False

    def date(self, path: str, value: Any) -> str | None:
        day: dt.date | None = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
        if day is None:
            self.add(path, f"bad date {value!r}: expected YYYY-MM-DD")
            return None
        return day.isoformat() if self.year(path, day.year) else None

    def flag(self, path: str, value: Any) -> bool:
        """A TOML boolean; strings such as "no" are errors, never truthy."""
        if isinstance(value, bool):
            return value
        self.add(path, f"expected true or false, got {value!r}")
        return False

    def dist(self, path: str, value: Any) -> Dist | None:
        """A number or distribution table whose whole support lies in the key's domain."""
        if isinstance(value, bool):
            self.add(path, f"expected a number or a distribution table, got {value!r}")
            return None
        if isinstance(value, int | float):
            if not self.finite(path, value):
                return None
            return self.inside(path, fixed(float(value)))
        if not isinstance(value, dict) or "dist" not in value:
            self.add(
                path, 'expected a number or {dist = "triangular", low = .., mode = .., high = ..}'
            )
            return None
        kind = value["dist"]
        if not isinstance(kind, str):
            self.add(f"{path}.dist", f"expected a distribution name, got {kind!r}")
            return None
        params: dict[str, float] = {}
        for key, number in value.items():
            if key == "dist":
                continue
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.add(f"{path}.{key}", f"expected a number, got {number!r}")
                return None
            if not self.finite(f"{path}.{key}", number):
                return None
            params[key] = float(number)
        problems = check(kind, params)
        if not problems and params.get("low", -_UNBOUNDED) > params.get("high", _UNBOUNDED):
            problems.append(f"{kind} needs low <= high")
        for problem in problems:
            self.add(f"{path}.dist", f"bad distribution: {problem}")
        return None if problems else self.inside(path, make(kind, params))

    def finite(self, path: str, number: float) -> bool:
        if math.isfinite(number):
            return True
        self.add(path, f"expected a finite number, got {number!r}")
        return False

    def inside(self, path: str, dist: Dist) -> Dist | None:
        """`dist` if every value it can draw lies in the domain of the path's last key."""
        low, high, what = DOMAINS[path.rsplit(".", 1)[-1]]
        reach_low, reach_high = _support(dist)
        if reach_low >= low and reach_high <= high:
            return dist
        clip = " (give it low and high to clip)" if dist.kind in ("normal", "lognormal") else ""
        self.add(path, f"values {reach_low:g}..{reach_high:g} leave the domain: {what}{clip}")
        return None

    def names(self, path: str, value: Any, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(path, f"expected a list of {what}")
            return ()
        for item in value:
            if item not in allowed:
                self.add(path, f"unknown {what[:-1]} {item!r} (use: {', '.join(allowed)})")
        return tuple(value)


def _support(dist: Dist) -> tuple[float, float]:
    """Lowest and highest value a distribution can draw."""
    if dist.kind == "fixed":
        return dist.get("value"), dist.get("value")
    if dist.kind in ("uniform", "triangular"):
        return dist.get("low"), dist.get("high")
    floor = 0.0 if dist.kind == "lognormal" else -_UNBOUNDED
    return max(dist.get("low", floor), floor), dist.get("high", _UNBOUNDED)


def _layer_names() -> tuple[str, ...]:
    return ("*", *MATERIALS, *(f"{s}:{m}" for s, m in LAYERS))


def _restriction(
    c: _Checker, path: str, raw: Any, measures: dict[str, Measure]
) -> Restriction | None:
    if not isinstance(raw, dict):
        c.add(path, "expected a table")
        return None
    c.unknown(path, raw, RESTRICTION_KEYS)
    rid = c.string(f"{path}.id", raw.get("id", f"restriction-{path}"))
    measure: Measure | None = None
    if "measure" in raw:
        mid = c.string(f"{path}.measure", raw["measure"])
        if mid is not None and mid not in measures:
            c.add(f"{path}.measure", f"unknown measure {mid!r} (known: {', '.join(measures)})")
        measure = measures.get(mid or "")
    ignore = c.flag(f"{path}.ignore_suspension", raw.get("ignore_suspension", False))
    exporter = raw.get("exporter", measure.exporter if measure else None)
    if exporter is None:
        c.add(path, "needs `exporter` (or a `measure`)")
    elif exporter not in REGIONS:
        c.add(f"{path}.exporter", f"unknown region {exporter!r} (use: {', '.join(REGIONS)})")
    layers = c.names(
        f"{path}.materials",
        raw.get("materials", list(measure.layers) if measure else []),
        _layer_names(),
        "materials",
    )
    if not layers:
        c.add(path, "needs `materials` (or a `measure`)")
    dests = c.names(
        f"{path}.destinations", raw.get("destinations", ["*"]), ("*", *REGIONS), "regions"
    )
    start = end = None
    if "start" in raw:
        start = c.date(f"{path}.start", raw["start"])
    elif measure:
        start = measure.effective
    else:
        c.add(path, "needs `start` (or a `measure`)")
    if "end" in raw:
        end = c.date(f"{path}.end", raw["end"])
    elif measure and not ignore:
        end = measure.suspended_from
    if "end" in raw and start and end and end <= start:
        c.add(f"{path}.end", f"end {end} is not after start {start}")
    # a measure suspended before it took effect never applies (end <= start: never active)
    dists = {}
    for key, default in (("approval_rate", 0.0), ("licence_lag_months", 0.0), ("grace_days", 0.0)):
        dists[key] = c.dist(f"{path}.{key}", raw.get(key, default))
    if rid is None or exporter not in REGIONS or not layers or start is None:
        return None
    quota = None
    if "quota_t_per_month" in raw:
        quota = c.dist(f"{path}.quota_t_per_month", raw["quota_t_per_month"])
        if quota is None:
            return None
    if any(d is None for d in dists.values()):
        return None
    return Restriction(
        id=rid,
        exporter=str(exporter),
        layers=layers,
        destinations=dests or ("*",),
        start=start,
        end=end,
        measure=measure.id if measure else None,
        approval_rate=dists["approval_rate"] or fixed(0.0),
        licence_lag_months=dists["licence_lag_months"] or fixed(0.0),
        grace_days=dists["grace_days"] or fixed(0.0),
        quota_t_per_month=quota,
    )


def _within_horizon(c: _Checker, path: str, res: Restriction, start: str, months: int) -> None:
    """A restriction that would be active but never inside the simulated months is a mistake."""
    if res.end is not None and res.end <= res.start:
        return  # suspended before it took effect: never active by the measure's own dates
    first = f"{start}-01"
    year, month = divmod(int(start[:4]) * 12 + int(start[5:7]) - 1 + months, 12)
    stop = f"{year:04d}-{month + 1:02d}-01"
    if res.start >= stop or (res.end is not None and res.end <= first):
        span = f"{res.start}..{res.end or 'open'}"
        c.add(f"{path}.start", f"active {span}, never inside the horizon {first}..{stop} (excl.)")


def parse_scenario(text: str, file: str, measures: dict[str, Measure]) -> Scenario:
    """Validate TOML text; raise InvalidInput listing every problem with file:line:column."""
    check_nesting(text, file, "scenario", toml=True)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+), column (\d+)", str(error))
        line, col = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        raise InvalidInput(
            f"{file}: not valid TOML", [Problem(str(error), file, line, col)]
        ) from error
    c = _Checker(file, locate_keys(text))
    c.unknown("", doc, TOP_KEYS)
    head = doc.get("scenario")
    if not isinstance(head, dict):
        c.add("scenario", "missing [scenario] table")
        head = {}
    c.unknown("scenario", head, SCENARIO_KEYS)
    name = c.string("scenario.name", head.get("name", Path(file).stem))
    start = c.month("scenario.start", head.get("start"))
    months = head.get("months")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        c.add(
            "scenario.months", f"expected a whole number of months 1..{MAX_MONTHS}, got {months!r}"
        )
    allocation = head.get("allocation", "pro_rata")
    if allocation not in ALLOCATIONS:
        c.add(
            "scenario.allocation",
            f"unknown allocation {allocation!r} (use: {', '.join(ALLOCATIONS)})",
        )
    priority = c.names("scenario.priority", head.get("priority", []), SECTORS, "sectors")
    if allocation == "priority" and not priority:
        c.add("scenario.priority", "priority allocation needs a list of sectors")
    raw_res = doc.get("restrictions", [])
    restrictions = []
    if not isinstance(raw_res, list):
        c.add("restrictions", "use [[restrictions]] tables")
        raw_res = []
    first_of: dict[str, int] = {}
    for i, raw in enumerate(raw_res, start=1):
        res = _restriction(c, f"restrictions[{i}]", raw, measures)
        if res is None:
            continue
        if res.id in first_of:
            c.add(
                f"restrictions[{i}].id",
                f"id {res.id!r} is already used by restrictions[{first_of[res.id]}]",
            )
        first_of.setdefault(res.id, i)
        if start is not None and isinstance(months, int) and 1 <= months <= MAX_MONTHS:
            _within_horizon(c, f"restrictions[{i}]", res, start, months)
        restrictions.append(res)
    params: dict[str, Dist] = {}
    raw_params = doc.get("parameters", {})
    if not isinstance(raw_params, dict):
        c.add("parameters", "expected a table")
        raw_params = {}
    c.unknown("parameters", raw_params, set(GLOBAL_PARAMS))
    for key, value in raw_params.items():
        if key in GLOBAL_PARAMS and (dist := c.dist(f"parameters.{key}", value)) is not None:
            params[key] = dist
    description = head.get("description", "")
    if not isinstance(description, str):
        c.add("scenario.description", f"expected a string, got {description!r}")
    if c.problems:
        count = len(c.problems)
        more = f" (first {MAX_PROBLEMS} listed)" if count > MAX_PROBLEMS else ""
        noun = "problems" if count > 1 else "problem"
        raise InvalidInput(f"{file}: {count} {noun}{more}", c.problems[:MAX_PROBLEMS])
    assert name is not None and start is not None and isinstance(months, int)
    return Scenario(
        name=name,
        start=start,
        months=months,
        restrictions=tuple(restrictions),
        allocation=str(allocation),
        priority=priority,
        parameters=params,
        description=str(description),
        source=file,
    )


def read_scenario(path: Path, measures: dict[str, Measure]) -> Scenario:
    """Read and validate a scenario file."""
    return parse_scenario(read_text(path, str(path), "scenario"), str(path), measures)
