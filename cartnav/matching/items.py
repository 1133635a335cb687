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

import itertools
import re
from collections.abc import Callable, Sequence
from functools import partial

from cartnav.domain.criterion import Constraint, CriterionItem, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators import evaluate_constraint
from cartnav.matching.evaluators.disease import relation
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import CriterionResult, Evaluation
from cartnav.matching.trial_traits import diseases_in

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE
_EXCLUSION_LISTS = frozenset({"condition", "prior_therapy", "disease"})
_OR = re.compile(r"\bor\b|/|\beither\b|\bany of\b", re.IGNORECASE)
_QUALIFIED = re.compile(
    r"uncontrol|not (?:well )?controlled|symptomatic|requiring|progressive|replicat|viral load"
    r"|detectable|clinically significant",
    re.IGNORECASE,
)
_ACTIVE = re.compile(r"\bactive\b", re.IGNORECASE)
_RELAPSE_WORDS = re.compile(r"relaps|recurr", re.IGNORECASE)
_REFRACTORY_WORDS = re.compile(
    r"refractor|induction failure|fail\w* to (?:achieve|respond)|\bno cr\b|not achiev|non-?respon",
    re.IGNORECASE,
)
_MRD_WORDS = re.compile(r"\bmrd\b|minimal residual|measurable residual", re.IGNORECASE)
OTHER_COHORT = "Not applicable: this criterion is for another disease cohort"
UnitKey = tuple[str, object]
ConstraintEvaluator = Callable[[Constraint, ItemKind], Evaluation]
_CONDITIONAL = re.compile(
    r"\bif\b|\bprovided\b|\bunless\b|\bexcept\b|\bwill be eligible\b|\bare eligible\b"
    r"|\ballowed\b|\bpermitted\b|\bno time restriction\b|\bnot be required\b|\bmay\b"
    r"|\bplan(?:ned)?\b|\bproceed to\b|\bwill (?:undergo|receive)\b|\bcandidate for\b"
    r"|\bdonor identified\b|\brisk of\b|\bfuture\b|\bprospective\b",
    re.IGNORECASE,
)
MAX_TEXT = 600


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
    if len(item.constraints) == 1:
        statement, evaluations, disease_fit, cautious = _single(facts, item, evaluate)
    else:
        statement, evaluations, disease_fit, cautious = _several(facts, item, evaluate)
    if item.kind == "exclusion" and statement is MET and _names_own_population(item):
        statement, cautious = UNKNOWN, True
    verdict = statement
    if item.kind == "exclusion" and statement in (MET, NOT_MET):
        verdict = NOT_MET if statement is MET else MET
    if len(evaluations) == 1:
        relevant = evaluations
        facts_read = evaluations[0].facts
        missing = evaluations[0].missing if verdict is UNKNOWN else ()
    else:
        relevant = [e for e in evaluations if e.verdict is statement] or evaluations
        facts_read = tuple(dict.fromkeys(f for e in relevant for f in e.facts))
        missing = ()
        if verdict is UNKNOWN:
            missing = tuple(
                dict.fromkeys(m for e in evaluations if e.verdict is UNKNOWN for m in e.missing)
            )
    reason = _reason(item.kind, statement, relevant)
    if verdict is NOT_MET and _CONDITIONAL.search(item.text):
        verdict, missing, cautious = UNKNOWN, (), True
        reason = (
            "Unknown: the wording is conditional (if, provided, unless, allowed ...), so the study"
            f" team must judge it. ({reason})"
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
    )


# (statement, evaluations, the disease unit's verdict, whether a caution softened a failure)
Combined = tuple[Verdict, list[Evaluation], Verdict | None, bool]


