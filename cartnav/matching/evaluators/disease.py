"""``disease`` constraints: is the patient's disease the one the text names?

A patient has one disease, so several disease names in one item are read as alternatives
(see :mod:`cartnav.matching.items`). ``ALL`` with unknown lineage is neither confirmed nor ruled
out by a B-ALL or T-ALL criterion: that stays unknown.
"""

from __future__ import annotations

from cartnav.domain.criterion import Constraint, ItemKind
from cartnav.domain.verdict import Verdict
from cartnav.matching.patient_facts import PatientFacts
from cartnav.matching.results import Evaluation

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN

# Constraint names -> canonical token.
_ALIASES = {
    "B-ALL": "B-ALL",
    "BALL": "B-ALL",
    "BCP-ALL": "B-ALL",
    "B-CELL ALL": "B-ALL",
    "T-ALL": "T-ALL",
    "TALL": "T-ALL",
    "ALL": "ALL",
    "AML": "AML",
    "MPAL": "MPAL",
    "B-LBL": "B-LBL",
    "T-LBL": "T-LBL",
    "LBL": "LBL",
    "LEUKEMIA": "LEUKEMIA",
    "ACUTE LEUKEMIA": "LEUKEMIA",
    "ACUTE_LEUKEMIA": "LEUKEMIA",
    "B-CELL": "B-CELL",
    "B-CELL MALIGNANCY": "B-CELL",
    "T-CELL": "T-CELL",
    "NHL": "NHL",
    "B-NHL": "NHL",
    "LYMPHOMA": "NHL",
    "DLBCL": "LBCL",
    "LBCL": "LBCL",
    "FL": "FL",
    "MCL": "MCL",
    "BURKITT": "BURKITT",
    "CLL": "CLL",
    "SLL": "CLL",
    "CML": "CML",
    "MM": "MM",
    "MYELOMA": "MM",
    "MULTIPLE MYELOMA": "MM",
    "MDS": "MDS",
    "HODGKIN": "HODGKIN",
}

# Patient code -> (tokens confirmed, tokens that stay unknown); anything else is not_met.
_TABLE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "B-ALL": (
        frozenset({"B-ALL", "ALL", "LEUKEMIA", "B-CELL"}),
        frozenset({"MPAL", "B-LBL", "LBL"}),
    ),
    "T-ALL": (
        frozenset({"T-ALL", "ALL", "LEUKEMIA", "T-CELL"}),
        frozenset({"MPAL", "T-LBL", "LBL"}),
    ),
    "ALL": (
        frozenset({"ALL", "LEUKEMIA"}),
        frozenset({"B-ALL", "T-ALL", "B-CELL", "T-CELL", "MPAL", "B-LBL", "T-LBL", "LBL"}),
    ),
    "AML": (frozenset({"AML", "LEUKEMIA"}), frozenset({"MPAL"})),
    "MPAL": (frozenset({"MPAL", "LEUKEMIA"}), frozenset({"B-ALL", "T-ALL", "ALL", "AML"})),
    "B-LBL": (
        frozenset({"B-LBL", "LBL", "NHL", "B-CELL"}),
        frozenset({"B-ALL", "ALL", "LEUKEMIA"}),
    ),
    "T-LBL": (
        frozenset({"T-LBL", "LBL", "NHL", "T-CELL"}),
        frozenset({"T-ALL", "ALL", "LEUKEMIA"}),
    ),
}
_NAMES = {
    "B-ALL": "B-cell acute lymphoblastic leukaemia (B-ALL)",
    "T-ALL": "T-cell acute lymphoblastic leukaemia (T-ALL)",
    "ALL": "acute lymphoblastic leukaemia (ALL)",
    "AML": "acute myeloid leukaemia (AML)",
    "MPAL": "mixed-phenotype acute leukaemia (MPAL)",
    "LEUKEMIA": "leukaemia",
    "B-CELL": "a B-cell cancer",
    "T-CELL": "a T-cell cancer",
    "NHL": "lymphoma",
    "LBCL": "large B-cell lymphoma",
    "BURKITT": "Burkitt lymphoma/leukaemia",
    "MM": "multiple myeloma",
}


def canonical(name: str) -> str:
    key = name.strip().upper().replace("_", " ")
    return _ALIASES.get(key, key)


def relation(patient: str, trial: str) -> Verdict:
    """Whether a patient with disease code ``patient`` has the disease token ``trial``."""
    if patient == trial:
        return MET
    row = _TABLE.get(patient)
    if row is None:
        # Another disease the rules do not model: only an exact name decides.
        return NOT_MET if trial in _TABLE else UNKNOWN
    yes, maybe = row
    if trial in yes:
        return MET
    if trial in maybe:
        return UNKNOWN
    return NOT_MET


def name_of(token: str) -> str:
    return _NAMES.get(token, token)


def evaluate(facts: PatientFacts, constraint: Constraint, kind: ItemKind) -> Evaluation:
    raw = constraint.attrs.get("disease")
    negated = bool(constraint.attrs.get("negated"))
    if not isinstance(raw, str) or not raw.strip():
        return Evaluation(UNKNOWN, "a disease", "the disease name could not be read")
    token = canonical(raw)
    subject = f"{'a disease other than ' if negated else ''}{name_of(token)}"
    if facts.disease is None:
        return Evaluation(
            UNKNOWN,
            subject,
            "the profile does not give the diagnosis",
            ("diagnosis.disease",),
            ("diagnosis.disease",),
        )
    verdict = relation(facts.disease, token)
    if negated and verdict is not UNKNOWN:
        verdict = NOT_MET if verdict is MET else MET
    finding = f"the profile says {facts.profile.disease}"
    if verdict is UNKNOWN:
        finding += ", which does not settle it"
        return Evaluation(verdict, subject, finding, ("diagnosis.disease",), ("diagnosis.disease",))
    return Evaluation(verdict, subject, finding, ("diagnosis.disease",))
