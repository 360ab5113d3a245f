"""Party-name matching (`controls.names.NameIndex`) against a hand-written rapidfuzz loop.

Baseline: what one writes by hand: for every query name and every listed form, normalise both and
call `fuzz.token_sort_ratio`, keeping the pairs at or above the threshold. The target normalises
each list form once and scores all pairs in one `rapidfuzz.process.cdist` call. Lists: the
shipped Chinese lists plus a synthetic CSL-sized list (10,000 forms built from word lists, seeded);
queries: distinct synthetic names, one in ten a variant of a listed name (legal form, case).
Both must find the same hits; the figures are the range over repeats.
Run: .venv/bin/python benchmarks/bench_parties.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lanthanide.controls.names import MATCH_THRESHOLD, NameIndex, normalise
from lanthanide.store.parties import shipped_listings

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "orion",
    "vega",
    "atlas",
    "nova",
    "helix",
    "quantum",
    "pacific",
    "northern",
    "eastern",
    "precision",
    "advanced",
    "applied",
    "dynamic",
    "global",
    "united",
    "coastal",
    "summit",
    "vector",
    "aero",
    "marine",
    "systems",
    "technologies",
    "industries",
    "electronics",
    "materials",
    "defense",
    "logistics",
    "trading",
    "devices",
]
FORMS = ("Inc.", "LLC", "Co., Ltd.", "GmbH", "Corp.", "Limited", "")
SYNTHETIC = 10_000
REPEATS = 3


def names(rng: np.random.Generator, n: int) -> list[str]:
    picks = rng.integers(0, len(WORDS), size=(n, 3))
    forms = rng.integers(0, len(FORMS), size=n)
    return [
        " ".join(WORDS[i].title() for i in row) + (" " + FORMS[f] if FORMS[f] else "")
        for row, f in zip(picks, forms, strict=True)
    ]


def baseline(queries: list[str], forms: list[tuple[int, str]]) -> set[tuple[str, int]]:
    hits = set()
    for q in queries:
        key = normalise(q)
        if not key:
            continue
        for owner, form in forms:
            if fuzz.token_sort_ratio(key, normalise(form)) >= MATCH_THRESHOLD:
                hits.add((q, owner))
    return hits


def best(seconds: list[float]) -> str:
    return f"{min(seconds):.3f}-{max(seconds):.3f} s"


def main() -> None:
    rng = np.random.default_rng(7)
    listed = [entry.forms for entry in shipped_listings()]
    listed += [(name,) for name in names(rng, SYNTHETIC)]
    index = NameIndex(listed)
    forms = [(i, f) for i, group in enumerate(listed) for f in group]
    print(f"lists: {len(listed)} parties, {len(forms)} forms")

    queries = names(rng, 200)
    queries[::10] = [listed[i][0].upper() + " LLC" for i in range(0, 200, 10)]
    base, target = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        expected = baseline(queries, forms)
        base.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        got = {(h.query, h.owner) for h in index.match(queries)}
        target.append(time.perf_counter() - t0)
    assert got == expected, (len(got), len(expected))
    ratios = [b / t for b, t in zip(base, target, strict=True)]
    print(
        f"200 names x {len(forms)} forms: baseline {best(base)}, NameIndex {best(target)}, "
        f"{min(ratios):.0f}-{max(ratios):.0f}x faster; {len(got)} hits, same as the baseline"
    )
    for n in (2_000, 20_000):
        many = names(rng, n)
        spans = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            index.match(many)
            spans.append(time.perf_counter() - t0)
        print(f"{n:,} distinct names x {len(forms)} forms: NameIndex {best(spans)}")


if __name__ == "__main__":
    main()
