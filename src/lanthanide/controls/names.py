"""Party names as comparable text, and a fuzzy index over the names of listed parties.

Two names are compared after `normalise`: Unicode NFKC (full-width letters and digits become
ASCII, compatibility forms fold), case folding, punctuation to spaces, and the legal-form words
(Inc., Ltd., Co., LLC, GmbH, 有限公司 ...) removed, so "MP Materials Corp." and the same name in
full-width capitals compare equal. The score is rapidfuzz's `token_sort_ratio` (0-100, word
order ignored) of the normalised names; a score at or above `MATCH_THRESHOLD` is a hit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

#: a hit needs this rapidfuzz token_sort_ratio (0-100) between the normalised names
MATCH_THRESHOLD = 90.0
#: query names scored per cdist call (bounds the score matrix to CHUNK x forms float64)
CHUNK = 256
METHOD = (
    "rapidfuzz token_sort_ratio (0-100) of names normalised by NFKC, case folding, punctuation "
    "removal and removal of legal-form words; hit at score >= {threshold:g}"
)

#: legal-form words removed wherever they stand (after punctuation became spaces)
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "l l c",
        "lp",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "kk",
        "pte",
        "pty",
        "pvt",
        "jsc",
        "ojsc",
        "pjsc",
        "ooo",
        "the",
    }
)
#: Chinese and Japanese legal forms, longest first (removed at the end of a name; the
#: Japanese kabushiki kaisha also at the start, where it often stands)
CJK_FORMS: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "株式会社",
    "株式會社",
    "有限公司",
    "集团公司",
    "公司",
)
CJK_PREFIXES: tuple[str, ...] = ("株式会社", "株式會社")
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise(name: str) -> str:
    """Comparable form of a party name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    words = [w for w in _SPACE.split(text) if w]
    # "l.l.c." became "l l c": drop that run before the single-word forms
    joined = " ".join(words).replace(" l l c", "")
    words = [w for w in joined.split(" ") if w and w not in LEGAL_FORMS]
    out = " ".join(words)
    for form in CJK_PREFIXES:
        if out.startswith(form) and len(out) > len(form):
            out = out[len(form) :].lstrip()
            break
    for form in CJK_FORMS:
        if out.endswith(form) and len(out) > len(form):
            out = out[: -len(form)].rstrip()
            break
    return out


def sort_key(name: str) -> str:
    """The normalised name with its words sorted: `fuzz.ratio` of two sort keys is rapidfuzz's
    `token_sort_ratio` of the names, with the sorting done once per name instead of per pair."""
    return " ".join(sorted(normalise(name).split()))


@dataclass(frozen=True)
class Hit:
    """One query name matched to one listed form."""

    query: str
    owner: int  # index of the listed party in the sequence the index was built from
    form: str  # the listed form (as written) that matched
    score: float


class NameIndex:
    """The normalised names of listed parties, each form pointing back to its party."""

    def __init__(self, forms: Sequence[Sequence[str]], threshold: float = MATCH_THRESHOLD) -> None:
        self.threshold = threshold
        self.forms: list[str] = []
        self.keys: list[str] = []
        self.owner: list[int] = []
        for i, names in enumerate(forms):
            for name in names:
                key = sort_key(name)
                if key:
                    self.forms.append(name)
                    self.keys.append(key)
                    self.owner.append(i)

    def match(self, queries: Sequence[str]) -> list[Hit]:
        """Every (query, party) pair at or above the threshold, best form per party."""
        keyed = {q: sort_key(q) for q in set(queries)}
        distinct = sorted(q for q, key in keyed.items() if key)
        if not distinct or not self.keys:
            return []
        best: dict[tuple[str, int], Hit] = {}
        for start in range(0, len(distinct), CHUNK):
            chunk = distinct[start : start + CHUNK]
            scores = process.cdist(
                [keyed[q] for q in chunk],
                self.keys,
                scorer=fuzz.ratio,
                score_cutoff=self.threshold,
                dtype=np.float64,
            )
            for qi, ki in zip(*np.nonzero(scores), strict=True):
                hit = Hit(
                    chunk[int(qi)], self.owner[int(ki)], self.forms[int(ki)], float(scores[qi, ki])
                )
                key = (hit.query, hit.owner)
                if key not in best or hit.score > best[key].score:
                    best[key] = hit
        return sorted(best.values(), key=lambda h: (h.query, -h.score, h.owner))
