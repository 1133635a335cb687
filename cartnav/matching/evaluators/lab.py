"""``lab`` constraints: organ function against the profile's ``current.organ`` values.

Only values in the profile's own unit are compared (creatinine and liver tests as multiples of
the upper limit of normal, clearance in mL/min, LVEF, shortening fraction and SpO2 in %). A limit
in another unit (mg/dL, µmol/L) cannot be converted without the laboratory's normal range, so it
stays unknown.
"""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.evaluators.compare import holds, number, phrase
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

# analyte -> (profile field under current.organ, its unit, plain name)
_FIELDS: dict[str, tuple[str, str, str]] = {
    "creatinine": ("creatinine_x_uln", "x_uln", "creatinine"),
    "creatinine_clearance": ("creatinine_clearance_ml_min", "ml_min", "creatinine clearance"),
    "gfr": ("creatinine_clearance_ml_min", "ml_min", "kidney filtration (GFR)"),
    "bilirubin": ("bilirubin_x_uln", "x_uln", "bilirubin"),
    "alt": ("alt_x_uln", "x_uln", "ALT"),
    "ast": ("ast_x_uln", "x_uln", "AST"),
    "lvef": ("lvef_pct", "pct", "heart ejection fraction (LVEF)"),
    "ejection_fraction": ("lvef_pct", "pct", "heart ejection fraction (LVEF)"),
    "shortening_fraction": ("shortening_fraction_pct", "pct", "shortening fraction"),
    "spo2": ("spo2_pct", "pct", "oxygen saturation"),
}
_OTHER_NAMES = {
    "alc": "absolute lymphocyte count",
    "anc": "absolute neutrophil count",
    "platelets": "platelet count",
    "hemoglobin": "haemoglobin",
    "inr": "INR (clotting)",
    "aptt": "aPTT (clotting)",
    "pt": "prothrombin time (clotting)",
}
_UNIT_WORDS = {
    "x_uln": " × ULN",
    "ml_min": " mL/min",
    "pct": "%",
    "mg_dl": " mg/dL",
    "umol_l": " µmol/L",
}
# The highest upper limit of normal in common use, per unit (mg/dL, µmol/L): a value in × ULN
# that meets a limit even at this ULN meets it in any laboratory. Used only to say "met"; a
# value that might fail stays unknown (the laboratory's own normal range decides).
_HIGHEST_ULN = {
    ("bilirubin", "mg_dl"): 1.5,
    ("bilirubin", "umol_l"): 25.7,
    ("creatinine", "mg_dl"): 1.5,
    ("creatinine", "umol_l"): 133.0,
}
_UNIT_ALIASES = {"ml_min_1.73m2": "ml_min", "ml/min": "ml_min", "%": "pct", "uln": "x_uln"}


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    attrs = constraint.attrs
    analyte = str(attrs.get("analyte") or "").lower().replace(" ", "_")
    op = str(attrs.get("op") or "")
    value = number(attrs.get("value"))
    raw_unit = attrs.get("unit")
    unit = str(raw_unit).lower() if raw_unit else None
    unit = _UNIT_ALIASES.get(unit or "", unit)
    known = _FIELDS.get(analyte)
    name = known[2] if known else _OTHER_NAMES.get(analyte, analyte.replace("_", " "))
    name = name or "a laboratory value"
    if value is None or op not in (">=", ">", "<=", "<", "="):
        return Evaluation(Verdict.UNKNOWN, name, "the limit could not be read")
    subject = f"{name} {phrase(op, value, _UNIT_WORDS.get(unit or '', ''))}"
    if known is None:
        return Evaluation(
            Verdict.UNKNOWN,
            subject,
            "the profile has no field for this value",
            (),
            (f"lab.{analyte}",),
        )
    field_name, native_unit, _ = known
    field = f"current.organ.{field_name}"
    organ = facts.profile.current.organ if facts.profile.current else None
    patient_value = getattr(organ, field_name) if organ is not None else None
    if patient_value is None:
        return Evaluation(
            Verdict.UNKNOWN, subject, f"the profile does not give {name}", (field,), (field,)
        )
    if unit is None and native_unit == "x_uln":
        # "creatinine <= 1.5": mg/dL or times the upper limit of normal, the text does not say.
        finding = f"the limit's unit is not stated; the profile gives {name} in × ULN"
        return Evaluation(Verdict.UNKNOWN, subject, finding, (field,), (), cautious=True)
    bound = _within_any_normal_range(analyte, float(patient_value), native_unit, unit, op, value)
    if bound is not None:
        return Evaluation(Verdict.MET, subject, f"the profile gives {name} {bound}", (field,))
    if unit is not None and unit != native_unit:
        finding = (
            f"the profile gives {name} in{_UNIT_WORDS[native_unit]}, which cannot be converted"
            " without the laboratory's normal range"
        )
        return Evaluation(
            Verdict.UNKNOWN, subject, finding, (field,), (f"lab.{analyte}_{unit}",), cautious=True
        )
    verdict = Verdict.MET if holds(float(patient_value), op, value) else Verdict.NOT_MET
    shown = f"{float(patient_value):g}{_UNIT_WORDS[native_unit]}"
    return Evaluation(verdict, subject, f"the profile gives {name} {shown}", (field,))


def _within_any_normal_range(
    analyte: str, patient: float, native: str, unit: str | None, op: str, limit: float
) -> str | None:
    """A × ULN value that meets an upper limit in mg/dL or µmol/L whatever the laboratory's
    normal range (at most :data:`_HIGHEST_ULN`): the finding, else ``None``."""
    highest = _HIGHEST_ULN.get((analyte, unit or ""))
    if native != "x_uln" or highest is None or op not in ("<", "<="):
        return None
    if not holds(patient * highest, op, limit):
        return None
    return (
        f"{patient:g} × ULN, which is {phrase(op, limit, _UNIT_WORDS[unit or ''])} even at the"
        f" highest usual normal limit ({highest:g}{_UNIT_WORDS[unit or '']})"
    )