def _single(facts: PatientFacts, item: CriterionItem, evaluate: ConstraintEvaluator) -> Combined:
    """The common case, one constraint: the same rules as :func:`_several`, without the work."""
    constraint = item.constraints[0]
    raw = evaluate(constraint, item.kind)
    evaluation = _qualified(_with_exception(raw, constraint, item.kind), constraint, item)
    statement = evaluation.verdict
    if (
        constraint.type == "disease_status"
        and item.kind == "inclusion"
        and statement is NOT_MET
        and _text_names_a_fitting_status(facts, item)
    ):
        statement = UNKNOWN
    disease_fit = None
    if constraint.type == "disease" and not constraint.attrs.get("negated"):
        if (
            item.kind == "inclusion"
            and statement is NOT_MET
            and _text_names_a_fitting_disease(facts, item)
        ):
            statement = UNKNOWN
        disease_fit = statement
    return statement, [evaluation], disease_fit, statement is not raw.verdict


def _several(facts: PatientFacts, item: CriterionItem, evaluate: ConstraintEvaluator) -> Combined:
    raw = [evaluate(c, item.kind) for c in item.constraints]
    evaluations = [
        _qualified(_with_exception(r, c, item.kind), c, item)
        for r, c in zip(raw, item.constraints, strict=True)
    ]
    keys = [_unit_key(item, index, c) for index, c in enumerate(item.constraints)]
    units: dict[UnitKey, list[Verdict]] = {}
    strict_units: dict[UnitKey, list[Verdict]] = {}
    for key, evaluation, first in zip(keys, evaluations, raw, strict=True):
        units.setdefault(key, []).append(evaluation.verdict)
        strict_units.setdefault(key, []).append(first.verdict)
    verdicts = {key: any_of(unit) for key, unit in units.items()}
    strict = all_of([any_of(unit) for unit in strict_units.values()])
    disease_fails = verdicts.get(("disease", None)) is NOT_MET
    if item.kind == "inclusion" and disease_fails and _text_names_a_fitting_disease(facts, item):
        verdicts[("disease", None)] = UNKNOWN
    _age_as_scope(item, keys, verdicts)
    if item.kind == "inclusion" and _text_names_a_fitting_status(facts, item):
        for key, constraint in zip(keys, item.constraints, strict=True):
            if constraint.type == "disease_status" and verdicts[key] is NOT_MET:
                verdicts[key] = UNKNOWN
    statement = all_of(list(verdicts.values()))
    fails = item.kind == "inclusion" and statement is NOT_MET and len(verdicts) > 1
    if fails and (
        _or_linked(item, keys, verdicts) is not NOT_MET
        or _or_segments(item, keys, verdicts) is not NOT_MET
    ):
        statement = UNKNOWN
    return statement, evaluations, verdicts.get(("disease", None)), statement is not strict


def _unit_key(item: CriterionItem, index: int, constraint: Constraint) -> UnitKey:
    if constraint.alternative is not None:
        return ("alt", constraint.alternative)
    if constraint.type == "disease" and not constraint.attrs.get("negated"):
        return ("disease", None)
    if item.kind == "exclusion" and constraint.type in _EXCLUSION_LISTS:
        return ("list", constraint.type)
    return ("one", index)


def _age_as_scope(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> None:
    """In an inclusion item with other conditions, an age range may only say whom the item
    applies to ("any on-treatment relapse in patients aged 16-24"): its failure is unknown."""
    if item.kind != "inclusion":
        return
    ages = [k for k, c in zip(keys, item.constraints, strict=True) if c.type == "age"]
    others = [
        k
        for k, c in zip(keys, item.constraints, strict=True)
        if c.type not in ("age", "consent", "logistics", "unknown")
    ]
    if ages and others:
        for key in ages:
            if verdicts.get(key) is NOT_MET:
                verdicts[key] = UNKNOWN


def _names_own_population(item: CriterionItem) -> bool:
    """An exclusion made only of a disease and relapsed/refractory ("Recurrent or refractory ALL
    with testicular involvement") has a qualifier the parser did not read."""
    kinds = {
        c.attrs.get("status") if c.type == "disease_status" else c.type for c in item.constraints
    }
    return bool(kinds) and kinds <= {"disease", "relapsed", "refractory", "relapsed_or_refractory"}


def _with_exception(evaluation: Evaluation, constraint: Constraint, kind: str) -> Evaluation:
    """An "except ..." clause may rescue the patient: never let it stop them by itself."""
    if not constraint.attrs.get("has_exception"):
        return evaluation
    stops = evaluation.verdict is (MET if kind == "exclusion" else NOT_MET)
    if not stops:
        return evaluation
    finding = f"{evaluation.finding}; the text makes an exception the study team must judge"
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, ())


