"""What would change the answer: the unknown facts that decide the most top results."""

from __future__ import annotations

from collections.abc import Sequence

from cartnav.matching.results import MissingFact, TrialMatch

_LABELS = {
    "diagnosis.disease": "The exact diagnosis (B-ALL, T-ALL, AML, ...)",
    "diagnosis.cns_status": "CNS status",
    "diagnosis.ph_positive": "Philadelphia chromosome status",
    "diagnosis.down_syndrome": "Down syndrome",
    "history": "The treatment history (relapses, responses, transplant, CAR-T)",
    "current.mrd": "MRD",
    "current.marrow_blasts_pct": "The marrow blast percentage",
    "current.performance": "Performance status (Lansky, Karnofsky or ECOG)",
    "current.karnofsky": "The Karnofsky score",
    "current.lansky": "The Lansky score",
    "current.ecog": "The ECOG score",
    "current.infections": "Infection screening (HIV, hepatitis B/C)",
    "current.active_infection": "Active infection",
    "current.active_gvhd": "Active GVHD",
    "current.pregnant": "Pregnancy status",
    "current.other_malignancy": "A history of another cancer",
    "current.organ.creatinine_x_uln": "Creatinine",
    "current.organ.creatinine_clearance_ml_min": "Creatinine clearance",
    "current.organ.alt_x_uln": "ALT",
    "current.organ.ast_x_uln": "AST",
    "current.organ.bilirubin_x_uln": "Bilirubin",
    "current.organ.lvef_pct": "Heart function (LVEF)",
    "current.organ.shortening_fraction_pct": "Shortening fraction",
    "current.organ.spo2_pct": "Oxygen saturation",
    "sex": "Sex",
}


def label(field: str) -> str:
    if field in _LABELS:
        return _LABELS[field]
    head, _, rest = field.partition(".")
    if head == "markers":
        return f"{rest} status"
    words = rest.replace("_", " ").replace(".", " ")
    if head == "history":
        return f"Whether the patient had {words}"
    if head in ("lab", "condition"):
        return f"{words[:1].upper()}{words[1:]} (not a profile field)"
    return field


def missing_information(results: Sequence[TrialMatch]) -> tuple[MissingFact, ...]:
    """Per profile field, the possibly-eligible results whose unknown criteria need it."""
    trials: dict[str, list[str]] = {}
    for match in results:
        if match.overall != "possibly_eligible":
            continue
        fields = {m for c in match.criteria if c.verdict == "unknown" for m in c.missing}
        for field in sorted(fields):
            trials.setdefault(field, []).append(match.nct_id)
    facts = [MissingFact(f, label(f), tuple(ids)) for f, ids in trials.items()]
    facts.sort(key=lambda m: (-len(m.trials), m.field.startswith(("lab.", "condition.")), m.field))
    return tuple(facts)
