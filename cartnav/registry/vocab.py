"""Registry vocabularies in API v2 spelling: overall status, phase, study type, sex, types.

Legacy XML and trial pages write these in many ways (``"Active, not recruiting"``,
``"Phase 1/Phase 2"``, ``"Unknown (Recruitment status was: Recruiting)"``); each function maps them
to the API v2 token, or returns ``None`` / ``()`` when the text names nothing it knows.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cartnav.domain.trial import STATUSES

PHASE_ORDER = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
_STATUS_ALIASES = {
    "UNKNOWN_STATUS": "UNKNOWN",
    "ACTIVE": "ACTIVE_NOT_RECRUITING",
    "ENROLLING": "RECRUITING",
    "OPEN": "RECRUITING",
    "NOT_YET_ENROLLING": "NOT_YET_RECRUITING",
    "NOT_YET_OPEN": "NOT_YET_RECRUITING",
    "COMPLETE": "COMPLETED",
}
_PHASE_TOKEN = re.compile(
    r"(early[\s_-]*phase[\s_-]*1|phase[\s_-]*(\d)(?:\s*/\s*(?:phase[\s_-]*)?(\d))?|n/?a\b)",
    re.IGNORECASE,
)
_NON_LETTERS = re.compile(r"[^A-Z]+")
_STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")


def _token(text: str) -> str:
    return _NON_LETTERS.sub("_", text.upper()).strip("_")


@lru_cache(maxsize=1024)
def normalise_status(text: str | None) -> str | None:
    """``"Active, not recruiting"`` -> ``"ACTIVE_NOT_RECRUITING"``; ``None`` when unknown.

    A parenthesis is a remark (``"Unknown (Recruitment status was: Recruiting)"`` -> UNKNOWN).
    """
    if text is None:
        return None
    token = _token(text.split("(", 1)[0])
    token = _STATUS_ALIASES.get(token, token)
    return token if token in STATUSES else None


@lru_cache(maxsize=1024)
def normalise_phases(text: str | None) -> tuple[str, ...]:
    """``"Phase 1/Phase 2"`` -> ``("PHASE1", "PHASE2")``; ``"N/A"`` -> ``("NA",)``."""
    if not text:
        return ()
    found: set[str] = set()
    for match in _PHASE_TOKEN.finditer(text):
        whole, first, second = match.groups()
        if whole.lower().startswith("early"):
            found.add("EARLY_PHASE1")
        elif first is not None:
            for digit in (first, second):
                if digit is not None and "1" <= digit <= "4":
                    found.add(f"PHASE{digit}")
        else:
            found.add("NA")
    return tuple(phase for phase in PHASE_ORDER if phase in found)


@lru_cache(maxsize=1024)
def normalise_study_type(text: str | None) -> str | None:
    """``"Observational [Patient Registry]"`` -> ``"OBSERVATIONAL"``."""
    if not text:
        return None
    token = _token(text.split("[", 1)[0])
    return token if token in _STUDY_TYPES else None


@lru_cache(maxsize=1024)
def normalise_sex(text: str | None) -> str | None:
    """``"All"``/``"Both"`` -> ALL, ``"Female"`` -> FEMALE, ``"Male"`` -> MALE, else ``None``."""
    if not text:
        return None
    token = _token(text)
    if token in {"ALL", "BOTH"}:
        return "ALL"
    return token if token in {"FEMALE", "MALE"} else None


@lru_cache(maxsize=1024)
def normalise_token(text: str | None) -> str | None:
    """``"Dietary Supplement"`` -> ``"DIETARY_SUPPLEMENT"`` (intervention types)."""
    if not text or not text.strip():
        return None
    return _token(text) or None
