"""``condition`` constraints: GVHD, infections, pregnancy, CNS disease, other cancers, ...

Each reads one profile field; a field the profile leaves empty gives unknown. Conditions the
profile has no field for (autoimmune disease, heart disease, seizures, allergies) stay unknown;
organ conditions are a cautious unknown when the organ values are well outside the usual limits
(:mod:`cartnav.matching.evaluators.organ_signs`).
"""

from __future__ import annotations

from collections.abc import Callable

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators import organ_signs
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
_NAMES = {
    "active_gvhd": "active graft-versus-host disease (GVHD)",
    "gvhd": "graft-versus-host disease (GVHD)",
    "active_infection": "an active infection",
    "uncontrolled_infection": "an uncontrolled infection",
    "hiv": "HIV infection",
    "hbv": "hepatitis B infection",
    "hcv": "hepatitis C infection",
    "syphilis": "syphilis",
    "tuberculosis": "tuberculosis",
    "pregnancy": "pregnancy",
    "breastfeeding": "breastfeeding",
    "cns3": "CNS3 disease (leukaemia in the spinal fluid)",
    "cns2": "CNS2 status (a few leukaemia cells in the spinal fluid)",
    "cns1": "CNS1 status (no leukaemia cells in the spinal fluid)",
    "cns_involvement": "leukaemia in the central nervous system",
    "active_cns_disease": "active leukaemia in the central nervous system",
    "other_malignancy": "another cancer",
    "down_syndrome": "Down syndrome",
    "ph_positive": "Philadelphia chromosome-positive disease",
}
_INFECTION_NAMES = {
    "hiv": ("HIV",),
    "hbv": ("HBV", "HEPATITIS B"),
    "hcv": ("HCV", "HEPATITIS C"),
    "syphilis": ("SYPHILIS",),
    "tuberculosis": ("TB", "TUBERCULOSIS"),
}
HARMFUL = frozenset(
    {
        "active_gvhd",
        "gvhd",
        "active_infection",
        "infection",
        "uncontrolled_infection",
        "hiv",
        "hbv",
        "hcv",
        "syphilis",
        "tuberculosis",
        "pregnancy",
        "pregnant",
        "breastfeeding",
        "other_malignancy",
        "second_malignancy",
        "autoimmune_disease",
        "cardiac_disease",
        "seizure_disorder",
        "allergy",
        "organ_dysfunction",
        "active_cns_disease",
    }
)
CHILD_AGE = 10.0  # below this age pregnancy and breastfeeding are read as "no"

Finding = tuple[Verdict, str, tuple[str, ...], tuple[str, ...]]


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    token = str(constraint.attrs.get("condition") or "").lower().strip().replace(" ", "_")
    subject = _NAMES.get(token, token.replace("_", " ") or "a medical condition")
    reader = _READERS.get(token)
    if token in _INFECTION_NAMES:
        verdict, finding, read, missing = _named_infection(facts, token)
    elif reader is not None:
        verdict, finding, read, missing = reader(facts)
    else:
        return Evaluation(
            UNKNOWN, subject, "the profile has no field for this", (), (f"condition.{token}",)
        )
    # Nobody is required to have an infection, GVHD or another cancer, or to be pregnant: for
    # these an inclusion states their absence ("No active infection", "negative pregnancy test")
    # and an exclusion their presence, whatever negation the parser read.
    if flips(token, kind, constraint):
        subject = f"no {subject}"
        if verdict is not UNKNOWN:
            verdict = NOT_MET if verdict is MET else MET
    return Evaluation(
        verdict, subject, finding, read, missing, cautious=verdict is UNKNOWN and not missing
    )


def flips(token: str, kind: ItemKind, constraint: Constraint) -> bool:
    """Whether the constraint states the condition's absence (see :func:`evaluate`)."""
    if token in HARMFUL:
        return kind == "inclusion"
    return constraint.attrs.get("negated") is True


def _flag(value: bool | None, field: str, yes: str, no: str) -> Finding:
    if value is None:
        return UNKNOWN, "the profile does not say", (field,), (field,)
    return (MET, yes, (field,), ()) if value else (NOT_MET, no, (field,), ())


def _active_gvhd(facts: PatientFacts) -> Finding:
    current = facts.profile.current
    value = current.active_gvhd if current else None
    grade = current.gvhd_grade if current else None
    if value is None and grade is not None:
        value = grade > 0
    return _flag(
        value,
        "current.active_gvhd",
        "the profile says active GVHD",
        "the profile says no active GVHD",
    )


def _active_infection(facts: PatientFacts) -> Finding:
    current = facts.profile.current
    return _flag(
        current.active_infection if current else None,
        "current.active_infection",
        "the profile says there is an active infection",
        "the profile says no active infection",
    )


def _uncontrolled_infection(facts: PatientFacts) -> Finding:
    verdict, finding, read, missing = _active_infection(facts)
    if verdict is MET:
        return UNKNOWN, finding + "; whether it is controlled is not given", read, ()
    return verdict, finding, read, missing


def _named_infection(facts: PatientFacts, token: str) -> Finding:
    current = facts.profile.current
    infections = current.infections if current else None
    field = "current.infections"
    if infections is None:
        return UNKNOWN, "the profile does not list infections", (field,), (field,)
    names = {name.strip().upper() for name in infections}
    wanted = _INFECTION_NAMES[token]
    if any(any(w in name for w in wanted) for name in names):
        return MET, f"the profile lists {wanted[0]}", (field,), ()
    return NOT_MET, f"the profile's infection list does not include {wanted[0]}", (field,), ()


