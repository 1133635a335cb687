"""Eligibility criteria as structured, explainable items (interfaces.md section 3).

``cartnav.criteria`` turns registry text into :class:`CriterionItem` objects; ``cartnav.matching``
evaluates them against a patient. Every item keeps the exact text it came from and its offsets in
the original criteria text; every constraint keeps the span within the item text it rests on.

Constraint ``type`` values and their ``attrs`` keys (more keys are welcome):

- ``age``: ``min_years``, ``max_years`` (float or None), ``min_inclusive``, ``max_inclusive``
- ``disease``: ``disease`` (B-ALL, T-ALL, AML, MPAL, B-LBL, ALL, CLL, LBCL, DLBCL, FL, MCL,
  Burkitt, CML, myeloma, lymphoma, ...), ``negated`` (bool)
- ``antigen``: ``antigen`` (CD19, CD22, CD7, BCMA, ...), ``expression`` (positive|negative),
  ``threshold_pct`` (float or None)
- ``disease_status``: ``status`` (relapsed | refractory | relapsed_or_refractory |
  second_or_later_relapse | post_hsct | mrd_positive | active_disease | primary_refractory |
  extramedullary | isolated_extramedullary | ...), ``threshold`` (MRD fraction or blast pct),
  ``unit`` (fraction | pct), ``op``
- ``prior_therapy``: ``therapy`` (car_t | cd19_directed | hsct | allo_hsct | blinatumomab |
  inotuzumab | gene_therapy | tki | chemotherapy | ...), ``requirement`` (required | excluded |
  allowed), ``within_days`` (int or None), ``min_lines`` (int or None)
- ``performance``: ``scale`` (karnofsky | lansky | ecog), ``op``, ``value``, ``ages``
  (e.g. ">=16" / "<16" or None)
- ``lab``: ``analyte`` (creatinine | creatinine_clearance | bilirubin | alt | ast | lvef |
  shortening_fraction | spo2 | ...), ``op``, ``value``, ``unit`` (x_uln | mg_dl | umol_l |
  ml_min | pct)
- ``condition``: ``condition`` (active_gvhd | active_infection | hiv | hbv | hcv | pregnancy |
  cns3 | cns_involvement | other_malignancy | ...)
- ``consent`` / ``logistics``: no attrs (not patient facts)
- ``unknown``: no attrs; the item text is kept

``op`` is one of ``>=``, ``>``, ``<=``, ``<``, ``=``. A constraint states what the text states;
the item's ``kind`` says whether meeting it admits (inclusion) or excludes (exclusion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ItemKind = Literal["inclusion", "exclusion"]
CONSTRAINT_TYPES = (
    "age",
    "disease",
    "antigen",
    "disease_status",
    "prior_therapy",
    "performance",
    "lab",
    "condition",
    "consent",
    "logistics",
    "unknown",
)
OPS = (">=", ">", "<=", "<", "=")


@dataclass(frozen=True, slots=True)
class Constraint:
    type: str  # one of CONSTRAINT_TYPES
    attrs: dict[str, Any] = field(default_factory=dict)
    span: tuple[int, int] = (0, 0)  # character offsets within the item's text
    alternative: int | None = None  # constraints of one item sharing this id are alternatives

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as constructor arguments: about twice as quick both ways as the per-field
        # state of a frozen slotted dataclass (parse_many sends every parse between processes)
        return (Constraint, (self.type, self.attrs, self.span, self.alternative))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, **self.attrs, "span": list(self.span)}
        if self.alternative is not None:
            out["alternative"] = self.alternative
        return out


@dataclass(frozen=True, slots=True)
class CriterionItem:
    kind: ItemKind
    text: str  # the item's text, exactly as in the source (bullets/numbers stripped)
    start: int  # offsets of ``text`` in the original criteria text
    end: int
    group: str | None = None  # items in one "any of the following" group share an id
    parent: int | None = None  # index of the parent item for nested sub-items
    constraints: tuple[Constraint, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.kind, self.text, self.start, self.end, self.group, self.parent)
        return (CriterionItem, (*args, self.constraints))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "group": self.group,
            "parent": self.parent,
            "span": [self.start, self.end],
            "constraints": [c.to_dict() for c in self.constraints],
        }
