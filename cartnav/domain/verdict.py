"""The four verdicts every rule and criterion produces."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


# Three-valued logic: True (yes), False (no), None (unknown: a fact is missing).
Tri = bool | None


def verdict_of(value: Tri) -> Verdict:
    """``None`` -> unknown, ``True`` -> met, ``False`` -> not met."""
    if value is None:
        return Verdict.UNKNOWN
    return Verdict.MET if value else Verdict.NOT_MET


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene OR: true if any is true, else unknown if any is unknown, else false."""
    seen_unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            seen_unknown = True
    return None if seen_unknown else False
