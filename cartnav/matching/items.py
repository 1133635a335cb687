"""From constraint evaluations to one verdict per criterion item, from the patient's side.

Rules (documented in docs/matching.md):

- Constraints of one item that share an ``alternative`` id are alternatives (OR); the rest must
  all hold (AND). A patient has one disease, so the disease names of one item are alternatives;
  in an exclusion item, several names of one family (conditions, prior therapies, diseases) are
  a list of things that each exclude ("HIV, HBV or HCV").
- OR: met if any is met, not_met if all are not_met, else unknown. AND: not_met if any is
  not_met, else unknown if any is unknown, else met. ``not_applicable`` parts are left out.
- An exclusion keeps its meaning: its statement holding makes the criterion ``not_met``
  (the patient is excluded); its statement not holding makes it ``met``; unknown stays unknown.
- Cautions that only ever turn a failing inclusion into ``unknown`` (the parser may split a
  sentence it cannot fully read): constraints whose text is joined by "or" are also tried as
  alternatives; a disease name that fails while the item's text names another disease that fits
  the patient stays unknown; an age range in an item with other conditions may only say whom
  the item applies to; conditional or future wording, ``has_exception`` ("except ..."), a
  qualifier the profile cannot answer ("uncontrolled hepatitis B") and an exclusion naming only
  the trial's own population leave it to the study team. Such unknowns are ``cautious``.
- Inclusion items sharing a ``group`` ("any of the following") are alternatives: when one is met
  the others are not needed (``not_applicable``); while the group is undecided a failing option
  does not stop the patient (``unknown``); when every option fails they all fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from cartnav.domain.criterion import Constraint, CriterionItem, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching import cautions, cns
from cartnav.matching.cautions import UnitKey
from cartnav.matching.combine import all_of, any_of
from cartnav.matching.evaluators import evaluate_constraint
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import CriterionResult, Evaluation
from cartnav.matching.structure import apply_cohorts, apply_groups, apply_routes

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE
_EXCLUSION_LISTS = frozenset({"condition", "prior_therapy", "disease"})
ConstraintEvaluator = Callable[[Constraint, ItemKind], Evaluation]
MAX_TEXT = 600

__all__ = [
    "all_of",
    "any_of",
    "apply_cohorts",
    "apply_groups",
    "apply_routes",
    "evaluate_item",
]


def evaluate_item(
    facts: PatientFacts, item: CriterionItem, evaluate: ConstraintEvaluator | None = None
) -> CriterionResult:
    """One item's verdict and reason (before "any of the following" groups are applied).

    ``evaluate`` replaces :func:`evaluate_constraint` (a per-patient cache, for instance).
    """
    if evaluate is None:
        evaluate = partial(evaluate_constraint, facts)
    constraints = item.constraints
    if len(constraints) == 1:
        types: tuple[str, ...] = (constraints[0].type,)
    else:
        types = tuple(dict.fromkeys(c.type for c in constraints))
    span = (item.start, item.end)
    if not item.constraints:
        return CriterionResult(
            item.kind,
            item.text,
            UNKNOWN,
            "Unknown: cartnav cannot check this wording automatically; ask the study team.",
            span=span,
            group=item.group,
        )
    if cautions.only_for_ph_positive(facts, item):
        return CriterionResult(
            item.kind,
            item.text,
            NA,
            "Not applicable: this criterion is for Philadelphia chromosome-positive disease, and"
            " the profile says Ph-negative.",
            span=span,
            group=item.group,
            facts=("diagnosis.ph_positive",),
            constraint_types=types,
            parent=item.parent,
        )
    if len(item.constraints) == 1:
        statement, evaluations, disease_fit, cautious, open_types = _single(facts, item, evaluate)
    else:
        statement, evaluations, disease_fit, cautious, open_types = _several(facts, item, evaluate)
    if item.kind == "exclusion" and statement is MET and cautions.names_own_population(item):
        statement, cautious = UNKNOWN, True
    verdict = statement
    if item.kind == "exclusion" and statement in (MET, NOT_MET):
        verdict = NOT_MET if statement is MET else MET
    if len(evaluations) == 1:
        relevant = evaluations
        facts_read = evaluations[0].facts
        missing = evaluations[0].missing if verdict is UNKNOWN else ()
    else:
        # a failure a caution softened to unknown is the part to name, not the parts that hold
        relevant = (
            [e for e in evaluations if e.verdict is statement]
            or [e for e in evaluations if e.verdict is not MET]
            or evaluations
        )
        facts_read = tuple(dict.fromkeys(f for e in relevant for f in e.facts))
        missing = ()
        if verdict is UNKNOWN:
            missing = tuple(
                dict.fromkeys(m for e in evaluations if e.verdict is UNKNOWN for m in e.missing)
            )
    reason = _reason(item.kind, statement, relevant)
    if verdict is NOT_MET and cautions.CONDITIONAL.search(item.text):
        verdict, missing, cautious = UNKNOWN, (), True
        reason = (
            "Unknown: the wording is conditional (if, provided, unless, allowed ...), so the study"
            f" team must judge it. ({reason})"
        )
    if verdict is UNKNOWN and not cautious:
        therapy = cautions.unread_targeted_therapy(facts, item)
        if therapy is not None:
            cautious = True
            reason = (
                "Unknown: this exclusion speaks of a CAR-T or CD19/CD22-directed therapy, and the"
                f" history lists {therapy}; cartnav could not read the rest of it, so the study"
                " team must judge it."
            )
    if verdict is MET and cautions.names_a_relapse_the_patient_lacks(facts, item):
        verdict, missing, cautious = UNKNOWN, (), True
        reason = (
            "Unknown: the text speaks of a relapse, which the history does not show, and"
            f" cartnav did not read that part, so the study team must judge it. ({reason})"
        )
    return CriterionResult(
        kind=item.kind,
        text=item.text,
        verdict=verdict,
        reason=reason,
        span=span,
        group=item.group,
        facts=facts_read,
        missing=missing,
        constraint_types=types,
        disease_fit=disease_fit,
        parent=item.parent,
        cautious=cautious and verdict is UNKNOWN,
        open_types=open_types if item.kind == "inclusion" and verdict is not MET else (),
    )


# (statement, evaluations, the disease unit's verdict, whether a caution softened a failure,
# the types of the parts not met)
Combined = tuple[Verdict, list[Evaluation], Verdict | None, bool, tuple[str, ...]]


def _single(facts: PatientFacts, item: CriterionItem, evaluate: ConstraintEvaluator) -> Combined:
    """The common case, one constraint: the same rules as :func:`_several`, without the work."""
    constraint = item.constraints[0]
    raw = evaluate(constraint, item.kind)
    evaluation = _careful(facts, raw, constraint, item)
    statement = evaluation.verdict
    if (
        constraint.type == "disease_status"
        and item.kind == "inclusion"
        and statement is NOT_MET
        and cautions.text_names_a_fitting_status(facts, item)
    ):
        statement = UNKNOWN
    disease_fit = None
    if constraint.type == "disease" and not constraint.attrs.get("negated"):
        if (
            item.kind == "inclusion"
            and statement is NOT_MET
            and cautions.text_names_a_fitting_disease(facts, item)
        ):
            statement = UNKNOWN
        disease_fit = statement
    cautious = statement is not raw.verdict or evaluation.cautious
    open_types = (constraint.type,) if statement in (NOT_MET, UNKNOWN) else ()
    return statement, [evaluation], disease_fit, cautious, open_types


def _several(facts: PatientFacts, item: CriterionItem, evaluate: ConstraintEvaluator) -> Combined:
    raw = [evaluate(c, item.kind) for c in item.constraints]
    evaluations = [_careful(facts, r, c, item) for r, c in zip(raw, item.constraints, strict=True)]
    keys = [_unit_key(item, index, c) for index, c in enumerate(item.constraints)]
    units: dict[UnitKey, list[Verdict]] = {}
    strict_units: dict[UnitKey, list[Verdict]] = {}
    for key, evaluation, first in zip(keys, evaluations, raw, strict=True):
        units.setdefault(key, []).append(evaluation.verdict)
        strict_units.setdefault(key, []).append(first.verdict)
    verdicts = {key: any_of(unit) for key, unit in units.items()}
    strict = all_of([any_of(unit) for unit in strict_units.values()])
    disease_fails = verdicts.get(("disease", None)) is NOT_MET
    if (
        item.kind == "inclusion"
        and disease_fails
        and cautions.text_names_a_fitting_disease(facts, item)
    ):
        verdicts[("disease", None)] = UNKNOWN
    cautions.age_as_scope(item, keys, verdicts)
    if item.kind == "inclusion" and cautions.text_names_a_fitting_status(facts, item):
        for key, constraint in zip(keys, item.constraints, strict=True):
            if constraint.type == "disease_status" and verdicts[key] is NOT_MET:
                verdicts[key] = UNKNOWN
    statement = all_of(list(verdicts.values()))
    fails = item.kind == "inclusion" and statement is NOT_MET and len(verdicts) > 1
    if fails and (
        cautions.or_linked(item, keys, verdicts) is not NOT_MET
        or cautions.or_segments(item, keys, verdicts) is not NOT_MET
    ):
        statement = UNKNOWN
    cautious = statement is not strict or any(
        e.cautious and e.verdict is UNKNOWN for e in evaluations
    )
    open_types = tuple(
        dict.fromkeys(
            c.type
            for key, c in zip(keys, item.constraints, strict=True)
            if verdicts[key] in (NOT_MET, UNKNOWN)
        )
    )
    return statement, evaluations, verdicts.get(("disease", None)), cautious, open_types


def _careful(
    facts: PatientFacts, raw: Evaluation, constraint: Constraint, item: CriterionItem
) -> Evaluation:
    """A constraint's evaluation read with the item's words (CNS levels, exceptions,
    qualifiers the profile cannot answer)."""
    if cns.is_leveled(constraint, item):
        leveled = cns.refine(facts, constraint, item, raw)
        return cautions.from_model(
            cautions.with_exception(leveled, constraint, item.kind), constraint, item.kind
        )
    evaluation = cautions.with_exception(raw, constraint, item.kind)
    evaluation = cautions.therapy_in_context(evaluation, constraint, item)
    evaluation = cautions.qualified(evaluation, constraint, item, facts)
    evaluation = cautions.mrd_from_blasts_at_a_time_point(evaluation, constraint, item)
    return cautions.from_model(evaluation, constraint, item.kind)


def _unit_key(item: CriterionItem, index: int, constraint: Constraint) -> UnitKey:
    if constraint.alternative is not None:
        return ("alt", constraint.alternative)
    if constraint.type == "disease" and not constraint.attrs.get("negated"):
        return ("disease", None)
    if item.kind == "exclusion" and constraint.type in _EXCLUSION_LISTS:
        return ("list", constraint.type)
    return ("one", index)


def _reason(kind: str, statement: Verdict, evaluations: Sequence[Evaluation]) -> str:
    if all(e.subject == "this criterion" for e in evaluations):
        return f"Unknown: {evaluations[0].finding}."
    if statement is NA:
        parts = "; ".join(f"{e.subject}: {e.finding}" for e in evaluations)
        return f"Not applicable: {parts}."
    checkable = [e for e in evaluations if e.subject != "this criterion"]
    if kind == "exclusion":
        joiner = ", and " if statement is not UNKNOWN else ", but "
        parts = "; ".join(f"{e.subject}{joiner}{e.finding}" for e in checkable)
        lead = {MET: "Excluded", NOT_MET: "Not excluded", UNKNOWN: "Unknown"}[statement]
        return f"{lead}: the trial excludes {parts}."
    joiner = ", and " if statement is MET else ", but "
    parts = "; ".join(f"{e.subject}{joiner}{e.finding}" for e in checkable)
    lead = {MET: "Met", NOT_MET: "Not met", UNKNOWN: "Unknown"}[statement]
    return f"{lead}: the trial asks for {parts}."
