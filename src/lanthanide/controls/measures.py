"""One evaluation per rule `test`: the registry the screening loop dispatches on.

Each evaluation returns findings with a plain sentence saying what was found and why; the date
logic lives in `status`, the numbers in `facts`, the combination in `result.determine`.
"""

from __future__ import annotations

from collections.abc import Callable

from lanthanide.controls.cn_bans import cn_end_user_ban
from lanthanide.controls.cn_measures import cn_extraterritorial, cn_listed_items, cn_technology
from lanthanide.controls.finding import Context
from lanthanide.controls.result import Finding
from lanthanide.controls.rule import Rule, Test
from lanthanide.controls.us_embargo import us_dfars_magnets, us_embargo
from lanthanide.controls.us_measures import (
    us_advanced_computing,
    us_affiliates,
    us_country_chart,
    us_de_minimis,
)

Evaluator = Callable[[Rule, Context], list[Finding]]
EVALUATORS: dict[Test, Evaluator] = {
    Test.CN_LISTED_ITEMS: cn_listed_items,
    Test.CN_EXTRATERRITORIAL: cn_extraterritorial,
    Test.CN_TECHNOLOGY: cn_technology,
    Test.CN_END_USER_BAN: cn_end_user_ban,
    Test.US_DE_MINIMIS: us_de_minimis,
    Test.US_ADVANCED_COMPUTING: us_advanced_computing,
    Test.US_DFARS_MAGNETS: us_dfars_magnets,
    Test.US_COUNTRY_CHART: us_country_chart,
    Test.US_EMBARGO: us_embargo,
}

__all__ = ["EVALUATORS", "Context", "Evaluator", "us_affiliates"]
