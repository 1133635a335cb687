"""Hard filters: registry status, the trial's age limits and sex, disease and lineage, place.

The patient-fact filters (age, sex, disease) also give a criterion row (``source:
registry_fields``) so an explanation shows them next to the eligibility text. A filter removes a
trial only on a known fact: a missing fact (no diagnosis, unknown lineage, no home coordinates)
never removes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartnav.domain.patient import normalise_antigen
from cartnav.domain.trial import DAYS_PER_YEAR, Trial
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.disease import name_of, relation
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import CriterionResult, FilterCheck
from cartnav.matching.trial_traits import TARGET_LINEAGE, TrialTraits
from cartnav.registry.geo import country_code

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
REGISTRY = "registry_fields"
_GENERIC = frozenset({"LEUKEMIA", "HEME", "ANY", "B-CELL", "T-CELL"})
_LINEAGE_WORDS = {"B": "B-cell", "T": "T-cell", "M": "myeloid", "P": "plasma-cell (myeloma)"}


@dataclass(frozen=True, slots=True)
class FactFilter:
    """A patient-fact filter's outcome: the check and the criterion row it adds."""

    check: FilterCheck
    row: CriterionResult | None
    specific: bool = False  # disease: the registry names the patient's disease itself


def status_filter(status: str, wanted: frozenset[str] | None) -> FilterCheck:
    shown = status.replace("_", " ").lower()
    if wanted is None:
        return FilterCheck("status", True, f"status {shown}; every status was asked for")
    if status.upper() in wanted:
        return FilterCheck("status", True, f"status {shown}")
    asked = ", ".join(sorted(s.replace("_", " ").lower() for s in wanted))
    return FilterCheck(
        "status", False, f"status {shown} is not among the statuses asked for ({asked})"
    )


def _years(days: int) -> str:
    if days < 2 * DAYS_PER_YEAR:
        months = round(days / (DAYS_PER_YEAR / 12))
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{round(days / DAYS_PER_YEAR):g} years"


def age_filter(facts: PatientFacts, min_days: int | None, max_days: int | None) -> FactFilter:
    if min_days is None and max_days is None:
        text = "Registry age limits: none stated"
    else:
        low = _years(min_days) if min_days is not None else "no minimum"
        high = _years(max_days) if max_days is not None else "no maximum"
        text = f"Registry age limits: {low} to {high}"
    limits = text.split(": ", 1)[1] if min_days is not None or max_days is not None else ""
    probe = Trial(nct_id="-", brief_title="-", min_age_days=min_days, max_age_days=max_days)
    ok = probe.admits_age(facts.age_years)
    age = f"{facts.age_years:.1f}".rstrip("0").rstrip(".")
    reason = (
        f"{'Met' if ok else 'Not met'}: "
        + (f"the registry lists ages {limits}" if limits else "the registry lists no age limit")
        + f", and the patient is {age} years old on the matching date."
    )
    row = CriterionResult(
        "inclusion",
        text,
        MET if ok else NOT_MET,
        reason,
        REGISTRY,
        facts=("age",),
        constraint_types=("age",),
    )
    return FactFilter(FilterCheck("age", ok, reason), row)


def sex_filter(facts: PatientFacts, sex: str) -> FactFilter:
    wanted = sex.upper()
    if wanted not in ("FEMALE", "MALE"):
        return FactFilter(FilterCheck("sex", True, "open to all sexes"), None)
    text = f"Registry sex: {wanted.lower()} only"
    patient = facts.profile.sex
    only = f"the trial takes {wanted.lower()} patients only"
    if patient is None or patient == "unknown":
        reason = f"Unknown: {only}, and the profile does not give the sex."
        row = CriterionResult(
            "inclusion", text, UNKNOWN, reason, REGISTRY, facts=("sex",), missing=("sex",)
        )
        return FactFilter(FilterCheck("sex", True, reason), row)
    ok = patient.upper() == wanted
    reason = f"{'Met' if ok else 'Not met'}: {only}, and the profile says {patient}."
    row = CriterionResult(
        "inclusion", text, MET if ok else NOT_MET, reason, REGISTRY, facts=("sex",)
    )
    return FactFilter(FilterCheck("sex", ok, reason), row)


