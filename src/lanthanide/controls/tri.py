"""Three-valued tests: True, False, or None when a fact the test needs is not known.

A legal test is a conjunction of conditions (exported from a third country, to a place outside
China, of a Part II item, at or above 0.1%). One False condition decides "not caught" whatever
the others are; otherwise one unknown condition makes the whole test unknown; so a missing
fact never clears a product that a known fact would not clear.
"""

from __future__ import annotations

Tri = bool | None


def all_of(*conditions: tuple[Tri, str]) -> tuple[Tri, list[str]]:
    """Kleene conjunction of (value, reason) pairs, with the reasons that decided it.

    False: the reason of the first False condition. None: the reasons of every unknown one.
    True: no reasons.
    """
    for value, reason in conditions:
        if value is False:
            return False, [reason]
    unknown = [reason for value, reason in conditions if value is None]
    if unknown:
        return None, unknown
    return True, []
