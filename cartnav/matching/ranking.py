"""The ranking rule (docs/matching.md): the trials a family should look at first come first.

A score in points, highest first, ties by NCT id. The eligibility band dominates: the other
parts add at most 200 points, less than the 300 between bands. Every result carries
``rank_reasons``, one line per part that scored.
"""

from __future__ import annotations

from dataclasses import dataclass

from cartnav.domain.patient import normalise_antigen
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Overall
from cartnav.matching.trial_traits import TARGET_LINEAGE, TrialTraits

BAND = {"likely_eligible": 600, "possibly_eligible": 300, "not_eligible": 0}
BAND_WORDS = {
    "likely_eligible": "likely eligible",
    "possibly_eligible": "possibly eligible",
    "not_eligible": "not eligible",
}
CERTAINTY_MAX = 40  # times the share of patient-fact criteria that are decided
CELL_THERAPY = 30
TARGET_POSITIVE = 25  # a target the profile says is positive
TARGET_ALTERNATIVE = 25  # CD19 negative: a non-CD19 target of the patient's lineage
TARGETS_NEGATIVE = -25  # every target negative in the profile
DISEASE_NAMED = 25  # the registry names the patient's own disease
RELEVANCE_MAX = 80
RECRUITING = 50
NOT_YET_RECRUITING = 25
NEAR_MAX = 20  # at home; falls linearly to 0 at FAR_KM
FAR_KM = 5000.0
HOME_COUNTRY = 10  # a site in the country of residence, when no distance is known


@dataclass(frozen=True, slots=True)
class Relevance:
    points: int
    reasons: tuple[str, ...]


def relevance(facts: PatientFacts, traits: TrialTraits, disease_specific: bool) -> Relevance:
    points = 0
    reasons: list[str] = []
    if traits.cell_therapy:
        points += CELL_THERAPY
        reasons.append(f"CAR-T / cell therapy study (+{CELL_THERAPY})")
    targets = [normalise_antigen(t) for t in traits.targets]
    if targets:
        values = {t: facts.markers.get(t, "unknown") for t in targets}
        positive = [t for t, v in values.items() if v == "positive"]
        cd19_negative = facts.markers.get("CD19") == "negative"
        alternatives = [
            t
            for t in targets
            if t != "CD19" and facts.lineage in TARGET_LINEAGE.get(t, frozenset({facts.lineage}))
        ]
        if positive:
            points += TARGET_POSITIVE
            reasons.append(
                f"targets {', '.join(positive)}, which the profile says is positive"
                f" (+{TARGET_POSITIVE})"
            )
        elif cd19_negative and alternatives:
            points += TARGET_ALTERNATIVE
            reasons.append(
                f"targets {', '.join(alternatives)}: an option when CD19 is negative"
                f" (+{TARGET_ALTERNATIVE})"
            )
        if all(v == "negative" for v in values.values()):
            points += TARGETS_NEGATIVE
            reasons.append(
                f"targets only {', '.join(targets)}, negative in the profile ({TARGETS_NEGATIVE})"
            )
    if disease_specific:
        points += DISEASE_NAMED
        reasons.append(
            f"the registry names the patient's disease ({facts.profile.disease}) (+{DISEASE_NAMED})"
        )
    return Relevance(max(0, min(points, RELEVANCE_MAX)), tuple(reasons))


def score(
    overall: Overall,
    decided: int,
    unknown: int,
    rel: Relevance,
    status: str,
    km: float | None,
    home_country: bool,
    phase_points: int,
    phase_label: str = "",
) -> tuple[float, tuple[str, ...]]:
    total = BAND[overall]
    reasons = [f"{BAND_WORDS[overall]} (+{BAND[overall]})"]
    if decided + unknown:
        certainty = round(CERTAINTY_MAX * decided / (decided + unknown))
        total += certainty
        reasons.append(
            f"{decided} of {decided + unknown} patient-fact criteria decided (+{certainty})"
        )
    total += rel.points
    reasons.extend(rel.reasons)
    if status == "RECRUITING":
        total += RECRUITING
        reasons.append(f"recruiting (+{RECRUITING})")
    elif status == "NOT_YET_RECRUITING":
        total += NOT_YET_RECRUITING
        reasons.append(f"not yet recruiting (+{NOT_YET_RECRUITING})")
    if km is not None:
        near = round(NEAR_MAX * max(0.0, 1 - km / FAR_KM))
        total += near
        reasons.append(f"nearest site {km:.0f} km from home (+{near})")
    elif home_country:
        total += HOME_COUNTRY
        reasons.append(f"a site in the country of residence (+{HOME_COUNTRY})")
    if phase_points:
        total += phase_points
        reasons.append(f"phase {phase_label} (+{phase_points})".replace("  ", " "))
    return float(total), tuple(reasons)