def disease_filter(facts: PatientFacts, traits: TrialTraits) -> FactFilter:
    text = f"Registry conditions: {traits.condition_text}"
    patient = facts.disease
    if patient is None:
        reason = "Unknown: the profile does not give the diagnosis."
        row = CriterionResult(
            "inclusion",
            text,
            UNKNOWN,
            reason,
            REGISTRY,
            facts=("diagnosis.disease",),
            missing=("diagnosis.disease",),
            constraint_types=("disease",),
        )
        return FactFilter(FilterCheck("disease", True, reason), row)
    tokens = traits.diseases - {"OTHER", "ANY", "HEME"}
    verdict, specific = _disease_verdict(patient, traits.diseases)
    said = facts.profile.disease
    if verdict is NOT_MET:
        names = ", ".join(sorted(name_of(t) for t in tokens)) or traits.condition_text
        reason = f"Not met: the trial is for {names}, and the profile says {said}."
    else:
        lineage = _lineage_conflict(facts, traits, specific)
        if lineage is not None:
            verdict, specific = NOT_MET, False
            reason = f"Not met: {lineage}, and the profile says {said}."
        elif verdict is MET:
            reason = f"Met: the registry conditions include the patient's disease ({said})."
        else:
            reason = f"Unknown: the registry conditions do not settle whether they include {said}."
    row = CriterionResult(
        "inclusion",
        text,
        verdict,
        reason,
        REGISTRY,
        facts=("diagnosis.disease",),
        missing=("diagnosis.disease",) if verdict is UNKNOWN and patient == "ALL" else (),
        constraint_types=("disease",),
    )
    return FactFilter(FilterCheck("disease", verdict is not NOT_MET, reason), row, specific)


def _disease_verdict(patient: str, diseases: frozenset[str]) -> tuple[Verdict, bool]:
    if not diseases:
        return UNKNOWN, False
    if diseases & {"ANY", "HEME"}:
        best = (
            MET
            if patient in ("B-ALL", "T-ALL", "ALL", "AML", "MPAL", "B-LBL", "T-LBL")
            else UNKNOWN
        )
    else:
        best = NOT_MET
    specific = False
    for token in diseases - {"OTHER", "ANY", "HEME"}:
        verdict = relation(patient, token)
        if verdict is MET:
            best = MET
            specific = specific or token not in _GENERIC
        elif verdict is UNKNOWN and best is NOT_MET:
            best = UNKNOWN
    if best is NOT_MET and diseases == frozenset({"OTHER"}):
        return NOT_MET, False
    return best, specific


def _lineage_conflict(facts: PatientFacts, traits: TrialTraits, specific: bool) -> str | None:
    """A CAR trial whose every target belongs to another lineage than the patient's disease."""
    lineage = facts.lineage
    if lineage is None or lineage == "mixed" or not traits.targets:
        return None
    if specific and facts.disease in traits.diseases:
        return None  # the registry names the patient's own disease
    lineages = [TARGET_LINEAGE.get(normalise_antigen(target)) for target in traits.targets]
    if any(item is None or lineage in item for item in lineages):
        return None
    targets = ", ".join(traits.targets)
    words = sorted({_LINEAGE_WORDS[x] for item in lineages if item is not None for x in item})
    return f"the trial's cell therapy targets {targets}, a {' / '.join(words)} marker"


def place_filters(
    facts: PatientFacts,
    codes: frozenset[str],
    country: str | None,
    max_km: float | None,
    nearest_km: float | None,
) -> list[FilterCheck]:
    checks: list[FilterCheck] = []
    if country is not None:
        wanted = country_code(country) or country.strip().upper()
        if not codes:
            checks.append(FilterCheck("country", True, "the record lists no site countries; kept"))
        elif wanted in codes:
            checks.append(FilterCheck("country", True, f"has a site in {wanted}"))
        else:
            where = ", ".join(sorted(c for c in codes if c))
            checks.append(FilterCheck("country", False, f"no site in {wanted} (sites in {where})"))
    if max_km is not None:
        residence = facts.profile.residence
        if residence is None or residence.lat is None:
            checks.append(
                FilterCheck("distance", True, "the profile gives no home coordinates; not applied")
            )
        elif nearest_km is None:
            checks.append(FilterCheck("distance", True, "no site coordinates in the record; kept"))
        elif nearest_km <= max_km:
            checks.append(
                FilterCheck("distance", True, f"nearest site {nearest_km:.0f} km from home")
            )
        else:
            checks.append(
                FilterCheck(
                    "distance",
                    False,
                    f"nearest site {nearest_km:.0f} km from home, over {max_km:g} km",
                )
            )
    return checks
