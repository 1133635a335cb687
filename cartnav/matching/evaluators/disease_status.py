"""``disease_status`` constraints: relapsed, refractory, second relapse, relapse after
transplant, MRD and marrow blasts, extramedullary disease."""

from __future__ import annotations

from collections.abc import Callable

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.compare import fmt, holds, number
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
HISTORY = ("history",)
Finding = tuple[Verdict, str, tuple[str, ...], tuple[str, ...]]

_NAMES = {
    "relapsed": "relapsed disease",
    "refractory": "refractory disease (not in remission after treatment)",
    "relapsed_or_refractory": "relapsed or refractory disease",
    "second_or_later_relapse": "a second or later relapse",
    "post_hsct": "a relapse after a stem cell transplant",
    "primary_refractory": "primary refractory disease",
    "mrd_positive": "measurable residual disease (MRD)",
    "active_disease": "leukaemia cells in the marrow",
    "extramedullary": "disease outside the marrow (extramedullary)",
    "isolated_extramedullary": "a relapse only outside the marrow (isolated extramedullary)",
}


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    status = str(constraint.attrs.get("status") or "").lower().strip()
    subject = _NAMES.get(status, status.replace("_", " ") or "a disease status")
    if status == "mrd_positive":
        return _mrd(facts, constraint, subject)
    if status == "active_disease":
        return _blasts(facts, constraint, subject)
    reader = _READERS.get(status)
    if reader is None:
        return Evaluation(UNKNOWN, subject, "cartnav cannot check this status yet", (), ())
    if not facts.course.history_known:
        return Evaluation(
            UNKNOWN, subject, "the profile gives no treatment history", HISTORY, HISTORY
        )
    verdict, finding, read, missing = reader(facts)
    return Evaluation(verdict, subject, finding, read, missing)


def _count_words(n: int) -> str:
    return {0: "no relapse", 1: "one relapse"}.get(n, f"{n} relapses")


def _relapsed(facts: PatientFacts) -> Finding:
    n = facts.course.relapse_count
    if n is None:
        return UNKNOWN, "the number of relapses is not clear", HISTORY, HISTORY
    return (MET if n >= 1 else NOT_MET), f"the history shows {_count_words(n)}", HISTORY, ()


def _refractory(facts: PatientFacts) -> Finding:
    value = facts.course.refractory
    if value is None:
        return UNKNOWN, "the response to the latest treatment is not given", HISTORY, HISTORY
    if value:
        return MET, "the history shows no remission after the latest treatment", HISTORY, ()
    return NOT_MET, "the history shows a remission after the latest treatment", HISTORY, ()


def _relapsed_or_refractory(facts: PatientFacts) -> Finding:
    relapsed, refractory = _relapsed(facts), _refractory(facts)
    if relapsed[0] is MET:
        return relapsed
    if refractory[0] is MET:
        return refractory
    if relapsed[0] is NOT_MET and refractory[0] is NOT_MET:
        return NOT_MET, "the history shows no relapse and a remission", HISTORY, ()
    return (
        UNKNOWN,
        "the history does not show a relapse, and the response is not clear",
        HISTORY,
        HISTORY,
    )


def _second_relapse(facts: PatientFacts) -> Finding:
    n = facts.course.relapse_count
    if n is None:
        return UNKNOWN, "the number of relapses is not clear", HISTORY, HISTORY
    return (MET if n >= 2 else NOT_MET), f"the history shows {_count_words(n)}", HISTORY, ()


def _post_hsct(facts: PatientFacts) -> Finding:
    value = facts.course.post_hsct
    if value is None:
        return UNKNOWN, "whether the relapse came after a transplant is not clear", HISTORY, HISTORY
    if value:
        return MET, "the history shows a relapse after a transplant", HISTORY, ()
    return NOT_MET, "the history shows no relapse after a transplant", HISTORY, ()


def _primary_refractory(facts: PatientFacts) -> Finding:
    code = facts.course.code
    if code == "unknown":
        return UNKNOWN, "the disease state is not clear from the history", HISTORY, HISTORY
    if code == "primary_refractory":
        return MET, "the history shows no remission after induction", HISTORY, ()
    if code == "newly_diagnosed":
        return UNKNOWN, "the response to induction is not given yet", HISTORY, HISTORY
    return NOT_MET, f"the history shows {code.replace('_', ' ')}", HISTORY, ()


