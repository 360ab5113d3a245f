from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lanthanide.shock import simulation as sim
from lanthanide.shock.distributions import Dist, fixed
from lanthanide.shock.network import build_network
from lanthanide.shock.scenario import Restriction, Scenario
from lanthanide.store.shock_network import Calibration, load_calibration


@pytest.fixture(scope="session")
def calibration() -> Calibration:
    return load_calibration()


def embargo(  # noqa: PLR0917 - a terse test helper mirroring Restriction
    approval: float = 0.0,
    lag: float = 0.0,
    layers: tuple[str, ...] = ("magnet:ndfeb", "magnet:ndfeb_hd"),
    destinations: tuple[str, ...] = ("*",),
    start: str = "2026-03-01",
    end: str | None = None,
    exporter: str = "CN",
) -> Restriction:
    return Restriction(
        id="test",
        exporter=exporter,
        layers=layers,
        destinations=destinations,
        start=start,
        end=end,
        approval_rate=fixed(approval),
        licence_lag_months=fixed(lag),
    )


ModelFactory = Callable[..., sim.Model]


@pytest.fixture(scope="session")
def make_model(calibration: Calibration) -> ModelFactory:
    def factory(
        *restrictions: Restriction,
        months: int = 24,
        start: str = "2026-01",
        allocation: str = "pro_rata",
        priority: tuple[str, ...] = (),
        parameters: dict[str, Dist] | None = None,
    ) -> sim.Model:
        scenario = Scenario(
            name="test",
            start=start,
            months=months,
            restrictions=restrictions,
            allocation=allocation,
            priority=priority,
            parameters=parameters or {},
        )
        network = build_network(calibration.tables, start, months)
        return sim.prepare(network, scenario, calibration.defaults)

    return factory


def column(name: str) -> int:
    return dict(sim.series_layout())[name]


def totals(raw: Any, name: str) -> Any:
    return raw.series[:, :, column(name)].sum(axis=1)
