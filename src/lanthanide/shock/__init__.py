"""Disruption simulator: export restrictions to shortages, prices and sector losses over time."""

from lanthanide.shock.backtest import BACKTESTS, Backtest, compare
from lanthanide.shock.distributions import Dist
from lanthanide.shock.network import MAGNETS, REGIONS, SECTORS, Network, build_network
from lanthanide.shock.scenario import Restriction, Scenario
from lanthanide.shock.simulation import SimulationResult, prepare, series_layout, simulate

__all__ = [
    "BACKTESTS",
    "MAGNETS",
    "REGIONS",
    "SECTORS",
    "Backtest",
    "Dist",
    "Network",
    "Restriction",
    "Scenario",
    "SimulationResult",
    "build_network",
    "compare",
    "prepare",
    "series_layout",
    "simulate",
]
