"""Scenarios: what is restricted, from when, and which parameters are uncertain.

Plain, validated data. The TOML reader (`lanthanide.store.scenario_reader`) builds these objects and
locates every problem in the file; the simulator only consumes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lanthanide.shock.distributions import Dist, fixed

ALLOCATIONS = ("pro_rata", "priority")


@dataclass(frozen=True)
class Restriction:
    """An export restriction on the edges exporter -> destinations for some layers.

    Dates are ISO days; `end` None means open-ended within the horizon. `layers` are
    `stage:material` names. A licensing regime is `approval_rate` < 1 after `licence_lag_months`;
    an embargo is approval 0; `quota_t_per_month` caps approvals (all its layers and destinations).
    `grace_days` are days of the first month whose shipments were already
    declared or in transit and pass unlicensed.
    """

    id: str
    exporter: str
    layers: tuple[str, ...]
    destinations: tuple[str, ...]
    start: str
    end: str | None = None
    measure: str | None = None
    approval_rate: Dist = field(default_factory=lambda: fixed(0.0))
    licence_lag_months: Dist = field(default_factory=lambda: fixed(0.0))
    grace_days: Dist = field(default_factory=lambda: fixed(0.0))
    quota_t_per_month: Dist | None = None  # approved tonnes per month across destinations


@dataclass(frozen=True)
class Scenario:
    """One simulation request: horizon, restrictions, allocation policy and parameter overrides."""

    name: str
    start: str  # YYYY-MM, first simulated month
    months: int
    restrictions: tuple[Restriction, ...] = ()
    allocation: str = "pro_rata"
    priority: tuple[str, ...] = ()
    parameters: dict[str, Dist] = field(default_factory=dict)
    description: str = ""
    source: str = ""  # file it was read from, for receipts

    def without_restrictions(self) -> Scenario:
        return Scenario(
            name=f"{self.name} (baseline)",
            start=self.start,
            months=self.months,
            allocation=self.allocation,
            priority=self.priority,
            parameters=dict(self.parameters),
            description=self.description,
            source=self.source,
        )
