"""Constraint evaluators, one module per constraint family.

``evaluate_constraint(facts, constraint, kind)`` returns an :class:`Evaluation` saying whether the
constraint's statement holds for the patient (met / not_met / unknown / not_applicable), in plain
words, with the profile fields read. A missing patient fact always gives ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.matching.evaluators import (
    age,
    antigen,
    condition,
    disease,
    disease_status,
    lab,
    nonpatient,
    performance,
    prior_therapy,
)
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

Evaluator = Callable[[PatientFacts, Constraint, ItemKind], Evaluation]

EVALUATORS: dict[str, Evaluator] = {
    "age": age.evaluate,
    "disease": disease.evaluate,
    "antigen": antigen.evaluate,
    "disease_status": disease_status.evaluate,
    "prior_therapy": prior_therapy.evaluate,
    "performance": performance.evaluate,
    "lab": lab.evaluate,
    "condition": condition.evaluate,
    "consent": nonpatient.consent,
    "logistics": nonpatient.logistics,
    "unknown": nonpatient.unknown,
}


def evaluate_constraint(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    """Evaluate one constraint; a type no evaluator knows is read like ``unknown``."""
    evaluator = EVALUATORS.get(constraint.type, nonpatient.unknown)
    return evaluator(facts, constraint, kind)


__all__ = ["EVALUATORS", "Evaluator", "evaluate_constraint"]
