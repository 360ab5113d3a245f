"""Party-name matching: normalisation of legal forms, case, punctuation and scripts; threshold."""

from __future__ import annotations

import pytest

from lanthanide.controls.names import MATCH_THRESHOLD, NameIndex, normalise


def full_width(text: str) -> str:
    """The full-width form of ASCII text (letters U+FF21.., space U+3000)."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MP Materials Corp.", "mp materials"),
        ("MP MATERIALS, INC.", "mp materials"),
        (full_width("MP Materials"), "mp materials"),  # full-width letters and space (NFKC)
        ("Global Dimensions L.L.C.", "global dimensions"),
        ("Acme GmbH & Co. KG", "acme and"),
        ("Huntington Ingalls Industries, Inc.", "huntington ingalls industries"),
        ("通用动力有限公司", "通用动力"),
        ("通用动力股份有限公司", "通用动力"),
        ("三菱造船株式會社", "三菱造船"),
        ("株式会社SUBARU", "subaru"),
        ("Inc.", ""),
    ],
)
def test_normalise_removes_legal_forms_case_punctuation_and_width(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


INDEX = NameIndex([("MP Materials",), ("General Dynamics", "通用动力"), ("USA Rare Earth",)])


def owners(query: str) -> list[tuple[int, float]]:
    return [(h.owner, h.score) for h in INDEX.match([query])]


def test_exact_name_scores_100() -> None:
    assert owners("MP Materials") == [(0, 100.0)]


@pytest.mark.parametrize("variant", ["MP Materials Corp.", "mp materials, inc", "MP-Materials LLC"])
def test_legal_form_and_punctuation_variants_match_exactly(variant: str) -> None:
    assert owners(variant) == [(0, 100.0)]


def test_word_order_does_not_matter() -> None:
    assert owners("Rare Earth USA Inc.") == [(2, 100.0)]


def test_chinese_name_matches_its_listed_chinese_form() -> None:
    hits = INDEX.match(["通用动力有限公司"])
    assert [(h.owner, h.form, h.score) for h in hits] == [(1, "通用动力", 100.0)]


def test_small_misspelling_is_a_hit_above_the_threshold() -> None:
    [(owner, score)] = owners("MP Materails Corp")
    assert owner == 0 and MATCH_THRESHOLD <= score < 100


@pytest.mark.parametrize(
    "other", ["MP Minerals", "Materials Inc.", "General Dynamics Land Systems"]
)
def test_similar_but_different_names_are_below_the_threshold(other: str) -> None:
    assert owners(other) == []


def test_threshold_is_a_boundary_on_the_score() -> None:
    # "mp materails" vs "mp materials": the score of the misspelling decides both ways
    [hit] = INDEX.match(["MP Materails"])
    at = NameIndex([("MP Materials",)], threshold=hit.score)
    above = NameIndex([("MP Materials",)], threshold=hit.score + 0.1)
    assert len(at.match(["MP Materails"])) == 1
    assert above.match(["MP Materails"]) == []


def test_empty_and_legal_form_only_queries_match_nothing() -> None:
    assert INDEX.match(["", "Inc.", "  "]) == []
