"""One patient, read once per matching run: age on the matching date, disease, lineage, course."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cartnav.domain.patient import Profile
from cartnav.domain.trial import DAYS_PER_YEAR
from cartnav.matching.course import Course, read_course

# Patient disease text -> canonical code (interfaces.md section 1 plus common spellings).
_DISEASE_ALIASES = {
    "B-ALL": "B-ALL",
    "BALL": "B-ALL",
    "B ALL": "B-ALL",
    "BCP-ALL": "B-ALL",
    "T-ALL": "T-ALL",
    "TALL": "T-ALL",
    "T ALL": "T-ALL",
    "AML": "AML",
    "MPAL": "MPAL",
    "B-LBL": "B-LBL",
    "T-LBL": "T-LBL",
    "ALL": "ALL",
    "CLL": "CLL",
    "CML": "CML",
    "DLBCL": "DLBCL",
    "MM": "MM",
    "MYELOMA": "MM",
    "MDS": "MDS",
}
_LINEAGE = {"B-ALL": "B", "B-LBL": "B", "T-ALL": "T", "T-LBL": "T", "AML": "M", "MPAL": "mixed"}


@dataclass(frozen=True, slots=True)
class PatientFacts:
    profile: Profile
    as_of: dt.date
    age_years: float  # on ``as_of``
    completed_years: int
    disease: str | None  # canonical code, or the upper-cased text for other diseases
    lineage: str | None  # B | T | M | mixed | None (unknown)
    markers: Mapping[str, str]
    course: Course

    @property
    def age_days(self) -> float:
        return self.age_years * DAYS_PER_YEAR


def read_patient(profile: Profile, *, as_of: dt.date) -> PatientFacts:
    """Read the facts matching needs; ``as_of`` is the matching date (age is counted to it)."""
    age, completed = _age_on(profile, as_of)
    disease = canonical_disease(profile.disease)
    return PatientFacts(
        profile=profile,
        as_of=as_of,
        age_years=age,
        completed_years=completed,
        disease=disease,
        lineage=_LINEAGE.get(disease or ""),
        markers=dict(profile.markers),
        course=read_course(profile),
    )


def canonical_disease(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    key = text.strip().upper()
    return _DISEASE_ALIASES.get(key, key)


def _age_on(profile: Profile, as_of: dt.date) -> tuple[float, int]:
    facts_date = profile.as_of or as_of
    if profile.birth_date is not None and profile.age_years is None:
        born = profile.birth_date
        on = max(as_of, born)
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return (on - born).days / DAYS_PER_YEAR, max(years, 0)
    assert profile.age_years is not None
    shift = max((as_of - facts_date).days, 0) / DAYS_PER_YEAR
    age = profile.age_years + shift
    return age, int(age)
