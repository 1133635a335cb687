"""The four verdicts every rule and criterion produces."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
