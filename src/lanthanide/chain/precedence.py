"""Edition precedence: the same figure can be published in several editions (vintages).

USGS revises earlier years in each edition; the newest edition wins by default, and a user import
is a new vintage ranked above everything shipped. Older editions stay in the store for audit.
"""

from __future__ import annotations

import pandas as pd

#: columns that identify one figure independent of the edition it came from
PRODUCTION_KEY = ["stage", "material", "country", "year", "metric", "basis_family"]


def basis_family(basis: str) -> str:
    """Group bases that measure the same thing, so editions of one series compete.

    The first word names the publisher ("USGS mine production", "IEA share of ...");
    projections never compete with history.
    """
    if basis.startswith("projection"):
        return "projection"
    return basis.split(" ", maxsplit=1)[0]


def current_rows(production: pd.DataFrame, vintages: pd.DataFrame) -> pd.DataFrame:
    """Keep, for every key, the row of the highest-ranked vintage."""
    ranks = dict(zip(vintages["vintage"], vintages["rank"], strict=True))
    frame = production.copy()
    frame["vintage_rank"] = frame["vintage"].map(ranks).fillna(-1).astype(int)
    frame["basis_family"] = frame["basis"].map(basis_family)
    frame = frame.sort_values("vintage_rank", ascending=False, kind="stable")
    return frame.drop_duplicates(PRODUCTION_KEY, keep="first").reset_index(drop=True)
