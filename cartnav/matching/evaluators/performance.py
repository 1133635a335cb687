"""``performance`` constraints: Karnofsky, Lansky, ECOG with a threshold and an age range.

Lansky (under 16) and Karnofsky (16 and over) share the 0-100 scale and are read for each other;
ECOG is converted to a Karnofsky range (0 -> 90-100, 1 -> 70-80, 2 -> 50-60, 3 -> 30-40,
4 -> 10-20) and back, and a range that straddles the threshold stays unknown.
"""

from __future__ import annotations

import re

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.compare import holds, number, phrase, range_verdict
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

_ECOG_TO_KPS = {
    0: (90.0, 100.0),
    1: (70.0, 80.0),
    2: (50.0, 60.0),
    3: (30.0, 40.0),
    4: (10.0, 20.0),
    5: (0.0, 0.0),
}
_NAMES = {"karnofsky": "Karnofsky", "lansky": "Lansky", "ecog": "ECOG"}
_AGES = re.compile(r"^\s*(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)\s*$")


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    attrs = constraint.attrs
    scale = str(attrs.get("scale") or "").lower()
    op = str(attrs.get("op") or (">=" if scale != "ecog" else "<="))
    value = number(attrs.get("value"))
    if scale not in _NAMES or value is None:
        return Evaluation(
            Verdict.UNKNOWN, "a performance status", "the threshold could not be read"
        )
    subject = f"{_NAMES[scale]} performance status {phrase(op, value)}"
    ages = attrs.get("ages")
    if isinstance(ages, str) and ages.strip():
        subject += f" (ages {ages.strip()})"
        if not _age_applies(ages, facts.age_years):
            return Evaluation(
                Verdict.NOT_APPLICABLE, subject, "this scale is for another age group", ("age",)
            )
    current = facts.profile.current
    lansky = current.lansky if current else None
    karnofsky = current.karnofsky if current else None
    ecog = current.ecog if current else None
    fields = ("current.lansky", "current.karnofsky", "current.ecog")
    if scale == "ecog":
        if ecog is not None:
            verdict = Verdict.MET if holds(ecog, op, value) else Verdict.NOT_MET
            return Evaluation(verdict, subject, f"the profile gives ECOG {ecog}", ("current.ecog",))
        kps = karnofsky if karnofsky is not None else lansky
        if kps is None:
            return _missing(subject, fields)
        verdict = _ecog_from_kps(kps, op, value)
        return Evaluation(
            verdict,
            subject,
            f"the profile gives a Karnofsky/Lansky score of {kps} (read as ECOG)",
            fields,
            _unless_decided(verdict, "current.ecog"),
        )
    own = karnofsky if scale == "karnofsky" else lansky
    other = lansky if scale == "karnofsky" else karnofsky
    score = own if own is not None else other
    if score is not None:
        used = (
            _NAMES[scale]
            if own is not None
            else _NAMES["lansky" if scale == "karnofsky" else "karnofsky"]
        )
        verdict = Verdict.MET if holds(score, op, value) else Verdict.NOT_MET
        return Evaluation(verdict, subject, f"the profile gives {used} {score}", fields)
    if ecog is not None:
        low, high = _ECOG_TO_KPS.get(ecog, (0.0, 100.0))
        verdict = range_verdict(low, high, op, value)
        finding = f"the profile gives ECOG {ecog} (about Karnofsky {low:g}-{high:g})"
        return Evaluation(
            verdict, subject, finding, fields, _unless_decided(verdict, f"current.{scale}")
        )
    return _missing(subject, fields)


def _unless_decided(verdict: Verdict, field: str) -> tuple[str, ...]:
    return (field,) if verdict is Verdict.UNKNOWN else ()


def _missing(subject: str, fields: tuple[str, ...]) -> Evaluation:
    return Evaluation(
        Verdict.UNKNOWN,
        subject,
        "the profile gives no performance status",
        fields,
        ("current.performance",),
    )


def _ecog_from_kps(kps: int, op: str, value: float) -> Verdict:
    grades = [g for g, (low, high) in _ECOG_TO_KPS.items() if low - 9 <= kps <= high]
    if not grades:
        return Verdict.UNKNOWN
    return range_verdict(float(min(grades)), float(max(grades)), op, value)


def _age_applies(ages: str, age: float) -> bool:
    match = _AGES.match(ages)
    if match is None:
        return True  # cannot read the age range: keep the constraint
    op, bound = match.group(1) or ">=", float(match.group(2))
    return holds(age, op, bound)
