"""Every US rule cites an official publication, or says that its official text was not found."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from lanthanide.controls.rule import Rule
from lanthanide.store.rules import shipped_rules

OFFICIAL = {
    "www.federalregister.gov",
    "www.ecfr.gov",
    "www.govinfo.gov",
    "www.bis.gov",
    "www.bis.doc.gov",
    "www.acquisition.gov",
    "downloads.regulations.gov",
}
US_RULES = sorted(
    (r for r in shipped_rules().rules.values() if r.regime == "us"), key=lambda r: r.id
)


def official(url: str) -> bool:
    return urlparse(url).netloc in OFFICIAL


@pytest.mark.parametrize("rule", US_RULES, ids=lambda r: r.id)
def test_official_source_or_an_explicit_statement(rule: Rule) -> None:
    cited = any(official(str(s.url)) and s.confidence != "U" for s in rule.sources)
    stated = any(u.lower().startswith("official text not found") for u in rule.uncertain)
    assert cited or stated, rule.id


@pytest.mark.parametrize("rule", US_RULES, ids=lambda r: r.id)
def test_secondary_pages_are_never_marked_verified(rule: Rule) -> None:
    marked = [str(s.url) for s in rule.sources if s.confidence == "V" and not official(str(s.url))]
    assert marked == [], rule.id
