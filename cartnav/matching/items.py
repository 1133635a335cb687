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
- Inclusion items sharing a ``group`` ("any of the following") are alternatives: when one is met
  the others are not needed (``not_applicable``); while the group is undecided a failing option
  does not stop the patient (``unknown``); when every option fails they all fail.
"""

from __future__ import annotations

from collections.abc import Sequence

from cartnav.domain.criterion import CriterionItem
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators import evaluate_constraint
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import CriterionResult, Evaluation

MET, NOT_MET, UNKNOWN, NA = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.NOT_APPLICABLE
_EXCLUSION_LISTS = frozenset({"condition", "prior_therapy", "disease"})
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


def evaluate_item(facts: PatientFacts, item: CriterionItem) -> CriterionResult:
    """One item's verdict and reason (before "any of the following" groups are applied)."""
    types = tuple(dict.fromkeys(c.type for c in item.constraints))
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
    evaluations = [evaluate_constraint(facts, c, item.kind) for c in item.constraints]
    units: dict[tuple[str, object], list[Evaluation]] = {}
    for index, (constraint, evaluation) in enumerate(
        zip(item.constraints, evaluations, strict=True)
    ):
        if constraint.alternative is not None:
            key: tuple[str, object] = ("alt", constraint.alternative)
        elif constraint.type == "disease" and not constraint.attrs.get("negated"):
            key = ("disease", None)
        elif item.kind == "exclusion" and constraint.type in _EXCLUSION_LISTS:
            key = ("list", constraint.type)
        else:
            key = ("one", index)
        units.setdefault(key, []).append(evaluation)
    statement = all_of([any_of([e.verdict for e in unit]) for unit in units.values()])
    verdict = statement
    if item.kind == "exclusion" and statement in (MET, NOT_MET):
        verdict = NOT_MET if statement is MET else MET
    relevant = [e for e in evaluations if e.verdict is statement] or evaluations
    facts_read = tuple(dict.fromkeys(f for e in evaluations for f in e.facts))
    missing = tuple(
        dict.fromkeys(m for e in evaluations if e.verdict is UNKNOWN for m in e.missing)
    )
    if verdict is not UNKNOWN:
        missing = ()
    return CriterionResult(
        kind=item.kind,
        text=item.text,
        verdict=verdict,
        reason=_reason(item.kind, statement, relevant),
        span=span,
        group=item.group,
        facts=facts_read,
        missing=missing,
        constraint_types=types,
    )


def _reason(kind: str, statement: Verdict, evaluations: Sequence[Evaluation]) -> str:
    if all(e.subject == "this criterion" for e in evaluations):
        return evaluations[0].finding[0].upper() + evaluations[0].finding[1:] + "."
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
    return CriterionResult(
        result.kind,
        result.text,
        verdict,
        reason,
        result.source,
        result.span,
        result.group,
        result.facts,
        result.missing if verdict is UNKNOWN else (),
        result.constraint_types,
    )
