"""Disease names: the profile's free text to a canonical code and a family the rules know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Family = Literal[
    "b_all",  # assessed fully
    "non_b_leukemia",  # T-ALL, AML, MPAL, B-LBL: level only (trials)
    "all_unknown_lineage",
    "lymphoma",  # labels listed, not assessed
    "myeloma",
    "other",
    "missing",
]

# canonical code -> (family, aliases); aliases are compared after _key()
_DISEASES: dict[str, tuple[Family, tuple[str, ...]]] = {
    "B-ALL": (
        "b_all",
        (
            "B-ALL",
            "B ALL",
            "BALL",
            "BCP-ALL",
            "B-cell ALL",
            "B-precursor ALL",
            "B-cell precursor ALL",
            "B-lineage ALL",
            "precursor B-ALL",
            "pre-B ALL",
            "CD19+ ALL",
            "B-cell acute lymphoblastic leukemia",
            "B-cell acute lymphoblastic leukaemia",
            "B-cell precursor acute lymphoblastic leukemia",
            "B-cell precursor acute lymphoblastic leukaemia",
            "B-lymphoblastic leukemia",
        ),
    ),
    "T-ALL": (
        "non_b_leukemia",
        ("T-ALL", "T ALL", "T-cell ALL", "T-cell acute lymphoblastic leukemia", "ETP-ALL"),
    ),
    "AML": ("non_b_leukemia", ("AML", "acute myeloid leukemia", "acute myeloid leukaemia")),
    "MPAL": (
        "non_b_leukemia",
        ("MPAL", "mixed phenotype acute leukemia", "mixed phenotype acute leukaemia"),
    ),
    "B-LBL": (
        "non_b_leukemia",
        ("B-LBL", "B-lymphoblastic lymphoma", "B-cell lymphoblastic lymphoma"),
    ),
    "ALL": (
        "all_unknown_lineage",
        (
            "ALL",
            "acute lymphoblastic leukemia",
            "acute lymphoblastic leukaemia",
            "acute lymphocytic leukemia",
        ),
    ),
    "LBCL": (
        "lymphoma",
        (
            "LBCL",
            "DLBCL",
            "large B-cell lymphoma",
            "diffuse large B-cell lymphoma",
            "PMBCL",
            "HGBCL",
        ),
    ),
    "FL": ("lymphoma", ("FL", "follicular lymphoma")),
    "MCL": ("lymphoma", ("MCL", "mantle cell lymphoma")),
    "MZL": ("lymphoma", ("MZL", "marginal zone lymphoma")),
    "CLL": ("lymphoma", ("CLL", "SLL", "CLL/SLL", "chronic lymphocytic leukemia")),
    "B-NHL": (
        "lymphoma",
        (
            "B-NHL",
            "NHL",
            "non-Hodgkin lymphoma",
            "B-cell lymphoma",
            "B-cell non-Hodgkin lymphoma",
            "lymphoma",
        ),
    ),
    "MM": ("myeloma", ("MM", "RRMM", "myeloma", "multiple myeloma")),
}


def _key(text: str) -> str:
    return re.sub(r"[\s\-_/]+", "", text.casefold())


_ALIASES: dict[str, str] = {
    _key(alias): code for code, (_family, aliases) in _DISEASES.items() for alias in aliases
}


@dataclass(frozen=True)
class Disease:
    code: str | None  # canonical code, the text as given when not recognised, None if missing
    family: Family

    @property
    def label_diseases(self) -> tuple[str, ...]:
        """``Indication.disease`` values whose labels cover this disease."""
        if self.family == "b_all" or self.family == "all_unknown_lineage":
            return ("B-ALL",)
        if self.family == "lymphoma":
            if self.code == "B-NHL":  # lymphoma in general: every B-cell lymphoma label
                return ("B-NHL", "LBCL", "FL", "MCL", "MZL", "CLL")
            return (self.code or "", "B-NHL") if self.code != "CLL" else ("CLL",)
        if self.family == "myeloma":
            return ("MM",)
        return ()


def classify_disease(text: str | None) -> Disease:
    """The canonical code and family of a profile's ``diagnosis.disease``."""
    if text is None or not text.strip():
        return Disease(None, "missing")
    code = _ALIASES.get(_key(text))
    if code is None:
        return Disease(text.strip(), "other")
    return Disease(code, _DISEASES[code][0])
