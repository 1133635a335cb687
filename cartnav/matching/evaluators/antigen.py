"""``antigen`` constraints: "CD19-positive", "CD22 expression ≥ 20%", "CD19-negative"."""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.patient import normalise_antigen
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.compare import fmt, number
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    raw = constraint.attrs.get("antigen")
    if not isinstance(raw, str) or not raw.strip():
        return Evaluation(Verdict.UNKNOWN, "a marker", "the marker name could not be read")
    antigen = normalise_antigen(raw)
    expression = str(constraint.attrs.get("expression") or "positive").lower()
    wanted_positive = expression != "negative"
    threshold = number(constraint.attrs.get("threshold_pct"))
    subject = f"{antigen}-{'positive' if wanted_positive else 'negative'} disease"
    if threshold is not None:
        subject += (
            f" ({fmt(threshold)}% of blasts or more)"
            if wanted_positive
            else f" (under {fmt(threshold)}% of blasts)"
        )
    field = f"markers.{antigen}"
    value = facts.markers.get(antigen, "unknown")
    if value == "unknown":
        return Evaluation(
            Verdict.UNKNOWN,
            subject,
            f"the profile does not give {antigen} status",
            (field,),
            (field,),
        )
    if value == "dim":
        return Evaluation(
            Verdict.UNKNOWN,
            subject,
            f"the profile says {antigen} is dim (weak), which the study team must judge",
            (field,),
        )
    if kind == "exclusion" and threshold is not None:
        finding = f"the profile says {antigen} {value}; the threshold needs the study team"
        return Evaluation(Verdict.UNKNOWN, subject, finding, (field,))
    positive = value == "positive"
    if positive and not wanted_positive and threshold is not None:
        # "< 30% CD19 expression": a positive test may still be under the cut-off
        finding = f"the profile says {antigen} positive; whether below {fmt(threshold)}% needs "
        return Evaluation(Verdict.UNKNOWN, subject, finding + "the study team", (field,))
    verdict = Verdict.MET if positive == wanted_positive else Verdict.NOT_MET
    finding = f"the profile says {antigen} {value}"
    if verdict is Verdict.MET and threshold is not None and wanted_positive:
        finding += f" (the percentage is not given; the trial asks for {fmt(threshold)}%)"
    return Evaluation(verdict, subject, finding, (field,))
