"""Combining verdicts: alternatives (any of) and requirements (all of)."""

from __future__ import annotations

from collections.abc import Sequence

from cartnav.domain.verdict import Verdict

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE


def any_of(verdicts: Sequence[Verdict]) -> Verdict:
    decided = [v for v in verdicts if v is not NA]
    if not decided:
        return NA
    if MET in decided:
        return MET
    if all(v is NOT_MET for v in decided):
        return NOT_MET
    return UNKNOWN


def all_of(verdicts: Sequence[Verdict]) -> Verdict:
    decided = [v for v in verdicts if v is not NA]
    if not decided:
        return NA
    if NOT_MET in decided:
        return NOT_MET
    if UNKNOWN in decided:
        return UNKNOWN
    return MET
