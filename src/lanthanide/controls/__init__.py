"""Export-control rules as data: schema, status on a date, and screening of BOMs."""

from lanthanide.controls.result import Determination, Finding, ProductResult, Screening
from lanthanide.controls.rule import Policy, Rule, RuleSet, Status
from lanthanide.controls.screening import Defaults, screen
from lanthanide.controls.status import parse_assumptions, status_on, timeline

__all__ = [
    "Defaults",
    "Determination",
    "Finding",
    "Policy",
    "ProductResult",
    "Rule",
    "RuleSet",
    "Screening",
    "Status",
    "parse_assumptions",
    "screen",
    "status_on",
    "timeline",
]
