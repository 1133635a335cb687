"""Organ conditions ("normal liver and kidney function", "no cardiac disease") against the
profile's organ values.

The profile has no field for a diagnosis of liver, kidney or heart disease, only measurements.
A measurement well outside the usual limits may be what the trial means, or not: it never
decides the criterion, but it makes the unknown *cautious*, so that a trial asking for normal
organ function is not called likely for a patient with bilirubin 4 × ULN.
"""

from __future__ import annotations

from collections.abc import Callable

from cartnav.domain.verdict import Verdict
from cartnav.matching.patient_facts import PatientFacts

Finding = tuple[Verdict, str, tuple[str, ...], tuple[str, ...]]
FIELD = "current.organ"

# (attribute, words, limit, True when above the limit is abnormal)
_SIGNS: dict[str, tuple[tuple[str, str, float, bool], ...]] = {
    "liver": (
        ("bilirubin_x_uln", "bilirubin {} × ULN", 1.5, True),
        ("alt_x_uln", "ALT {} × ULN", 3.0, True),
        ("ast_x_uln", "AST {} × ULN", 3.0, True),
    ),
    "kidney": (
        ("creatinine_x_uln", "creatinine {} × ULN", 1.5, True),
        ("creatinine_clearance_ml_min", "creatinine clearance {} mL/min", 60.0, False),
    ),
    "heart": (
        ("lvef_pct", "LVEF {}%", 45.0, False),
        ("shortening_fraction_pct", "shortening fraction {}%", 28.0, False),
    ),
    "lung": (("spo2_pct", "oxygen saturation {}%", 92.0, False),),
}
_ORGANS_OF = {
    "organ_dysfunction": ("liver", "kidney", "heart", "lung"),
    "liver_disease": ("liver",),
    "cardiac_disease": ("heart",),
    "pulmonary_disease": ("lung",),
}


def _number(value: float) -> str:
    return f"{value:g}"


def abnormal(facts: PatientFacts, organs: tuple[str, ...]) -> list[str]:
    """The profile's organ values well outside the usual limits, in words."""
    current = facts.profile.current
    organ = current.organ if current else None
    if organ is None:
        return []
    found = []
    for name in organs:
        for attribute, words, limit, above in _SIGNS[name]:
            value = getattr(organ, attribute)
            if value is not None and (value > limit if above else value < limit):
                found.append(words.format(_number(value)))
    return found


def reader(token: str) -> Callable[[PatientFacts], Finding]:
    organs = _ORGANS_OF[token]

    def read(facts: PatientFacts) -> Finding:
        signs = abnormal(facts, organs)
        if not signs:
            return Verdict.UNKNOWN, "the profile has no field for this", (), (f"condition.{token}",)
        finding = (
            f"the profile gives {', '.join(signs)}, which may be what the trial means; the study"
            " team must judge"
        )
        return Verdict.UNKNOWN, finding, (FIELD,), ()

    return read


READERS = {token: reader(token) for token in _ORGANS_OF}