def _extramedullary(facts: PatientFacts, *, isolated: bool) -> Finding:
    site = facts.course.latest_relapse_site
    if site is None:
        if facts.course.relapse_count == 0:
            return NOT_MET, "the history shows no relapse", HISTORY, ()
        return UNKNOWN, "the site of the relapse is not given", HISTORY, HISTORY
    outside = (
        ("cns", "testicular", "other") if isolated else ("cns", "testicular", "other", "combined")
    )
    verdict = MET if site in outside else NOT_MET
    return verdict, f"the history gives the latest relapse site as {site}", HISTORY, ()


_READERS: dict[str, Callable[[PatientFacts], Finding]] = {
    "relapsed": _relapsed,
    "relapse": _relapsed,
    "refractory": _refractory,
    "relapsed_or_refractory": _relapsed_or_refractory,
    "second_or_later_relapse": _second_relapse,
    "post_hsct": _post_hsct,
    "primary_refractory": _primary_refractory,
    "extramedullary": lambda f: _extramedullary(f, isolated=False),
    "isolated_extramedullary": lambda f: _extramedullary(f, isolated=True),
}


def _mrd(facts: PatientFacts, constraint: Constraint, subject: str) -> Evaluation:
    threshold = number(constraint.attrs.get("threshold"))
    if threshold is not None and constraint.attrs.get("unit") == "pct":
        threshold /= 100
    op = str(constraint.attrs.get("op") or ">=")
    if threshold is not None:
        subject = f"MRD {'at least' if op in ('>=', '=') else op} {fmt(threshold * 100)}%"
    current = facts.profile.current
    mrd = current.mrd if current else None
    blasts = current.marrow_blasts_pct if current else None
    field, blast_field = "current.mrd", "current.marrow_blasts_pct"
    # morphologic disease (>= 5% marrow blasts) is residual disease far above any MRD level a
    # trial asks for (at most 5%); read from the blast count alone, so that a missing fact can
    # only ever make the answer unknown (docs/matching.md)
    lower_bound = op in (">=", ">", "=") and (threshold is None or threshold <= _MORPHOLOGIC)
    mrd_meets = mrd is not None and (
        holds(mrd, op, threshold) if threshold is not None else mrd > 0
    )
    if lower_bound and not mrd_meets and blasts is not None and blasts >= _MORPHOLOGIC * 100:
        return Evaluation(
            MET,
            subject,
            f"the profile gives {fmt(blasts)}% marrow blasts (disease seen under the microscope)",
            (blast_field,),
        )
    if mrd is None:
        return Evaluation(UNKNOWN, subject, "the profile does not give MRD", (field,), (field,))
    if lower_bound and not mrd_meets and blasts is None:
        return Evaluation(
            UNKNOWN,
            subject,
            f"the profile gives MRD {fmt(mrd * 100)}% but not the marrow blast count",
            (field, blast_field),
            (blast_field,),
        )
    return Evaluation(
        MET if mrd_meets else NOT_MET,
        subject,
        f"the profile gives MRD {fmt(mrd * 100)}%",
        (field,),
    )


_MORPHOLOGIC = 0.05  # marrow blasts that show disease under the microscope, as a fraction


def _blasts(facts: PatientFacts, constraint: Constraint, subject: str) -> Evaluation:
    threshold = number(constraint.attrs.get("threshold"))
    if threshold is not None and constraint.attrs.get("unit") == "fraction":
        threshold *= 100
    op = str(constraint.attrs.get("op") or ">=")
    if threshold is not None:
        subject = f"marrow blasts {op} {fmt(threshold)}%"
    current = facts.profile.current
    blasts = current.marrow_blasts_pct if current else None
    field = "current.marrow_blasts_pct"
    if blasts is not None:
        ok = holds(blasts, op, threshold) if threshold is not None else blasts >= 5
        return Evaluation(
            MET if ok else NOT_MET,
            subject,
            f"the profile gives {fmt(blasts)}% marrow blasts",
            (field,),
        )
    active = facts.course.active_disease
    if threshold is None and active is not None:
        finding = "the history shows active disease" if active else "the history shows a remission"
        return Evaluation(MET if active else NOT_MET, subject, finding, (field, "history"))
    return Evaluation(
        UNKNOWN, subject, "the profile does not give the marrow blast count", (field,), (field,)
    )