def _text_names_a_fitting_status(facts: PatientFacts, item: CriterionItem) -> bool:
    """The item's words name a disease status the patient has, or may have (the parser may have
    missed it: "primary refractory or relapsed B-ALL" read as primary refractory only). A missing
    fact counts as "may have", so removing a fact never makes a failure stricter."""
    course = facts.course
    text = item.text
    if course.relapse_count != 0 and _RELAPSE_WORDS.search(text):
        return True
    if course.refractory is not False and _REFRACTORY_WORDS.search(text):
        return True
    current = facts.profile.current
    mrd = current.mrd if current else None
    return (mrd is None or mrd > 0) and bool(_MRD_WORDS.search(text))


def _qualified(evaluation: Evaluation, constraint: Constraint, item: CriterionItem) -> Evaluation:
    """An exclusion of a condition with a qualifier the profile cannot answer ("uncontrolled
    hepatitis B", "drug-uncontrollable CNS leukaemia") does not exclude by itself."""
    if item.kind != "exclusion" or constraint.type != "condition":
        return evaluation
    if evaluation.verdict is not MET:
        return evaluation
    token = str(constraint.attrs.get("condition") or "")
    qualified = _QUALIFIED.search(item.text) and not token.startswith("uncontrolled")
    active = _ACTIVE.search(item.text) and not token.startswith("active")
    if not (qualified or active):
        return evaluation
    finding = f"{evaluation.finding}; the trial's qualifier (active, uncontrolled ...) is not given"
    return Evaluation(UNKNOWN, evaluation.subject, finding, evaluation.facts, ())


