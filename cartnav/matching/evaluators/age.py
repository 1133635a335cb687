"""``age`` constraints: "3 to 21 years", "≤ 25 years", "≥ 18". The age is always known."""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.compare import fmt, number
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    attrs = constraint.attrs
    low, high = number(attrs.get("min_years")), number(attrs.get("max_years"))
    low_incl = attrs.get("min_inclusive", True) is not False
    high_incl = attrs.get("max_inclusive", True) is not False
    subject = _subject(low, high, low_incl, high_incl)
    age, completed = facts.age_years, facts.completed_years
    if low is None and high is None:
        return Evaluation(Verdict.UNKNOWN, "an age limit", "the limit could not be read", ("age",))
    ok = True
    if low is not None:
        ok = age >= low if low_incl else age > low
    if ok and high is not None:
        # "up to 21 years" admits a 21-year-old until the 22nd birthday (completed years).
        ok = completed <= high if high_incl and high == int(high) else age < high
        if not high_incl:
            ok = age < high
    shown = f"{age:.1f}".rstrip("0").rstrip(".")
    finding = f"the patient is {shown} years old on the matching date"
    return Evaluation(Verdict.MET if ok else Verdict.NOT_MET, subject, finding, ("age",))


def _subject(low: float | None, high: float | None, low_incl: bool, high_incl: bool) -> str:
    if low is not None and high is not None:
        return f"age {fmt(low)} to {fmt(high)} years"
    if low is not None:
        return f"age {'at least' if low_incl else 'over'} {fmt(low)} years"
    if high is not None:
        return f"age {'up to' if high_incl else 'under'} {fmt(high)} years"
    return "an age limit"
