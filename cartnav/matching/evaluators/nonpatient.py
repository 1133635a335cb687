"""``consent`` / ``logistics`` (not patient facts) and ``unknown`` (text cartnav cannot read)."""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation


def consent(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    return Evaluation(
        Verdict.NOT_APPLICABLE,
        "consent or agreement",
        "not a medical fact: to confirm with the study team",
    )


def logistics(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    return Evaluation(
        Verdict.NOT_APPLICABLE,
        "a practical arrangement (travel, stay, follow-up)",
        "not a medical fact: to confirm with the study team",
    )


def unknown(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    return Evaluation(
        Verdict.UNKNOWN,
        "this criterion",
        "cartnav cannot check this wording automatically; ask the study team",
    )
