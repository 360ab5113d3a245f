"""Every rule cites its official publication, or says explicitly that it was not found.

Run over every shipped rule (Chinese and US). A rule passes when it states
`official_source_found` (when true its first source is on an official domain; when false it says
why in `official_source_note`), or, without that field (the US files' convention), when it cites
an official source not marked [U] or has an `uncertain:` entry "official text not found ...".
A source on any other domain is corroboration only and is never marked [V].
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from lanthanide.controls.rule import Rule
from lanthanide.store.rules import shipped_rules

#: official publishers: ministries, gazettes, legislatures, regulators (a host matches itself
#: and its subdomains)
OFFICIAL_DOMAINS = (
    "mofcom.gov.cn",
    "gov.cn",
    "npc.gov.cn",
    "customs.gov.cn",
    "federalregister.gov",
    "ecfr.gov",
    "govinfo.gov",
    "bis.gov",
    "bis.doc.gov",
    "acquisition.gov",
    "regulations.gov",
    "whitehouse.gov",
)


def is_official(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS)


def problems(rule: Rule) -> list[str]:
    """What keeps a rule from citing its official source properly (empty: it complies)."""
    found: list[str] = []
    if rule.official_source_found is None:
        cited = any(is_official(str(s.url)) and s.confidence != "U" for s in rule.sources)
        stated = any(u.lower().startswith("official text not found") for u in rule.uncertain)
        if not (cited or stated):
            found.append("no official source cited and no statement that it was not found")
    elif rule.official_source_found and not is_official(rule.source_url):
        found.append(f"first source {rule.source_url} is not on an official domain")
    elif not rule.official_source_found and not rule.official_source_note.strip():
        found.append("official_source_found is false without a note")
    found += [
        f"secondary source {s.url} is marked [V]"
        for s in rule.sources
        if s.confidence == "V" and not is_official(str(s.url))
    ]
    return found


RULES = shipped_rules().rules


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_cites_its_official_publication_or_says_it_was_not_found(rule_id: str) -> None:
    assert problems(RULES[rule_id]) == []


def test_the_check_catches_each_way_a_rule_can_fail() -> None:
    good = RULES["CN-MOFCOM-2025-61"]
    unstated = good.model_copy(
        update={"official_source_found": None, "sources": good.sources[1:], "uncertain": []}
    )
    secondary_first = good.model_copy(update={"sources": good.sources[1:]})
    marked = good.sources[1].model_copy(update={"confidence": "V"})
    secondary_v = good.model_copy(update={"sources": [good.sources[0], marked]})
    assert problems(good) == []
    assert problems(unstated) == ["no official source cited and no statement that it was not found"]
    assert problems(secondary_first)[0].endswith("is not on an official domain")
    assert problems(secondary_v) == [f"secondary source {marked.url} is marked [V]"]


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/x.html", True),
        ("https://www.federalregister.gov/documents/2025/01/01/x", True),
        ("https://www.ecfr.gov/current/title-15", True),
        ("https://osencmagnet.com/export-controls-on-rare-earth-elements/", False),
        ("https://notmofcom.gov.cn.example.com/x", False),
        ("https://thefederalregister.org/documents/x", False),
    ],
)
def test_official_domain_allow_list(url: str, official: bool) -> None:
    assert is_official(url) is official