def _or_segments(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> Verdict:
    """The item read as "A B, or C D": the constraints between two "or"s must all hold."""
    order = sorted(range(len(keys)), key=lambda i: item.constraints[i].span)
    segments: list[list[Verdict]] = [[]]
    previous: int | None = None
    for i in order:
        if previous is not None:
            end, start = item.constraints[previous].span[1], item.constraints[i].span[0]
            if 0 < end <= start and _OR.search(item.text[end:start]):
                segments.append([])
        segments[-1].append(verdicts[keys[i]])
        previous = i
    return any_of([all_of(segment) for segment in segments if segment])


def _text_names_a_fitting_disease(facts: PatientFacts, item: CriterionItem) -> bool:
    if facts.disease is None:
        return False
    return any(relation(facts.disease, token) is not NOT_MET for token in diseases_in(item.text))


def _or_linked(
    item: CriterionItem, keys: Sequence[UnitKey], verdicts: dict[UnitKey, Verdict]
) -> Verdict:
    """The item's verdict when units whose text is joined by "or" are read as alternatives."""
    parent = {key: key for key in verdicts}

    def root(key: UnitKey) -> UnitKey:
        while parent[key] != key:
            key = parent[key]
        return key

    order = sorted(range(len(keys)), key=lambda i: item.constraints[i].span)
    for left, right in itertools.pairwise(order):
        end, start = item.constraints[left].span[1], item.constraints[right].span[0]
        if keys[left] != keys[right] and 0 < end <= start and _OR.search(item.text[end:start]):
            parent[root(keys[left])] = root(keys[right])
    merged: dict[UnitKey, list[Verdict]] = {}
    for key, verdict in verdicts.items():
        merged.setdefault(root(key), []).append(verdict)
    return all_of([any_of(group) for group in merged.values()])


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


def apply_cohorts(results: Sequence[CriterionResult]) -> tuple[CriterionResult, ...]:
    """Criteria for another disease cohort of the same trial do not apply to this patient.

    When an inclusion item names a disease that fits the patient (or may), an inclusion item
    naming only other diseases is for another cohort: not applicable, and so are its sub-items.
    The sub-items of an item whose disease is unknown cannot stop the patient (unknown).
    """
    fits = any(r.kind == "inclusion" and r.disease_fit in (MET, UNKNOWN) for r in results)
    out = list(results)
    other_cohort: set[int] = set()
    undecided: set[int] = set()
    for index, result in enumerate(results):
        parent = result.parent
        if parent is not None and parent in other_cohort:
            other_cohort.add(index)
            if result.verdict is not MET:
                out[index] = _replace(
                    result, NA, f"Part of another cohort's criteria. ({result.reason})"
                )
            continue
        if parent is not None and parent in undecided:
            undecided.add(index)
            if result.verdict is NOT_MET:
                reason = (
                    f"Applies only if the disease above fits; that is unknown. ({result.reason})"
                )
                out[index] = _replace(result, UNKNOWN, reason)
            continue
        if result.kind != "inclusion":
            continue
        if result.disease_fit is NOT_MET and fits:
            other_cohort.add(index)
            reason = (
                f"{OTHER_COHORT} of the trial; another"
                f" criterion covers the patient's disease. ({result.reason})"
            )
            out[index] = _replace(result, NA, reason)
        elif result.disease_fit is UNKNOWN:
            undecided.add(index)
    return tuple(out)


ROUTES = frozenset(
    {
        "relapsed",
        "refractory",
        "relapsed_or_refractory",
        "second_or_later_relapse",
        "post_hsct",
        "primary_refractory",
        "extramedullary",
        "isolated_extramedullary",
    }
)


def apply_routes(
    items: Sequence[CriterionItem], results: Sequence[CriterionResult]
) -> tuple[CriterionResult, ...]:
    """Ungrouped inclusion items that each name a disease-status route ("2nd or greater relapse",
    "any relapse after transplant") are often options of one list whose "or" the parser lost.
    While one of them is met or unknown, a failing one cannot stop the patient: unknown."""
    routes = [
        i
        for i, (item, result) in enumerate(zip(items, results, strict=True))
        if item.kind == "inclusion"
        and result.verdict is not NA
        and any(
            c.type == "disease_status" and c.attrs.get("status") in ROUTES | {"mrd_positive"}
            for c in item.constraints
        )
    ]
    if len(routes) < 2 or all(results[i].verdict is NOT_MET for i in routes):
        return tuple(results)
    out = list(results)
    for i in routes:
        if results[i].verdict is NOT_MET and items[i].group is None:
            reason = (
                f"{results[i].reason} This looks like one of several routes into the trial and"
                " another may apply: the study team must judge."
            )
            out[i] = results[i].but(UNKNOWN, reason, cautious=True)
    return tuple(out)


def apply_groups(results: Sequence[CriterionResult]) -> tuple[CriterionResult, ...]:
    """Read inclusion items sharing a ``group`` as "any of the following"."""
    groups: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        if result.group is not None and result.kind == "inclusion":
            groups.setdefault(result.group, []).append(index)
    if not groups:
        return tuple(results)
    out = list(results)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        group_verdict = any_of([results[i].verdict for i in indices])
        for i in indices:
            r = results[i]
            if group_verdict is MET and r.verdict is not MET:
                reason = f"Not needed: another option of this group is met. ({r.reason})"
                out[i] = _replace(r, NA, reason)
            elif group_verdict is UNKNOWN and r.verdict is NOT_MET:
                reason = f"{r.reason} This is one of several options; another may still apply."
                out[i] = _replace(r, UNKNOWN, reason)
            elif group_verdict is NOT_MET and r.verdict is NOT_MET:
                out[i] = _replace(r, NOT_MET, f"No option of this group is met. {r.reason}")
    return tuple(out)


def _replace(result: CriterionResult, verdict: Verdict, reason: str) -> CriterionResult:
    return result.but(verdict, reason)