def _pregnancy(facts: PatientFacts) -> Finding:
    profile = facts.profile
    if profile.sex == "male":
        return NOT_MET, "the profile says male", ("sex",), ()
    if facts.age_years < CHILD_AGE:
        return NOT_MET, "the patient is a young child", ("age",), ()
    current = profile.current
    return _flag(
        current.pregnant if current else None,
        "current.pregnant",
        "the profile says pregnant",
        "the profile says not pregnant",
    )


def _breastfeeding(facts: PatientFacts) -> Finding:
    if facts.profile.sex == "male":
        return NOT_MET, "the profile says male", ("sex",), ()
    if facts.age_years < CHILD_AGE:
        return NOT_MET, "the patient is a young child", ("age",), ()
    return UNKNOWN, "the profile does not say", (), ("condition.breastfeeding",)


def _cns_status(facts: PatientFacts) -> str | None:
    diagnosis = facts.profile.diagnosis
    return diagnosis.cns_status if diagnosis else None


def since_diagnosis(facts: PatientFacts) -> bool:
    """The CNS status is the one at diagnosis, and the patient has (or may have) relapsed since
    without a CNS relapse: CNS disease at diagnosis does not say there is CNS disease now."""
    site = facts.course.latest_relapse_site
    # An unknown course counts as "may have relapsed": removing a fact never decides more.
    return facts.course.relapse_count != 0 and site not in ("cns", "combined")


NOW_UNKNOWN = "; that was at diagnosis, and the CNS status now is not given"


def _cns3(facts: PatientFacts) -> Finding:
    status = _cns_status(facts)
    field = "diagnosis.cns_status"
    if status is None:
        return UNKNOWN, "the profile does not give the CNS status", (field,), (field,)
    if status == "CNS3" and since_diagnosis(facts):
        return UNKNOWN, f"the profile says {status}{NOW_UNKNOWN}", (field, "history"), ()
    return (MET if status == "CNS3" else NOT_MET), f"the profile says {status}", (field,), ()


def _cns_level(level: str) -> Callable[[PatientFacts], Finding]:
    def read(facts: PatientFacts) -> Finding:
        status = _cns_status(facts)
        field = "diagnosis.cns_status"
        if status is None:
            return UNKNOWN, "the profile does not give the CNS status", (field,), (field,)
        if status == level and level != "CNS1" and since_diagnosis(facts):
            return UNKNOWN, f"the profile says {status}{NOW_UNKNOWN}", (field, "history"), ()
        return (MET if status == level else NOT_MET), f"the profile says {status}", (field,), ()

    return read


def _cns_involvement(facts: PatientFacts) -> Finding:
    status = _cns_status(facts)
    site = facts.course.latest_relapse_site
    read = ("diagnosis.cns_status", "history")
    if site in ("cns", "combined") or status in ("CNS2", "CNS3"):
        if site not in ("cns", "combined") and since_diagnosis(facts):
            return UNKNOWN, f"the profile says {status}{NOW_UNKNOWN}", read, ()
        shown = "a relapse in the CNS" if site in ("cns", "combined") else status
        return MET, f"the profile says {shown}", read, ()
    if status == "CNS1" and site not in ("cns", "combined") and facts.course.history_known:
        return NOT_MET, "the profile says CNS1 and no CNS relapse", read, ()
    return UNKNOWN, "the profile does not give the CNS status", read, ("diagnosis.cns_status",)


def _active_cns(facts: PatientFacts) -> Finding:
    verdict, finding, read, missing = _cns_involvement(facts)
    if verdict is MET and facts.course.active_disease is not True:
        return (
            UNKNOWN,
            finding + "; whether it is active now is not given",
            read,
            ("condition.active_cns_disease",),
        )
    return verdict, finding, read, missing


def _other_malignancy(facts: PatientFacts) -> Finding:
    current = facts.profile.current
    return _flag(
        current.other_malignancy if current else None,
        "current.other_malignancy",
        "the profile says another cancer",
        "the profile says no other cancer",
    )


def _down(facts: PatientFacts) -> Finding:
    diagnosis = facts.profile.diagnosis
    return _flag(
        diagnosis.down_syndrome if diagnosis else None,
        "diagnosis.down_syndrome",
        "the profile says Down syndrome",
        "the profile says no Down syndrome",
    )


def _ph(facts: PatientFacts) -> Finding:
    diagnosis = facts.profile.diagnosis
    return _flag(
        diagnosis.ph_positive if diagnosis else None,
        "diagnosis.ph_positive",
        "the profile says Ph-positive",
        "the profile says Ph-negative",
    )


_READERS: dict[str, Callable[[PatientFacts], Finding]] = {
    "active_gvhd": _active_gvhd,
    "gvhd": _active_gvhd,
    "active_infection": _active_infection,
    "infection": _active_infection,
    "uncontrolled_infection": _uncontrolled_infection,
    "pregnancy": _pregnancy,
    "pregnant": _pregnancy,
    "breastfeeding": _breastfeeding,
    "cns3": _cns3,
    "cns1": _cns_level("CNS1"),
    "cns2": _cns_level("CNS2"),
    "cns_involvement": _cns_involvement,
    "cns_disease": _cns_involvement,
    "active_cns_disease": _active_cns,
    "other_malignancy": _other_malignancy,
    "second_malignancy": _other_malignancy,
    "down_syndrome": _down,
    "ph_positive": _ph,
    **organ_signs.READERS,
}
